import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { Agent, buildTestApp, TEST_PASSWORD, type TestApp, type TestUser } from '../helpers/build-app.ts'
import { sessionFor } from '../helpers/sessions.ts'

const FIREFOX_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0'
const SAFARI_IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1'

// ASVS V7.5.2 and V7.4.5; issue 13: "a page where people see and end their own sessions; an administrator
// can end anyone's".
describe('your sessions', () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp()
  })
  after(async () => t.close())

  async function browser(user: TestUser, userAgent: string): Promise<Agent> {
    const agent = new Agent(t.app, { 'user-agent': userAgent })
    await agent.get('/sign-in')
    const page = await agent.post('/sign-in', { email: user.email, password: TEST_PASSWORD })
    assert.equal(page.status, 303)
    return agent
  }

  /** The "End" buttons on the page, by the device named in their row. */
  function endButtons(page: Awaited<ReturnType<Agent['get']>>): Map<string, string> {
    const out = new Map<string, string>()
    for (const row of page.document.querySelectorAll('tbody tr')) {
      const input = row.querySelector('input[name="session"]')
      if (input) out.set(row.textContent.replace(/\s+/g, ' ').trim(), input.getAttribute('value') ?? '')
    }
    return out
  }

  it('lists a person’s sessions by browser and lets them end another one', async () => {
    const person = t.orgs.a.users.project_manager
    const desk = await browser(person, FIREFOX_WINDOWS)
    const phone = await browser(person, SAFARI_IPHONE)
    const page = await desk.get('/account/sessions')
    assert.equal(page.status, 200)
    assert.match(page.text, /Firefox on Windows .*This session/)
    assert.match(page.text, /Safari on iPhone/)
    const rows = endButtons(page)
    assert.equal(rows.size, 2)
    const phoneRow = [...rows.entries()].find(([text]) => text.includes('Safari on iPhone'))!
    const ended = await desk.post('/account/sessions/end', { session: phoneRow[1] })
    assert.equal(ended.status, 303)
    assert.equal((await phone.get('/account')).status, 303, 'the phone is signed out')
    assert.equal((await desk.get('/account')).status, 200, 'the desk is not')
    assert.doesNotMatch((await desk.get('/account/sessions')).text, /Safari on iPhone/)
  })

  it('ends every other session at once, and never another person’s', async () => {
    const person = t.orgs.a.users.finance_officer
    const desk = await browser(person, FIREFOX_WINDOWS)
    const phone = await browser(person, SAFARI_IPHONE)
    const other = await sessionFor(t, t.orgs.a.users.viewer)
    const otherId = endButtons(await other.get('/account/sessions'))
      .values()
      .next().value!
    await desk.get('/account/sessions')
    const refused = await desk.post('/account/sessions/end', { session: otherId })
    assert.equal(refused.status, 404)
    assert.equal((await other.get('/account')).status, 200)
    const all = await desk.post('/account/sessions/end-others', {})
    assert.equal(all.status, 303)
    assert.equal((await phone.get('/account')).status, 303)
    assert.equal((await desk.get('/account')).status, 200)
    assert.equal(endButtons(await desk.get('/account/sessions')).size, 1)
  })

  it('an administrator ends all of a member’s sessions, and it is in the audit trail', async () => {
    const member = t.orgs.a.users.service_manager
    const one = await browser(member, FIREFOX_WINDOWS)
    const two = await sessionFor(t, member)
    const admin = await sessionFor(t, t.orgs.a.users.administrator)
    await admin.get('/settings/people')
    const ended = await admin.post(`/settings/people/${member.id}/sessions/end`, {})
    assert.equal(ended.status, 303)
    assert.equal((await one.get('/account')).status, 303)
    assert.equal((await two.get('/account')).status, 303)
    assert.equal((await admin.get('/account')).status, 200)
    const event = await t.database.db
      .selectFrom('audit_events')
      .select(['action', 'after_json'])
      .where('organisation_id', '=', t.orgs.a.id)
      .where('action', '=', 'end-sessions')
      .executeTakeFirst()
    assert.ok(event?.after_json?.includes(`"user_id":${member.id}`))
    const foreign = await admin.post(`/settings/people/${t.orgs.b.users.viewer.id}/sessions/end`, {})
    assert.equal(foreign.status, 404)
    const manager = await sessionFor(t, t.orgs.a.users.programme_manager)
    await manager.get('/account')
    assert.equal((await manager.post(`/settings/people/${member.id}/sessions/end`, {})).status, 403)
  })

  // ASVS V7.3.1 and V7.3.2: the limits in auth.service.ts (SESSION_IDLE_MS, SESSION_MAX_MS) end a session
  // whatever the browser does; the database's times stand in for the clock.
  it('a session ends after 8 hours without use, and 7 days after sign-in however busy', async () => {
    const person = t.orgs.a.users.portfolio_holder
    const idle = await sessionFor(t, person)
    const busy = await sessionFor(t, person)
    const [idleId, busyId] = (
      await t.database.db
        .selectFrom('sessions')
        .select('id')
        .where('user_id', '=', person.id)
        .orderBy('created_at')
        .execute()
    ).map((r) => r.id)
    const hoursAgo = (h: number) => new Date(Date.now() - h * 60 * 60 * 1000).toISOString()
    await t.database.db
      .updateTable('sessions')
      .set({ last_seen_at: hoursAgo(8), expires_at: hoursAgo(0.01) })
      .where('id', '=', idleId!)
      .execute()
    await t.database.db
      .updateTable('sessions')
      .set({ created_at: hoursAgo(7 * 24 + 0.1), last_seen_at: hoursAgo(0.01), expires_at: hoursAgo(-8) })
      .where('id', '=', busyId!)
      .execute()
    assert.equal((await idle.get('/account')).status, 303, 'idle for 8 hours: signed out')
    assert.equal((await busy.get('/account')).status, 303, '7 days after sign-in: signed out')
    const left = await t.database.db
      .selectFrom('sessions')
      .select('id')
      .where('id', 'in', [idleId!, busyId!])
      .execute()
    assert.deepEqual(left, [], 'both are deleted, not just refused')
  })
})
