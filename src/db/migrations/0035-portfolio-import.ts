import type { Kysely } from 'kysely'
import { idColumn } from './helpers.ts'

// Issue 13, "Bring the existing portfolio in": programmes, projects, milestones and their latest ratings
// imported from a file through the one import pipeline. Its imports, their problems (each with its line) and
// the rows their check staged for the commit, like the indicator imports (0027). A milestone gains a
// reference so that importing the file again updates it instead of adding it twice. What a portfolio return
// says of a project that has no home elsewhere — its rating as written ("Exempt under Section 43 …"), whole-life
// cost, budget and forecast in pence and the sentences written in place of figures — is kept per project.

export async function up(db: Kysely<unknown>): Promise<void> {
  await idColumn(db, db.schema.createTable('portfolio_imports'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('file_size', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('sha256', 'text', (c) => c.notNull().defaultTo(''))
    // The column mapping chosen (JSON: which heading is which field), with what the check found.
    .addColumn('mapping_json', 'text', (c) => c.notNull().defaultTo('{}'))
    // What the check expects the commit to do, and then what it did (JSON: created, updated, unchanged per type).
    .addColumn('summary_json', 'text', (c) => c.notNull().defaultTo('{}'))
    // validating | validated | committing | committed | failed
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('failure_reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('rows_read', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_good', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('rows_bad', 'integer', (c) => c.notNull().defaultTo(0))
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
  await db.schema
    .createIndex('portfolio_imports_org')
    .on('portfolio_imports')
    .columns(['organisation_id', 'started_at'])
    .execute()

  await idColumn(db, db.schema.createTable('portfolio_import_problems'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('import_id', 'integer', (c) =>
      c.notNull().references('portfolio_imports.id').onDelete('cascade'),
    )
    // bad (the row is not imported) | note (imported, but a cell held a sentence, kept as written)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('line_number', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('raw_text', 'text', (c) => c.notNull().defaultTo(''))
    .execute()
  await db.schema
    .createIndex('portfolio_import_problems_import')
    .on('portfolio_import_problems')
    .column('import_id')
    .execute()

  await db.schema
    .createTable('portfolio_import_rows')
    .addColumn('organisation_id', 'integer', (c) => c.notNull())
    .addColumn('import_id', 'integer', (c) =>
      c.notNull().references('portfolio_imports.id').onDelete('cascade'),
    )
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('line_number', 'integer', (c) => c.notNull())
    // The row as read (JSON of PortfolioRow): the commit writes from it, not from the file.
    .addColumn('row_json', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('portfolio_import_rows_pk', ['import_id', 'seq'])
    .execute()

  await idColumn(db, db.schema.createTable('project_portfolio_figures'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('project_id', 'integer', (c) =>
      c.notNull().unique().references('projects.id').onDelete('cascade'),
    )
    .addColumn('period', 'text')
    .addColumn('rating_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('whole_life_cost_pence', 'bigint')
    .addColumn('budget_pence', 'bigint')
    .addColumn('forecast_pence', 'bigint')
    .addColumn('notes', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('import_id', 'integer', (c) => c.references('portfolio_imports.id').onDelete('set null'))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .alterTable('milestones')
    .addColumn('reference', 'text', (c) => c.notNull().defaultTo(''))
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('milestones').dropColumn('reference').execute()
  for (const t of [
    'project_portfolio_figures',
    'portfolio_import_rows',
    'portfolio_import_problems',
    'portfolio_imports',
  ])
    await db.schema.dropTable(t).execute()
}
