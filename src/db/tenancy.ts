/**
 * The shape of tenancy in the schema (issue 14, "the database enforces tenancy"): every table is owned by one
 * organisation (it has `organisation_id`) or is one of the global tables below, each with its reason; and a
 * foreign key between two organisation-owned tables names the parent by (organisation_id, id), so a row can
 * only point at a row of its own organisation and the schema can be distributed by `organisation_id`
 * (docs/citus.md). test/integration/tenancy-schema.test.ts reads the migrated database and holds both rules.
 */

/**
 * Tables with no `organisation_id`, and why. A new table belongs to an organisation unless it is added here
 * with a reason a reviewer accepts; on Citus these become reference tables (copied to every node).
 */
export const GLOBAL_TABLES: Readonly<Record<string, string>> = {
  organisations: 'the tenants themselves: the distribution key is their id',
  users:
    'a person signs in once and may belong to several organisations, through memberships (which are owned)',
  oidc_links:
    "a user's (issuer, subject) identity at a provider, found before an organisation is chosen at sign-in",
  second_factors: "a user's TOTP secret: one per person, whichever organisations they belong to",
  recovery_codes: "a user's one-use recovery codes for the second factor, like second_factors",
  sign_in_throttle:
    'failed sign-ins counted by hashed email and address, before anyone is known to belong to an organisation',
  subscription_throttle:
    'public subscription requests counted by hashed address and network, across the public pages of all organisations',
  job_runs: "the scheduler's lock (one row per job and slot): each sweep runs once for all organisations",
  kysely_migration: "the migrator's record of the migrations applied",
  kysely_migration_lock: "the migrator's lock",
}

/**
 * Tables the database keeps for itself, not the schema: SQLite's own catalogue, and the SQLite FTS5 index of
 * search_entries (migration 0036; SQLite writes it from the owned table, and no query reads it without
 * search_entries' organisation). PostgreSQL has neither.
 */
export function isDatabaseInternalTable(name: string): boolean {
  return name.startsWith('sqlite_') || name === 'search_fts' || name.startsWith('search_fts_')
}

/**
 * Foreign keys between organisation-owned tables that are still single-column (`child.column -> parent`), on
 * both dialects. Migration 0041 made the core ones composite on PostgreSQL: every key to programmes,
 * projects, milestones and risks. These remain; the test fails if one is added (a new key between owned
 * tables is composite from the start), and an entry is removed when a migration converts it.
 * SQLite keeps every key single-column: see migration 0041 for why.
 */
