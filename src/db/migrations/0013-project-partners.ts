import { sql, type Kysely } from 'kysely'

// Sharing as it needs to be: a project may be shared with several partners (`project_partners`), and a
// partner officer's membership names the partner they work for, so each officer sees only their own
// partner's projects. Replaces the single `projects.shared_with_partner` flag, which could not say *which*
// partner. Existing data: in each organisation, the projects flagged as shared are shared with the
// organisation's first partner record (the demo's PSPS), and its partner officers are made officers of
// that partner; an organisation with shared projects or partner officers but no partner record gets one
// named "Partner". The visibility rule lives in src/auth/visibility.ts.

interface Row {
  id: number
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('project_partners')
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('partner_id', 'integer', (c) => c.notNull().references('partners.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('project_partners_pk', ['project_id', 'partner_id'])
    .execute()
  await db.schema
    .createIndex('project_partners_partner')
    .on('project_partners')
    .columns(['partner_id', 'project_id'])
    .execute()
  await db.schema
    .alterTable('memberships')
    .addColumn('partner_id', 'integer', (c) => c.references('partners.id').onDelete('set null'))
    .execute()

  const orgs = await sql<Row>`
    select o.id from organisations o
    where exists (select 1 from projects p where p.organisation_id = o.id and p.shared_with_partner = 1)
       or exists (select 1 from memberships m where m.organisation_id = o.id and m.role = 'partner_officer')
    order by o.id`.execute(db)
  const at = new Date().toISOString()
  for (const org of orgs.rows) {
    const first = await sql<Row>`
      select id from partners where organisation_id = ${org.id} order by id limit 1`.execute(db)
    let partnerId = first.rows[0]?.id
    if (partnerId === undefined) {
      await sql`
        insert into partners (organisation_id, name, base_contract, annual_base_contract_pence, version, created_at, updated_at)
        values (${org.id}, 'Partner', '', 0, 1, ${at}, ${at})`.execute(db)
      const created = await sql<Row>`
        select id from partners where organisation_id = ${org.id} and name = 'Partner'`.execute(db)
      partnerId = created.rows[0]!.id
    }
    await sql`
      insert into project_partners (organisation_id, project_id, partner_id)
      select organisation_id, id, ${partnerId} from projects
      where organisation_id = ${org.id} and shared_with_partner = 1`.execute(db)
    await sql`
      update memberships set partner_id = ${partnerId}
      where organisation_id = ${org.id} and role = 'partner_officer'`.execute(db)
  }
  await db.schema.alterTable('projects').dropColumn('shared_with_partner').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('projects')
    .addColumn('shared_with_partner', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  await sql`
    update projects set shared_with_partner = 1
    where id in (select project_id from project_partners)`.execute(db)
  await db.schema.alterTable('memberships').dropColumn('partner_id').execute()
  await db.schema.dropTable('project_partners').execute()
}
