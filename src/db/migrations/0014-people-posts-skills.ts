import { sql, type Kysely } from 'kysely'
import { idColumn } from './helpers.ts'

// Issue 10, first part: the establishment (posts), the people register, who holds which post, secondments
// in and out, and each organisation's skills catalogue with people's skills and the skills a business
// case's resource line needs. FTE is integer hundredths (1.00 = 100); money is integer pence (ADR 0004);
// dates are ISO text, as everywhere else.

/** The skills a council's digital work needs, seeded into every organisation's catalogue (issue 10). */
const SEED_SKILLS = [
  'Content design',
  'Web development',
  'User research',
  'Service design',
  'Data analysis',
  'Delivery management',
  'CRM administration',
  'Accessibility testing',
] as const

export async function up(db: Kysely<unknown>): Promise<void> {
  await idColumn(db, db.schema.createTable('people'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    // Null: the council itself employs them; otherwise the partner (a record inside the organisation).
    .addColumn('partner_id', 'integer', (c) => c.references('partners.id').onDelete('restrict'))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('job_title', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('team', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('email', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('people_org_name').on('people').columns(['organisation_id', 'name']).execute()
  await db.schema.createIndex('people_partner').on('people').columns(['partner_id']).execute()

  await idColumn(db, db.schema.createTable('posts'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('team', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('grade', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('fte_hundredths', 'integer', (c) => c.notNull())
    .addColumn('funded', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('annual_cost_pence', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('budget_line_id', 'integer', (c) => c.references('budget_lines.id').onDelete('set null'))
    .addColumn('funding_stream_id', 'integer', (c) => c.references('funding_streams.id').onDelete('set null'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('approved_on', 'text')
    .addColumn('advertised_on', 'text')
    .addColumn('appointed_on', 'text')
    .addColumn('starts_on', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('posts_org_title').on('posts').columns(['organisation_id', 'title']).execute()

  await idColumn(db, db.schema.createTable('post_holders'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('post_id', 'integer', (c) => c.notNull().references('posts.id').onDelete('cascade'))
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('starts_on', 'text', (c) => c.notNull())
    .addColumn('ends_on', 'text')
    .addColumn('fte_hundredths', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('post_holders_post').on('post_holders').columns(['post_id']).execute()
  await db.schema.createIndex('post_holders_person').on('post_holders').columns(['person_id']).execute()

  await idColumn(db, db.schema.createTable('secondments'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    // 'out': the person's capacity goes elsewhere; 'in': they bring capacity to us.
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('from_team', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('from_organisation', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('to_team', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('to_organisation', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('starts_on', 'text', (c) => c.notNull())
    .addColumn('ends_on', 'text')
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('fte_hundredths', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('secondments_person').on('secondments').columns(['person_id']).execute()

  await idColumn(db, db.schema.createTable('skills'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    // A skill people hold is retired, not deleted, so their records and the history keep its name.
    .addColumn('retired', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('skills_org_name', ['organisation_id', 'name'])
    .execute()

  await idColumn(db, db.schema.createTable('person_skills'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('person_id', 'integer', (c) => c.notNull().references('people.id').onDelete('cascade'))
    .addColumn('skill_id', 'integer', (c) => c.notNull().references('skills.id').onDelete('cascade'))
    .addColumn('level', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('person_skills_person_skill', ['person_id', 'skill_id'])
    .execute()

  await db.schema
    .createTable('business_case_resource_skills')
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('resource_id', 'integer', (c) =>
      c.notNull().references('business_case_resources.id').onDelete('cascade'),
    )
    .addColumn('skill_id', 'integer', (c) => c.notNull().references('skills.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('business_case_resource_skills_pk', ['resource_id', 'skill_id'])
    .execute()

  // Every existing organisation starts with the seed catalogue; new ones get it on first use (skills.repository.ts).
  const at = new Date().toISOString()
  const orgs = await sql<{ id: number }>`select id from organisations order by id`.execute(db)
  for (const org of orgs.rows)
    for (const name of SEED_SKILLS)
      await sql`insert into skills (organisation_id, name, description, retired, version, created_at, updated_at)
        values (${org.id}, ${name}, '', 0, 1, ${at}, ${at})`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'business_case_resource_skills',
    'person_skills',
    'skills',
    'secondments',
    'post_holders',
    'posts',
    'people',
  ])
    await db.schema.dropTable(t).execute()
}
