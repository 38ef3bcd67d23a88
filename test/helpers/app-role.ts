import pg from 'pg'

/**
 * The PostgreSQL role the app serves as under row security (issue 14): one that owns no tables and lacks
 * BYPASSRLS, made once per server, as .ci/run makes it:
 *   create role oversight_app_ci login password 'oversight_app_ci'
 * TEST_DATABASE_APP_URL names another. The tests that are about that role (row security, the deployment) use
 * it whether or not the rest of the suite runs as it.
 */
const ownerUrl = process.env.TEST_DATABASE_URL ?? ''

/** The app role's address for `database` on the test server. */
export function appRoleUrl(database: string): string {
  const u = new URL(process.env.TEST_DATABASE_APP_URL ?? ownerUrl)
  if (!process.env.TEST_DATABASE_APP_URL) {
    u.username = 'oversight_app_ci'
    u.password = 'oversight_app_ci'
  }
  u.pathname = `/${database}`
  return u.toString()
}

/** Whether the app role can sign in to the test server (false on SQLite). */
export async function appRoleExists(): Promise<boolean> {
  if (!/^postgres(ql)?:\/\//.test(ownerUrl)) return false
  const c = new pg.Client({ connectionString: appRoleUrl(new URL(ownerUrl).pathname.slice(1) || 'postgres') })
  try {
    await c.connect()
    return true
  } catch {
    return false
  } finally {
    await c.end().catch(() => undefined)
  }
}

/** Why a test about the app role is skipped on this server. */
export const NO_APP_ROLE =
  "no restricted role on this server: create role oversight_app_ci login password 'oversight_app_ci'"
