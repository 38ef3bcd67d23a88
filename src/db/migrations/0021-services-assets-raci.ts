import type { Kysely } from 'kysely'
import { idColumn } from './helpers.ts'

// Issue 10, "Responsibility matrix (content vs infrastructure)": the council's services and assets (website
// sections, the online forms platform, the revenues and benefits system, the CRM, the network, hosting), each
// of kind content, infrastructure or service, with a RACI matrix over the council's teams (the team names the
// people register and the establishment use), named people of the register and partners; and the projects
// that change each asset and the risks to it. The matrix and the links are parts of the asset: they are
// replaced with it, under its version, and its audit event holds them.

export async function up(db: Kysely<unknown>): Promise<void> {
  await idColumn(db, db.schema.createTable('service_assets'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('service_assets_org_name', ['organisation_id', 'name'])
    .execute()

  await idColumn(db, db.schema.createTable('asset_responsibilities'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('asset_id', 'integer', (c) => c.notNull().references('service_assets.id').onDelete('cascade'))
    // R, A, C or I
    .addColumn('role', 'text', (c) => c.notNull())
    // team, person or partner: exactly one of the three columns below is set
    .addColumn('party_kind', 'text', (c) => c.notNull())
    .addColumn('team', 'text')
    // An erased person leaves the matrix; the gap it leaves is then flagged.
    .addColumn('person_id', 'integer', (c) => c.references('people.id').onDelete('cascade'))
    .addColumn('partner_id', 'integer', (c) => c.references('partners.id').onDelete('restrict'))
    .execute()
  await db.schema
    .createIndex('asset_responsibilities_asset')
    .on('asset_responsibilities')
    .columns(['asset_id'])
    .execute()
  await db.schema
    .createIndex('asset_responsibilities_partner')
    .on('asset_responsibilities')
    .columns(['partner_id'])
    .execute()

  await db.schema
    .createTable('asset_projects')
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('asset_id', 'integer', (c) => c.notNull().references('service_assets.id').onDelete('cascade'))
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('asset_projects_pk', ['asset_id', 'project_id'])
    .execute()
  await db.schema.createIndex('asset_projects_project').on('asset_projects').columns(['project_id']).execute()

  await db.schema
    .createTable('asset_risks')
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('asset_id', 'integer', (c) => c.notNull().references('service_assets.id').onDelete('cascade'))
    .addColumn('risk_id', 'integer', (c) => c.notNull().references('risks.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('asset_risks_pk', ['asset_id', 'risk_id'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['asset_risks', 'asset_projects', 'asset_responsibilities', 'service_assets'])
    await db.schema.dropTable(t).execute()
}
