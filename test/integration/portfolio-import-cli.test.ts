import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { generatePortfolio } from '../../bench/portfolio-import.ts'
import { parseDatabaseUrl } from '../../src/config.ts'
import { openDatabase, type Database } from '../../src/db/database.ts'
import { projectRoot } from '../../src/paths.ts'
import { dialectName } from '../helpers/database.ts'
import { freshDatabaseUrl, programArgs, runCli } from '../helpers/processes.ts'

// `oversight import portfolio` checks and previews without --commit, imports with it; and a commit killed
// with SIGKILL half-way leaves nothing of the portfolio written, and an import that can be made again.
const ROOT = projectRoot()
const dir = mkdtempSync(path.join(tmpdir(), 'oversight-portfolio-cli-'))
const cleanUp: Array<() => Promise<unknown>> = []
after(async () => {
  for (const step of cleanUp.reverse()) await step()
  rmSync(dir, { recursive: true, force: true })
})

function open(url: string): Database {
  const config = parseDatabaseUrl(url, ROOT)
  if (typeof config === 'string') throw new Error(config)
  return openDatabase(config, { poolSize: 2 })
}

describe(`import portfolio on the command line (${dialectName()})`, () => {
  let url = ''
  let db: Database
  const count = async (table: 'projects' | 'milestones' | 'programmes' | 'status_reports') =>
    Number(
      (
        await db.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )

  before(async () => {
    const fresh = await freshDatabaseUrl('oversight_portfolio')
    cleanUp.push(fresh.remove)
    url = fresh.url
    assert.equal((await runCli(url, ['migrate'])).code, 0)
    assert.equal((await runCli(url, ['org', 'create', '--slug', 'fen', '--name', 'Fenland'])).code, 0)
    db = open(url)
    cleanUp.push(() => db.close())
  })

  it('checks and previews without --commit, writing nothing; imports the good rows with it', async () => {
    const file = path.join(ROOT, 'test/fixtures/portfolio/council-portfolio-semicolon.csv')
    const check = await runCli(url, ['import', 'portfolio', file, '--org', 'fen'])
    assert.equal(check.code, 0, check.stderr)
    assert.match(check.stdout, /Rows read 7, good 4, rejected 3/)
    assert.match(check.stdout, /line 5: Project HD-02 is given twice in the file \(first on line 4\)/)
    assert.match(
      check.stdout,
      /Would change:\n {2}programmes: 2 created, 0 updated, 0 unchanged\n {2}projects: 3 created/,
    )
    assert.match(check.stderr, /Checked only: nothing was imported/)
    assert.equal(await count('projects'), 0)

    const done = await runCli(url, ['import', 'portfolio', file, '--org', 'fen', '--commit'])
    assert.equal(done.code, 0, done.stderr)
    assert.match(done.stdout, /Changed:\n {2}programmes: 2 created/)
    assert.equal(await count('projects'), 3)
    assert.equal(await count('milestones'), 3)

    const missing = await runCli(url, ['import', 'portfolio', path.join(dir, 'nope.csv'), '--org', 'fen'])
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /There is no file at/)
  })

  it('leaves nothing half-written when the commit is killed half-way, and can import again', async () => {
    const before = {
      projects: await count('projects'),
      milestones: await count('milestones'),
      programmes: await count('programmes'),
      reports: await count('status_reports'),
    }
    const file = path.join(dir, 'portfolio.csv')
    await generatePortfolio(file, 600, 10)
    const child = spawn(
      process.execPath,
      [...programArgs('cli'), 'import', 'portfolio', file, '--org', 'fen', '--commit'],
      {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', DATABASE_URL: url, IMPORT_LEASE_SECONDS: '2' },
        stdio: 'ignore',
      },
    )
    const exited = new Promise((resolve) => child.on('exit', resolve))
    const end = Date.now() + 120_000
    let importId = 0
    for (;;) {
      const row = await db.db
        .selectFrom('portfolio_imports')
        .select(['id', 'status'])
        .where('file_name', '=', 'portfolio.csv')
        .executeTakeFirst()
      if (row?.status === 'committing') {
        importId = row.id
        break
      }
      assert.notEqual(row?.status, 'committed', 'the commit finished before it could be interrupted')
      if (Date.now() > end) throw new Error('the commit never started')
      await new Promise((r) => setTimeout(r, 20))
    }
    // At once: the commit is one transaction already running, and bulk writes can finish it in a few hundred ms.
    child.kill('SIGKILL')
    await exited

    if (db.sqlite) assert.equal(db.sqlite.pragma('integrity_check', { simple: true }), 'ok')
    assert.deepEqual(
      {
        projects: await count('projects'),
        milestones: await count('milestones'),
        programmes: await count('programmes'),
        reports: await count('status_reports'),
      },
      before,
      'nothing of the killed commit was written',
    )
    // Once its lease has lapsed the import is put back, ready to import again.
    await new Promise((r) => setTimeout(r, 2500))
    const again = await runCli(url, ['import', 'portfolio', file, '--org', 'fen', '--commit'])
    assert.equal(again.code, 0, again.stderr)
    assert.equal(await count('projects'), before.projects + 600)
    assert.equal(await count('milestones'), before.milestones + 6000)
    const killed = await db.db
      .selectFrom('portfolio_imports')
      .select(['status', 'failure_reason'])
      .where('id', '=', importId)
      .executeTakeFirstOrThrow()
    assert.notEqual(killed.status, 'committed')
  })
})