export const SINGLE_COLUMN_FOREIGN_KEYS: readonly string[] = [
  'agenda_item_links.agenda_item_id -> agenda_items',
  'agenda_items.meeting_id -> meetings',
  'allocation_months.allocation_id -> allocations',
  'allocations.person_id -> people',
  'allocations.post_id -> posts',
  'allocations.role_id -> project_roles',
  'ambition_programmes.ambition_id -> ambitions',
  'ambition_projects.ambition_id -> ambitions',
  'ambitions.owner_person_id -> people',
  'asset_projects.asset_id -> service_assets',
  'asset_responsibilities.asset_id -> service_assets',
  'asset_responsibilities.partner_id -> partners',
  'asset_responsibilities.person_id -> people',
  'asset_risks.asset_id -> service_assets',
  'assumptions.owner_person_id -> people',
  'benefit_profile.benefit_id -> benefits',
  'benefits.ambition_id -> ambitions',
  'benefits.indicator_id -> indicators',
  'benefits.owner_person_id -> people',
  'board_members.board_id -> boards',
  'budget_line_periods.budget_line_id -> budget_lines',
  'budget_lines.funding_stream_id -> funding_streams',
  'business_case_resource_skills.resource_id -> business_case_resources',
  'business_case_resource_skills.skill_id -> skills',
  'business_case_resources.business_case_id -> business_cases',
  'claim_items.claim_id -> claims',
  'claim_items.partner_recharge_id -> partner_recharges',
  'claims.funding_stream_id -> funding_streams',
  'committee_members.committee_id -> committees',
  'decision_implementations.decision_id -> decisions',
  'decision_links.decision_id -> decisions',
  'decisions.board_id -> boards',
  'decisions.supersedes_id -> decisions',
  'document_versions.document_id -> documents',
  'document_versions.stored_file_id -> stored_files',
  'forward_plan_entries.board_id -> boards',
  'forward_plan_entries.decision_id -> decisions',
  'handovers.partner_id -> partners',
  'handovers.separation_id -> partner_separations',
  'indicator_import_problems.import_id -> indicator_imports',
  'indicator_import_rows.import_id -> indicator_imports',
  'indicator_import_rows.indicator_id -> indicators',
  'indicator_imports.stored_file_id -> stored_files',
  'indicator_links.ambition_id -> ambitions',
  'indicator_links.indicator_id -> indicators',
  'indicator_targets.indicator_id -> indicators',
  'indicator_values.indicator_id -> indicators',
  'indicators.owner_person_id -> people',
  'item_points.agenda_item_id -> agenda_items',
  'item_points.parent_id -> item_points',
  'ledger_import_problems.import_id -> ledger_imports',
  'ledger_import_rows.import_id -> ledger_imports',
  'ledger_imports.mapping_id -> column_mappings',
  'ledger_imports.stored_file_id -> stored_files',
  'ledger_transactions.import_id -> ledger_imports',
  'meeting_attendance.committee_member_id -> committee_members',
  'meeting_attendance.meeting_id -> meetings',
  'meetings.committee_id -> committees',
  'memberships.partner_id -> partners',
  'output_milestones.output_id -> outputs',
  'outputs.accepted_by_person_id -> people',
  'panel_report_files.report_id -> panel_reports',
  'panel_reports.meeting_id -> meetings',
  'partner_recharges.partner_id -> partners',
  'partner_recharges.person_id -> people',
  'partner_separations.decision_id -> decisions',
  'partner_separations.partner_id -> partners',
  'people.partner_id -> partners',
  'person_skills.person_id -> people',
  'person_skills.skill_id -> skills',
  'portfolio_import_problems.import_id -> portfolio_imports',
  'portfolio_import_rows.import_id -> portfolio_imports',
  'portfolio_imports.stored_file_id -> stored_files',
  'post_holders.person_id -> people',
  'post_holders.post_id -> posts',
  'posts.budget_line_id -> budget_lines',
  'posts.funding_stream_id -> funding_streams',
  'programme_definitions.recommendation_id -> recommendations',
  'programmes.portfolio_holder_person_id -> people',
  'project_gates.decision_id -> decisions',
  'project_gates.gate_id -> lifecycle_gates',
  // eslint-disable-next-line no-restricted-syntax -- the name of a key in the schema, not a visibility rule
  'project_partners.partner_id -> partners',
  'project_portfolio_figures.import_id -> portfolio_imports',
  'project_role_months.role_id -> project_roles',
  'project_role_skills.role_id -> project_roles',
  'project_role_skills.skill_id -> skills',
  'projects.project_manager_person_id -> people',
  'projects.sponsor_person_id -> people',
  'raid_issues.owner_person_id -> people',
  'recommendation_actions.recommendation_id -> recommendations',
  'recommendations.agenda_item_id -> agenda_items',
  'recommendations.committee_id -> committees',
  'recommendations.follow_up_item_id -> agenda_items',
  'report_area_notes.area_id -> report_areas',
  'report_areas.report_id -> panel_reports',
  'resolutions.agenda_item_id -> agenda_items',
  'risk_actions.owner_person_id -> people',
  'risks.owner_person_id -> people',
  'role_early_warnings.role_id -> project_roles',
  'secondments.person_id -> people',
  'stored_file_chunks.file_id -> stored_files',
]
