import type { Kysely } from 'kysely'

// Issue 10: the early warning of a role with no one allocated before its project starts tells the project
// and programme managers once per role, not every day the health check finds it. role_early_warnings
// remembers which role was warned about, and when; deleting the role forgets it.
// And a partner's recharge can name the person of the partner's staff it is for (PSPS's web developer):
// partner_recharges.person_id, cleared if the person's record is deleted.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('role_early_warnings')
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('role_id', 'integer', (c) => c.primaryKey().references('project_roles.id').onDelete('cascade'))
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('sent_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .alterTable('partner_recharges')
    .addColumn('person_id', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('partner_recharges').dropColumn('person_id').execute()
  await db.schema.dropTable('role_early_warnings').execute()
}
