import type { Kysely } from 'kysely'

// Operations: leases on outbox mail (a row left "sending" by a crashed instance is retried once its lease
// expires; a live sender renews its lease), and indexes for the housekeeping job's pruning.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('mail_outbox').addColumn('lease_owner', 'text').execute()
  await db.schema.alterTable('mail_outbox').addColumn('lease_expires_at', 'text').execute()
  await db.schema.createIndex('job_runs_started').on('job_runs').column('started_at').execute()
  await db.schema.createIndex('sessions_expires').on('sessions').column('expires_at').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('sessions_expires').execute()
  await db.schema.dropIndex('job_runs_started').execute()
  await db.schema.alterTable('mail_outbox').dropColumn('lease_expires_at').execute()
  await db.schema.alterTable('mail_outbox').dropColumn('lease_owner').execute()
}
