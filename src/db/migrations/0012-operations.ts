import type { Kysely } from 'kysely'
import { idColumn } from './helpers.ts'

// Operations: leases on outbox mail (a row left "sending" by a crashed instance is retried once its lease
// expires; a live sender renews its lease), indexes for the housekeeping job's pruning, and the working
// calendar: each organisation's bank-holiday region and the days it closed its offices.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('organisations')
    .addColumn('holiday_region', 'text', (c) => c.notNull().defaultTo('GB-ENG'))
    .execute()
  await idColumn(db, db.schema.createTable('closure_days'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('closure_days_org_day', ['organisation_id', 'day'])
    .execute()
  await db.schema.alterTable('mail_outbox').addColumn('lease_owner', 'text').execute()
  await db.schema.alterTable('mail_outbox').addColumn('lease_expires_at', 'text').execute()
  await db.schema.createIndex('job_runs_started').on('job_runs').column('started_at').execute()
  await db.schema.createIndex('sessions_expires').on('sessions').column('expires_at').execute()
  // The spend export pages through an organisation's transactions in id order: without this index each
  // page read and sorted all of them (200,000 rows: 100 ms a page, the server stalled for seconds).
  await db.schema
    .createIndex('ledger_transactions_org_id')
    .on('ledger_transactions')
    .columns(['organisation_id', 'id'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('ledger_transactions_org_id').execute()
  await db.schema.dropTable('closure_days').execute()
  await db.schema.alterTable('organisations').dropColumn('holiday_region').execute()
  await db.schema.dropIndex('sessions_expires').execute()
  await db.schema.dropIndex('job_runs_started').execute()
  await db.schema.alterTable('mail_outbox').dropColumn('lease_expires_at').execute()
  await db.schema.alterTable('mail_outbox').dropColumn('lease_owner').execute()
}
