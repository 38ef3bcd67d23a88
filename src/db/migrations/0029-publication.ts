import type { Kysely } from 'kysely'
import { idColumn } from './helpers.ts'

// Issue 12: nothing is public until an organisation publishes it. publication_settings holds, per
// organisation, the record types it publishes (a JSON list, empty by default) and the cost threshold below
// which no amount appears; publication_withholdings holds each record kept off the public site with its
// reason (exempt information, commercially sensitive), whatever its type's setting.
export async function up(db: Kysely<unknown>): Promise<void> {
  await idColumn(db, db.schema.createTable('publication_settings'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().unique().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('published_types', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('cost_threshold_pence', 'bigint', (c) => c.notNull().defaultTo(50000))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await idColumn(db, db.schema.createTable('publication_withholdings'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('record_type', 'text', (c) => c.notNull())
    .addColumn('record_id', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('publication_withholdings_record', ['organisation_id', 'record_type', 'record_id'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('publication_withholdings').execute()
  await db.schema.dropTable('publication_settings').execute()
}
