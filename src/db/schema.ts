import type { Generated, Insertable, Selectable, Updateable } from 'kysely'

// Dates are ISO text (YYYY-MM-DD) and timestamps ISO 8601 UTC text on both dialects, so that
// comparisons and sorting behave the same on SQLite and PostgreSQL (docs/decisions/0003).
// Booleans are 0/1 integers for the same reason.

export interface OrganisationTable {
  id: Generated<number>
  slug: string
  name: string
  rating_scale: string
  is_demo: number
  /** Risks scoring at or above this escalate to the programme view (migration 0004). */
  risk_escalation_threshold: Generated<number>
  /** Whose bank holidays count against working days: GB-ENG, GB-SCT or GB-NIR (migration 0012). */
  holiday_region: Generated<string>
  /** Who to contact about personal data, shown on the privacy notice (migration 0022). */
  data_protection_contact: Generated<string>
  /** The call-in period in clear working days after a decision is published (migration 0031). */
  call_in_working_days: Generated<number>
  /** Who must sign in with a second factor: 'none', 'administrators' or 'everyone' (migration 0034). */
  second_factor_required: Generated<string>
  /** The organisation's name as its pages show it; null shows `name` (migration 0038). */
  display_name: string | null
  /** The header's colour, '#rrggbb'; null for the neutral default (migration 0038). */
  header_colour: string | null
  /** The header's text on that colour: light (white) or dark (near-black) (migration 0038). */
  header_text: Generated<string>
  /** The logo's SHA-256, its ETag; null when there is no logo (migration 0038). */
  logo_sha256: string | null
  version: Generated<number>
  created_at: string
  updated_at: string
}

/** A day an organisation closed its offices (a local closure, an extra royal holiday): not a working day. */
export interface ClosureDayTable {
  id: Generated<number>
  organisation_id: number
  day: string
  reason: string
  created_at: string
}

export interface UserTable {
  id: Generated<number>
  email: string
  name: string
  password_hash: string
  is_active: number
  created_at: string
  updated_at: string
  /** When the account's name and email were erased with its holder's record (migration 0022). */
  erased_at: Generated<string | null>
}

export interface MembershipTable {
  id: Generated<number>
  organisation_id: number
  user_id: number
  role: string
  /** For a partner officer, the partner they work for (migration 0013): they see its shared projects. */
  partner_id: number | null
  created_at: string
  /** When an administrator marked the person as having left this organisation (migration 0017); null while they work here. */
  left_at: string | null
}

export interface SessionTable {
  id: string
  user_id: number
  organisation_id: number
  created_at: string
  last_seen_at: string
  expires_at: string
  /** The browser and system the session was started in, summarised from its User-Agent (migration 0017). */
  device: string | null
  /** The client address the session was started from (migration 0017). */
  address: string | null
  /**
   * The organisation whose identity provider signed the session in; null for a password (migration 0043).
   * Moving the session to another organisation depends on it (modules/sso: switchNeeds).
   */
  signed_in_through: number | null
  /**
   * 1 when the session recorded how it signed in (every session this server starts); 0 for one started
   * before that was recorded, which must sign in again before it moves to another organisation (0045).
   */
  sign_in_recorded: Generated<number>
}

export interface SignInThrottleTable {
  key: string
  failures: number
  first_failure_at: string
  last_failure_at: string
  /** ISO time before which this key may not try again; null while it still has free tries. */
  not_before: string | null
}

/** A person's authenticator (TOTP) secret; active once confirmed with a code (migration 0034). */
export interface SecondFactorTable {
  user_id: number
  /**
   * Sealed with OVERSIGHT_SECRET_KEY (`v1.…`, auth/secret-box.ts, migration 0043); base32 as the app is given
   * it only while the server has no key, until a start-up with one seals it.
   */
  secret: string
  confirmed_at: string | null
  /** The last 30-second time step a code was accepted for: no code at or before it works again. */
  last_step: number | null
  created_at: string
}

/** A one-time recovery code, stored as its SHA-256 (migration 0034). */
export interface RecoveryCodeTable {
  id: Generated<number>
  user_id: number
  code_hash: string
  used_at: string | null
}

/** A password accepted, the second step still to come (migration 0034); keyed by the hash of the cookie's token. */
export interface PendingSignInTable {
  id: string
  user_id: number
  organisation_id: number
  must_enrol: number
  expires_at: string
}

export interface ApiTokenTable {
  id: Generated<number>
  organisation_id: number
  user_id: number
  name: string
  token_hash: string
  token_prefix: string
  created_at: string
  last_used_at: string | null
  revoked_at: string | null
  /** After this time the token is refused, as a revoked one is (migration 0017). */
  expires_at: string | null
}

