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
  committees: CommitteeTable
  committee_members: CommitteeMemberTable
  meetings: MeetingTable
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
  version: Generated<number>
  created_at: string
  updated_at: string
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
}

export type ProgrammeDefinition = Selectable<ProgrammeDefinitionTable>
export type PanelReport = Selectable<PanelReportTable>
export type ReportArea = Selectable<ReportAreaTable>
