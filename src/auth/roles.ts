export const ROLES = [
  'administrator',
  'programme_manager',
  'project_manager',
  'finance_officer',
  'service_manager',
  'partner_officer',
  'portfolio_holder',
  'scrutiny_member',
  'viewer',
] as const

export type Role = (typeof ROLES)[number]

export const ROLE_LABELS: Record<Role, string> = {
  administrator: 'Administrator',
  programme_manager: 'Programme manager',
  project_manager: 'Project manager',
  finance_officer: 'Finance officer',
  service_manager: 'Service manager',
  partner_officer: 'Partner officer',
  portfolio_holder: 'Portfolio Holder',
  scrutiny_member: 'Scrutiny member',
  viewer: 'Viewer',
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value)
}