export interface ProgrammeTable {
  id: Generated<number>
  organisation_id: number
  reference: string
  name: string
  purpose: string
  sro: string
  portfolio_holder: string
  /** The Portfolio Holder in the people register (migration 0019); portfolio_holder is the copy of their name. */
  portfolio_holder_person_id: number | null
  start_date: string | null
  end_date: string | null
  status: string
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface ProjectTable {
  id: Generated<number>
  organisation_id: number
  programme_id: number
  reference: string
  name: string
  description: string
  project_manager: string
  sponsor: string
  /** The project manager and sponsor in the people register (migration 0019); the text columns copy their names. */
  project_manager_person_id: number | null
  sponsor_person_id: number | null
  stage: string
  baseline_start: string | null
  baseline_end: string | null
  forecast_start: string | null
  forecast_end: string | null
  actual_start: string | null
  actual_end: string | null
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface MilestoneTable {
  id: Generated<number>
  organisation_id: number
  project_id: number
  name: string
  description: string
  baseline_date: string | null
  forecast_date: string | null
  actual_date: string | null
  status: string
  is_key: number
  /** The milestone's reference in the file it was imported from (migration 0035); '' when typed in. */
  reference: Generated<string>
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface StatusReportTable {
  id: Generated<number>
  organisation_id: number
  project_id: number
  period: string
  rating: string
  narrative: string
  achievements: string
  next_steps: string
  key_issues: string
  reported_by: number | null
  reported_by_name: string
  reported_at: string
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface AuditEventTable {
  id: Generated<number>
  organisation_id: number
  seq: number
  occurred_at: string
  actor_user_id: number | null
  actor_label: string
  action: string
  entity_type: string
  entity_id: string
  before_json: string | null
  after_json: string | null
  prev_hash: string
  hash: string
}

export interface AuditHeadTable {
  organisation_id: number
  seq: number
  hash: string
}

// Governance control (migration 0004): gates and the business case, boards and decisions, RAID.

export interface LifecycleGateTable {
  id: Generated<number>
  organisation_id: number
  position: number
  code: string
  name: string
  description: string
  /** The project stage this gate must be passed before (e.g. 'delivery'), or null. */
  required_for_stage: string | null
  /** 1 when passing the gate needs resources in place (migration 0023; gates.rules.ts), else 0. */
  requires_resources: Generated<number>
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface BusinessCaseTable {
  id: Generated<number>
  organisation_id: number
  project_id: number
  strategic_case: string
  strategic_state: string
  economic_case: string
  economic_state: string
  commercial_case: string
  commercial_state: string
  financial_case: string
  financial_state: string
  management_case: string
  management_state: string
  scope_in: string
  scope_out: string
  options_appraised: string
  budget_requested_pence: number | null
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface BusinessCaseResourceTable {
  id: Generated<number>
  organisation_id: number
  business_case_id: number
  role: string
  fte_hundredths: number
  months: number
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface ProjectGateTable {
  id: Generated<number>
  organisation_id: number
  project_id: number
  gate_id: number
  /** passed | overridden | before_oversight (passed before the council used Oversight) */
  status: string
  decision_id: number | null
  passed_on: string | null
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface BoardTable {
  id: Generated<number>
  organisation_id: number
  name: string
  remit: string
  programme_id: number | null
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface BoardMemberTable {
  id: Generated<number>
  organisation_id: number
  board_id: number
  user_id: number | null
  name: string
  capacity: string
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface DecisionTable {
  id: Generated<number>
  organisation_id: number
  /** general | gate_approval | gate_override | budget_approval | exception */
  kind: string
  title: string
  decision_text: string
  decided_on: string | null
  decided_by_user_id: number | null
  decided_by_name: string
  /** portfolio_holder | board | delegated_officer | … (see decisions.rules.ts) */
  capacity: string
  board_id: number | null
  options_considered: string
  reasons: string
  is_key: number
  /** draft | awaiting_decision | published */
  status: string
  approved_budget_pence: number | null
  supersedes_id: number | null
  published_at: string | null
  recorded_by: number | null
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface DecisionLinkTable {
  id: Generated<number>
  organisation_id: number
  decision_id: number
  /** gate | exception | project | budget | business_case | risk */
  record_type: string
  record_id: number
  created_at: string
}

export interface RiskTable {
  id: Generated<number>
  organisation_id: number
  project_id: number
  title: string
  cause: string
  event: string
  effect: string
  category: string
  likelihood: number
  impact: number
  inherent_score: number
  residual_likelihood: number | null
  residual_impact: number | null
  residual_score: number | null
  proximity: string
  owner: string
  /** The owner in the people register (migration 0019); owner is the copy of their name. */
  owner_person_id: number | null
  review_date: string | null
  /** open | closed */
  status: string
  escalated: number
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface RiskActionTable {
  id: Generated<number>
  organisation_id: number
  risk_id: number
  action: string
  owner: string
  /** The owner in the people register (migration 0019); owner is the copy of their name. */
  owner_person_id: number | null
  due_date: string | null
  done: number
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface RaidIssueTable {
  id: Generated<number>
  organisation_id: number
  project_id: number
  title: string
  description: string
  priority: string
  owner: string | null
  /** The owner in the people register (migration 0019); owner is the copy of their name. */
  owner_person_id: number | null
  resolution: string
  due_date: string | null
  /** open | resolved | closed */
  status: string
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface AssumptionTable {
  id: Generated<number>
  organisation_id: number
  project_id: number
  description: string
  owner: string
  /** The owner in the people register (migration 0019); owner is the copy of their name. */
  owner_person_id: number | null
  status: string
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface DependencyTable {
  id: Generated<number>
  organisation_id: number
  project_id: number
  depends_on_project_id: number | null
  partner_name: string
  description: string
  needed_by: string | null
  status: string
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface ColumnMappingTable {
  id: Generated<number>
  organisation_id: number
  name: string
  /** JSON: ledger field → the file's column heading. */
  columns_json: string
  date_format: string
  delimiter: string
  encoding: string
  skip_lines: number
  /** Whose mapping it is (migration 0042): 'ledger' or 'portfolio'. */
  kind: Generated<string>
  /** For a portfolio mapping, a digest of the headings it was made for; '' for the ledger's. */
  headings_signature: Generated<string>
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface LedgerImportTable {
  id: Generated<number>
  organisation_id: number
  file_name: string
  file_size: number
  sha256: string
  format: string
  layout: string
  mapping_id: number | null
  mapping_name: string
  encoding: string
  delimiter: string
  /** validating | validated | committing | committed | failed */
  status: string
  failure_reason: string
  rows_read: number
  rows_good: number
  rows_bad: number
  rows_duplicate: number
  rows_changed: number
  rows_unmatched: number
  rows_added: number
  total_pence: number
  progress_bytes: number
  summary_json: string
  created_by: number | null
  created_by_name: string
  started_at: string
  finished_at: string | null
  committed_at: string | null
  version: Generated<number>
  /** The uploaded file in the file store (migration 0011); null once it has been committed. */
  stored_file_id: number | null
  /** Rows read so far by the pass that is running. */
  rows_done: Generated<number>
  /** The instance working on the import, and until when; only an expired lease is failed. */
  lease_owner: string | null
  lease_expires_at: string | null
  updated_at: string | null
}

// The file store (migration 0011): uploads in chunks of at most 1 MiB.
export interface StoredFileTable {
  id: Generated<number>
  organisation_id: number
  file_name: string
  size: number
  sha256: string
  complete: number
  created_at: string
}

/** An organisation's logo: a checked PNG or a sanitised SVG (migration 0038). */
export interface OrganisationLogoTable {
  organisation_id: number
  media_type: string
  bytes: Buffer
  sha256: string
  updated_at: string
}

export interface StoredFileChunkTable {
  organisation_id: number
  file_id: number
  seq: number
  bytes: Buffer
}

export interface LedgerImportProblemTable {
  id: Generated<number>
  organisation_id: number
  import_id: number
  /** bad | duplicate | changed */
  kind: string
  line_number: number
  reason: string
  raw_text: string
}

/**
 * A good row of an import, as its validate pass read it, waiting for the commit pass to add it to the
 * ledger (migration 0016); `seq` is its place among the import's staged rows, in file order.
 */
export interface LedgerImportRowTable {
  organisation_id: number
  import_id: number
  seq: number
  line_number: number
  project_id: number | null
  transaction_ref: string | null
  dedupe_key: string
  content_hash: string
  transaction_date: string
  period: string
  financial_year: string
  amount_pence: number
  supplier_name: string
  description: string
  cost_centre: string
  account_code: string
  expense_type: string
  service_area: string
}

export interface LedgerTransactionTable {
  id: Generated<number>
  organisation_id: number
  /** NULL = in suspense: matched no project yet. */
  project_id: number | null
  /** NULL = entered by hand. */
  import_id: number | null
  transaction_ref: string | null
  dedupe_key: string
  content_hash: string
  transaction_date: string
  period: string
  financial_year: string
  /** Integer pence; credits are negative. */
  amount_pence: number
  supplier_name: string
  description: string
  cost_centre: string
  account_code: string
  expense_type: string
  service_area: string
  version: Generated<number>
  created_at: string
}

export interface CostMappingRuleTable {
  id: Generated<number>
  organisation_id: number
  /** cost_centre | account_code | service_area | expense_type */
  match_field: string
  /** exact | prefix */
  match_type: string
  match_value: string
  project_id: number
  priority: number
  version: Generated<number>
  created_at: string
  updated_at: string
}

// Finance (migration 0002-finance): money is integer pence.
export interface FundingStreamTable {
  id: Generated<number>
  organisation_id: number
  name: string
  /** core_revenue | capital | external_grant | named */
  kind: string
  eligibility: string
  base_costs_eligible: number
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface BudgetLineTable {
  id: Generated<number>
  organisation_id: number
  project_id: number
  financial_year: string
  /** revenue | capital */
  category: string
  funding_stream_id: number
  /** staff | supplier | partner_recharge | licences | other */
  cost_type: string
  description: string
  amount_pence: number
  /** flat | front_loaded | manual */
  profile_method: string
  approved_by: string
  approved_by_user_id: number | null
  approved_on: string | null
  approval_reference: string
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface BudgetLinePeriodTable {
  id: Generated<number>
  organisation_id: number
  budget_line_id: number
  period: string
  amount_pence: number
}

export interface CommitmentTable {
  id: Generated<number>
  organisation_id: number
  project_id: number
  supplier_name: string
  reference: string
  description: string
  amount_pence: number
  raised_on: string
  /** open | invoiced | cancelled */
  status: string
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface ForecastTable {
  id: Generated<number>
  organisation_id: number
  project_id: number
  financial_year: string
  period: string
  forecast_outturn_pence: number
  note: string
  entered_by: number | null
  entered_by_name: string
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface PartnerTable {
  id: Generated<number>
  organisation_id: number
  name: string
  base_contract: string
  annual_base_contract_pence: number
  /** shared_service | neighbouring_council | supplier (migration 0020) */
  kind: Generated<string>
  agreement_starts_on: string | null
  agreement_ends_on: string | null
  /** The services the partner provides, one a line. */
  services: Generated<string>
  /** The date the partnership ended through the separation process; its officers have no access from then. */
  ended_on: string | null
  version: Generated<number>
  created_at: string
  updated_at: string
}

/** The end of a partnership (migration 0020): its decision and summary as they stood when confirmed. */
export interface PartnerSeparationTable {
  id: Generated<number>
  organisation_id: number
  partner_id: number
  ended_on: string
  decision_id: number | null
  /** The separation summary (a PaperDocument) as JSON. */
  summary_json: string
  created_by: number | null
  created_at: string
}

/** A record handed over to a partner at separation (migration 0020): it stays, read-only. */
export interface HandoverTable {
  organisation_id: number
  entity_type: string
  entity_id: number
  partner_id: number
  separation_id: number
  handed_over_on: string
}

/** Which partners a project is shared with (migration 0013); read and written only in src/auth/visibility.ts. */
export interface ProjectPartnerTable {
  organisation_id: number
  project_id: number
  partner_id: number
}

export interface PartnerRechargeTable {
  id: Generated<number>
  organisation_id: number
  partner_id: number
  project_id: number
  description: string
  period: string
  amount_pence: number
  /** base | non_base */
  cost_basis: string
  /** The partner's person the recharge is for, if it is for one (migration 0028). */
  person_id: Generated<number | null>
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface ClaimTable {
  id: Generated<number>
  organisation_id: number
  funding_stream_id: number
  project_id: number | null
  title: string
  eligible_pence: number
  claimed_pence: number
  received_pence: number
  submitted_on: string | null
  received_on: string | null
  /** draft | submitted | received | rejected | at_risk */
  status: string
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface ClaimItemTable {
  id: Generated<number>
  organisation_id: number
  claim_id: number
  description: string
  amount_pence: number
  eligible: number
  ineligible_reason: string
  /** The partner recharge this item claims for, if any: the recharge cannot be removed while linked. */
  partner_recharge_id: number | null
}

export interface BudgetMonitoringTable {
  id: Generated<number>
  organisation_id: number
  project_id: number
  period: string
  finance_signed_off_by: number | null
  finance_signed_off_by_name: string
  finance_signed_off_at: string | null
  pm_signed_off_by: number | null
  pm_signed_off_by_name: string
  pm_signed_off_at: string | null
  forecast_confirmed: number
  variance_explanation: string
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface DB {
  organisations: OrganisationTable
  users: UserTable
  memberships: MembershipTable
  sessions: SessionTable
  sign_in_throttle: SignInThrottleTable
  second_factors: SecondFactorTable
  recovery_codes: RecoveryCodeTable
  pending_sign_ins: PendingSignInTable
  api_tokens: ApiTokenTable
  programmes: ProgrammeTable
  projects: ProjectTable
  milestones: MilestoneTable
  status_reports: StatusReportTable
  audit_events: AuditEventTable
  audit_heads: AuditHeadTable
  column_mappings: ColumnMappingTable
  ledger_imports: LedgerImportTable
  ledger_import_problems: LedgerImportProblemTable
  ledger_import_rows: LedgerImportRowTable
  ledger_transactions: LedgerTransactionTable
  stored_files: StoredFileTable
  stored_file_chunks: StoredFileChunkTable
  organisation_logos: OrganisationLogoTable
  cost_mapping_rules: CostMappingRuleTable
  funding_streams: FundingStreamTable
  budget_lines: BudgetLineTable
  budget_line_periods: BudgetLinePeriodTable
  commitments: CommitmentTable
  forecasts: ForecastTable
  partners: PartnerTable
  project_partners: ProjectPartnerTable
  partner_recharges: PartnerRechargeTable
  partner_separations: PartnerSeparationTable
  handovers: HandoverTable
  claims: ClaimTable
  claim_items: ClaimItemTable
  budget_monitoring: BudgetMonitoringTable
  committees: CommitteeTable
  committee_members: CommitteeMemberTable
  meetings: MeetingTable
  meeting_attendance: MeetingAttendanceTable
  agenda_items: AgendaItemTable
  agenda_item_links: AgendaItemLinkTable
  item_points: ItemPointTable
  resolutions: ResolutionTable
  recommendations: RecommendationTable
  recommendation_actions: RecommendationActionTable
  calendar_feeds: CalendarFeedTable
  programme_definitions: ProgrammeDefinitionTable
  panel_reports: PanelReportTable
  panel_report_files: PanelReportFileTable
  report_areas: ReportAreaTable
  report_area_notes: ReportAreaNoteTable
  lifecycle_gates: LifecycleGateTable
  business_cases: BusinessCaseTable
  business_case_resources: BusinessCaseResourceTable
  project_gates: ProjectGateTable
  boards: BoardTable
  board_members: BoardMemberTable
  decisions: DecisionTable
  decision_links: DecisionLinkTable
  risks: RiskTable
  risk_actions: RiskActionTable
  raid_issues: RaidIssueTable
  assumptions: AssumptionTable
  dependencies: DependencyTable
}

export type Organisation = Selectable<OrganisationTable>
export type User = Selectable<UserTable>
export type Programme = Selectable<ProgrammeTable>
export type NewProgramme = Insertable<ProgrammeTable>
export type ProgrammeUpdate = Updateable<ProgrammeTable>
export type Project = Selectable<ProjectTable>
export type Milestone = Selectable<MilestoneTable>
export type StatusReport = Selectable<StatusReportTable>
export type AuditEvent = Selectable<AuditEventTable>
export type LedgerTransaction = Selectable<LedgerTransactionTable>
export type LedgerImport = Selectable<LedgerImportTable>
export type ColumnMapping = Selectable<ColumnMappingTable>
export type CostMappingRule = Selectable<CostMappingRuleTable>
export type FundingStream = Selectable<FundingStreamTable>
export type BudgetLine = Selectable<BudgetLineTable>
export type Forecast = Selectable<ForecastTable>
export type BudgetMonitoring = Selectable<BudgetMonitoringTable>
export type Partner = Selectable<PartnerTable>
export type PartnerRecharge = Selectable<PartnerRechargeTable>
export type PartnerSeparation = Selectable<PartnerSeparationTable>
export type Claim = Selectable<ClaimTable>
export type ClaimItem = Selectable<ClaimItemTable>
export type Commitment = Selectable<CommitmentTable>

// Scrutiny (migration 0006): committees, meetings, agenda items, recommendations from panel to outcome.
export interface CommitteeTable {
  id: Generated<number>
  organisation_id: number
  name: string
  /** Prefix for recommendation references, e.g. "PMP" gives PMP/2021/03. */
  code: string
  kind: string
  description: string
  /** Calendar months allowed for a response to a recommendation (two by default). */
  response_months: Generated<number>
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface CommitteeMemberTable {
  id: Generated<number>
  organisation_id: number
  committee_id: number
  user_id: number | null
  name: string
  role: string
  created_at: string
}

export interface MeetingTable {
  id: Generated<number>
  organisation_id: number
  committee_id: number
  meeting_date: string
  start_time: string | null
  place: string
  status: string
  /** When the agenda and papers were published (migration 0031); null until they are. */
  papers_published_on: string | null
  version: Generated<number>
  created_at: string
  updated_at: string
}

/** Who attended a meeting, as its minute records it (migration 0040). */
export interface MeetingAttendanceTable {
  id: Generated<number>
  organisation_id: number
  meeting_id: number
  committee_member_id: number | null
  name: string
  /** member, substitute, officer or other */
  capacity: string
  /** present, apologies or absent */
  status: string
  role: Generated<string>
  position: number
  created_at: string
}

export interface AgendaItemTable {
  id: Generated<number>
  organisation_id: number
  meeting_id: number
  number: string
  title: string
  purpose: string
  reports_presented: string
  presenters: string
  minutes: string
  /** An exempt (Part B) item, kept off public pages with its reason (migration 0031). */
  is_exempt: Generated<number>
  exempt_reason: Generated<string>
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface AgendaItemLinkTable {
  id: Generated<number>
  organisation_id: number
  agenda_item_id: number
  programme_id: number | null
  project_id: number | null
  created_at: string
}

export interface ItemPointTable {
  id: Generated<number>
  organisation_id: number
  agenda_item_id: number
  parent_id: number | null
  kind: string
  speaker_name: string
  speaker_role: string
  text: string
  position: number
  created_at: string
}

export interface ResolutionTable {
  id: Generated<number>
  organisation_id: number
  agenda_item_id: number
  text: string
  position: number
  created_at: string
}

export interface RecommendationTable {
  id: Generated<number>
  organisation_id: number
  committee_id: number
  agenda_item_id: number
  reference: string
  kind: string
  text: string
  addressed_to: string
  addressee_user_id: number | null
  lead_officer_user_id: number | null
  made_on: string
  response_due_on: string
  response: string | null
  response_reasons: string
  responded_on: string | null
  responded_by_user_id: number | null
  responded_by_name: string
  /** Stored life-cycle status; "response overdue" is derived from the dates, never stored. */
  status: string
  evidence: string
  follow_up_item_id: number | null
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface RecommendationActionTable {
  id: Generated<number>
  organisation_id: number
  recommendation_id: number
  text: string
  owner_user_id: number | null
  owner_name: string
  due_on: string | null
  programme_id: number | null
  project_id: number | null
  status: string
  evidence_text: string
  evidence_url: string
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface CalendarFeedTable {
  id: Generated<number>
  organisation_id: number
  user_id: number
  token_hash: string
  token_prefix: string
  created_at: string
  last_used_at: string | null
  revoked_at: string | null
}
export type Committee = Selectable<CommitteeTable>
export type CommitteeMember = Selectable<CommitteeMemberTable>
export type Meeting = Selectable<MeetingTable>
export type AgendaItem = Selectable<AgendaItemTable>
export type ItemPoint = Selectable<ItemPointTable>
export type Resolution = Selectable<ResolutionTable>
export type Recommendation = Selectable<RecommendationTable>
export type RecommendationAction = Selectable<RecommendationActionTable>

// Scrutiny papers (migration 0007): the programme definition paper and panel progress reports.
export interface ProgrammeDefinitionTable {
  id: Generated<number>
  organisation_id: number
  programme_id: number
  recommendation_id: number | null
  title: string
  digital_meaning: string
  digital_principles: string
  human_resources: string
  digital_resources: string
  resources_narrative: string
  responsible_user_id: number | null
  paper_due_on: string | null
  delivered_by: string
  delivery_narrative: string
  implementation_start: string | null
  implementation_end: string | null
  timeframe_narrative: string
  interim_narrative: string
  interim_owner_user_id: number | null
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface PanelReportTable {
  id: Generated<number>
  organisation_id: number
  programme_id: number
  meeting_id: number | null
  title: string
  period_from: string
  period_to: string
  summary: string
  resources_narrative: string
  status: Generated<string>
  snapshot_json: string | null
  content_hash: string | null
  submitted_at: string | null
  submitted_by: number | null
  submitted_by_name: Generated<string>
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface PanelReportFileTable {
  report_id: number
  organisation_id: number
  format: string
  content_base64: string
  sha256: string
  bytes: number
  created_at: string
}

export interface ReportAreaTable {
  id: Generated<number>
  organisation_id: number
  report_id: number
  text: string
  owner_user_id: number | null
  position: number
  created_at: string
  /** A tracked action (migration 0030): the date it is due (ISO date) and open | in_progress | done | dropped. */
  due_on: string | null
  status: Generated<string>
  version: Generated<number>
  updated_at: string
}

/** A dated progress note on an area for consideration's action; only ever added (migration 0030). */
export interface ReportAreaNoteTable {
  id: Generated<number>
  organisation_id: number
  area_id: number
  noted_on: string
  text: string
  author_name: string
  created_at: string
}

export type ProgrammeDefinition = Selectable<ProgrammeDefinitionTable>
export type PanelReport = Selectable<PanelReportTable>
export type ReportArea = Selectable<ReportAreaTable>
export type ReportAreaNote = Selectable<ReportAreaNoteTable>
export type LifecycleGate = Selectable<LifecycleGateTable>
export type BusinessCase = Selectable<BusinessCaseTable>
export type BusinessCaseResource = Selectable<BusinessCaseResourceTable>
export type ProjectGate = Selectable<ProjectGateTable>
export type Board = Selectable<BoardTable>
export type BoardMember = Selectable<BoardMemberTable>
export type Decision = Selectable<DecisionTable>
export type DecisionLink = Selectable<DecisionLinkTable>
export type Risk = Selectable<RiskTable>
export type RiskAction = Selectable<RiskActionTable>
export type RaidIssue = Selectable<RaidIssueTable>
export type Assumption = Selectable<AssumptionTable>
export type Dependency = Selectable<DependencyTable>

// Governance control (migration 0005): tolerances, exceptions, notifications, mail, scheduler, health check.
export interface ToleranceSettingsTable {
  id: Generated<number>
  organisation_id: number
  programme_id: number
  project_id: number | null
  time_days: number | null
  cost_percent: number | null
  cost_pence: number | null
  scope_note: string
  benefits_note: string
  risk_score: number | null
  report_working_days: number | null
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface ToleranceExceptionTable {
  id: Generated<number>
  organisation_id: number
  programme_id: number
  project_id: number
  kind: string
  source: string
  status: string
  summary: string
  facts_json: string
  raised_at: string
  raised_by: string
  report_due: string
  escalated_at: string | null
  cleared_at: string | null
  cleared_facts_json: string | null
  cause: Generated<string>
  impact: Generated<string>
  options: Generated<string>
  recommendation: Generated<string>
  reported_at: string | null
  reported_by: string | null
  outcome: string | null
  outcome_reasons: Generated<string>
  decision_id: number | null
  decided_at: string | null
  decided_by: string | null
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface NotificationTable {
  id: Generated<number>
  organisation_id: number
  user_id: number
  kind: string
  title: string
  body: string
  url: string
  created_at: string
  read_at: string | null
  digested_at: string | null
}

export interface NotificationPreferenceTable {
  organisation_id: number
  user_id: number
  email: string
  updated_at: string
}

export interface MailOutboxTable {
  id: Generated<number>
  organisation_id: number | null
  recipients_json: string
  subject: string
  text_body: string
  html_body: string
  status: string
  attempts: Generated<number>
  last_error: string | null
  created_at: string
  sent_at: string | null
  /** The instance sending it; a row "sending" past its lease was left by a crash and is retried. */
  lease_owner: string | null
  lease_expires_at: string | null
  /** Extra headers as JSON, e.g. List-Unsubscribe (migration 0032). */
  headers_json: Generated<string | null>
}

export interface JobRunTable {
  job: string
  slot: string
  instance: string
  started_at: string
  finished_at: string | null
  outcome: string | null
}

export interface HealthRuleSettingTable {
  organisation_id: number
  rule_id: string
  enabled: number
  threshold: number | null
  updated_at: string
}

export interface HealthSnapshotTable {
  id: Generated<number>
  organisation_id: number
  taken_at: string
  counts_json: string
}

export interface DB {
  tolerance_settings: ToleranceSettingsTable
  tolerance_exceptions: ToleranceExceptionTable
  notifications: NotificationTable
  notification_preferences: NotificationPreferenceTable
  mail_outbox: MailOutboxTable
  job_runs: JobRunTable
  closure_days: ClosureDayTable
  health_rule_settings: HealthRuleSettingTable
  health_snapshots: HealthSnapshotTable
}

export type ToleranceSettings = Selectable<ToleranceSettingsTable>
export type ToleranceException = Selectable<ToleranceExceptionTable>
export type Notification = Selectable<NotificationTable>

/** An invitation to join an organisation (migration 0010); the membership exists only once it is accepted. */
export interface InvitationTable {
  id: Generated<number>
  organisation_id: number
  email: string
  /** The name the administrator typed: shown on the invitation, used for a new account. */
  name: string
  role: string
  token_hash: string
  invited_by: number | null
  created_at: string
  expires_at: string
  accepted_at: string | null
  accepted_by: number | null
  withdrawn_at: string | null
}

export interface DB {
  invitations: InvitationTable
}

export type Invitation = Selectable<InvitationTable>

/** The people register (migration 0014): everyone who does the work, employed by the council or a partner. */
export interface PersonTable {
  id: Generated<number>
  organisation_id: number
  name: string
  /** employee, secondee, contractor, partner_staff or councillor */
  kind: string
  /** The partner that employs them; null for the council's own. */
  partner_id: number | null
  /** Their user account in the organisation, if they have one. */
  user_id: number | null
  job_title: string
  team: string
  email: string
  /** The day they left the organisation, once recorded (migration 0022). */
  left_on: Generated<string | null>
  /** When their personal fields were erased (migration 0022); the record stays for what refers to it. */
  erased_at: Generated<string | null>
  version: Generated<number>
  created_at: string
  updated_at: string
}

/** A post in the establishment (migration 0014). */
export interface PostTable {
  id: Generated<number>
  organisation_id: number
  title: string
  team: string
  grade: string
  fte_hundredths: number
  funded: number
  annual_cost_pence: number
  budget_line_id: number | null
  funding_stream_id: number | null
  /** vacant, filled, frozen or deleted */
  status: string
  approved_on: string | null
  advertised_on: string | null
  appointed_on: string | null
  starts_on: string | null
  version: Generated<number>
  created_at: string
  updated_at: string
}

/** A person holding a post for a dated period at a contracted FTE (migration 0014). */
export interface PostHolderTable {
  id: Generated<number>
  organisation_id: number
  post_id: number
  person_id: number
  starts_on: string
  ends_on: string | null
  fte_hundredths: number
  version: Generated<number>
  created_at: string
  updated_at: string
}

/** A secondment out of (or into) the person's team, with the FTE it takes away (or brings) (migration 0014). */
export interface SecondmentTable {
  id: Generated<number>
  organisation_id: number
  person_id: number
  /** out or in */
  direction: string
  from_team: string
  from_organisation: string
  to_team: string
  to_organisation: string
  starts_on: string
  ends_on: string | null
  reason: string
  fte_hundredths: number
  version: Generated<number>
  created_at: string
  updated_at: string
}

/** The organisation's skills catalogue (migration 0014). */
export interface SkillTable {
  id: Generated<number>
  organisation_id: number
  name: string
  description: string
  retired: number
  version: Generated<number>
  created_at: string
  updated_at: string
}

/** A skill a person holds, at a proficiency level (migration 0014). */
export interface PersonSkillTable {
  id: Generated<number>
  organisation_id: number
  person_id: number
  skill_id: number
  /** awareness, working, practitioner or expert */
  level: string
  version: Generated<number>
  created_at: string
  updated_at: string
}

/** The skills a business case's resource line needs (migration 0014). */
export interface BusinessCaseResourceSkillTable {
  organisation_id: number
  resource_id: number
  skill_id: number
}

/** An organisation's own retention period for a kind of record (migration 0022); none: the default. */
export interface RetentionPeriodTable {
  organisation_id: number
  record_type: string
  days: number
  updated_at: string
}

export interface DB {
  retention_periods: RetentionPeriodTable
  people: PersonTable
  posts: PostTable
  post_holders: PostHolderTable
  secondments: SecondmentTable
  skills: SkillTable
  person_skills: PersonSkillTable
  business_case_resource_skills: BusinessCaseResourceSkillTable
}

export type Person = Selectable<PersonTable>
export type Post = Selectable<PostTable>
export type PostHolder = Selectable<PostHolderTable>
export type Secondment = Selectable<SecondmentTable>
export type Skill = Selectable<SkillTable>
export type PersonSkill = Selectable<PersonSkillTable>

/** A service or asset with a responsibility matrix (migration 0021, issue 10). */
export interface ServiceAssetTable {
  id: Generated<number>
  organisation_id: number
  name: string
  /** content, infrastructure or service */
  kind: string
  description: string
  /** planned, live or retired */
  status: string
  version: Generated<number>
  created_at: string
  updated_at: string
}

/** One cell of an asset's RACI matrix: a party (a council team, a person or a partner) and its letter. */
export interface AssetResponsibilityTable {
  id: Generated<number>
  organisation_id: number
  asset_id: number
  /** R, A, C or I */
  role: string
  /** team, person or partner */
  party_kind: string
  team: string | null
  person_id: number | null
  partner_id: number | null
}

/** A project that changes an asset (migration 0021). */
export interface AssetProjectTable {
  organisation_id: number
  asset_id: number
  project_id: number
}

/** A risk to an asset (migration 0021). */
export interface AssetRiskTable {
  organisation_id: number
  asset_id: number
  risk_id: number
}

export interface DB {
  service_assets: ServiceAssetTable
  asset_responsibilities: AssetResponsibilityTable
  asset_projects: AssetProjectTable
  asset_risks: AssetRiskTable
}

export type ServiceAsset = Selectable<ServiceAssetTable>

/** A role a project needs (migration 0018): demand, with its FTE by month in project_role_months. */
export interface ProjectRoleTable {
  id: Generated<number>
  organisation_id: number
  project_id: number
  title: string
  team: string
  /** 'business_case' when seeded from the business case's resource lines; '' when typed. */
  source: string
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface ProjectRoleSkillTable {
  organisation_id: number
  role_id: number
  skill_id: number
}

/** The FTE a role needs in a month ('YYYY-MM'), in hundredths: may be above 100 (more than one person). */
export interface ProjectRoleMonthTable {
  organisation_id: number
  role_id: number
  period: string
  fte_hundredths: number
}

/** A person, or a vacant post, allocated to a project role (migration 0018). */
export interface AllocationTable {
  id: Generated<number>
  organisation_id: number
  role_id: number
  person_id: number | null
  post_id: number | null
  version: Generated<number>
  created_at: string
  updated_at: string
}

/** The FTE an allocation gives its role in a month, in hundredths: 1 to 100 (one person's time). */
export interface AllocationMonthTable {
  organisation_id: number
  allocation_id: number
  period: string
  fte_hundredths: number
}

/** A role the project and programme managers were warned about: once per role (migration 0028). */
export interface RoleEarlyWarningTable {
  organisation_id: number
  role_id: number
  project_id: number
  sent_at: string
}

export interface DB {
  project_roles: ProjectRoleTable
  project_role_skills: ProjectRoleSkillTable
  project_role_months: ProjectRoleMonthTable
  allocations: AllocationTable
  allocation_months: AllocationMonthTable
  role_early_warnings: RoleEarlyWarningTable
}

export type ProjectRole = Selectable<ProjectRoleTable>
export type Allocation = Selectable<AllocationTable>

/** A strategic ambition (migration 0024), owned by a Portfolio Holder of the people register. */
export interface AmbitionTable {
  id: Generated<number>
  organisation_id: number
  title: string
  statement: string
  /** The corporate plan theme it serves. */
  theme: string
  /** ISO date by which it is to be met. */
  horizon_on: string | null
  /** draft, active, achieved or withdrawn */
  status: string
  owner_person_id: number | null
  /** Copy of the owner's name (person-refs.ts writes it). */
  owner: string
  version: Generated<number>
  created_at: string
  updated_at: string
}

/** A performance indicator's definition (migration 0024); values are integers at 10^scale. */
export interface IndicatorTable {
  id: Generated<number>
  organisation_id: number
  name: string
  description: string
  /** count, percent, money, days or score */
  unit: string
  scale: number
  /** higher or lower */
  polarity: string
  /** monthly, quarterly or annual */
  frequency: string
  /** sum, average or latest */
  rollup: string
  group_name: string
  data_source: string
  owner_person_id: number | null
  owner: string
  /** active or retired */
  status: string
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface DB {
  ambitions: AmbitionTable
  indicators: IndicatorTable
}

export type Ambition = Selectable<AmbitionTable>
export type Indicator = Selectable<IndicatorTable>

/** A programme that contributes to an ambition (migration 0025). */
export interface AmbitionProgrammeTable {
  organisation_id: number
  ambition_id: number
  programme_id: number
}

/** A project that contributes to an ambition (migration 0025). */
export interface AmbitionProjectTable {
  organisation_id: number
  ambition_id: number
  project_id: number
}

/** An output (deliverable) of a project (migration 0025). */
export interface OutputTable {
  id: Generated<number>
  organisation_id: number
  project_id: number
  title: string
  /** service, system, content, process or capability */
  type: string
  description: string
  /** ISO dates: planned and actual delivery. */
  planned_on: string | null
  delivered_on: string | null
  accepted_by_person_id: number | null
  /** Copy of the accepting person's name (person-refs.ts writes it). */
  accepted_by: string
  accepted_on: string | null
  /** planned, in_progress, delivered, accepted or withdrawn */
  status: string
  version: Generated<number>
  created_at: string
  updated_at: string
}

/** A milestone of the same project that an output is delivered at (migration 0025). */
export interface OutputMilestoneTable {
  organisation_id: number
  output_id: number
  milestone_id: number
}

export interface DB {
  ambition_programmes: AmbitionProgrammeTable
  ambition_projects: AmbitionProjectTable
  outputs: OutputTable
  output_milestones: OutputMilestoneTable
}

export type Output = Selectable<OutputTable>

/** A benefit or dis-benefit of a project (migration 0026, issue 11); values are integers in hundredths. */
export interface BenefitTable {
  id: Generated<number>
  organisation_id: number
  programme_id: number
  /** Null for a benefit of the whole programme. */
  project_id: number | null
  title: string
  description: string
  /** cashable, non_cashable or societal */
  type: string
  dis_benefit: number
  /** The unit of a non-cashable or societal value; '£' for cashable. */
  unit: string
  owner_person_id: number | null
  /** Copy of the owner's name (person-refs.ts writes it). */
  owner: string
  ambition_id: number | null
  indicator_id: number | null
  /** A financial year, "2019/20". */
  baseline_year: string | null
  baseline_value: number | null
  target_value: number | null
  /** ISO date by which the target is to be met. */
  target_on: string | null
  /** A cashable saving counted in the medium-term financial strategy. */
  mtfs: number
  version: Generated<number>
  created_at: string
  updated_at: string
}

/** One financial year of a benefit's realisation profile (migration 0026). */
export interface BenefitProfileTable {
  id: Generated<number>
  organisation_id: number
  benefit_id: number
  financial_year: string
  planned_value: number
  realised_value: number | null
}

export interface DB {
  benefits: BenefitTable
  benefit_profile: BenefitProfileTable
}

export type Benefit = Selectable<BenefitTable>
export type BenefitProfileRow = Selectable<BenefitProfileTable>

/** An indicator's target for one period, with the threshold between warning and off target (migration 0027). */
export interface IndicatorTargetTable {
  id: Generated<number>
  organisation_id: number
  indicator_id: number
  /** '2025-04', '2025/26-Q1' or '2025/26' (src/domain/reporting-periods.ts) */
  period: string
  /** At the indicator's 10^scale (pence for money). */
  target: number
  /** Past this the indicator is off target; null: no warning band. */
  warning: number | null
  version: Generated<number>
  created_at: string
  updated_at: string
}

/** An indicator's value for one period (migration 0027). */
export interface IndicatorValueTable {
  id: Generated<number>
  organisation_id: number
  indicator_id: number
  period: string
  value: number
  note: Generated<string>
  entered_by: number | null
  entered_by_name: Generated<string>
  entered_at: string
  import_id: number | null
  version: Generated<number>
  created_at: string
  updated_at: string
}

/** What an indicator measures: one of an ambition, a programme or a project (migration 0027). */
export interface IndicatorLinkTable {
  id: Generated<number>
  organisation_id: number
  indicator_id: number
  ambition_id: number | null
  programme_id: number | null
  project_id: number | null
}

/** An import of indicator values from a file, through src/imports/ (migration 0027). */
export interface IndicatorImportTable {
  id: Generated<number>
  organisation_id: number
  file_name: string
  file_size: Generated<number>
  sha256: Generated<string>
  mapping_json: Generated<string>
  organisation_name: Generated<string>
  /** validating | validated | committing | committed | failed */
  status: string
  failure_reason: Generated<string>
  rows_read: Generated<number>
  rows_good: Generated<number>
  rows_bad: Generated<number>
  /** Rows of other organisations in a benchmarking file, left out. */
  rows_other: Generated<number>
  rows_added: Generated<number>
  progress_bytes: Generated<number>
  rows_done: Generated<number>
  stored_file_id: number | null
  lease_owner: string | null
  lease_expires_at: string | null
  created_by: number | null
  created_by_name: string
  started_at: string
  finished_at: string | null
  committed_at: string | null
  version: Generated<number>
  updated_at: string | null
}

export interface IndicatorImportProblemTable {
  id: Generated<number>
  organisation_id: number
  import_id: number
  kind: string
  line_number: number
  reason: string
  raw_text: Generated<string>
}

export interface IndicatorImportRowTable {
  organisation_id: number
  import_id: number
  seq: number
  line_number: number
  indicator_id: number
  period: string
  value: number
  note: Generated<string>
}

export interface DB {
  indicator_targets: IndicatorTargetTable
  indicator_values: IndicatorValueTable
  indicator_links: IndicatorLinkTable
  indicator_imports: IndicatorImportTable
  indicator_import_problems: IndicatorImportProblemTable
  indicator_import_rows: IndicatorImportRowTable
}

export type IndicatorTarget = Selectable<IndicatorTargetTable>
export type IndicatorValue = Selectable<IndicatorValueTable>
export type IndicatorImport = Selectable<IndicatorImportTable>
/** What an organisation publishes on its public site (migration 0029): nothing until it chooses. */
export interface PublicationSettingsTable {
  id: Generated<number>
  organisation_id: number
  /** JSON list of the published record types (src/modules/public/publication.rules.ts). */
  published_types: string
  /** Amounts below this never appear on the public site or in its open data. */
  cost_threshold_pence: number
  version: Generated<number>
  created_at: string
  updated_at: string
}

/** A record kept off the public site whatever its type's setting, with the reason (migration 0029). */
export interface PublicationWithholdingTable {
  id: Generated<number>
  organisation_id: number
  record_type: string
  record_id: number
  reason: string
  created_at: string
}

export interface DB {
  publication_settings: PublicationSettingsTable
  publication_withholdings: PublicationWithholdingTable
}
/** A key decision on the forward plan (issue 12, migration 0031). */
export interface ForwardPlanEntryTable {
  id: Generated<number>
  organisation_id: number
  title: string
  description: string
  board_id: number | null
  decision_maker_user_id: number | null
  decision_maker: string
  expected_on: string
  listed_on: string
  is_exempt: number
  exempt_paragraph: string
  /** planned | taken | deferred | withdrawn */
  status: string
  decision_id: number | null
  programme_id: number | null
  project_id: number | null
  version: Generated<number>
  created_at: string
  updated_at: string
}

/** When a published decision was carried out: never inside its call-in period (migration 0031). */
export interface DecisionImplementationTable {
  id: Generated<number>
  organisation_id: number
  decision_id: number
  implemented_on: string
  recorded_by: number | null
  created_at: string
}

/** An Access to Information alert already sent (migration 0031). */
export interface AccessRuleAlertTable {
  organisation_id: number
  rule_id: string
  record_type: string
  record_id: number
  sent_at: string
}

export interface DB {
  access_rule_alerts: AccessRuleAlertTable
  forward_plan_entries: ForwardPlanEntryTable
  decision_implementations: DecisionImplementationTable
}

export type ForwardPlanEntry = Selectable<ForwardPlanEntryTable>
/** One alert sent: (rule, record, period) is unique, so it is sent once (migration 0032). */
export interface AlertOccurrenceTable {
  id: Generated<number>
  organisation_id: number
  rule_id: string
  record_type: string
  record_id: number
  /** A month ("2026-11") for a rule that recurs each month; '' for one told once per record. */
  period: string
  recipients: number
  sent_at: string
}

/** Whether the organisation's alerts also go to the Portfolio Holder and the panel chair (migration 0032). */
export interface AlertSettingsTable {
  organisation_id: number
  tell_portfolio_holder: number
  tell_panel_chair: number
  public_subscriptions: Generated<number>
  updated_at: string
}

/** A member of the public's confirmed subscription (migration 0032). */
export interface PublicSubscriberTable {
  id: Generated<number>
  organisation_id: number
  email: string
  record_type: string
  record_id: number
  created_at: string
}

/** Subscription requests per hashed address or client network, in the current window (migration 0032). */
export interface SubscriptionThrottleTable {
  key: string
  window_started_at: string
  count: number
}

/** How a person wants their alerts by email: immediate or digest (migration 0032). */
export interface AlertPreferenceTable {
  organisation_id: number
  user_id: number
  delivery: string
  updated_at: string
}

/** A member following a committee, programme or recommendation (migration 0032). */
export interface FollowTable {
  id: Generated<number>
  organisation_id: number
  user_id: number
  record_type: string
  record_id: number
  created_at: string
}

/** How far through the organisation's audit trail followers have been told (migration 0032). */
export interface FollowCursorTable {
  organisation_id: number
  last_event_id: number
}

export interface DB {
  public_subscribers: PublicSubscriberTable
  subscription_throttle: SubscriptionThrottleTable
  follows: FollowTable
  follow_cursors: FollowCursorTable
  alert_occurrences: AlertOccurrenceTable
  alert_settings: AlertSettingsTable
  alert_preferences: AlertPreferenceTable
}

/** A document attached to a record: its bytes are versions in the file store (migration 0037). */
export interface DocumentTable {
  id: Generated<number>
  organisation_id: number
  /** project | business_case | meeting | agenda_item | decision | panel_report | status_report */
  parent_type: string
  parent_id: number
  title: string
  /** The latest version's file name and type (recognised from its content). */
  file_name: string
  content_type: string
  latest_version: number
  created_by_name: string
  removed_at: string | null
  removed_by_name: Generated<string>
  removed_reason: Generated<string>
  version: Generated<number>
  created_at: string
  updated_at: string
}

/** One upload of a document; kept when a newer one arrives. `stored_file_id` is null once removed. */
export interface DocumentVersionTable {
  id: Generated<number>
  organisation_id: number
  document_id: number
  number: number
  stored_file_id: number | null
  file_name: string
  content_type: string
  size: number
  sha256: string
  uploaded_by: number | null
  uploaded_by_name: string
  uploaded_at: string
}

export interface DB {
  documents: DocumentTable
  document_versions: DocumentVersionTable
}

export type Document = Selectable<DocumentTable>
export type DocumentVersion = Selectable<DocumentVersionTable>
/**
 * One searchable record (migration 0036), written only by the triggers on its source table
 * (src/modules/search/search-index.ts). On SQLite the FTS5 table `search_fts` indexes title and body; it is
 * a virtual table, read through raw SQL in the search repository only, so it has no type here.
 */
export interface SearchEntryTable {
  id: Generated<number>
  organisation_id: number
  record_type: string
  record_id: number
  title: string
  body: string
  project_id: number | null
  programme_id: number | null
  /** How the one visibility rule confines it: organisation | project | programme | decision | paper. */
  visibility: string
}

export interface DB {
  search_entries: SearchEntryTable
}

/** An organisation's OpenID Connect sign-in (issue 13, migration 0033). */
export interface OidcConfigurationTable {
  id: Generated<number>
  organisation_id: number
  provider_name: string
  issuer: string
  client_id: string
  /** Sealed with OVERSIGHT_SECRET_KEY (src/auth/secret-box.ts); never the plaintext. */
  client_secret_sealed: string
  allowed_domains: string
  tenant_id: string | null
  groups_claim: string | null
  group_roles: string
  enabled: number
  local_passwords_allowed: number
  version: Generated<number>
  created_at: string
  updated_at: string
}

/** A person linked to an identity at a provider: afterwards found only by (issuer, subject). */
export interface OidcLinkTable {
  id: Generated<number>
  user_id: number
  issuer: string
  subject: string
  created_at: string
  last_used_at: string
}

/** A sign-in sent to the provider and not yet back: used once, then deleted. */
export interface OidcAttemptTable {
  state_hash: string
  organisation_id: number
  nonce: string
  code_verifier: string
  return_to: string
  expires_at: string
}

/** An administrator who keeps password sign-in when the organisation turns local passwords off. */
export interface BreakGlassAccountTable {
  organisation_id: number
  user_id: number
  created_at: string
}

export type OidcConfiguration = Selectable<OidcConfigurationTable>

export interface DB {
  oidc_configurations: OidcConfigurationTable
  oidc_links: OidcLinkTable
  oidc_attempts: OidcAttemptTable
  break_glass_accounts: BreakGlassAccountTable
}
/** An import of the existing portfolio from a file, through src/imports/ (migration 0035). */
export interface PortfolioImportTable {
  id: Generated<number>
  organisation_id: number
  file_name: string
  file_size: Generated<number>
  sha256: Generated<string>
  mapping_json: Generated<string>
  summary_json: Generated<string>
  /** validating | validated | committing | committed | failed */
  status: string
  failure_reason: Generated<string>
  rows_read: Generated<number>
  rows_good: Generated<number>
  rows_bad: Generated<number>
  progress_bytes: Generated<number>
  rows_done: Generated<number>
  stored_file_id: number | null
  lease_owner: string | null
  lease_expires_at: string | null
  created_by: number | null
  created_by_name: string
  started_at: string
  finished_at: string | null
  committed_at: string | null
  version: Generated<number>
  updated_at: string | null
}

export interface PortfolioImportProblemTable {
  id: Generated<number>
  organisation_id: number
  import_id: number
  kind: string
  line_number: number
  reason: string
  raw_text: Generated<string>
}

export interface PortfolioImportRowTable {
  organisation_id: number
  import_id: number
  seq: number
  line_number: number
  row_json: string
}

/** What a portfolio return said of a project, as imported (migration 0035): the rating as written, money. */
export interface ProjectPortfolioFiguresTable {
  id: Generated<number>
  organisation_id: number
  project_id: number
  period: string | null
  rating_text: Generated<string>
  whole_life_cost_pence: number | null
  budget_pence: number | null
  forecast_pence: number | null
  notes: Generated<string>
  import_id: number | null
  updated_at: string
}

export interface DB {
  portfolio_imports: PortfolioImportTable
  portfolio_import_problems: PortfolioImportProblemTable
  portfolio_import_rows: PortfolioImportRowTable
  project_portfolio_figures: ProjectPortfolioFiguresTable
}

export type PortfolioImport = Selectable<PortfolioImportTable>
