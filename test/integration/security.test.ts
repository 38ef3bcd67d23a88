import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { after, before, describe, it } from 'node:test'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import { projectRoot } from '../../src/paths.ts'
import { HOST_SESSION_COOKIE, SESSION_COOKIE } from '../../src/plugins/auth.ts'
import { staticSecurityHeaders } from '../../src/plugins/security-headers.ts'
import { buildTestApp, TEST_PASSWORD, type TestApp, type TestUser } from '../helpers/build-app.ts'
import { createTestDatabase, dialectName } from '../helpers/database.ts'

/** The directives of a Content-Security-Policy header, by name. */
function directives(header: string | string[] | number | undefined): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const part of String(header ?? '').split(';')) {
    const [name, ...values] = part.trim().split(/\s+/)
    if (name) out.set(name, values)
  }
  return out
}

/** The Set-Cookie line for one cookie. */
function setCookie(headers: Record<string, string | string[] | number | undefined>, name: string): string {
  const raw = headers['set-cookie']
  const lines = Array.isArray(raw) ? raw : raw !== undefined ? [String(raw)] : []
  const line = lines.find((l) => l.startsWith(`${name}=`))
  assert.ok(line, `${name} cookie is set (got ${lines.join(' | ') || 'none'})`)
  return line
}

async function signInResponse(t: TestApp, user: TestUser) {
  const agent = t.anonymous()
  await agent.get('/sign-in')
  return agent.post('/sign-in', { email: user.email, password: TEST_PASSWORD })
}

// A hang (a database that never answers) should fail with the test's name, not stall the whole run.
const LIMIT = { timeout: 60_000 }

