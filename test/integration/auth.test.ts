import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, TEST_PASSWORD, type Page, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

const WRONG = 'Enter a correct email address and password'

function sessionCookie(page: Page): string | undefined {
  const header = page.headers['set-cookie']
  const all = Array.isArray(header) ? header : header ? [header] : []
  // On https the name carries the __Host- prefix (test/integration/host-cookie.test.ts).
  return all.find((c) => /^(__Host-)?oversight_session=/.test(c))
}

describe(`signing in and out (${dialectName()})`, () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp()
  })
  after(() => t.close())

  it('signs in with the right password and goes to the page asked for', async () => {
    const agent = t.anonymous()
    const first = await agent.get('/programmes')
    assert.equal(first.status, 303)
    assert.equal(first.location, '/sign-in?returnTo=%2Fprogrammes')
    await agent.get(first.location)
    const page = await agent.post('/sign-in', {
      email: t.orgs.a.users.viewer.email.toUpperCase(),
      password: TEST_PASSWORD,
      returnTo: '/programmes',
    })
    assert.equal(page.status, 303)
    assert.equal(page.location, '/programmes')
    const account = await agent.get('/account')
    assert.equal(account.status, 200)
    assert.match(account.text, new RegExp(t.orgs.a.users.viewer.email))
  })

  it('gives the same answer for an unknown email and a wrong password', async () => {
    const agent = t.anonymous()
    await agent.get('/sign-in')
    const wrong = await agent.post('/sign-in', {
      email: t.orgs.a.users.viewer.email,
      password: 'not the password',
    })
    const unknown = await agent.post('/sign-in', { email: 'nobody@alpha.test', password: 'not the password' })
    for (const page of [wrong, unknown]) {
      assert.equal(page.status, 400)
      assert.match(page.text, new RegExp(WRONG))
      assert.equal(sessionCookie(page), undefined, 'no session is started')
    }
    assert.equal(
      wrong.document.querySelector('.govuk-error-summary')?.textContent?.replace(/\s+/g, ' ').trim(),
      unknown.document.querySelector('.govuk-error-summary')?.textContent?.replace(/\s+/g, ' ').trim(),
    )
  })

  it('after 5 failures the next try is refused with 429, even with the right password or for no account', async () => {
    for (const email of [t.orgs.b.users.viewer.email, 'no-such-person@beta.test']) {
      const agent = t.anonymous()
      await agent.get('/sign-in')
      for (let i = 1; i <= 5; i++) {
        const page = await agent.post('/sign-in', { email, password: `wrong guess ${i}` })
        assert.equal(page.status, 400, `attempt ${i} for ${email} is an ordinary failure`)
      }
      const blocked = await agent.post('/sign-in', { email, password: TEST_PASSWORD })
      assert.equal(blocked.status, 429, `${email} is throttled`)
      assert.match(blocked.text, /There have been too many attempts to sign in. Wait 1 minute and try again/)
      assert.ok(Number(blocked.headers['retry-after']) > 0)
      assert.equal(sessionCookie(blocked), undefined)
    }
    // Another address is not affected.
    await t.signIn(t.orgs.b.users.administrator)
  })

  it('sets the session cookie HttpOnly and SameSite=Lax, and not Secure over plain http', async () => {
    const agent = t.anonymous()
    await agent.get('/sign-in')
    const page = await agent.post('/sign-in', { email: t.orgs.a.users.viewer.email, password: TEST_PASSWORD })
    const cookie = sessionCookie(page)
    assert.ok(cookie, 'a session cookie is set')
    assert.match(cookie, /HttpOnly/i)
    assert.match(cookie, /SameSite=Lax/i)
    assert.doesNotMatch(cookie, /Secure/i)
    assert.equal(page.headers['strict-transport-security'], undefined)
  })

  it('signing out ends the session on the server, so a copied cookie no longer works', async () => {
    const agent = t.anonymous()
    await agent.get('/sign-in')
    const signedIn = await agent.post('/sign-in', {
      email: t.orgs.a.users.service_manager.email,
      password: TEST_PASSWORD,
    })
    const cookie = sessionCookie(signedIn)!.split(';')[0]!
    const before = await t.app.inject({ method: 'GET', url: '/account', headers: { cookie } })
    assert.equal(before.statusCode, 200)
    const out = await agent.post('/sign-out', {})
    assert.equal(out.status, 303)
    assert.equal(out.location, '/sign-in')
    const replay = await t.app.inject({ method: 'GET', url: '/account', headers: { cookie } })
    assert.equal(replay.statusCode, 303)
    assert.match(String(replay.headers.location), /^\/sign-in/)
  })

  it('changing the password signs out every other session of that person', async () => {
    const user = t.orgs.a.users.finance_officer
    const laptop = await t.signIn(user)
    const phone = await t.signIn(user)
    const other = await t.signIn(t.orgs.a.users.viewer)
    await laptop.get('/account/password')
    const changed = await laptop.post('/account/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: 'a brand new passphrase',
      confirmPassword: 'a brand new passphrase',
    })
    assert.equal(changed.status, 303)
    const account = await laptop.get('/account')
    assert.equal(account.status, 200, 'the session that changed it stays signed in')
    assert.match(account.text, /You have been signed out everywhere else/)
    assert.equal((await phone.get('/account')).status, 303, 'the other session is signed out')
    assert.equal((await other.get('/account')).status, 200, "someone else's session is untouched")

    const old = t.anonymous()
    await old.get('/sign-in')
    assert.equal((await old.post('/sign-in', { email: user.email, password: TEST_PASSWORD })).status, 400)
    assert.equal(
      (await old.post('/sign-in', { email: user.email, password: 'a brand new passphrase' })).status,
      303,
    )
  })

  it('an API token made in the browser is shown once, works as a Bearer token, and stops when revoked', async () => {
    const agent = await t.signIn(t.orgs.a.users.programme_manager)
    await agent.get('/account/tokens')
    const created = await agent.post('/account/tokens', { name: 'Finance export' })
    assert.equal(created.status, 200)
    const token = created.document.querySelector('input#newToken')?.getAttribute('value') ?? ''
    assert.match(token, /^ovt_/, 'the token is shown')
    assert.match(created.text, /it will not be shown again/)

    const later = await agent.get('/account/tokens')
    assert.ok(!later.body.includes(token), 'the token is not shown a second time')
    assert.match(later.text, /Finance export/)

    const ok = await t.api(token, 'GET', '/api/v1/programmes')
    assert.equal(ok.statusCode, 200)
    const action = later.document.querySelector('form[action$="/revoke"]')?.getAttribute('action')
    assert.ok(action)
    const revoked = await agent.post(action, {})
    assert.equal(revoked.status, 303)
    const refused = await t.api(token, 'GET', '/api/v1/programmes')
    assert.equal(refused.statusCode, 401)
    assert.match((await agent.get('/account/tokens')).text, /Revoked/)
  })

  it('returnTo never sends anyone to another site, and odd characters never answer 500', async () => {
    const page = await t.anonymous().get('/sign-in?returnTo=//evil.example/phish')
    assert.equal(page.document.querySelector('input[name="returnTo"]')?.getAttribute('value'), '/')
    const cases: Array<[string, string]> = [
      ['https://evil.example/', '/'],
      ['//evil.example/', '/'],
      ['/\\evil.example/', '/'],
      ['/\t/evil.example', '/'],
      ['/\n/evil.example', '/'],
      ['/.//evil.example', '/'],
      ['/%2e//evil.example', '/'],
      ['javascript:alert(1)', '/'],
      ['/%0d%0aSet-Cookie:x', '/%0d%0aSet-Cookie:x'],
      ['/programmes\r\nSet-Cookie: x=1', '/programmesSet-Cookie:%20x=1'],
      ['/programmes?view=all#top', '/programmes?view=all#top'],
    ]
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    for (const [returnTo, expected] of cases) {
      const agent = t.anonymous()
      await agent.get('/sign-in')
      const res = await agent.post('/sign-in', {
        email: t.orgs.a.users.viewer.email,
        password: TEST_PASSWORD,
        returnTo,
      })
      assert.equal(res.status, 303, `${JSON.stringify(returnTo)} signs in`)
      assert.equal(res.location, expected, `${JSON.stringify(returnTo)} ends on a path of this site`)
      assert.equal(res.headers['set-cookie']?.toString().includes('x=1'), false)
      const already = await viewer.get(`/sign-in?returnTo=${encodeURIComponent(returnTo)}`)
      assert.equal(already.status, 303, `${JSON.stringify(returnTo)} when already signed in`)
      assert.equal(already.location, expected)
    }
  })
})

describe(`sign-in over HTTPS (${dialectName()})`, () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp({ BASE_URL: 'https://x.test' })
  })
  after(() => t.close())

  it('marks the session cookie Secure and sends HSTS when BASE_URL is https', async () => {
    const agent = t.anonymous()
    await agent.get('/sign-in')
    const page = await agent.post('/sign-in', { email: t.orgs.a.users.viewer.email, password: TEST_PASSWORD })
    assert.equal(page.status, 303)
    const cookie = sessionCookie(page)
    assert.ok(cookie)
    assert.match(cookie, /; Secure/i)
    assert.match(cookie, /HttpOnly/i)
    assert.match(String(page.headers['strict-transport-security']), /max-age=31536000/)
  })
})
