import type { Kysely } from 'kysely'

// Issue 10: a lifecycle gate can require "resources in place" before it is passed — every role the project
// needs in the months after the gate's decision has people allocated (gates.rules.ts RESOURCES_WINDOW_MONTHS).
// 1 = required, 0 = not (the default: existing gates keep passing as before).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('lifecycle_gates')
    .addColumn('requires_resources', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('lifecycle_gates').dropColumn('requires_resources').execute()
}
