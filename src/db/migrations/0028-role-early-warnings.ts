import type { Kysely } from 'kysely'

// Issue 10: the early warning of a role with no one allocated before its project starts tells the project
// and programme managers once per role, not every day the health check finds it. This remembers which role
// was warned about, and when; deleting the role forgets it.
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
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('role_early_warnings').execute()
}