describe(`security (${dialectName()})`, LIMIT, () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp()
  })
  after(() => t.close())

  it('pages carry a strict Content-Security-Policy whose nonce is on the inline script', async () => {
    const first = await t.anonymous().get('/sign-in')
    const csp = directives(first.headers['content-security-policy'])
    const scriptSrc = csp.get('script-src') ?? []
    const nonce = scriptSrc.find((v) => /^'nonce-[A-Za-z0-9+/=_-]{16,}'$/.test(v))
    assert.ok(nonce, `script-src has a nonce: ${scriptSrc.join(' ')}`)
    for (const [name, values] of csp)
      assert.ok(!values.includes("'unsafe-inline'") && !values.includes("'unsafe-eval'"), `${name} is strict`)
    assert.deepEqual(csp.get('frame-ancestors'), ["'none'"])
    assert.deepEqual(csp.get('object-src'), ["'none'"])
    assert.equal(first.headers['x-content-type-options'], 'nosniff')
    assert.ok(first.headers['referrer-policy'], 'Referrer-Policy is set')
    assert.notEqual(first.headers['referrer-policy'], 'unsafe-url')

    const inline = [...first.document.querySelectorAll('script:not([src])')]
    assert.ok(inline.length > 0, 'the layout has an inline script (GOV.UK js-enabled)')
    for (const script of inline) assert.equal(`'nonce-${script.getAttribute('nonce')}'`, nonce)

    const second = await t.anonymous().get('/sign-in')
    const again = (directives(second.headers['content-security-policy']).get('script-src') ?? []).find((v) =>
      v.startsWith("'nonce-"),
    )
    assert.notEqual(again, nonce, 'a fresh nonce for every response')
  })

  it('an answer with no page in it carries the same headers, and a policy that allows no inline script at all', async () => {
    const token = await t.tokenFor(t.orgs.a.users.viewer)
    const page = await t.anonymous().get('/sign-in')
    for (const res of [
      await t.api(token, 'GET', '/api/v1/projects'),
      await t.api(null, 'GET', '/api/v1/projects'),
      await t.app.inject({ method: 'GET', url: '/health' }),
    ]) {
      const csp = directives(res.headers['content-security-policy'])
      assert.deepEqual(csp.get('script-src'), ["'self'"], `${res.statusCode} ${res.body.slice(0, 80)}`)
      assert.deepEqual(csp.get('style-src'), ["'self'"])
      const pagePolicy = directives(page.headers['content-security-policy'])
      // Every other directive is the page's, word for word.
      for (const [name, values] of pagePolicy)
        if (name !== 'script-src' && name !== 'style-src') assert.deepEqual(csp.get(name), values, name)
      for (const name of [
        'x-content-type-options',
        'x-frame-options',
        'referrer-policy',
        'cross-origin-opener-policy',
      ])
        assert.equal(res.headers[name], page.headers[name], name)
    }
  })

  it('every answer carries every hardening header, whatever its outcome, and only assets may be kept', async () => {
    const token = await t.tokenFor(t.orgs.a.users.viewer)
    const expected = new Map(staticSecurityHeaders(false))
    const answers = [
      await t.api(token, 'GET', '/api/v1/projects?limit=5'),
      await t.api(token, 'GET', '/api/v1/projects?limit=5'), // remembered
      await t.api(token, 'GET', '/api/v1/projects?limit=nine'), // 400
      await t.api(null, 'GET', '/api/v1/projects'), // 401
      await t.api(token, 'GET', '/api/v1/projects/999999'), // 404
      await t.api(token, 'GET', '/api/v1/no-such-thing'),
      await t.app.inject({ method: 'GET', url: '/no-such-page', headers: { accept: 'text/html' } }), // to sign in
      await t.app.inject({ method: 'GET', url: '/health' }),
    ]
    assert.deepEqual(
      answers.map((res) => res.statusCode),
      [200, 200, 400, 401, 404, 404, 303, 200],
    )
    for (const res of answers)
      for (const [name, value] of expected)
        assert.equal(res.headers[name], value, `${name} on ${res.statusCode} ${res.body.slice(0, 60)}`)
    const asset = await t.app.inject({ method: 'GET', url: '/assets/oversight.css' })
    assert.equal(asset.statusCode, 200)
    assert.equal(asset.headers['cache-control'], 'public, max-age=3600')
    for (const [name, value] of expected)
      if (name !== 'cache-control') assert.equal(asset.headers[name], value, `${name} on an asset`)
  })

  it('no page relies on inline styles or event handlers the CSP would block', async () => {
    const admin = await t.signIn(t.orgs.a.users.administrator)
    const pages = [
      await admin.get('/accessibility'),
      await admin.get('/account'),
      await admin.get('/programmes'),
      await admin.get('/programmes/new'),
      await admin.get('/api/docs'),
      // The page that shows a new token once.
      await admin.post('/account/tokens', { name: 'Security check' }),
      await admin.post('/programmes', { reference: '' }),
    ]
    for (const page of pages) {
      assert.equal(page.status < 500, true)
      const styled = [...page.document.querySelectorAll('[style]')].map((el) => el.outerHTML.slice(0, 120))
      assert.deepEqual(styled, [], `inline style attributes on ${page.document.title}`)
      const handlers = [...page.document.querySelectorAll('*')].filter((el) =>
        [...el.attributes].some((attr) => attr.name.startsWith('on')),
      )
      assert.equal(handlers.length, 0, `inline event handlers on ${page.document.title}`)
      assert.equal(
        page.document.querySelectorAll('style').length,
        0,
        `<style> elements on ${page.document.title}`,
      )
    }
  })

  it('the session cookie is HttpOnly and SameSite=Lax, and pages are not cached', async () => {
    const res = await signInResponse(t, t.orgs.a.users.viewer)
    assert.equal(res.status, 303)
    const cookie = setCookie(res.headers, SESSION_COOKIE)
    assert.match(cookie, /;\s*HttpOnly/i)
    assert.match(cookie, /;\s*SameSite=Lax/i)
    assert.match(cookie, /;\s*Path=\//i)
    const page = await (await t.signIn(t.orgs.a.users.viewer)).get('/programmes')
    assert.equal(page.headers['cache-control'], 'no-store')
  })

  it('a form posted without its CSRF token is refused and changes nothing', async () => {
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const form = { reference: 'CSRF-1', name: 'Forged programme', status: 'active' }
    const missing = await pm.post('/programmes', form, { csrf: null })
    assert.equal(missing.status, 403)
    assert.match(missing.text, /This form has expired/)
    const wrong = await pm.post('/programmes', form, { csrf: 'not-a-token' })
    assert.equal(wrong.status, 403)
    const list = await pm.get('/programmes')
    assert.doesNotMatch(list.text, /Forged programme/)
    // The same form with the token goes through, so the refusal above was the token's doing.
    const ok = await pm.post('/programmes', form)
    assert.equal(ok.status, 303)
  })

  it('/health answers ok and /info names the version and commit', async () => {
    const health = await t.app.inject({ method: 'GET', url: '/health' })
    assert.equal(health.statusCode, 200)
    assert.deepEqual(health.json(), { status: 'ok' })

    const info = await t.app.inject({ method: 'GET', url: '/info' })
    assert.equal(info.statusCode, 200)
    const body = info.json<{ version: string; commit: string }>()
    const pkg = JSON.parse(readFileSync(`${projectRoot()}/package.json`, 'utf8')) as { version: string }
    assert.equal(body.version, pkg.version)
    assert.equal(typeof body.commit, 'string')
    assert.ok(body.commit.length > 0)
  })

  it('unknown API routes answer JSON errors, not pages', async () => {
    const token = await t.tokenFor(t.orgs.a.users.viewer)
    const signedIn = await t.api(token, 'GET', '/api/v1/no-such-thing')
    assert.equal(signedIn.statusCode, 404)
    assert.match(String(signedIn.headers['content-type']), /application\/json/)
    const body = signedIn.json<{ error: string; message: string }>()
    assert.equal(body.error, 'Not Found')
    assert.equal(typeof body.message, 'string')

    const anonymous = await t.api(null, 'GET', '/api/v1/no-such-thing')
    assert.equal(anonymous.statusCode, 401)
    assert.deepEqual(Object.keys(anonymous.json<object>()).sort(), ['error', 'message'])
  })
})

