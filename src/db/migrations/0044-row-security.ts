import { sql, type Kysely } from 'kysely'
import { disableRowSecurity, enableRowSecurity } from '../row-security.ts'
import { GLOBAL_TABLES } from '../tenancy.ts'
import { isPostgres } from './helpers.ts'

// Issue 14, "the database enforces tenancy": row-level security on every organisation-owned table, so the
// app's role (DATABASE_APP_URL, docs/deployment.md) sees only the rows of the organisation its transaction
// names (src/db/row-security.ts, src/db/tenant-context.ts). PostgreSQL only: SQLite has no row security and
// keeps the application-level rule. The tables are those with organisation_id at this point (tenancy.ts and
// test/integration/tenancy-schema.test.ts hold that every table not global has one); a later migration that
// adds an owned table calls enableRowSecurity for it, and test/integration/row-security.test.ts fails if not.

export async function ownedTables<T>(db: Kysely<T>): Promise<string[]> {
  const rows = await sql<{ table_name: string }>`
    select c.table_name from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
    where c.table_schema = current_schema() and c.column_name = 'organisation_id' and t.table_type = 'BASE TABLE'
    order by c.table_name`.execute(db)
  return rows.rows.map((r) => r.table_name).filter((name) => !(name in GLOBAL_TABLES))
}

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return
  await enableRowSecurity(db, await ownedTables(db))
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return
  await disableRowSecurity(db, await ownedTables(db))
}
