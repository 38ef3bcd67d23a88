import type { ColumnDefinitionBuilder, Kysely } from 'kysely'
import { idColumn } from './helpers.ts'

// Governance control: tolerances and the exceptions they raise, notifications and the mail outbox,
// the scheduler's job lock, health-check rule settings and snapshots.
export async function up(db: Kysely<unknown>): Promise<void> {
  const org = (c: ColumnDefinitionBuilder) => c.notNull().references('organisations.id').onDelete('cascade')

  // One row for a programme (project_id null) and one per project that overrides it; an empty column
  // on a project row inherits the programme's figure.
  await idColumn(db, db.schema.createTable('tolerance_settings'))
    .addColumn('organisation_id', 'integer', org)
    .addColumn('programme_id', 'integer', (c) => c.notNull().references('programmes.id').onDelete('cascade'))
    .addColumn('project_id', 'integer', (c) => c.references('projects.id').onDelete('cascade'))
    .addColumn('time_days', 'integer')
    .addColumn('cost_percent', 'integer')
    .addColumn('cost_pence', 'integer')
    .addColumn('scope_note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('benefits_note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('risk_score', 'integer')
    .addColumn('report_working_days', 'integer')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('tolerance_settings_programme')
    .on('tolerance_settings')
    .columns(['organisation_id', 'programme_id', 'project_id'])
    .execute()

  await idColumn(db, db.schema.createTable('tolerance_exceptions'))
    .addColumn('organisation_id', 'integer', org)
    .addColumn('programme_id', 'integer', (c) => c.notNull().references('programmes.id').onDelete('cascade'))
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('summary', 'text', (c) => c.notNull())
    .addColumn('facts_json', 'text', (c) => c.notNull())
    .addColumn('raised_at', 'text', (c) => c.notNull())
    .addColumn('raised_by', 'text', (c) => c.notNull())
    .addColumn('report_due', 'text', (c) => c.notNull())
    .addColumn('escalated_at', 'text')
    .addColumn('cleared_at', 'text')
    .addColumn('cleared_facts_json', 'text')
    .addColumn('cause', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('impact', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('options', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('recommendation', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('reported_at', 'text')
    .addColumn('reported_by', 'text')
    .addColumn('outcome', 'text')
    .addColumn('outcome_reasons', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('decision_id', 'integer')
    .addColumn('decided_at', 'text')
    .addColumn('decided_by', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('tolerance_exceptions_project')
    .on('tolerance_exceptions')
    .columns(['organisation_id', 'project_id', 'kind'])
    .execute()

  await idColumn(db, db.schema.createTable('notifications'))
    .addColumn('organisation_id', 'integer', org)
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('read_at', 'text')
    .addColumn('digested_at', 'text')
    .execute()
  await db.schema
    .createIndex('notifications_user')
    .on('notifications')
    .columns(['organisation_id', 'user_id', 'read_at'])
    .execute()

  await db.schema
    .createTable('notification_preferences')
    .addColumn('organisation_id', 'integer', org)
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('notification_preferences_pk', ['organisation_id', 'user_id'])
    .execute()

  // Every message is kept here first, so a mail server that is down or not configured loses nothing.
  await idColumn(db, db.schema.createTable('mail_outbox'))
    .addColumn('organisation_id', 'integer', (c) => c.references('organisations.id').onDelete('cascade'))
    .addColumn('recipients_json', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute()
  await db.schema.createIndex('mail_outbox_status').on('mail_outbox').columns(['status', 'id']).execute()

  // The scheduler's lock: a job runs once per slot, whichever instance inserts the row first.
  await db.schema
    .createTable('job_runs')
    .addColumn('job', 'text', (c) => c.notNull())
    .addColumn('slot', 'text', (c) => c.notNull())
    .addColumn('instance', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('outcome', 'text')
    .addPrimaryKeyConstraint('job_runs_pk', ['job', 'slot'])
    .execute()

  await db.schema
    .createTable('health_rule_settings')
    .addColumn('organisation_id', 'integer', org)
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull())
    .addColumn('threshold', 'integer')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('health_rule_settings_pk', ['organisation_id', 'rule_id'])
    .execute()

  await idColumn(db, db.schema.createTable('health_snapshots'))
    .addColumn('organisation_id', 'integer', org)
    .addColumn('taken_at', 'text', (c) => c.notNull())
    .addColumn('counts_json', 'text', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'health_snapshots',
    'health_rule_settings',
    'job_runs',
    'mail_outbox',
    'notification_preferences',
    'notifications',
    'tolerance_exceptions',
    'tolerance_settings',
  ]) {
    await db.schema.dropTable(t).execute()
  }
}
