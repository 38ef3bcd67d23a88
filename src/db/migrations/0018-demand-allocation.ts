import type { Kysely } from 'kysely'
import { idColumn } from './helpers.ts'

// Issue 10, second part: demand and allocation. A project's roles (what the project needs: a title, the
// skills, a team) with the FTE each needs by month, and allocations of a person (or a vacant post) to a role
// with the FTE they give it by month. Months are 'YYYY-MM' text; FTE integer hundredths (1.00 = 100). A
// role's and an allocation's months are parts of the record: they are replaced with it, under its version.

export async function up(db: Kysely<unknown>): Promise<void> {
  await idColumn(db, db.schema.createTable('project_roles'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('team', 'text', (c) => c.notNull().defaultTo(''))
    // 'business_case': made by "Seed from business case" (so seeding again finds it); '' when typed.
    .addColumn('source', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('project_roles_project_title', ['project_id', 'title'])
    .execute()
  await db.schema.createIndex('project_roles_org').on('project_roles').columns(['organisation_id']).execute()

  await db.schema
    .createTable('project_role_skills')
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('role_id', 'integer', (c) => c.notNull().references('project_roles.id').onDelete('cascade'))
    .addColumn('skill_id', 'integer', (c) => c.notNull().references('skills.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('project_role_skills_pk', ['role_id', 'skill_id'])
    .execute()

  await db.schema
    .createTable('project_role_months')
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('role_id', 'integer', (c) => c.notNull().references('project_roles.id').onDelete('cascade'))
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('fte_hundredths', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('project_role_months_pk', ['role_id', 'period'])
    .execute()
  await db.schema
    .createIndex('project_role_months_org_period')
    .on('project_role_months')
    .columns(['organisation_id', 'period'])
    .execute()

  await idColumn(db, db.schema.createTable('allocations'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('role_id', 'integer', (c) => c.notNull().references('project_roles.id').onDelete('cascade'))
    // Exactly one of the two: a named person, or a vacant post the role will be filled from.
    .addColumn('person_id', 'integer', (c) => c.references('people.id').onDelete('cascade'))
    .addColumn('post_id', 'integer', (c) => c.references('posts.id').onDelete('cascade'))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('allocations_role').on('allocations').columns(['role_id']).execute()
  await db.schema.createIndex('allocations_person').on('allocations').columns(['person_id']).execute()

  await db.schema
    .createTable('allocation_months')
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('allocation_id', 'integer', (c) =>
      c.notNull().references('allocations.id').onDelete('cascade'),
    )
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('fte_hundredths', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('allocation_months_pk', ['allocation_id', 'period'])
    .execute()
  await db.schema
    .createIndex('allocation_months_org_period')
    .on('allocation_months')
    .columns(['organisation_id', 'period'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'allocation_months',
    'allocations',
    'project_role_months',
    'project_role_skills',
    'project_roles',
  ])
    await db.schema.dropTable(t).execute()
}
