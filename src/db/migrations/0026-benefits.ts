import type { Kysely } from 'kysely'
import { idColumn } from './helpers.ts'

// Issue 11, "Outputs and benefits": the benefits register. A benefit (or dis-benefit) of a project, or of a
// whole programme, of one type (cashable, non-cashable or societal), owned by a person of the register,
// serving an ambition and measured by an indicator (both optional, migration 0024), with a baseline, a target and the date it is to
// be met by, and its realisation profile: a planned and a realised value for each financial year. Values are
// exact integers in hundredths: pence for a cashable benefit, value × 100 of the benefit's unit otherwise.

export async function up(db: Kysely<unknown>): Promise<void> {
  await idColumn(db, db.schema.createTable('benefits'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    // Every benefit is of a programme; most are of one of its projects too (null: the whole programme's).
    .addColumn('programme_id', 'integer', (c) => c.notNull().references('programmes.id').onDelete('cascade'))
    .addColumn('project_id', 'integer', (c) => c.references('projects.id').onDelete('cascade'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    // cashable, non_cashable or societal
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('dis_benefit', 'integer', (c) => c.notNull().defaultTo(0))
    // The unit a non-cashable or societal value is counted in ("contacts", "days"); '£' for cashable.
    .addColumn('unit', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('owner_person_id', 'integer', (c) => c.references('people.id').onDelete('set null'))
    // The copy of the owner's name that lists and frozen history read (src/modules/resourcing/person-refs.ts).
    .addColumn('owner', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('ambition_id', 'integer', (c) => c.references('ambitions.id').onDelete('set null'))
    .addColumn('indicator_id', 'integer', (c) => c.references('indicators.id').onDelete('set null'))
    // The financial year the baseline was measured in ("2019/20") and its value, in hundredths.
    .addColumn('baseline_year', 'text')
    .addColumn('baseline_value', 'bigint')
    .addColumn('target_value', 'bigint')
    // The date by which the target is to be met (ISO date).
    .addColumn('target_on', 'text')
    // A cashable saving counted in the council's medium-term financial strategy.
    .addColumn('mtfs', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  for (const col of ['programme_id', 'project_id', 'owner_person_id', 'ambition_id', 'indicator_id'])
    await db.schema.createIndex(`benefits_${col}`).on('benefits').column(col).execute()

  // The realisation profile: parts of the benefit, replaced under its version.
  await idColumn(db, db.schema.createTable('benefit_profile'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('benefit_id', 'integer', (c) => c.notNull().references('benefits.id').onDelete('cascade'))
    // A financial year as budget books write it: "2025/26".
    .addColumn('financial_year', 'text', (c) => c.notNull())
    .addColumn('planned_value', 'bigint', (c) => c.notNull())
    // Null until the value realised in that year is recorded.
    .addColumn('realised_value', 'bigint')
    .addUniqueConstraint('benefit_profile_year', ['benefit_id', 'financial_year'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['benefit_profile', 'benefits']) await db.schema.dropTable(t).execute()
}
