import type { Kysely } from 'kysely'
import { idColumn } from './helpers.ts'

// Issue 11, "Strategic ambitions" and "Outputs": the programmes and projects that contribute to an ambition, and
// a project's outputs (deliverables) with their acceptance and the milestones they are delivered at.

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [table, column, target] of [
    ['ambition_programmes', 'programme_id', 'programmes'],
    ['ambition_projects', 'project_id', 'projects'],
  ] as const) {
    await db.schema
      .createTable(table)
      .addColumn('organisation_id', 'integer', (c) =>
        c.notNull().references('organisations.id').onDelete('cascade'),
      )
      .addColumn('ambition_id', 'integer', (c) => c.notNull().references('ambitions.id').onDelete('cascade'))
      .addColumn(column, 'integer', (c) => c.notNull().references(`${target}.id`).onDelete('cascade'))
      .addPrimaryKeyConstraint(`${table}_pk`, ['ambition_id', column])
      .execute()
    await db.schema.createIndex(`${table}_${column}`).on(table).column(column).execute()
  }

  await idColumn(db, db.schema.createTable('outputs'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    // service, system, content, process or capability
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    // ISO dates: when it was to be delivered, and when it was.
    .addColumn('planned_on', 'text')
    .addColumn('delivered_on', 'text')
    // Who accepted it (a person of the register, with the copy of their name person-refs.ts writes), and when.
    .addColumn('accepted_by_person_id', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('accepted_by', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('accepted_on', 'text')
    // planned, in_progress, delivered, accepted or withdrawn
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('outputs_project').on('outputs').column('project_id').execute()
  await db.schema
    .createIndex('outputs_accepted_by_person_id')
    .on('outputs')
    .column('accepted_by_person_id')
    .execute()

  await db.schema
    .createTable('output_milestones')
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('output_id', 'integer', (c) => c.notNull().references('outputs.id').onDelete('cascade'))
    .addColumn('milestone_id', 'integer', (c) => c.notNull().references('milestones.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('output_milestones_pk', ['output_id', 'milestone_id'])
    .execute()
  await db.schema
    .createIndex('output_milestones_milestone')
    .on('output_milestones')
    .column('milestone_id')
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['output_milestones', 'outputs', 'ambition_projects', 'ambition_programmes'])
    await db.schema.dropTable(t).execute()
}
