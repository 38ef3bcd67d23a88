import type { Role } from '../auth/roles.ts'

export const DEMO_DOMAIN = 'demo.oversight.test'

/**
 * The demo's people, one per role, named with the posts the scrutiny minute names, so that whoever signs in
 * sees whose seat they are sitting in.
 */
export const PEOPLE: Record<Role, string> = {
  administrator: 'Alex Morgan, Business Systems Administrator',
  programme_manager: 'Priya Shah, Programme Manager – Commercialisation',
  project_manager: 'Tom Fielding, Digital Project Manager',
  finance_officer: 'Helen Barker, Senior Accountant',
  service_manager: 'Gareth Lowe, Communications Manager',
  partner_officer: 'Dev Patel, Head of ICT and Digital (PSPS)',
  portfolio_holder: 'Cllr Richard Ashby, Portfolio Holder for Corporate and Communications',
  scrutiny_member: 'Cllr Margaret Dunn, Chair of the Performance Monitoring Panel',
  viewer: 'Jo Clarke, Performance and Policy Officer',
}

export const LOCAL_PARTS: Record<Role, string> = {
  administrator: 'admin',
  programme_manager: 'programme.manager',
  project_manager: 'project.manager',
  finance_officer: 'finance.officer',
  service_manager: 'service.manager',
  partner_officer: 'partner.officer',
  portfolio_holder: 'portfolio.holder',
  scrutiny_member: 'scrutiny.member',
  viewer: 'viewer',
}

export const OTHER_COUNCIL_ADMIN_EMAIL = `admin@brecks.${DEMO_DOMAIN}`
export const OTHER_COUNCIL_ADMIN_NAME = 'Chris Hale, Digital Lead (Brecks District Council)'
