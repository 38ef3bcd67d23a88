import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

describe(`organisation settings (${dialectName()})`, () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp()
  })
  after(() => t.close())

  it('an administrator switches the rating scale to three points, and it is audited', async () => {
    const admin = await t.signIn(t.orgs.a.users.administrator)
    const page = await admin.get('/settings')
    assert.equal(page.status, 200)
    const version = page.document.querySelector('input[name="version"]')!.getAttribute('value')!
    const saved = await admin.post('/settings', { ratingScale: 'rag3', version })
    assert.equal(saved.status, 303)
    const after = await admin.get('/settings')
    assert.match(after.text, /The rating scale is now: Three-point|The rating scale is now/)
    assert.equal(
      after.document.querySelector('input[name="ratingScale"][value="rag3"]')!.hasAttribute('checked'),
      true,
    )
    const org = await t.database.db
      .selectFrom('organisations')
      .select('rating_scale')
      .where('id', '=', t.orgs.a.id)
      .executeTakeFirstOrThrow()
    assert.equal(org.rating_scale, 'rag3')
    const other = await t.database.db
      .selectFrom('organisations')
      .select('rating_scale')
      .where('id', '=', t.orgs.b.id)
      .executeTakeFirstOrThrow()
    assert.equal(other.rating_scale, 'ipa5', 'the other organisation is unchanged')
    const events = await t.database.db
      .selectFrom('audit_events')
      .selectAll()
      .where('entity_type', '=', 'organisation')
      .execute()
    assert.equal(events.length, 1)
    assert.equal(events[0]!.organisation_id, t.orgs.a.id)
  })

  it('refuses an unknown scale and a stale version', async () => {
    const admin = await t.signIn(t.orgs.a.users.administrator)
    await admin.get('/settings')
    const bad = await admin.post('/settings', { ratingScale: 'seven', version: '99' })
    assert.ok(bad.status === 400 || bad.status === 409)
    assert.ok(bad.document.querySelector('.govuk-error-summary'))
  })

  it('only administrators reach the settings', async () => {
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    assert.equal((await pm.get('/settings')).status, 403)
    assert.equal((await pm.get('/settings/people')).status, 403)
  })

  it('changing a role ends that person’s sessions; an administrator cannot demote themselves', async () => {
    const admin = await t.signIn(t.orgs.a.users.administrator)
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    assert.equal((await viewer.get('/account')).status, 200)
    await admin.get('/settings/people')
    const changed = await admin.post(`/settings/people/${t.orgs.a.users.viewer.id}/role`, {
      role: 'scrutiny_member',
    })
    assert.equal(changed.status, 303)
    const signedOut = await viewer.get('/account')
    assert.equal(signedOut.status, 303)
    const self = await admin.post(`/settings/people/${t.orgs.a.users.administrator.id}/role`, {
      role: 'viewer',
    })
    assert.equal(self.status, 400)
    assert.match(self.text, /cannot remove your own administrator role/)
    const foreign = await admin.post(`/settings/people/${t.orgs.b.users.viewer.id}/role`, {
      role: 'administrator',
    })
    assert.equal(foreign.status, 404)
  })

  it('a person in two organisations chooses which one to work in, and sees only that one', async () => {
    const adminB = await t.signIn(t.orgs.b.users.administrator)
    await adminB.get('/settings/people')
    const shared = t.orgs.a.users.service_manager
    const added = await adminB.post('/settings/people', {
      name: shared.name,
      email: shared.email,
      role: 'viewer',
    })
    assert.equal(added.status, 303)
    // They join by accepting the invitation emailed to them (test/integration/invitations.test.ts).
    const mail = await t.database.db
      .selectFrom('mail_outbox')
      .select('text_body')
      .where('recipients_json', '=', JSON.stringify([shared.email]))
      .executeTakeFirstOrThrow()
    const link = /\/invitations\/[A-Za-z0-9_-]+/.exec(mail.text_body)![0]
    const person = await t.signIn(shared)
    await person.get(link)
    assert.equal((await person.post(link, {})).status, 303)
    await person.post('/account/organisation', { organisationId: String(t.orgs.a.id) })
    const account = await person.get('/account')
    assert.match(account.text, /Which organisation do you want to work in\?/)
    assert.match(account.text, /Beta Borough Council/)
    const switched = await person.post('/account/organisation', { organisationId: String(t.orgs.b.id) })
    assert.equal(switched.status, 303)
    const now = await person.get('/account')
    assert.match(now.text, /Organisation Beta Borough Council/)
    assert.match(now.text, /Role Viewer/)
    const refused = await person.post('/account/organisation', { organisationId: '999999' })
    assert.equal(refused.status, 400)

    // A session from before Oversight recorded how each one signed in (migration 0045 marks them) might have
    // come through another organisation's provider: it stays where it is until the person signs in again.
    await t.database.db
      .updateTable('sessions')
      .set({ sign_in_recorded: 0 })
      .where('user_id', '=', shared.id)
      .execute()
    const unrecorded = await person.post('/account/organisation', { organisationId: String(t.orgs.a.id) })
    assert.equal(unrecorded.status, 403)
    assert.match(unrecorded.text, /sign out and sign in again to work in Alpha District Council/)
    assert.match((await person.get('/account')).text, /Organisation Beta Borough Council/)
    const again = await t.signIn(shared)
    assert.equal(
      (await again.post('/account/organisation', { organisationId: String(t.orgs.a.id) })).status,
      303,
    )
  })
})
