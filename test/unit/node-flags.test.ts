import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { projectRoot } from '../../src/paths.ts'
import type * as NodeFlags from '../../scripts/node-flags.mjs'

// scripts/ is plain JavaScript that `npm start` runs before anything is built; the compiled suite reads it where
// it stands.
const { serverNodeFlags } = (await import(
  pathToFileURL(path.join(projectRoot(), 'scripts', 'node-flags.mjs')).href
)) as typeof NodeFlags

describe("the server's V8 settings", () => {
  it('on SQLite: the old space capped at 128 MB and 4 MB semi-spaces', () => {
    assert.deepEqual(serverNodeFlags({}), ['--max-old-space-size=128', '--max-semi-space-size=4'])
    assert.deepEqual(serverNodeFlags({ DATABASE_URL: 'file:data/oversight.sqlite' }), [
      '--max-old-space-size=128',
      '--max-semi-space-size=4',
    ])
  })

  it('on PostgreSQL: 8 MB semi-spaces and no allocation-site pretenuring, whichever spelling of the URL', () => {
    for (const url of ['postgres://a@h/db', 'postgresql://a@h/db'])
      assert.deepEqual(serverNodeFlags({ DATABASE_URL: url, OVERSIGHT_HEAP_MB: '256' }), [
        '--max-old-space-size=256',
        '--max-semi-space-size=8',
        '--no-allocation-site-pretenuring',
      ])
  })

  it('refuses a heap limit that is not a whole number of megabytes, 64 or more', () => {
    for (const bad of ['63', '100.5', 'lots', '-1'])
      assert.throws(
        () => serverNodeFlags({ OVERSIGHT_HEAP_MB: bad }),
        /OVERSIGHT_HEAP_MB must be a whole number/,
      )
  })

  it('every flag is one node accepts', async () => {
    const { spawnSync } = await import('node:child_process')
    for (const env of [{}, { DATABASE_URL: 'postgres://a@h/db' }]) {
      const run = spawnSync(process.execPath, [...serverNodeFlags(env), '-e', ''], { encoding: 'utf8' })
      assert.equal(run.status, 0, run.stderr)
    }
  })
})
