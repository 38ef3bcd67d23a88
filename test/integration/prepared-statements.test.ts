/**
 * Named prepared statements on PostgreSQL (DATABASE_PREPARED_STATEMENTS, src/db/prepared-statements.ts): a
 * query the app runs again is parsed once per connection, as SQLite's statements are prepared once, and a
 * statement that cannot be named (several in one text, as row security's `begin; select set_config(…)`) still
 * runs. PostgreSQL only.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { openDatabase, type Database } from '../../src/db/database.ts'
import { createTestDatabase, dialectName } from '../helpers/database.ts'

const postgresOnly =
  dialectName() === 'postgres' ? false : 'PostgreSQL only: SQLite prepares its statements already'

describe(`prepared statements (${dialectName()})`, () => {
  let url = ''
  let drop: () => Promise<void> = async () => {}
  let database: Database | null = null
  before(async () => {
    if (postgresOnly) return
    const made = await createTestDatabase()
    await made.database.close()
    if (made.config.dialect === 'postgres') url = made.config.url
    drop = made.drop
    // One connection, so the session that prepared a statement is the one asked about it.
    database = openDatabase({ dialect: 'postgres', url }, { poolSize: 1, preparedStatements: true })
  })
  after(async () => {
    await database?.close()
    await drop()
  })

  it(
    'parses a repeated query once on its connection, and answers it each time',
    { skip: postgresOnly },
    async () => {
      const db = database!.db
      for (const slug of ['a-council', 'another-council']) {
        const rows = await db.selectFrom('organisations').select('id').where('slug', '=', slug).execute()
        assert.deepEqual(rows, [])
      }
      const { rows } = await sql<{ statement: string }>`
      select statement from pg_prepared_statements`.execute(db)
      const organisations = rows.filter((r) => /from "organisations" where "slug" = \$1/.test(r.statement))
      assert.equal(organisations.length, 1, JSON.stringify(rows))
    },
  )

  it(
    'runs several statements in one text unnamed, as row security sends them',
    { skip: postgresOnly },
    async () => {
      const db = database!.db
      const { rows } = await sql<{
        v: string
      }>`select current_setting('oversight.organisation_id', true) as v`.execute(db)
      assert.ok(rows.length === 1)
      await db.transaction().execute(async (trx) => {
        await sql.raw(`select set_config('oversight.scope', 'x', true); select 1`).execute(trx)
        const { rows: inside } = await sql<{
          v: string
        }>`select current_setting('oversight.scope', true) as v`.execute(trx)
        assert.equal(inside[0]!.v, 'x')
      })
    },
  )
})
