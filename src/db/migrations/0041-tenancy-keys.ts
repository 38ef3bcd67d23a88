import { sql, type Kysely } from 'kysely'
import { isPostgres } from './helpers.ts'

// Issue 14, "the database enforces tenancy": a foreign key between two organisation-owned tables names its
// parent by (organisation_id, id), so the database itself refuses a row that points at another council's
// record, and the schema can be distributed by organisation_id (docs/citus.md: co-located tables join and
// enforce keys on one node only when the key includes the distribution column).
//
// This converts every such key the schema had (148, to 39 parent tables), keeping each key's delete rule.
// test/integration/tenancy-schema.test.ts fails for a new single-column one.
//
// The keys are converted on PostgreSQL only. SQLite changes a constraint only by rebuilding the table (copy
// every row into a new one, with its indexes and triggers, on every existing install); a SQLite database is
// one council on one machine and is never distributed, so its existing tables keep single-column keys and
// the application's rule that every foreign id is checked within the organisation (src/db/foreign-ids.ts).
// SQLite gets the parents' unique (organisation_id, id) indexes, which need no rebuild.

type DeleteRule = 'cascade' | 'restrict' | 'set null'

interface CompositeKey {
  table: string
  column: string
  parent: string
  onDelete: DeleteRule
}

const key = (table: string, column: string, parent: string, onDelete: DeleteRule): CompositeKey => ({
  table,
  column,
  parent,
  onDelete,
})

