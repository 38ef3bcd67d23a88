import type { Kysely } from 'kysely'
import { idColumn } from './helpers.ts'

// Finance: funding streams, budget lines profiled by period, commitments, monthly forecasts, the shared
// ICT partner's recharges, claims against funding streams, and the monthly budget monitoring sign-off
// whose absence the scrutiny panel criticised. Money is integer pence (bigint) throughout.
export async function up(db: Kysely<unknown>): Promise<void> {
  await idColumn(db, db.schema.createTable('funding_streams'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('eligibility', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('base_costs_eligible', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('funding_streams_org_name', ['organisation_id', 'name'])
    .execute()

  await idColumn(db, db.schema.createTable('budget_lines'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('financial_year', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('funding_stream_id', 'integer', (c) =>
      c.notNull().references('funding_streams.id').onDelete('restrict'),
    )
    .addColumn('cost_type', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('amount_pence', 'bigint', (c) => c.notNull())
    .addColumn('profile_method', 'text', (c) => c.notNull())
    .addColumn('approved_by', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('approved_by_user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('approved_on', 'text')
    .addColumn('approval_reference', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('budget_lines_project_year')
    .on('budget_lines')
    .columns(['project_id', 'financial_year'])
    .execute()

  await idColumn(db, db.schema.createTable('budget_line_periods'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('budget_line_id', 'integer', (c) =>
      c.notNull().references('budget_lines.id').onDelete('cascade'),
    )
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('amount_pence', 'bigint', (c) => c.notNull())
    .addUniqueConstraint('budget_line_periods_line_period', ['budget_line_id', 'period'])
    .execute()

  await idColumn(db, db.schema.createTable('commitments'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('supplier_name', 'text', (c) => c.notNull())
    .addColumn('reference', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('amount_pence', 'bigint', (c) => c.notNull())
    .addColumn('raised_on', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('commitments_project').on('commitments').columns(['project_id']).execute()

  await idColumn(db, db.schema.createTable('forecasts'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('financial_year', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('forecast_outturn_pence', 'bigint', (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('entered_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('entered_by_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('forecasts_project_year_period', ['project_id', 'financial_year', 'period'])
    .execute()

  await idColumn(db, db.schema.createTable('partners'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('base_contract', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('annual_base_contract_pence', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('partners_org_name', ['organisation_id', 'name'])
    .execute()

  await idColumn(db, db.schema.createTable('partner_recharges'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('partner_id', 'integer', (c) => c.notNull().references('partners.id').onDelete('cascade'))
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('amount_pence', 'bigint', (c) => c.notNull())
    .addColumn('cost_basis', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('partner_recharges_project')
    .on('partner_recharges')
    .columns(['project_id', 'period'])
    .execute()

  await idColumn(db, db.schema.createTable('claims'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('funding_stream_id', 'integer', (c) =>
      c.notNull().references('funding_streams.id').onDelete('restrict'),
    )
    .addColumn('project_id', 'integer', (c) => c.references('projects.id').onDelete('set null'))
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('eligible_pence', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('claimed_pence', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('received_pence', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('submitted_on', 'text')
    .addColumn('received_on', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('claims_stream').on('claims').columns(['funding_stream_id']).execute()

  await idColumn(db, db.schema.createTable('claim_items'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('claim_id', 'integer', (c) => c.notNull().references('claims.id').onDelete('cascade'))
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('amount_pence', 'bigint', (c) => c.notNull())
    .addColumn('eligible', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('ineligible_reason', 'text', (c) => c.notNull().defaultTo(''))
    .execute()
  await db.schema.createIndex('claim_items_claim').on('claim_items').columns(['claim_id']).execute()

  await idColumn(db, db.schema.createTable('budget_monitoring'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('project_id', 'integer', (c) => c.notNull().references('projects.id').onDelete('cascade'))
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('finance_signed_off_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('finance_signed_off_by_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('finance_signed_off_at', 'text')
    .addColumn('pm_signed_off_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('pm_signed_off_by_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('pm_signed_off_at', 'text')
    .addColumn('forecast_confirmed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('variance_explanation', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('budget_monitoring_project_period', ['project_id', 'period'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'budget_monitoring',
    'claim_items',
    'claims',
    'partner_recharges',
    'partners',
    'forecasts',
    'commitments',
    'budget_line_periods',
    'budget_lines',
    'funding_streams',
  ]) {
    await db.schema.dropTable(t).execute()
  }
}
