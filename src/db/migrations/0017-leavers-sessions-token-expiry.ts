import { sql, type Kysely } from 'kysely'

// Account security (issue 10's leaver rule, issue 13's sessions page, ASVS V7.3.2):
// - a membership can be marked as left (`memberships.left_at`): the person keeps their account and their
//   other organisations, but no longer acts in this one; an administrator can reinstate them;
// - a session remembers a short description of the browser it was started in and the client address, so a
//   person can recognise their own sessions and end the ones they do not;
// - an API token has an expiry date. Tokens made before this migration had none: they get 90 days from now
//   (the new default), so nothing stops working on the day of the upgrade.
const EXISTING_TOKEN_DAYS = 90

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('memberships').addColumn('left_at', 'text').execute()
  await db.schema.alterTable('sessions').addColumn('device', 'text').execute()
  await db.schema.alterTable('sessions').addColumn('address', 'text').execute()
  await db.schema.alterTable('api_tokens').addColumn('expires_at', 'text').execute()
  const expires = new Date(Date.now() + EXISTING_TOKEN_DAYS * 24 * 60 * 60 * 1000).toISOString()
  await sql`update api_tokens set expires_at = ${expires} where expires_at is null`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('api_tokens').dropColumn('expires_at').execute()
  await db.schema.alterTable('sessions').dropColumn('address').execute()
  await db.schema.alterTable('sessions').dropColumn('device').execute()
  await db.schema.alterTable('memberships').dropColumn('left_at').execute()
}
