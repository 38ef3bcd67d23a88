import { sessionCookieName } from '../../src/plugins/auth.ts'
import { Agent, type TestApp, type TestUser } from './build-app.ts'

/**
 * A browser-like client already signed in as the user, for tests that are not about signing in. It makes
 * the session through the auth service's own `createSession`, as the sign-in page does after checking the
 * password, but skips that check: scrypt at OWASP's cost takes a noticeable fraction of a second each time,
 * and a file that signs in a dozen people would spend seconds on it. Tests of signing in use `t.signIn`.
 */
export async function sessionFor(t: TestApp, user: TestUser): Promise<Agent> {
  const { token } = await t.app.services.auth.createSession(t.database.db, user.id, user.organisationId)
  const agent = new Agent(t.app)
  agent.setCookie(sessionCookieName(t.config.secureCookies), t.app.signCookie(token))
  return agent
}
