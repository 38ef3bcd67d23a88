import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { sessionFor } from '../helpers/sessions.ts'

interface LogLine {
  level: number
  msg: string
  route?: string
  method?: string
  status?: number
  userId?: number | null
  address?: string
}

const WARN = 40

// ASVS V16.3.2 and V16.3.3: a refused request is logged at warn, saying where and by whom, and never with
// the credential or the body that came with it.
describe('refusals are logged', () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp({ LOG_LEVEL: 'warn' })
  })
  after(async () => t.close())

  function linesSince(start: number): LogLine[] {
    return t.logLines.slice(start).map((l) => JSON.parse(l) as LogLine)
  }

  it('a 401 from the API names the route, method and address, not the token', async () => {
    const start = t.logLines.length
    const secret = 'ovt_this-token-is-not-real-but-is-still-secret'
    const res = await t.api(secret, 'GET', '/api/v1/programmes?limit=5')
    assert.equal(res.statusCode, 401)
    const line = linesSince(start).find((l) => l.status === 401)
    assert.ok(line, 'a line for the 401')
    assert.equal(line.level, WARN)
    assert.equal(line.route, '/api/v1/programmes')
    assert.equal(line.method, 'GET')
    assert.equal(line.userId, null)
    assert.equal(line.address, '127.0.0.1')
    assert.ok(!t.logLines.slice(start).join('\n').includes(secret), 'the token is not in the log')
  })

  it('a 403 names the person, and neither their cookie nor what they sent is logged', async () => {
    const viewer = t.orgs.a.users.viewer
    const agent = await sessionFor(t, viewer)
    await agent.get('/account')
    const start = t.logLines.length
    const refused = await agent.post('/settings/people', {
      name: 'Body Marker Person',
      email: 'body.marker@example.test',
      role: 'viewer',
    })
    assert.equal(refused.status, 403)
    const line = linesSince(start).find((l) => l.status === 403)
    assert.ok(line, 'a line for the 403')
    assert.equal(line.level, WARN)
    assert.equal(line.route, '/settings/people')
    assert.equal(line.method, 'POST')
    assert.equal(line.userId, viewer.id)
    const written = t.logLines.slice(start).join('\n')
    assert.doesNotMatch(written, /Body Marker|body\.marker/)
    assert.doesNotMatch(written, /oversight_session|_csrf/)
  })

  it('a refused CSRF token is logged as such, with the person and route', async () => {
    const person = t.orgs.a.users.project_manager
    const agent = await sessionFor(t, person)
    await agent.get('/account')
    const start = t.logLines.length
    const forged = 'forged-csrf-token-value'
    const refused = await agent.post('/account/sessions/end-others', {}, { csrf: forged })
    assert.equal(refused.status, 403)
    const line = linesSince(start).find((l) => l.status === 403)
    assert.ok(line, 'a line for the refused token')
    assert.equal(line.level, WARN)
    assert.match(line.msg, /CSRF/)
    assert.equal(line.route, '/account/sessions/end-others')
    assert.equal(line.userId, person.id)
    assert.ok(!t.logLines.slice(start).join('\n').includes(forged))
  })
})