/** The keys converted, each with the delete rule it had (and keeps). Frozen: a later migration adds its own. */
export const COMPOSITE_FOREIGN_KEYS: readonly CompositeKey[] = [
  key('projects', 'programme_id', 'programmes', 'restrict'),
  key('agenda_item_links', 'programme_id', 'programmes', 'cascade'),
  key('ambition_programmes', 'programme_id', 'programmes', 'cascade'),
  key('benefits', 'programme_id', 'programmes', 'cascade'),
  key('boards', 'programme_id', 'programmes', 'set null'),
  key('forward_plan_entries', 'programme_id', 'programmes', 'set null'),
  key('indicator_links', 'programme_id', 'programmes', 'cascade'),
  key('panel_reports', 'programme_id', 'programmes', 'cascade'),
  key('programme_definitions', 'programme_id', 'programmes', 'cascade'),
  key('recommendation_actions', 'programme_id', 'programmes', 'set null'),
  key('tolerance_exceptions', 'programme_id', 'programmes', 'cascade'),
  key('tolerance_settings', 'programme_id', 'programmes', 'cascade'),
  key('agenda_item_links', 'project_id', 'projects', 'cascade'),
  key('ambition_projects', 'project_id', 'projects', 'cascade'),
  key('asset_projects', 'project_id', 'projects', 'cascade'),
  key('assumptions', 'project_id', 'projects', 'cascade'),
  key('benefits', 'project_id', 'projects', 'cascade'),
  key('budget_lines', 'project_id', 'projects', 'cascade'),
  key('budget_monitoring', 'project_id', 'projects', 'cascade'),
  key('business_cases', 'project_id', 'projects', 'cascade'),
  key('claims', 'project_id', 'projects', 'set null'),
  key('commitments', 'project_id', 'projects', 'cascade'),
  key('cost_mapping_rules', 'project_id', 'projects', 'cascade'),
  key('dependencies', 'depends_on_project_id', 'projects', 'set null'),
  key('dependencies', 'project_id', 'projects', 'cascade'),
  key('forecasts', 'project_id', 'projects', 'cascade'),
  key('forward_plan_entries', 'project_id', 'projects', 'set null'),
  key('indicator_links', 'project_id', 'projects', 'cascade'),
  key('ledger_import_rows', 'project_id', 'projects', 'set null'),
  key('ledger_transactions', 'project_id', 'projects', 'set null'),
  key('milestones', 'project_id', 'projects', 'cascade'),
  key('outputs', 'project_id', 'projects', 'cascade'),
  key('partner_recharges', 'project_id', 'projects', 'cascade'),
  key('project_gates', 'project_id', 'projects', 'cascade'),
  key('project_partners', 'project_id', 'projects', 'cascade'),
  key('project_portfolio_figures', 'project_id', 'projects', 'cascade'),
  key('project_roles', 'project_id', 'projects', 'cascade'),
  key('raid_issues', 'project_id', 'projects', 'cascade'),
  key('recommendation_actions', 'project_id', 'projects', 'set null'),
  key('risks', 'project_id', 'projects', 'cascade'),
  key('role_early_warnings', 'project_id', 'projects', 'cascade'),
  key('status_reports', 'project_id', 'projects', 'cascade'),
  key('tolerance_exceptions', 'project_id', 'projects', 'cascade'),
  key('tolerance_settings', 'project_id', 'projects', 'cascade'),
  key('output_milestones', 'milestone_id', 'milestones', 'cascade'),
  key('asset_risks', 'risk_id', 'risks', 'cascade'),
  key('risk_actions', 'risk_id', 'risks', 'cascade'),
  key('agenda_item_links', 'agenda_item_id', 'agenda_items', 'cascade'),
  key('item_points', 'agenda_item_id', 'agenda_items', 'cascade'),
  key('recommendations', 'agenda_item_id', 'agenda_items', 'restrict'),
  key('recommendations', 'follow_up_item_id', 'agenda_items', 'set null'),
  key('resolutions', 'agenda_item_id', 'agenda_items', 'cascade'),
  key('allocation_months', 'allocation_id', 'allocations', 'cascade'),
  key('ambition_programmes', 'ambition_id', 'ambitions', 'cascade'),
  key('ambition_projects', 'ambition_id', 'ambitions', 'cascade'),
  key('benefits', 'ambition_id', 'ambitions', 'set null'),
  key('indicator_links', 'ambition_id', 'ambitions', 'cascade'),
  key('benefit_profile', 'benefit_id', 'benefits', 'cascade'),
  key('board_members', 'board_id', 'boards', 'cascade'),
  key('decisions', 'board_id', 'boards', 'set null'),
  key('forward_plan_entries', 'board_id', 'boards', 'set null'),
  key('budget_line_periods', 'budget_line_id', 'budget_lines', 'cascade'),
  key('posts', 'budget_line_id', 'budget_lines', 'set null'),
  key('business_case_resource_skills', 'resource_id', 'business_case_resources', 'cascade'),
  key('business_case_resources', 'business_case_id', 'business_cases', 'cascade'),
  key('claim_items', 'claim_id', 'claims', 'cascade'),
  key('ledger_imports', 'mapping_id', 'column_mappings', 'set null'),
  key('meeting_attendance', 'committee_member_id', 'committee_members', 'cascade'),
  key('committee_members', 'committee_id', 'committees', 'cascade'),
  key('meetings', 'committee_id', 'committees', 'restrict'),
  key('recommendations', 'committee_id', 'committees', 'restrict'),
  key('decision_implementations', 'decision_id', 'decisions', 'cascade'),
  key('decision_links', 'decision_id', 'decisions', 'cascade'),
  key('decisions', 'supersedes_id', 'decisions', 'set null'),
  key('forward_plan_entries', 'decision_id', 'decisions', 'set null'),
  key('partner_separations', 'decision_id', 'decisions', 'set null'),
  key('project_gates', 'decision_id', 'decisions', 'set null'),
  key('document_versions', 'document_id', 'documents', 'cascade'),
  key('budget_lines', 'funding_stream_id', 'funding_streams', 'restrict'),
  key('claims', 'funding_stream_id', 'funding_streams', 'restrict'),
  key('posts', 'funding_stream_id', 'funding_streams', 'set null'),
  key('indicator_import_problems', 'import_id', 'indicator_imports', 'cascade'),
  key('indicator_import_rows', 'import_id', 'indicator_imports', 'cascade'),
  key('benefits', 'indicator_id', 'indicators', 'set null'),
  key('indicator_import_rows', 'indicator_id', 'indicators', 'cascade'),
  key('indicator_links', 'indicator_id', 'indicators', 'cascade'),
  key('indicator_targets', 'indicator_id', 'indicators', 'cascade'),
  key('indicator_values', 'indicator_id', 'indicators', 'cascade'),
  key('item_points', 'parent_id', 'item_points', 'cascade'),
  key('ledger_import_problems', 'import_id', 'ledger_imports', 'cascade'),
  key('ledger_import_rows', 'import_id', 'ledger_imports', 'cascade'),
  key('ledger_transactions', 'import_id', 'ledger_imports', 'restrict'),
  key('project_gates', 'gate_id', 'lifecycle_gates', 'cascade'),
  key('agenda_items', 'meeting_id', 'meetings', 'cascade'),
  key('meeting_attendance', 'meeting_id', 'meetings', 'cascade'),
  key('panel_reports', 'meeting_id', 'meetings', 'set null'),
  key('output_milestones', 'output_id', 'outputs', 'cascade'),
  key('panel_report_files', 'report_id', 'panel_reports', 'cascade'),
  key('report_areas', 'report_id', 'panel_reports', 'cascade'),
  key('claim_items', 'partner_recharge_id', 'partner_recharges', 'set null'),
  key('handovers', 'separation_id', 'partner_separations', 'cascade'),
  key('asset_responsibilities', 'partner_id', 'partners', 'restrict'),
  key('handovers', 'partner_id', 'partners', 'cascade'),
  key('memberships', 'partner_id', 'partners', 'set null'),
  key('partner_recharges', 'partner_id', 'partners', 'cascade'),
  key('partner_separations', 'partner_id', 'partners', 'cascade'),
  key('people', 'partner_id', 'partners', 'restrict'),
  key('project_partners', 'partner_id', 'partners', 'cascade'),
  key('allocations', 'person_id', 'people', 'cascade'),
  key('ambitions', 'owner_person_id', 'people', 'set null'),
  key('asset_responsibilities', 'person_id', 'people', 'cascade'),
  key('assumptions', 'owner_person_id', 'people', 'set null'),
  key('benefits', 'owner_person_id', 'people', 'set null'),
  key('indicators', 'owner_person_id', 'people', 'set null'),
  key('outputs', 'accepted_by_person_id', 'people', 'set null'),
  key('partner_recharges', 'person_id', 'people', 'set null'),
  key('person_skills', 'person_id', 'people', 'cascade'),
  key('post_holders', 'person_id', 'people', 'cascade'),
  key('programmes', 'portfolio_holder_person_id', 'people', 'set null'),
  key('projects', 'project_manager_person_id', 'people', 'set null'),
  key('projects', 'sponsor_person_id', 'people', 'set null'),
  key('raid_issues', 'owner_person_id', 'people', 'set null'),
  key('risk_actions', 'owner_person_id', 'people', 'set null'),
  key('risks', 'owner_person_id', 'people', 'set null'),
  key('secondments', 'person_id', 'people', 'cascade'),
  key('portfolio_import_problems', 'import_id', 'portfolio_imports', 'cascade'),
  key('portfolio_import_rows', 'import_id', 'portfolio_imports', 'cascade'),
  key('project_portfolio_figures', 'import_id', 'portfolio_imports', 'set null'),
  key('allocations', 'post_id', 'posts', 'cascade'),
  key('post_holders', 'post_id', 'posts', 'cascade'),
  key('allocations', 'role_id', 'project_roles', 'cascade'),
  key('project_role_months', 'role_id', 'project_roles', 'cascade'),
  key('project_role_skills', 'role_id', 'project_roles', 'cascade'),
  key('role_early_warnings', 'role_id', 'project_roles', 'cascade'),
  key('programme_definitions', 'recommendation_id', 'recommendations', 'set null'),
  key('recommendation_actions', 'recommendation_id', 'recommendations', 'cascade'),
  key('report_area_notes', 'area_id', 'report_areas', 'cascade'),
  key('asset_projects', 'asset_id', 'service_assets', 'cascade'),
  key('asset_responsibilities', 'asset_id', 'service_assets', 'cascade'),
  key('asset_risks', 'asset_id', 'service_assets', 'cascade'),
  key('business_case_resource_skills', 'skill_id', 'skills', 'cascade'),
  key('person_skills', 'skill_id', 'skills', 'cascade'),
  key('project_role_skills', 'skill_id', 'skills', 'cascade'),
  key('document_versions', 'stored_file_id', 'stored_files', 'set null'),
  key('indicator_imports', 'stored_file_id', 'stored_files', 'set null'),
  key('ledger_imports', 'stored_file_id', 'stored_files', 'set null'),
  key('portfolio_imports', 'stored_file_id', 'stored_files', 'set null'),
  key('stored_file_chunks', 'file_id', 'stored_files', 'cascade'),
]

