import { ROLES, type Role } from './roles.ts'

/**
 * Who may use each route, in one place. Every route declares one of these names in its `config.policy`;
 * the app refuses to start if a route has none (see `auth.plugin.ts`), and the route × role matrix test
 * walks this table.
 */
const EVERYONE_SIGNED_IN: readonly Role[] = ROLES

const WRITERS_PROGRAMME: readonly Role[] = ['administrator', 'programme_manager']
const WRITERS_PROJECT: readonly Role[] = ['administrator', 'programme_manager', 'project_manager']

export const POLICIES = {
  /** Anyone, signed in or not: sign-in page, health, accessibility statement, assets. */
  public: null,
  /** Any signed-in user of the organisation (their own account, tokens, notifications). */
  signedIn: EVERYONE_SIGNED_IN,
  /** Read the portfolio. Partner officers see only projects shared with the partner. */
  'portfolio.read': EVERYONE_SIGNED_IN,
  'programme.write': WRITERS_PROGRAMME,
  'project.write': WRITERS_PROJECT,
  /** Milestones and monthly status reports: kept by those who run the work. */
  'delivery.write': WRITERS_PROJECT,
  /**
   * Ending a partnership (the separation process): it ends a contract, moves records between the council and
   * the partner and takes access away from the partner's officers, so it is the administrator's alone.
   */
  'partnership.end': ['administrator'],
  /** Organisation settings, users, the rating scale. */
  'organisation.admin': ['administrator'],
  /** Budgets, funding streams, claims, partner recharges, ledger imports and mappings: the finance team. */
  'finance.write': ['administrator', 'finance_officer', 'programme_manager'],
  /** Monthly budget monitoring and forecasts: signed off jointly by finance and the project manager. */
  'finance.monitor': ['administrator', 'finance_officer', 'programme_manager', 'project_manager'],
  /** Business cases, RAID logs and exception reports: kept by those who run the work. */
  'governance.write': WRITERS_PROJECT,
  /** Lifecycle gates, tolerances, boards and health-check rules: set for the programme. */
  'governance.configure': WRITERS_PROGRAMME,
  /** Record a decision (gate approval, exception outcome, key decision); the service checks capacity. */
  'decision.record': ['administrator', 'programme_manager', 'portfolio_holder'],
  /** The forward plan of key decisions: the council's own plan, not a shared project's record. */
  'forwardPlan.read': ROLES.filter((r) => r !== 'partner_officer'),
  /** Committees, meetings, minutes and recommendations: scrutiny members and the officers supporting them. */
  'scrutiny.record': ['administrator', 'scrutiny_member'],
  /** Respond to a recommendation or act on it; the service checks the user is its addressee or lead officer. */
  'scrutiny.respond': [
    'administrator',
    'portfolio_holder',
    'programme_manager',
    'project_manager',
    'service_manager',
  ],
  /**
   * Enter and correct performance indicators' values (issue 11): the delivery and finance teams, and an
   * indicator's owner whatever their role (the service checks which); viewers, scrutiny members and partner
   * officers read them.
   */
  'indicator.enter': ROLES.filter(
    (r) => r !== 'viewer' && r !== 'scrutiny_member' && r !== 'partner_officer',
  ),
  /** Import indicator values from a file: it may write to any indicator, so the delivery and finance teams only. */
  'indicator.import': ['administrator', 'programme_manager', 'project_manager', 'finance_officer'],
  /** Import the existing portfolio from a file (issue 13): it creates programmes, so the programme office. */
  'portfolio.import': WRITERS_PROGRAMME,
  /**
   * Move on an area for consideration's action (issue 12): the service checks the user is its owner or of
   * the programme office (reports.write). A partner officer sees no panel papers.
   */
  'actions.progress': ROLES.filter((r) => r !== 'partner_officer'),
  /** Programme definition papers and panel progress reports: prepared by the programme office. */
  'reports.write': WRITERS_PROGRAMME,
  /**
   * Attach a document to a record, add a version, remove one (issue 13): whoever may change some kind of
   * record; the attachments service then checks the role against the parent's own policy (PARENT_KINDS).
   */
  'documents.attach': [
    'administrator',
    'programme_manager',
    'project_manager',
    'scrutiny_member',
    'portfolio_holder',
  ],
  /** The people register: anyone signed in; a partner officer sees only their own partner's staff. */
  'people.read': EVERYONE_SIGNED_IN,
  /** The establishment (posts, their holders and costs) and skills catalogue: the council's own staff. */
  'establishment.read': ROLES.filter((r) => r !== 'partner_officer'),
  /** People, posts, post holders, secondments and the skills catalogue: kept by HR and the programme office. */
  'resourcing.write': ['administrator', 'programme_manager', 'service_manager'],
} as const satisfies Record<string, readonly Role[] | null>

export type PolicyName = keyof typeof POLICIES

export function isPolicyName(v: unknown): v is PolicyName {
  return typeof v === 'string' && Object.hasOwn(POLICIES, v)
}

export function allows(policy: PolicyName, role: Role | null): boolean {
  const roles = POLICIES[policy]
  if (roles === null) return true
  if (role === null) return false
  return (roles as readonly Role[]).includes(role)
}

/** Roles that see every project of their organisation; the rest see only what is shared with them. */
export function seesWholePortfolio(role: Role): boolean {
  return role !== 'partner_officer'
}

/**
 * Who sees personal data in the people register (UK GDPR, data minimisation): a person's email address and
 * the grade of a post a named person holds. Those who manage people, pay them or supervise the work do;
 * viewers, scrutiny members and Portfolio Holders see names, job titles and teams only. A partner officer
 * sees only their own partner's staff, and sees them in full.
 */
export function seesPersonalData(role: Role): boolean {
  return role !== 'viewer' && role !== 'scrutiny_member' && role !== 'portfolio_holder'
}

/** Who sees what posts cost: the finance team and those who hold the budget (issue 10). */
export function seesPostCosts(role: Role): boolean {
  return role === 'administrator' || role === 'finance_officer' || role === 'programme_manager'
}
