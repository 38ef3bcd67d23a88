import { crossOrganisation, withOrganisation } from '../../src/db/tenant-context.ts'

/**
 * A test that calls a service outside a request names the organisation the work is for, as a request does once
 * it knows its actor (src/plugins/auth.ts). With TEST_DATABASE_APP_URL the app works as a role held by
 * PostgreSQL row security (issue 14), and work that names no organisation sees none of the organisation-owned
 * rows; on SQLite, or as the owner, these just run `fn`.
 */

/** An organisation (TestOrg), a person in one (TestUser, Actor) or its id. */
export type Tenant = number | { organisationId: number } | { id: number }

function organisationOf(tenant: Tenant): number {
  if (typeof tenant === 'number') return tenant
  return 'organisationId' in tenant ? tenant.organisationId : tenant.id
}

/** Runs a service call as work for one organisation. */
export function inOrganisation<T>(tenant: Tenant, fn: () => T): T {
  return withOrganisation(organisationOf(tenant), fn)
}

/** Runs a scheduled job's service call as the scheduler runs it: one sweep across every organisation. */
export function asScheduler<T>(fn: () => T): T {
  return crossOrganisation('scheduler sweep', fn)
}
