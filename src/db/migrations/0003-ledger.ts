import type { Kysely } from 'kysely'
import { idColumn } from './helpers.ts'

// The ledger: spend imported from the council's finance system (or entered by hand), the imports that
// brought it in with every problem row kept for the finance officer, saved column mappings for layouts
// other than the LGA spend schema, and the cost-centre rules that tie a payment to a project.
export async function up(db: Kysely<unknown>): Promise<void> {
  await idColumn(db, db.schema.createTable('column_mappings'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('columns_json', 'text', (c) => c.notNull())
    .addColumn('date_format', 'text', (c) => c.notNull().defaultTo('auto'))
    .addColumn('delimiter', 'text', (c) => c.notNull().defaultTo('auto'))
    .addColumn('encoding', 'text', (c) => c.notNull().defaultTo('auto'))
    .addColumn('skip_lines', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('column_mappings_org_name', ['organisation_id', 'name'])
    .execute()

  await idColumn(db, db.schema.createTable('ledger_imports'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('file_size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('stored_path', 'text')
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('layout', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('mapping_id', 'integer', (c) => c.references('column_mappings.id').onDelete('set null'))
    .addColumn('mapping_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('encoding', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('delimiter', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('failure_reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('rows_read', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_good', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_bad', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_duplicate', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_changed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_unmatched', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_added', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('total_pence', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('progress_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('summary_json', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_by_name', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('committed_at', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .execute()
  await db.schema
    .createIndex('ledger_imports_org')
    .on('ledger_imports')
    .columns(['organisation_id', 'started_at'])
    .execute()

  await idColumn(db, db.schema.createTable('ledger_import_problems'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('import_id', 'integer', (c) => c.notNull().references('ledger_imports.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('line_number', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('raw_text', 'text', (c) => c.notNull().defaultTo(''))
    .execute()
  await db.schema
    .createIndex('ledger_import_problems_import')
    .on('ledger_import_problems')
    .columns(['import_id', 'line_number'])
    .execute()

  await idColumn(db, db.schema.createTable('ledger_transactions'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    // NULL project = the suspense list: nothing is dropped because it matched no project.
    .addColumn('project_id', 'integer', (c) => c.references('projects.id').onDelete('set null'))
    // NULL import = entered by hand.
    .addColumn('import_id', 'integer', (c) => c.references('ledger_imports.id').onDelete('restrict'))
    .addColumn('transaction_ref', 'text')
    // What makes a payment the same payment on re-import: "ref:<transaction number>" or, where the file
    // has none, "hash:<content hash>#<occurrence>". Unique per organisation, so nothing is added twice.
    .addColumn('dedupe_key', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('transaction_date', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('financial_year', 'text', (c) => c.notNull())
    .addColumn('amount_pence', 'bigint', (c) => c.notNull())
    .addColumn('supplier_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('cost_centre', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('account_code', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('expense_type', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('service_area', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('ledger_transactions_org_key', ['organisation_id', 'dedupe_key'])
    .execute()
  await db.schema
    .createIndex('ledger_transactions_project')
    .on('ledger_transactions')
    .columns(['project_id', 'period'])
    .execute()
  await db.schema
    .createIndex('ledger_transactions_org_period')
    .on('ledger_transactions')
    .columns(['organisation_id', 'period'])
    .execute()
  await db.schema
    .createIndex('ledger_transactions_import')
    .on('ledger_transactions')
    .columns(['import_id'])
    .execute()

  await idColumn(db, db.schema.createTable('cost_mapping_rules'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('match_field', 'text', (c) => c.notNull())
    .addColumn('match_type', 'text', (c) => c.notNull())
    .addColumn('match_value', 'text', (c) => c.notNull())
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('priority', 'integer', (c) => c.notNull().defaultTo(100))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('cost_mapping_rules_org')
    .on('cost_mapping_rules')
    .columns(['organisation_id', 'priority'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'cost_mapping_rules',
    'ledger_transactions',
    'ledger_import_problems',
    'ledger_imports',
    'column_mappings',
  ]) {
    await db.schema.dropTable(t).execute()
  }
}
