import type { Kysely } from 'kysely'
import { idColumn } from './helpers.ts'

// Issue 12, "The scrutiny loop, complete": the forward plan of key decisions and the Access to Information
// rules. The Local Authorities (Executive Arrangements) (Meetings and Access to Information) (England)
// Regulations 2012 require a key decision to be on the forward plan 28 clear days before it is taken, and
// the Local Government Act 1972 (s.100B) requires a meeting's papers to be open to inspection five clear
// working days before it; exempt information (Schedule 12A) is kept off the public papers.

export async function up(db: Kysely<unknown>): Promise<void> {
  await idColumn(db, db.schema.createTable('forward_plan_entries'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    // The decision-maker: a board or committee (Cabinet), or a person's account (a Portfolio Holder); the
    // name is copied so the plan reads as it stood.
    .addColumn('board_id', 'integer', (c) => c.references('boards.id').onDelete('set null'))
    .addColumn('decision_maker_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('decision_maker', 'text', (c) => c.notNull())
    .addColumn('expected_on', 'text', (c) => c.notNull())
    // The day the entry first appeared on the published plan: the 28 clear days count from it.
    .addColumn('listed_on', 'text', (c) => c.notNull())
    .addColumn('is_exempt', 'integer', (c) => c.notNull().defaultTo(0))
    // The paragraph of Schedule 12A, e.g. "3" (financial or business affairs).
    .addColumn('exempt_paragraph', 'text', (c) => c.notNull().defaultTo(''))
    // planned | taken | deferred | withdrawn
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('planned'))
    .addColumn('decision_id', 'integer', (c) => c.references('decisions.id').onDelete('set null'))
    .addColumn('programme_id', 'integer', (c) => c.references('programmes.id').onDelete('set null'))
    .addColumn('project_id', 'integer', (c) => c.references('projects.id').onDelete('set null'))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  for (const col of ['organisation_id', 'decision_id', 'programme_id', 'project_id'])
    await db.schema
      .createIndex(`forward_plan_entries_${col}`)
      .on('forward_plan_entries')
      .column(col)
      .execute()

  // A published decision is never edited (decisions.service.ts), so its implementation is recorded beside it:
  // once, and never inside the call-in period.
  await idColumn(db, db.schema.createTable('decision_implementations'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('decision_id', 'integer', (c) =>
      c.notNull().unique().references('decisions.id').onDelete('cascade'),
    )
    .addColumn('implemented_on', 'text', (c) => c.notNull())
    .addColumn('recorded_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()

  // The Access to Information alerts sent: one per occurrence (rule, record), however often the check runs.
  await db.schema
    .createTable('access_rule_alerts')
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('record_type', 'text', (c) => c.notNull())
    .addColumn('record_id', 'integer', (c) => c.notNull())
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('access_rule_alerts_pk', [
      'organisation_id',
      'rule_id',
      'record_type',
      'record_id',
    ])
    .execute()

  // The call-in period, in clear working days after a decision is published (the council's constitution).
  await db.schema
    .alterTable('organisations')
    .addColumn('call_in_working_days', 'integer', (c) => c.notNull().defaultTo(5))
    .execute()
  // When the agenda and papers were published (null: not yet).
  await db.schema.alterTable('meetings').addColumn('papers_published_on', 'text').execute()
  // An exempt (Part B) item and the reason it is exempt: kept off every public page.
  await db.schema
    .alterTable('agenda_items')
    .addColumn('is_exempt', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  await db.schema
    .alterTable('agenda_items')
    .addColumn('exempt_reason', 'text', (c) => c.notNull().defaultTo(''))
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('agenda_items').dropColumn('exempt_reason').execute()
  await db.schema.alterTable('agenda_items').dropColumn('is_exempt').execute()
  await db.schema.alterTable('meetings').dropColumn('papers_published_on').execute()
  await db.schema.alterTable('organisations').dropColumn('call_in_working_days').execute()
  for (const t of ['access_rule_alerts', 'decision_implementations', 'forward_plan_entries'])
    await db.schema.dropTable(t).execute()
}
