import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, TEST_PASSWORD, type Page, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

function setCookies(page: Page): string[] {
  const header = page.headers['set-cookie']
  return Array.isArray(header) ? header : header ? [header] : []
}

async function signIn(t: TestApp) {
  const agent = t.anonymous()
  await agent.get('/sign-in')
  const page = await agent.post('/sign-in', { email: t.orgs.a.users.viewer.email, password: TEST_PASSWORD })
  assert.equal(page.status, 303)
  return { agent, page }
}

// ASVS V3.3.1 and V3.3.3: on https the session cookie is `__Host-` prefixed, so the browser holds it only if
// it is Secure, for Path=/ and this host alone (no Domain): no other host or http page can plant one.
describe(`the session cookie's name (${dialectName()})`, () => {
  describe('on https', () => {
    let t: TestApp
    before(async () => {
      t = await buildTestApp({ BASE_URL: 'https://oversight.example.gov.uk' })
    })
    after(() => t.close())

    it('is __Host-oversight_session: Secure, Path=/, no Domain; and signing in and out still works', async () => {
      const { agent, page } = await signIn(t)
      const cookie = setCookies(page).find((c) => c.startsWith('__Host-oversight_session='))
      assert.ok(cookie, setCookies(page).join('\n'))
      assert.match(cookie, /; Path=\/(;|$)/)
      assert.match(cookie, /; Secure/)
      assert.match(cookie, /; HttpOnly/)
      assert.doesNotMatch(cookie, /Domain=/i)
      assert.ok(!setCookies(page).some((c) => c.startsWith('oversight_session=')))
      assert.equal((await agent.get('/account')).status, 200)
      const out = await agent.post('/sign-out', {})
      assert.ok(
        setCookies(out).some((c) => /^__Host-oversight_session=;/.test(c)),
        'sign-out clears it',
      )
      assert.equal((await agent.get('/account')).status, 303)
    })

    it('ignores a session cookie without the prefix', async () => {
      const { page } = await signIn(t)
      const value = setCookies(page)
        .find((c) => c.startsWith('__Host-oversight_session='))!
        .split(';')[0]!
        .slice('__Host-oversight_session='.length)
      const res = await t.app.inject({
        method: 'GET',
        url: '/account',
        headers: { accept: 'text/html', cookie: `oversight_session=${value}` },
      })
      assert.equal(res.statusCode, 303)
    })
  })

  describe('on plain http (development)', () => {
    let t: TestApp
    before(async () => {
      t = await buildTestApp()
    })
    after(() => t.close())

    it('is oversight_session, not Secure, and signing in works', async () => {
      const { agent, page } = await signIn(t)
      const cookie = setCookies(page).find((c) => c.startsWith('oversight_session='))
      assert.ok(cookie)
      assert.doesNotMatch(cookie, /Secure/)
      assert.equal((await agent.get('/account')).status, 200)
    })

    // ASVS V3.5.2: a cross-site form or image can carry the cookie, but the API honours only a bearer token.
    it('the API ignores the session cookie: only a bearer token is accepted', async () => {
      const { page } = await signIn(t)
      const cookie = setCookies(page)
        .find((c) => c.startsWith('oversight_session='))!
        .split(';')[0]!
      const res = await t.app.inject({ method: 'GET', url: '/api/v1/programmes', headers: { cookie } })
      assert.equal(res.statusCode, 401)
    })
  })
})
