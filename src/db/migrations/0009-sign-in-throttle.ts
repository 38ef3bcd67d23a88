import type { Kysely } from 'kysely'

// Sign-in throttling stores the time before which a key (an account, or a client address) may not try
// again, worked out when the failure is counted; a try is then refused with one read and no hashing.
// Null while the key still has free tries.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sign_in_throttle').addColumn('not_before', 'text').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sign_in_throttle').dropColumn('not_before').execute()
}