describe(`security on an https installation (${dialectName()})`, LIMIT, () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp({ BASE_URL: 'https://oversight.example.gov.uk' })
  })
  after(() => t.close())

  it('cookies are Secure and browsers are told to keep to https', async () => {
    const res = await signInResponse(t, t.orgs.a.users.viewer)
    assert.match(setCookie(res.headers, HOST_SESSION_COOKIE), /;\s*Secure/i)
    assert.match(String(res.headers['strict-transport-security']), /max-age=\d+/)
  })

  it('/health answers 503 when the database cannot be reached', async () => {
    await t.appDatabase.close()
    const res = await t.app.inject({ method: 'GET', url: '/health' })
    assert.equal(res.statusCode, 503)
    assert.notDeepEqual(res.json(), { status: 'ok' })
  })
})

describe(`unexpected errors (${dialectName()})`, LIMIT, () => {
  const SECRET = 'database password is hunter2'
  let close: () => Promise<void>
  let app: Awaited<ReturnType<typeof buildApp>>
  before(async () => {
    const { database, drop } = await createTestDatabase()
    app = await buildApp({
      config: loadConfig({ NODE_ENV: 'test', DEMO: 'false', LOG_LEVEL: 'silent' }),
      database,
    })
    const boom = async () => {
      throw new Error(SECRET)
    }
    app.get('/boom', { config: { policy: 'public' } }, boom)
    app.get('/api/v1/boom', { config: { policy: 'public' } }, boom)
    await app.ready()
    close = async () => {
      await app.close()
      await drop()
    }
  })
  after(() => close())

  it('a person sees the friendly problem page, without the error or a stack trace', async () => {
    const res = await app.inject({ method: 'GET', url: '/boom', headers: { accept: 'text/html' } })
    assert.equal(res.statusCode, 500)
    assert.match(res.body, /Sorry, there is a problem with the service/)
    assert.doesNotMatch(res.body, /hunter2/)
    assert.doesNotMatch(res.body, /\bat .*\.(ts|js):\d+/)
  })

  it('an API client gets a JSON 500 without the error', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/boom' })
    assert.equal(res.statusCode, 500)
    const body = res.json<{ error: string; message: string }>()
    assert.equal(body.error, 'Internal Server Error')
    assert.doesNotMatch(res.body, /hunter2/)
  })
})

describe(`what the request log holds (${dialectName()})`, () => {
  it('never a credential: no token, cookie or secret address, only its place', async () => {
    const { database, drop } = await createTestDatabase()
    const lines: string[] = []
    const app = await buildApp({
      config: loadConfig({ NODE_ENV: 'test', DEMO: 'false', LOG_LEVEL: 'info' }),
      database,
      logStream: { write: (line: string) => void lines.push(line) },
    })
    try {
      await app.inject({ method: 'GET', url: '/calendar/feed-secret-8f3a.ics' })
      await app.inject({ method: 'GET', url: '/invitations/invite-secret-77c1' })
      await app.inject({
        method: 'GET',
        url: '/api/v1/projects',
        headers: {
          authorization: 'Bearer token-secret-19bd',
          cookie: 'oversight_session=cookie-secret-4e2a',
        },
      })
      const log = lines.join('')
      assert.match(log, /\/calendar\/\[secret\]/)
      assert.match(log, /\/invitations\/\[secret\]/)
      for (const secret of ['feed-secret', 'invite-secret', 'token-secret', 'cookie-secret'])
        assert.doesNotMatch(log, new RegExp(secret))
    } finally {
      await app.close()
      await drop()
    }
  })
})
