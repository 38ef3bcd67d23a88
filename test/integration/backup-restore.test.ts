import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { parseDatabaseUrl } from '../../src/config.ts'
import { openDatabase, type Database } from '../../src/db/database.ts'
import { projectRoot } from '../../src/paths.ts'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { createPostgresDatabase, dialectName, dropDatabase } from '../helpers/database.ts'
import { runCli } from '../helpers/processes.ts'

/**
 * Backup and restore as a round trip (issue 14): `oversight backup` (pg_dump on PostgreSQL, SQLite's online
 * backup), `oversight restore` into a NEW database, then the audit trail verifies there and every table
 * holds as many rows as the original.
 */
describe(`backup and restore round trip (${dialectName()})`, () => {
  let t: TestApp
  let dir: string
  let sourceUrl: string
  const created: Array<() => Promise<void>> = []

  before(async () => {
    t = await buildTestApp()
    dir = mkdtempSync(path.join(tmpdir(), 'oversight-restore-'))
    sourceUrl =
      t.databaseConfig.dialect === 'postgres' ? t.databaseConfig.url : `file:${t.databaseConfig.file}`
    // Records with audit events in both organisations, so there are chains to verify.
    for (const org of [t.orgs.a, t.orgs.b]) {
      const token = await t.tokenFor(org.users.administrator)
      for (const n of [1, 2]) {
        const res = await t.api(token, 'POST', '/api/v1/programmes', {
          reference: `BK-${org.slug}-${n}`,
          name: `Backed up ${n}`,
        })
        assert.equal(res.statusCode, 201, res.body)
      }
    }
  })
  after(async () => {
    for (const remove of created) await remove()
    rmSync(dir, { recursive: true, force: true })
    await t.close()
  })

  /** A database URL naming nothing yet: an empty PostgreSQL database, or a SQLite file not yet made. */
  async function newDatabaseUrl(): Promise<string> {
    if (t.databaseConfig.dialect === 'sqlite') return `file:${path.join(dir, 'restored', 'oversight.sqlite')}`
    const admin = process.env.TEST_DATABASE_URL!
    const { name, url } = await createPostgresDatabase(admin, 'oversight_restore')
    created.push(() => dropDatabase(admin, name))
    return url
  }

  function open(url: string): Database {
    const config = parseDatabaseUrl(url, projectRoot())
    if (typeof config === 'string') throw new Error(config)
    return openDatabase(config, { poolSize: 1 })
  }

  /** Every table's row count, Kysely's migration tables included. */
  async function rowCounts(database: Database): Promise<Record<string, number>> {
    const tables = await database.db.introspection.getTables({ withInternalKyselyTables: true })
    const counts: Record<string, number> = {}
    for (const table of tables.filter((x) => !x.isView)) {
      const { rows } = await sql<{ n: number }>`select count(*) as n from ${sql.table(table.name)}`.execute(
        database.db,
      )
      counts[table.name] = Number(rows[0]?.n)
    }
    return counts
  }

  it('backs up, restores into a new database where the audit trail verifies, with every row', async () => {
    const file = path.join(
      dir,
      'nightly',
      t.databaseConfig.dialect === 'postgres' ? 'copy.dump' : 'copy.sqlite',
    )
    const backup = await runCli(sourceUrl, ['backup', '--to', file])
    assert.equal(backup.code, 0, backup.stderr)
    assert.ok(existsSync(file))
    assert.ok(!existsSync(`${file}.partial`), 'no partial file is left behind')
    if (t.databaseConfig.dialect === 'postgres') {
      assert.match(backup.stdout, /pg_restore reads the copy back: .*, \d+ tables/)
      // (The test server's password is also its user name, so look for it where a password would be.)
      const password = decodeURIComponent(new URL(sourceUrl).password)
      const shown = backup.stdout + backup.stderr
      assert.ok(!shown.includes(`:${password}@`) && !/PGPASSWORD|password=/i.test(shown), 'no password shown')
    }

    const targetUrl = await newDatabaseUrl()
    const restored = await runCli(targetUrl, ['restore', '--from', file])
    assert.equal(restored.code, 0, `${restored.stdout}\n${restored.stderr}`)
    assert.match(restored.stdout, /Checked \d+ audit events? in 2 organisations\./)
    assert.match(restored.stdout, /The audit trail is intact\./)
    const verify = await runCli(targetUrl, ['audit', 'verify'])
    assert.equal(verify.code, 0, verify.stdout)

    const copy = open(targetUrl)
    try {
      const [original, restoredCounts] = [await rowCounts(t.database), await rowCounts(copy)]
      assert.ok(Object.keys(original).length > 50, 'every table is compared')
      assert.ok((original.audit_events ?? 0) >= 4, 'the audit trail has events to verify')
      assert.deepEqual(restoredCounts, original)
    } finally {
      await copy.close()
    }

    // Never over a database that has data: two histories (and two audit chains) would be mixed.
    const refused = await runCli(targetUrl, ['restore', '--from', file])
    assert.equal(refused.code, 1)
    assert.match(refused.stderr, /already (has tables|exists)/)
  })
})
