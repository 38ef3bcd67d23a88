import type { ColumnDefinitionBuilder, Kysely } from 'kysely'
import { idColumn } from './helpers.ts'

// The papers the panel reads: programme definitions (the six-point paper) and panel progress reports with
// their areas for consideration. A submitted report keeps its assembled document and its three rendered
// files, stored as base64 text so the bytes come back identical on SQLite and PostgreSQL.
export async function up(db: Kysely<unknown>): Promise<void> {
  const org = (c: ColumnDefinitionBuilder) => c.notNull().references('organisations.id').onDelete('cascade')
  const text = (c: ColumnDefinitionBuilder) => c.notNull().defaultTo('')

  await idColumn(db, db.schema.createTable('programme_definitions'))
    .addColumn('organisation_id', 'integer', org)
    .addColumn('programme_id', 'integer', (c) => c.notNull().references('programmes.id').onDelete('cascade'))
    .addColumn('recommendation_id', 'integer', (c) => c.references('recommendations.id').onDelete('set null'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('digital_meaning', 'text', text)
    .addColumn('digital_principles', 'text', text)
    .addColumn('human_resources', 'text', text)
    .addColumn('digital_resources', 'text', text)
    .addColumn('resources_narrative', 'text', text)
    .addColumn('responsible_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('paper_due_on', 'text')
    .addColumn('delivered_by', 'text', text)
    .addColumn('delivery_narrative', 'text', text)
    .addColumn('implementation_start', 'text')
    .addColumn('implementation_end', 'text')
    .addColumn('timeframe_narrative', 'text', text)
    .addColumn('interim_narrative', 'text', text)
    .addColumn('interim_owner_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('programme_definitions_programme')
    .on('programme_definitions')
    .columns(['organisation_id', 'programme_id'])
    .execute()

  await idColumn(db, db.schema.createTable('panel_reports'))
    .addColumn('organisation_id', 'integer', org)
    .addColumn('programme_id', 'integer', (c) => c.notNull().references('programmes.id').onDelete('cascade'))
    .addColumn('meeting_id', 'integer', (c) => c.references('meetings.id').onDelete('set null'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('period_from', 'text', (c) => c.notNull())
    .addColumn('period_to', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', text)
    .addColumn('resources_narrative', 'text', text)
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('draft'))
    .addColumn('snapshot_json', 'text')
    .addColumn('content_hash', 'text')
    .addColumn('submitted_at', 'text')
    .addColumn('submitted_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('submitted_by_name', 'text', text)
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('panel_reports_programme')
    .on('panel_reports')
    .columns(['organisation_id', 'programme_id'])
    .execute()
  await db.schema.createIndex('panel_reports_meeting').on('panel_reports').column('meeting_id').execute()

  await db.schema
    .createTable('panel_report_files')
    .addColumn('report_id', 'integer', (c) => c.notNull().references('panel_reports.id').onDelete('cascade'))
    .addColumn('organisation_id', 'integer', org)
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('content_base64', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('bytes', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('panel_report_files_pk', ['report_id', 'format'])
    .execute()

  await idColumn(db, db.schema.createTable('report_areas'))
    .addColumn('organisation_id', 'integer', org)
    .addColumn('report_id', 'integer', (c) => c.notNull().references('panel_reports.id').onDelete('cascade'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('owner_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('report_areas_report').on('report_areas').column('report_id').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['report_areas', 'panel_report_files', 'panel_reports', 'programme_definitions']) {
    await db.schema.dropTable(t).execute()
  }
}
