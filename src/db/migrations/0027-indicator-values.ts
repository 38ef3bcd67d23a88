import type { Kysely } from 'kysely'
import { idColumn } from './helpers.ts'

// Issue 11, "Performance indicators": what an indicator's definition (0024) is measured against and what it
// measured. A target per period with its warning threshold (the on-target / warning / off-target bands), a
// value per period with its note and who entered it, and the ambitions, programmes and projects an indicator
// measures. Values and targets are integers at the indicator's 10^scale (money in pence), so bigint. Values
// can also be imported from a file through the one import pipeline: its imports, their problems and the rows
// their check staged for the commit, like the ledger's.

export async function up(db: Kysely<unknown>): Promise<void> {
  await idColumn(db, db.schema.createTable('indicator_targets'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('indicator_id', 'integer', (c) => c.notNull().references('indicators.id').onDelete('cascade'))
    // '2025-04', '2025/26-Q1' or '2025/26', matching the indicator's frequency
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('target', 'bigint', (c) => c.notNull())
    // Where warning ends and off target begins: below the target when higher is better, above it when lower is.
    .addColumn('warning', 'bigint')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('indicator_targets_period', ['indicator_id', 'period'])
    .execute()

  await idColumn(db, db.schema.createTable('indicator_values'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('indicator_id', 'integer', (c) => c.notNull().references('indicators.id').onDelete('cascade'))
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('entered_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('entered_by_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('entered_at', 'text', (c) => c.notNull())
    // The import it came from, if any.
    .addColumn('import_id', 'integer')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('indicator_values_period', ['indicator_id', 'period'])
    .execute()

  // What an indicator measures: exactly one of an ambition, a programme or a project.
  await idColumn(db, db.schema.createTable('indicator_links'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('indicator_id', 'integer', (c) => c.notNull().references('indicators.id').onDelete('cascade'))
    .addColumn('ambition_id', 'integer', (c) => c.references('ambitions.id').onDelete('cascade'))
    .addColumn('programme_id', 'integer', (c) => c.references('programmes.id').onDelete('cascade'))
    .addColumn('project_id', 'integer', (c) => c.references('projects.id').onDelete('cascade'))
    .execute()
  for (const col of ['indicator_id', 'ambition_id', 'programme_id', 'project_id'])
    await db.schema.createIndex(`indicator_links_${col}`).on('indicator_links').column(col).execute()

  await idColumn(db, db.schema.createTable('indicator_imports'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('file_size', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('sha256', 'text', (c) => c.notNull().defaultTo(''))
    // The column mapping chosen (JSON: which heading is the indicator, period, value, note, organisation)
    .addColumn('mapping_json', 'text', (c) => c.notNull().defaultTo('{}'))
    // The organisation whose rows are ours, in a long file of many (benchmarking data); '' for none.
    .addColumn('organisation_name', 'text', (c) => c.notNull().defaultTo(''))
    // validating | validated | committing | committed | failed
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('failure_reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('rows_read', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_good', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_bad', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_other', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_added', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('progress_bytes', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('stored_file_id', 'integer', (c) => c.references('stored_files.id').onDelete('set null'))
    .addColumn('lease_owner', 'text')
    .addColumn('lease_expires_at', 'text')
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_by_name', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('committed_at', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', 'text')
    .execute()

  await idColumn(db, db.schema.createTable('indicator_import_problems'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('import_id', 'integer', (c) =>
      c.notNull().references('indicator_imports.id').onDelete('cascade'),
    )
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('line_number', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('raw_text', 'text', (c) => c.notNull().defaultTo(''))
    .execute()
  await db.schema
    .createIndex('indicator_import_problems_import')
    .on('indicator_import_problems')
    .column('import_id')
    .execute()

  await db.schema
    .createTable('indicator_import_rows')
    .addColumn('organisation_id', 'integer', (c) => c.notNull())
    .addColumn('import_id', 'integer', (c) =>
      c.notNull().references('indicator_imports.id').onDelete('cascade'),
    )
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('line_number', 'integer', (c) => c.notNull())
    .addColumn('indicator_id', 'integer', (c) => c.notNull().references('indicators.id').onDelete('cascade'))
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addPrimaryKeyConstraint('indicator_import_rows_pk', ['import_id', 'seq'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'indicator_import_rows',
    'indicator_import_problems',
    'indicator_imports',
    'indicator_links',
    'indicator_values',
    'indicator_targets',
  ])
    await db.schema.dropTable(t).execute()
}
