import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { before, describe, it } from 'node:test'
import type { Database } from '../../src/db/database.ts'
import { dialectName } from '../helpers/database.ts'
import { processHarness, runCli } from '../helpers/processes.ts'

// Issue 11: `oversight import indicators` checks a file of indicator values through the same import service
// as the pages, prints each bad row with its line, and adds the good rows only with --commit.
const dir = mkdtempSync(path.join(tmpdir(), 'oversight-indicator-cli-'))
const harness = processHarness()
harness.cleanUp(() => Promise.resolve(rmSync(dir, { recursive: true, force: true })))

describe(`import indicators on the command line (${dialectName()})`, () => {
  let url = ''
  let db: Database
  const values = async () =>
    (await db.db.selectFrom('indicator_values').select(['period', 'value']).orderBy('period').execute()).map(
      (v) => `${v.period}=${Number(v.value)}`,
    )

  before(async () => {
    url = await harness.freshDatabase('oversight_indicator_cli')
    assert.equal((await runCli(url, ['migrate'])).code, 0)
    assert.equal((await runCli(url, ['org', 'create', '--slug', 'marsh', '--name', 'Marshland'])).code, 0)
    db = harness.open(url)
    const org = await db.db
      .selectFrom('organisations')
      .select('id')
      .where('slug', '=', 'marsh')
      .executeTakeFirstOrThrow()
    const at = new Date().toISOString()
    await db.db
      .insertInto('indicators')
      .values({
        organisation_id: org.id,
        name: 'Contacts by web',
        description: '',
        unit: 'count',
        scale: 0,
        polarity: 'higher',
        frequency: 'monthly',
        rollup: 'sum',
        group_name: 'Channel shift',
        data_source: '',
        owner_person_id: null,
        owner: '',
        status: 'active',
        created_at: at,
        updated_at: at,
      })
      .execute()
  })

  it('checks without --commit, printing bad rows by line; adds the good rows with it', async () => {
    const file = path.join(dir, 'channels.csv')
    writeFileSync(
      file,
      [
        'Area name,Indicator,Time period,Value',
        'Marshland District Council,Contacts by web,April 2025,"1,200"',
        'Fenland District Council,Contacts by web,April 2025,900',
        'Marshland District Council,Contacts by web,May 2025,1300',
        'Marshland District Council,Contacts by fax,2025-04,3',
        '',
      ].join('\n'),
    )
    const several = await runCli(url, ['import', 'indicators', file, '--org', 'marsh'])
    assert.equal(several.code, 1, several.stderr)
    assert.match(several.stderr, /several organisations: choose whose rows are yours/)

    const args = ['import', 'indicators', file, '--org', 'marsh']
    const check = await runCli(url, [...args, '--source-organisation', 'Marshland District Council'])
    assert.equal(check.code, 0, check.stderr)
    assert.match(check.stdout, /Rows read 3, good 2, with problems 1, other organisations' rows left out 1/)
    assert.match(check.stdout, /line 5: No indicator is called "Contacts by fax"/)
    assert.match(check.stderr, /Checked only: nothing was added/)
    assert.deepEqual(await values(), [])

    const done = await runCli(url, [
      ...args,
      '--source-organisation',
      'Marshland District Council',
      '--commit',
    ])
    assert.equal(done.code, 0, done.stderr)
    assert.match(done.stdout, /Added 2 values/)
    assert.deepEqual(await values(), ['2025-04=1200', '2025-05=1300'])

    const missing = await runCli(url, ['import', 'indicators', path.join(dir, 'nope.csv'), '--org', 'marsh'])
    assert.equal(missing.code, 1)
    assert.match(missing.stderr, /There is no file at/)
  })
})
