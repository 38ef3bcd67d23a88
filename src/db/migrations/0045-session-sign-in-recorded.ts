import type { Kysely } from 'kysely'

// Issue 13: a session remembers how it signed in (0043, `signed_in_through`), and moving it into another
// organisation depends on that. Sessions started before 0043 say null, as a password session does, though
// some of them came through an organisation's identity provider: taken for password sessions, those could
// move where a password counts. Every session held when this runs (and any that an instance still running
// older code starts during the upgrade) is marked as not recorded, the column's default; the server marks
// each session it starts as recorded. A session not recorded moves nowhere until the person signs in again
// (modules/sso: switchNeeds), so the worst a password session from before pays is one more sign-in.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('sessions')
    .addColumn('sign_in_recorded', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('sessions').dropColumn('sign_in_recorded').execute()
}
