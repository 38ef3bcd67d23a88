import type { Kysely } from 'kysely'
import { idColumn } from './helpers.ts'

// Partners as the council deals with them (issue 10): what kind of body each is (a shared-service company, a
// neighbouring council, a supplier), the agreement's dates, the services it provides, and — once the
// partnership has ended through the separation process — the date it ended.
// - `partner_separations`: one per partner at most, the end date, the decision that recorded it and the
//   separation summary as it stood when confirmed (the document's JSON, rendered on demand to DOCX and PDF);
// - `handovers`: the records handed over to the partner at separation. They stay, read-only, marked as
//   handed over (updateVersioned refuses a change to one).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('partners')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('shared_service'))
    .execute()
  await db.schema.alterTable('partners').addColumn('agreement_starts_on', 'text').execute()
  await db.schema.alterTable('partners').addColumn('agreement_ends_on', 'text').execute()
  await db.schema
    .alterTable('partners')
    .addColumn('services', 'text', (c) => c.notNull().defaultTo(''))
    .execute()
  await db.schema.alterTable('partners').addColumn('ended_on', 'text').execute()

  await idColumn(db, db.schema.createTable('partner_separations'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('partner_id', 'integer', (c) =>
      c.notNull().unique().references('partners.id').onDelete('cascade'),
    )
    .addColumn('ended_on', 'text', (c) => c.notNull())
    .addColumn('decision_id', 'integer', (c) => c.references('decisions.id').onDelete('set null'))
    .addColumn('summary_json', 'text', (c) => c.notNull())
    .addColumn('created_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('handovers')
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('entity_type', 'text', (c) => c.notNull())
    .addColumn('entity_id', 'integer', (c) => c.notNull())
    .addColumn('partner_id', 'integer', (c) => c.notNull().references('partners.id').onDelete('cascade'))
    .addColumn('separation_id', 'integer', (c) =>
      c.notNull().references('partner_separations.id').onDelete('cascade'),
    )
    .addColumn('handed_over_on', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('handovers_pk', ['organisation_id', 'entity_type', 'entity_id'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('handovers').execute()
  await db.schema.dropTable('partner_separations').execute()
  for (const c of ['ended_on', 'services', 'agreement_ends_on', 'agreement_starts_on', 'kind'])
    await db.schema.alterTable('partners').dropColumn(c).execute()
}
