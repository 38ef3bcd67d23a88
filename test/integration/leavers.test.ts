import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, TEST_PASSWORD, type TestApp } from '../helpers/build-app.ts'
import { sessionFor } from '../helpers/sessions.ts'
import { inOrganisation } from '../helpers/tenant-scope.ts'

// Issue 10: "Marking a user as a leaver ends their sessions and API tokens at once". A leaver is a
// membership that has ended: the person keeps their account and any other organisation they belong to.
describe('leavers', () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp()
  })
  after(async () => t.close())

  it('a leaver’s sessions and API tokens end at once, they cannot sign in, and it is in the audit trail', async () => {
    const leaver = t.orgs.a.users.viewer
    const admin = await sessionFor(t, t.orgs.a.users.administrator)
    const browser = await t.signIn(leaver)
    const token = await t.tokenFor(leaver)
    assert.equal((await t.api(token, 'GET', '/api/v1/programmes')).statusCode, 200)

    await admin.get('/settings/people')
    const marked = await admin.post(`/settings/people/${leaver.id}/leaver`, {})
    assert.equal(marked.status, 303)
    const people = await admin.get('/settings/people')
    assert.match(people.text, new RegExp(`${leaver.name} Left`))
    assert.ok(people.document.querySelector(`form[action="/settings/people/${leaver.id}/reinstate"]`))

    assert.equal((await browser.get('/account')).status, 303, 'the open session has ended')
    assert.equal(
      (await t.api(token, 'GET', '/api/v1/programmes')).statusCode,
      401,
      'the token no longer works',
    )
    const again = t.anonymous()
    await again.get('/sign-in')
    const refused = await again.post('/sign-in', { email: leaver.email, password: TEST_PASSWORD })
    assert.equal(refused.status, 400)
    assert.match(refused.text, /no longer have access to Oversight\. Ask an administrator/)
    const wrong = await again.post('/sign-in', { email: leaver.email, password: 'not the password at all' })
    assert.match(
      wrong.text,
      /Enter a correct email address and password/,
      'a wrong password says nothing more',
    )

    const events = await t.database.db
      .selectFrom('audit_events')
      .select(['action', 'entity_type', 'after_json'])
      .where('organisation_id', '=', t.orgs.a.id)
      .where('entity_type', '=', 'membership')
      .execute()
    assert.ok(events.some((e) => e.action === 'leave' && e.after_json?.includes(`"user_id":${leaver.id}`)))

    const reinstated = await admin.post(`/settings/people/${leaver.id}/reinstate`, {})
    assert.equal(reinstated.status, 303)
    assert.equal((await t.signIn(leaver)).constructor.name, 'Agent', 'they can sign in again')
    assert.equal(
      (await t.api(token, 'GET', '/api/v1/programmes')).statusCode,
      401,
      'a token ended by leaving stays ended',
    )
    const actions = await t.database.db
      .selectFrom('audit_events')
      .select('action')
      .where('organisation_id', '=', t.orgs.a.id)
      .where('entity_type', '=', 'membership')
      .execute()
    assert.ok(actions.some((e) => e.action === 'reinstate'))
  })

  it('leaving one organisation leaves the person’s other organisations as they were', async () => {
    const person = t.orgs.a.users.project_manager
    await t.database.db
      .insertInto('memberships')
      .values({
        organisation_id: t.orgs.b.id,
        user_id: person.id,
        role: 'viewer',
        created_at: new Date().toISOString(),
      })
      .execute()
    const inB = await sessionFor(t, { ...person, organisationId: t.orgs.b.id, role: 'viewer' })
    const inA = await sessionFor(t, person)
    const admin = await sessionFor(t, t.orgs.a.users.administrator)
    await admin.get('/settings/people')
    assert.equal((await admin.post(`/settings/people/${person.id}/leaver`, {})).status, 303)
    assert.equal((await inA.get('/account')).status, 303)
    const stillB = await inB.get('/account')
    assert.equal(stillB.status, 200)
    assert.match(stillB.text, /Organisation Beta Borough Council/)
    assert.doesNotMatch(
      stillB.text,
      /Which organisation do you want to work in/,
      'the one they left is not offered',
    )
    const browser = await t.signIn(person)
    assert.match((await browser.get('/account')).text, /Organisation Beta Borough Council/)
    const switched = await browser.post('/account/organisation', { organisationId: String(t.orgs.a.id) })
    assert.equal(switched.status, 400)
  })

  it('an administrator cannot make themselves a leaver, nor anyone outside their organisation', async () => {
    const admin = await sessionFor(t, t.orgs.a.users.administrator)
    await admin.get('/settings/people')
    const self = await admin.post(`/settings/people/${t.orgs.a.users.administrator.id}/leaver`, {})
    assert.equal(self.status, 400)
    assert.match(self.text, /There is a problem/)
    assert.match(self.text, /You cannot mark yourself as a leaver/)
    const foreign = await admin.post(`/settings/people/${t.orgs.b.users.viewer.id}/leaver`, {})
    assert.equal(foreign.status, 404)
    assert.equal((await (await sessionFor(t, t.orgs.b.users.viewer)).get('/account')).status, 200)
  })

  it('only an administrator marks leavers', async () => {
    const manager = await sessionFor(t, t.orgs.a.users.programme_manager)
    await manager.get('/account')
    const refused = await manager.post(`/settings/people/${t.orgs.a.users.scrutiny_member.id}/leaver`, {})
    assert.equal(refused.status, 403)
  })

  it('two administrators marking each other as leavers together leave one administrator, never none', async () => {
    const org = t.orgs.b
    const first = org.users.administrator
    const second = org.users.programme_manager
    await t.database.db
      .updateTable('memberships')
      .set({ role: 'administrator' })
      .where('organisation_id', '=', org.id)
      .where('user_id', '=', second.id)
      .execute()
    const { auth, organisation } = t.app.services
    const asFirst = (await inOrganisation(org.id, () => auth.actorFor(first.id, org.id, 'session', null)))!
    const asSecond = (await inOrganisation(org.id, () => auth.actorFor(second.id, org.id, 'session', null)))!
    const results = await Promise.allSettled([
      inOrganisation(org.id, () => organisation.markLeaver(asFirst, second.id)),
      inOrganisation(org.id, () => organisation.markLeaver(asSecond, first.id)),
    ])
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected'])
    const refused = results.find((r) => r.status === 'rejected')!
    assert.match(
      String((refused.reason as { fields?: Record<string, string> }).fields?.leaver),
      /last administrator/,
    )
    const admins = await t.database.db
      .selectFrom('memberships')
      .select('user_id')
      .where('organisation_id', '=', org.id)
      .where('role', '=', 'administrator')
      .where('left_at', 'is', null)
      .execute()
    assert.equal(admins.length, 1)
  })
})
