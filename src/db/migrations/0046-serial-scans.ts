import { sql, type Kysely } from 'kysely'
import { isPostgres } from './helpers.ts'
import { ownedTables } from './0044-row-security.ts'

// Issue 14, "many organisations, measured": every request reads one organisation's rows, through an index led
// by organisation_id. Once a shared table passes min_parallel_table_scan_size (8 MB: W100's projects are 35 MB),
// PostgreSQL's cost model prices a parallel sequential scan of every council's rows, its work split across
// workers, below the index's nested loop, and chooses it for a query as small as the dashboard's milestone
// reads: 36–60 ms against 3 ms on W100, and the workers are taken from every other request on the server.
// A table's parallel_workers = 0 rules parallel scans of it out, for the app's role, the owner and pgbouncer
// alike (no session setting), and travels with pg_dump. PostgreSQL only: SQLite plans no parallel scans.
// An owned table added later sets it too; test/integration/serial-scans.test.ts fails if one does not.

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return
  for (const table of await ownedTables(db))
    await sql`alter table ${sql.table(table)} set (parallel_workers = 0)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return
  for (const table of await ownedTables(db))
    await sql`alter table ${sql.table(table)} reset (parallel_workers)`.execute(db)
}
