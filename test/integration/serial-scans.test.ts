/**
 * No parallel scans of a shared table (issue 14, W100): every request reads one organisation's rows, and on a
 * server holding many councils PostgreSQL's cost model would otherwise split a sequential scan of every
 * council's rows across workers and prefer it to the organisation's index (bench/w100.ts: the dashboard's
 * milestone reads took 36–60 ms so, 3 ms through the index). Migration 0046 sets parallel_workers = 0 on every
 * owned table. PostgreSQL only: SQLite plans no parallel scans.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import type { Database } from '../../src/db/database.ts'
import { ownedTables } from '../../src/db/migrations/0044-row-security.ts'
import { createTestDatabase, dialectName } from '../helpers/database.ts'

const postgresOnly = dialectName() === 'postgres' ? false : 'PostgreSQL only: SQLite has no parallel scans'

describe(`serial scans of shared tables (${dialectName()})`, () => {
  let database: Database
  let drop: () => Promise<void>
  before(async () => {
    ;({ database, drop } = await createTestDatabase())
  })
  after(async () => {
    await drop()
  })

  it('sets parallel_workers = 0 on every organisation-owned table', { skip: postgresOnly }, async () => {
    const owned = await ownedTables(database.db)
    assert.ok(owned.includes('projects') && owned.includes('ledger_transactions'))
    const { rows } = await sql<{ table: string }>`
      select c.relname as "table" from pg_class c
      where c.relnamespace = current_schema()::regnamespace and c.relkind = 'r'
        and 'parallel_workers=0' = any(coalesce(c.reloptions, '{}'))`.execute(database.db)
    const serial = new Set(rows.map((r) => r.table))
    assert.deepEqual(
      owned.filter((t) => !serial.has(t)),
      [],
      'owned tables PostgreSQL may scan in parallel',
    )
  })

  it(
    'reads one organisation without parallel workers where the planner would price them cheapest',
    {
      skip: postgresOnly,
    },
    async () => {
      // Parallelism made free and the index ruled out: a plain table would now be read by a Parallel Seq Scan.
      const plan = await database.db.transaction().execute(async (trx) => {
        for (const setting of [
          'parallel_setup_cost = 0',
          'parallel_tuple_cost = 0',
          'min_parallel_table_scan_size = 0',
          'enable_indexscan = off',
          'enable_bitmapscan = off',
        ])
          await sql.raw(`set local ${setting}`).execute(trx)
        const { rows } = await sql<{ 'QUERY PLAN': string }>`
        explain select id, reference from projects where organisation_id = ${1}`.execute(trx)
        return rows.map((r) => r['QUERY PLAN']).join('\n')
      })
      assert.doesNotMatch(plan, /Parallel|Gather/, plan)
      assert.match(plan, /Seq Scan on projects/, plan)
    },
  )
})
