import { AsyncLocalStorage } from 'node:async_hooks'

/**
 * Which organisation's rows the current unit of work may see, for PostgreSQL row-level security (issue 14,
 * "the database enforces tenancy"; migration 0044, row-security.ts). The app sets it once it knows the
 * organisation (after authentication, or from a public page's slug); every transaction the app role opens then
 * starts with `set_config('oversight.organisation_id', …, true)`. With nothing set, organisation-owned tables
 * answer no rows. SQLite ignores it: there the application-level rule (visibility.ts, `where organisation_id`)
 * is the only one, as it also remains on PostgreSQL.
 */
export interface TenantScope {
  organisationId: number | null
  crossOrganisation: CrossOrganisationReason | null
}

/**
 * The named reads and writes that must cross organisations, each allowed by the policy keyed on
 * `oversight.scope = 'system'`. A new one is added here, with its reason, where a reviewer sees it.
 */
export const CROSS_ORGANISATION_REASONS = {
  'session lookup': "a request's session or API token is found before its organisation is known",
  'sign-in': "sign-in finds a person's memberships, in whichever organisations, and starts their session",
  invitation:
    "an invitation's link names the organisation it is to, which the person accepting may not yet work in (or belong to)",
  'own account':
    "a person's account pages list their organisations and sessions, and end sessions, in every one",
  'scheduler sweep': 'a scheduled job runs once for every organisation',
  'mail delivery': "one run delivers the whole outbox, whichever organisation's request started it",
  'public site':
    'the public pages and subscriptions find an organisation (and a subscriber) by slug or token',
  'calendar feed':
    "a calendar app fetches a person's feed by its secret address, which names the organisation it is for",
  'operations metrics': '/metrics and readiness count the outbox and jobs across the whole service',
} as const
export type CrossOrganisationReason = keyof typeof CROSS_ORGANISATION_REASONS

const storage = new AsyncLocalStorage<TenantScope>()

/**
 * Whether this process keeps the scope at all: only once a database opened as the app role under row security
 * (rowSecurityPool) needs it. Until then (SQLite, or PostgreSQL as the owner) the functions below just run their
 * work: the first AsyncLocalStorage.run turns on Node's promise hooks for the whole process, and the dashboard
 * measured 0.66–0.70 of its floor with them on against 0.69–0.73 without (bench/run.ts, BENCHMARKS.md).
 */
let kept = false

/** From now on, this process keeps the tenant scope of each unit of work (called by rowSecurityPool). */
export function keepTenantScope(): void {
  kept = true
}

export function currentTenantScope(): TenantScope | undefined {
  return kept ? storage.getStore() : undefined
}

/** Runs `fn` (and everything it starts) as work for one organisation. */
export function withOrganisation<T>(organisationId: number, fn: () => T): T {
  return kept ? storage.run({ organisationId, crossOrganisation: null }, fn) : fn()
}

/** Runs `fn` as one of the named exceptions that may read and write every organisation's rows. */
export function crossOrganisation<T>(reason: CrossOrganisationReason, fn: () => T): T {
  return kept ? storage.run({ organisationId: null, crossOrganisation: reason }, fn) : fn()
}

/** Runs `fn` in a scope the caller narrows later (a request: setTenantOrganisation once its organisation is known). */
export function withTenantScope<T>(scope: TenantScope, fn: () => T): T {
  return kept ? storage.run(scope, fn) : fn()
}

/**
 * The current request has learnt which organisation it serves (a public page, from its slug): its later
 * transactions name that one. Outside a scope (SQLite tests call services directly) it does nothing.
 */
export function setTenantOrganisation(organisationId: number): void {
  const scope = currentTenantScope()
  if (scope && scope.crossOrganisation === null) scope.organisationId = organisationId
}
