import type { Kysely } from 'kysely'
import { idColumn } from './helpers.ts'

// Issue 11, "Outcomes": the two records the rest of the outcomes work hangs from. A strategic ambition (for
// example "Digital by preference: most contacts start online by 2023"), owned by a Portfolio Holder of the
// people register, with its statement, the corporate plan theme it serves, a horizon and a status; and a
// performance indicator's definition: unit, the fixed-point scale its values are stored at, polarity,
// frequency, how values roll up to a longer period, an optional group (for example "Channel shift"), the
// data source and an owner. Links, targets, values, outputs and benefits come in later migrations.

export async function up(db: Kysely<unknown>): Promise<void> {
  await idColumn(db, db.schema.createTable('ambitions'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('statement', 'text', (c) => c.notNull().defaultTo(''))
    // The corporate plan theme the ambition serves, as the council names it.
    .addColumn('theme', 'text', (c) => c.notNull().defaultTo(''))
    // The date by which the ambition is to be met (ISO date).
    .addColumn('horizon_on', 'text')
    // draft, active, achieved or withdrawn
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('owner_person_id', 'integer', (c) => c.references('people.id').onDelete('set null'))
    // The copy of the owner's name that lists and frozen history read (src/modules/resourcing/person-refs.ts).
    .addColumn('owner', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('ambitions_org_title', ['organisation_id', 'title'])
    .execute()
  await db.schema.createIndex('ambitions_owner_person_id').on('ambitions').column('owner_person_id').execute()

  await idColumn(db, db.schema.createTable('indicators'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    // count, percent, money, days or score
    .addColumn('unit', 'text', (c) => c.notNull())
    // Values are stored as integers: value × 10^scale (money is always pence, scale 0).
    .addColumn('scale', 'integer', (c) => c.notNull().defaultTo(0))
    // higher or lower (is better)
    .addColumn('polarity', 'text', (c) => c.notNull())
    // monthly, quarterly or annual
    .addColumn('frequency', 'text', (c) => c.notNull())
    // sum, average or latest: how a month's values make a quarter and a year
    .addColumn('rollup', 'text', (c) => c.notNull())
    // Indicators that are read together, for example "Channel shift"; '' for none.
    .addColumn('group_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('data_source', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('owner_person_id', 'integer', (c) => c.references('people.id').onDelete('set null'))
    .addColumn('owner', 'text', (c) => c.notNull().defaultTo(''))
    // active or retired
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('indicators_org_name', ['organisation_id', 'name'])
    .execute()
  await db.schema.createIndex('indicators_owner_person_id').on('indicators').column('owner_person_id').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['indicators', 'ambitions']) await db.schema.dropTable(t).execute()
}
