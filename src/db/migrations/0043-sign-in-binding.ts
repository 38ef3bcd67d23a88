import type { Kysely } from 'kysely'

// Issue 13's gaps. A session remembers how it was signed in: through which organisation's identity provider
// (its id), or with a password (null, as every session before this migration was). Moving the session into
// another organisation is allowed only where that sign-in counts (modules/sso: switchNeeds).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sessions').addColumn('signed_in_through', 'integer').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sessions').dropColumn('signed_in_through').execute()
}
