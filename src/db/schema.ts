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
  version: Generated<number>
  created_at: string
  updated_at: string
}

export interface UserTable {
  id: Generated<number>
  email: string
  name: string
  password_hash: string
  is_active: number
  created_at: string
  updated_at: string
}

export interface MembershipTable {
  id: Generated<number>
  organisation_id: number
  user_id: number
  role: string
  created_at: string
}

export interface SessionTable {
  id: string
  user_id: number
  organisation_id: number
  created_at: string
  last_seen_at: string
  expires_at: string
}

export interface SignInThrottleTable {
  key: string
  failures: number
  first_failure_at: string
  last_failure_at: string
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
}

export interface ProgrammeTable {
  id: Generated<number>
  organisation_id: number
  reference: string
  name: string
  purpose: string
  sro: string
  portfolio_holder: string
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
  stage: string
  shared_with_partner: number
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
  /** passed | overridden */
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

export interface DB {
  organisations: OrganisationTable
  users: UserTable
  memberships: MembershipTable
  sessions: SessionTable
  sign_in_throttle: SignInThrottleTable
  api_tokens: ApiTokenTable
  programmes: ProgrammeTable
  projects: ProjectTable
  milestones: MilestoneTable
  status_reports: StatusReportTable
  audit_events: AuditEventTable
  audit_heads: AuditHeadTable
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
  health_rule_settings: HealthRuleSettingTable
  health_snapshots: HealthSnapshotTable
}

export type ToleranceSettings = Selectable<ToleranceSettingsTable>
export type ToleranceException = Selectable<ToleranceExceptionTable>
export type Notification = Selectable<NotificationTable>