const PARENTS = [...new Set(COMPOSITE_FOREIGN_KEYS.map((k) => k.parent))]

// The names PostgreSQL gave the column-level `references` of the earlier migrations; kept, so an error
// message names the same constraint before and after.
const constraintName = (k: CompositeKey) => `${k.table}_${k.column}_fkey`
const parentKeyName = (parent: string) => `${parent}_organisation_id_id_key`

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) {
    // SQLite adds a unique index without rebuilding the table: with it a new table can declare its keys
    // composite from the start, on both dialects.
    for (const parent of PARENTS) {
      await db.schema
        .createIndex(parentKeyName(parent))
        .on(parent)
        .columns(['organisation_id', 'id'])
        .unique()
        .execute()
    }
    return
  }
  // `on delete set null (column)` below is PostgreSQL 15's: say so, rather than fail on a syntax error.
  const version = await sql<{ v: string }>`select current_setting('server_version_num') as v`.execute(db)
  if (Number(version.rows[0]?.v) < 150000) throw new Error('Oversight needs PostgreSQL 15 or later')
  // A composite key needs a unique (organisation_id, id) on the parent; id alone stays the primary key.
  for (const parent of PARENTS) {
    await db.schema
      .alterTable(parent)
      .addUniqueConstraint(parentKeyName(parent), ['organisation_id', 'id'])
      .execute()
  }
  for (const k of COMPOSITE_FOREIGN_KEYS) {
    await db.schema.alterTable(k.table).dropConstraint(constraintName(k)).execute()
    if (k.onDelete === 'set null') {
      // `on delete set null` on a composite key would null organisation_id too (refused: it is not null);
      // PostgreSQL 15's column list nulls only the reference. The schema builder cannot say it.
      await sql`alter table ${sql.table(k.table)} add constraint ${sql.id(constraintName(k))}
        foreign key (organisation_id, ${sql.ref(k.column)}) references ${sql.table(k.parent)} (organisation_id, id)
        on delete set null (${sql.ref(k.column)})`.execute(db)
    } else {
      await db.schema
        .alterTable(k.table)
        .addForeignKeyConstraint(constraintName(k), ['organisation_id', k.column], k.parent, [
          'organisation_id',
          'id',
        ])
        .onDelete(k.onDelete)
        .execute()
    }
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) {
    for (const parent of PARENTS) await db.schema.dropIndex(parentKeyName(parent)).execute()
    return
  }
  for (const k of COMPOSITE_FOREIGN_KEYS) {
    await db.schema.alterTable(k.table).dropConstraint(constraintName(k)).execute()
    await db.schema
      .alterTable(k.table)
      .addForeignKeyConstraint(constraintName(k), [k.column], k.parent, ['id'])
      .onDelete(k.onDelete)
      .execute()
  }
  for (const parent of PARENTS) {
    await db.schema.alterTable(parent).dropConstraint(parentKeyName(parent)).execute()
  }
}
