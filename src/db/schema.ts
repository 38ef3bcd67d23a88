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
