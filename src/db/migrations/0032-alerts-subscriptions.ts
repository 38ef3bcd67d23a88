import type { Kysely } from 'kysely'
import { idColumn } from './helpers.ts'

// Issue 12, "Alerts that reach the people who must know". An alert is a governance health finding sent to
// the people accountable for it; an occurrence is (rule, record, period), and its unique key is what makes
// it sent once however many scheduler runs or instances find it at the same time (the second insert finds
// the first's row and sends nothing). Each organisation chooses whether the Portfolio Holder and the panel
// chair are told too; each person chooses an email at once or the daily digest. A member follows a
// committee, programme or recommendation and is emailed when it changes.
export async function up(db: Kysely<unknown>): Promise<void> {
  await idColumn(db, db.schema.createTable('alert_occurrences'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('rule_id', 'text', (c) => c.notNull())
    .addColumn('record_type', 'text', (c) => c.notNull())
    .addColumn('record_id', 'integer', (c) => c.notNull())
    // A month ("2026-11") for a rule that recurs each month; '' for one that is told once per record.
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('recipients', 'integer', (c) => c.notNull())
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('alert_occurrences_once', [
      'organisation_id',
      'rule_id',
      'record_type',
      'record_id',
      'period',
    ])
    .execute()
  await db.schema
    .createTable('alert_settings')
    .addColumn('organisation_id', 'integer', (c) =>
      c.primaryKey().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('tell_portfolio_holder', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('tell_panel_chair', 'integer', (c) => c.notNull().defaultTo(0))
    // Whether members of the public may subscribe by email on the organisation's public pages.
    .addColumn('public_subscriptions', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('alert_preferences')
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // immediate | digest
    .addColumn('delivery', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('alert_preferences_pk', ['organisation_id', 'user_id'])
    .execute()
  // A member following a committee, programme or recommendation; told of changes made after they followed.
  await idColumn(db, db.schema.createTable('follows'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('user_id', 'integer', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // committee | programme | recommendation
    .addColumn('record_type', 'text', (c) => c.notNull())
    .addColumn('record_id', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('follows_once', ['organisation_id', 'user_id', 'record_type', 'record_id'])
    .execute()
  // How far through each organisation's audit trail the followers have been told (the last event's id).
  await db.schema
    .createTable('follow_cursors')
    .addColumn('organisation_id', 'integer', (c) =>
      c.primaryKey().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('last_event_id', 'integer', (c) => c.notNull())
    .execute()
  // A member of the public's confirmed address: stored only once they confirm (until then it exists only in
  // the signed link they were emailed); unsubscribing deletes the row.
  await idColumn(db, db.schema.createTable('public_subscribers'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('record_type', 'text', (c) => c.notNull())
    .addColumn('record_id', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('public_subscribers_once', ['organisation_id', 'email', 'record_type', 'record_id'])
    .execute()
  // Subscription requests counted per address and per client network (hashed keys, as sign-in throttling).
  await db.schema
    .createTable('subscription_throttle')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('window_started_at', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .execute()
  // Extra headers of a queued mail (List-Unsubscribe on a subscriber's email), as JSON.
  await db.schema.alterTable('mail_outbox').addColumn('headers_json', 'text').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('mail_outbox').dropColumn('headers_json').execute()
  await db.schema.dropTable('subscription_throttle').execute()
  await db.schema.dropTable('public_subscribers').execute()
  await db.schema.dropTable('follow_cursors').execute()
  await db.schema.dropTable('follows').execute()
  await db.schema.dropTable('alert_preferences').execute()
  await db.schema.dropTable('alert_settings').execute()
  await db.schema.dropTable('alert_occurrences').execute()
}
