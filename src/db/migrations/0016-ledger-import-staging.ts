import { sql, type Kysely } from 'kysely'
import { isPostgres } from './helpers.ts'

// An import reads its file once: the validate pass keeps each good row it read, already interpreted and
// matched to a project, in `ledger_import_rows`, and the commit pass adds them to the ledger from there in
// one transaction (and removes them), instead of reading and parsing the file a second time. `seq` numbers
// an import's staged rows 0, 1, 2 … in file order, so the commit can add them in slices (for its progress)
// and the first of two rows with the same key wins, as it did when the file was read again.
// `ledger_imports.stored_path` was never used (files live in the file store since 0011) and goes.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('ledger_imports').dropColumn('stored_path').execute()
  // Without a foreign key to the organisation (its imports, and so their staged rows, go with it): each
  // foreign key is a lookup for every row staged. On SQLite the table is its primary key's b-tree
  // (WITHOUT ROWID), not a table and an index beside it: staging is half of what an import writes.
  const table = db.schema
    .createTable('ledger_import_rows')
    .addColumn('organisation_id', 'integer', (c) => c.notNull())
    .addColumn('import_id', 'integer', (c) => c.notNull().references('ledger_imports.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('line_number', 'integer', (c) => c.notNull())
    .addColumn('project_id', 'integer', (c) => c.references('projects.id').onDelete('set null'))
    .addColumn('transaction_ref', 'text')
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('transaction_date', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('financial_year', 'text', (c) => c.notNull())
    .addColumn('amount_pence', 'bigint', (c) => c.notNull())
    .addColumn('supplier_name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('cost_centre', 'text', (c) => c.notNull())
    .addColumn('account_code', 'text', (c) => c.notNull())
    .addColumn('expense_type', 'text', (c) => c.notNull())
    .addColumn('service_area', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('ledger_import_rows_pk', ['import_id', 'seq'])
  await (isPostgres(db) ? table : table.modifyEnd(sql`without rowid`)).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('ledger_import_rows').execute()
  await db.schema.alterTable('ledger_imports').addColumn('stored_path', 'text').execute()
}
