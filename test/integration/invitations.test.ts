import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type Agent, type Page, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { sessionFor } from '../helpers/sessions.ts'

function flash(page: Page): string {
  return (page.document.querySelector('.govuk-notification-banner')?.textContent ?? '')
    .replace(/\s+/g, ' ')
    .trim()
}

describe(`inviting people to an organisation (${dialectName()})`, () => {
  let t: TestApp
  let admin: Agent
  before(async () => {
    t = await buildTestApp()
    admin = await sessionFor(t, t.orgs.a.users.administrator)
  })
  after(() => t.close())

  async function invite(email: string, name = 'Invited Person', role = 'viewer'): Promise<Page> {
    await admin.get('/settings/people')
    return admin.post('/settings/people', { name, email, role })
  }

  /** The link in the invitation email most recently queued for the address. */
  async function linkFor(email: string): Promise<string> {
    const mails = await t.database.db.selectFrom('mail_outbox').selectAll().orderBy('id', 'desc').execute()
    const mail = mails.find((m) => (JSON.parse(m.recipients_json) as string[]).includes(email))
    assert.ok(mail, `an email to ${email} is in the outbox`)
    const url = /https?:\/\/\S+(\/invitations\/[A-Za-z0-9_-]+)/.exec(mail.text_body)?.[1]
    assert.ok(url, 'the email holds the invitation link')
    assert.ok(mail.html_body.includes(url))
    return url
  }

  async function membershipsOf(email: string) {
    return t.database.db
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['m.organisation_id', 'm.role'])
      .where('u.email', '=', email)
      .orderBy('m.organisation_id')
      .execute()
  }

  async function auditActions(entityType: string) {
    const rows = await t.database.db
      .selectFrom('audit_events')
      .select('action')
      .where('entity_type', '=', entityType)
      .where('organisation_id', '=', t.orgs.a.id)
      .orderBy('id')
      .execute()
    return rows.map((r) => r.action)
  }

  it('a new person accepts by choosing a password that follows the rules, and is signed in', async () => {
    const sent = await invite('New.Person@Elsewhere.test', 'Nia Person', 'finance_officer')
    assert.equal(sent.status, 303)
    const people = await admin.get('/settings/people')
    assert.match(flash(people), /An invitation has been sent to new\.person@elsewhere\.test/)
    assert.match(
      people.text,
      /Invitations waiting to be accepted Name Email address Role Expires .*Nia Person new\.person@elsewhere\.test Finance officer/,
    )
    assert.deepEqual(await membershipsOf('new.person@elsewhere.test'), [], 'no account or membership yet')
    assert.match(
      people.text,
      /Email is not set up on this installation \(SMTP_URL\), so invitations cannot be delivered/,
    )

    const link = await linkFor('new.person@elsewhere.test')
    const visitor = t.anonymous()
    const page = await visitor.get(link)
    assert.equal(page.status, 200)
    assert.match(
      page.text,
      /You have been invited to join Alpha District Council on Oversight as Finance officer/,
    )
    assert.equal(page.document.querySelector<HTMLInputElement>('#name')?.getAttribute('value'), 'Nia Person')
    const weak = await visitor.post(link, {
      name: 'Nia Person',
      password: 'password1234',
      confirmPassword: 'password1234',
    })
    assert.equal(weak.status, 400)
    assert.match(weak.text, /There is a problem Password is too common and easy to guess/)
    const personal = await visitor.post(link, {
      name: 'Nia Person',
      password: 'new.person@elsewhere.test',
      confirmPassword: 'new.person@elsewhere.test',
    })
    assert.match(personal.text, /Password must not contain your name or email address/)
    assert.deepEqual(
      await membershipsOf('new.person@elsewhere.test'),
      [],
      'a refused password creates nothing',
    )

    const accepted = await visitor.post(link, {
      name: 'Nia Person',
      password: 'marmalade otter lantern',
      confirmPassword: 'marmalade otter lantern',
    })
    assert.equal(accepted.status, 303)
    const home = await visitor.get('/account')
    assert.equal(home.status, 200, 'signed in straight away')
    assert.match(home.text, /Alpha District Council/)
    const sessions = await visitor.get('/account/sessions')
    assert.match(sessions.text, /127\.0\.0\.1/, 'the new session says where it started, as a sign-in’s does')
    assert.deepEqual(await membershipsOf('new.person@elsewhere.test'), [
      { organisation_id: t.orgs.a.id, role: 'finance_officer' },
    ])
    const again = await t.anonymous().get(link)
    assert.equal(again.status, 410)
    assert.match(again.text, /This invitation has already been accepted/)
    assert.doesNotMatch((await admin.get('/settings/people')).text, /Invitations waiting to be accepted/)
    assert.deepEqual(await auditActions('invitation'), ['invite', 'accept'])
  })

  it('inviting someone who has an account elsewhere reveals nothing about them; only they can accept', async () => {
    const outsider = t.orgs.b.users.programme_manager
    const newcomer = await invite('brand.new@nowhere.test', 'Brand New')
    const existing = await invite(outsider.email, 'Typed By Admin')
    assert.equal(existing.status, newcomer.status)
    assert.equal(existing.location, newcomer.location)
    const people = await admin.get('/settings/people')
    assert.match(
      flash(people),
      new RegExp(`^Success An invitation has been sent to ${outsider.email.replace(/\./g, '\\.')}$`),
    )
    assert.doesNotMatch(people.body, new RegExp(outsider.name), 'not their name')
    assert.doesNotMatch(people.body, /Programme manager.*Typed By Admin|already had an account/)
    assert.match(people.text, /Typed By Admin/, 'only the name the administrator typed')
    assert.deepEqual(
      (await membershipsOf(outsider.email)).map((m) => m.organisation_id),
      [t.orgs.b.id],
      'no membership until accepted',
    )
    const link = await linkFor(outsider.email)

    // The other organisation's administrator, and a member of ours, cannot accept it for them.
    for (const someoneElse of [t.orgs.b.users.administrator, t.orgs.a.users.viewer]) {
      const agent = await sessionFor(t, someoneElse)
      const seen = await agent.get(link)
      assert.equal(seen.status, 403)
      assert.match(seen.text, /This invitation is for someone else/)
      const tried = await agent.post(link, {})
      assert.equal(tried.status, 403)
    }
    // Nor can someone signed out, by choosing a password for the account.
    const anonymous = t.anonymous()
    const signedOut = await anonymous.get(link)
    assert.match(signedOut.text, /Sign in to accept/)
    await anonymous.get('/sign-in') // a form token, as anyone can get one
    const takeover = await anonymous.post(link, {
      name: 'Mallory',
      password: 'a password of my own',
      confirmPassword: 'a password of my own',
    })
    assert.equal(takeover.status, 303)
    assert.equal(takeover.location, link)
    assert.deepEqual(
      (await membershipsOf(outsider.email)).map((m) => m.organisation_id),
      [t.orgs.b.id],
    )

    const person = await sessionFor(t, outsider)
    const page = await person.get(link)
    assert.match(page.text, /Join Alpha District Council/)
    const accepted = await person.post(link, {})
    assert.equal(accepted.status, 303)
    const home = await person.get('/account')
    assert.match(flash(home), /You have joined Alpha District Council/)
    assert.deepEqual(await membershipsOf(outsider.email), [
      { organisation_id: t.orgs.a.id, role: 'viewer' },
      { organisation_id: t.orgs.b.id, role: 'programme_manager' },
    ])
    const name = await t.database.db
      .selectFrom('users')
      .select('name')
      .where('email', '=', outsider.email)
      .executeTakeFirstOrThrow()
    assert.equal(name.name, outsider.name, 'their own name is kept, not the one the administrator typed')
  })

  it('an expired invitation cannot be accepted', async () => {
    const person = t.orgs.b.users.finance_officer
    await invite(person.email)
    const link = await linkFor(person.email)
    await t.database.db
      .updateTable('invitations')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('email', '=', person.email)
      .execute()
    const agent = await sessionFor(t, person)
    const page = await agent.get(link)
    assert.equal(page.status, 410)
    assert.match(page.text, /This invitation has expired/)
    assert.equal((await agent.post(link, {})).status, 410)
    assert.deepEqual(
      (await membershipsOf(person.email)).map((m) => m.organisation_id),
      [t.orgs.b.id],
    )
    await admin.get('/settings/people') // shows, and so clears, the "invitation sent" message
    assert.doesNotMatch((await admin.get('/settings/people')).text, new RegExp(person.email))
  })

  it('an administrator withdraws an invitation, and its link stops working; only in their own organisation', async () => {
    const sent = await invite('withdrawn@nowhere.test', 'Wendy Withdrawn')
    assert.equal(sent.status, 303)
    const link = await linkFor('withdrawn@nowhere.test')
    const row = await t.database.db
      .selectFrom('invitations')
      .select(['id', 'token_hash'])
      .where('email', '=', 'withdrawn@nowhere.test')
      .executeTakeFirstOrThrow()
    assert.ok(!link.includes(row.token_hash), 'only a hash of the token is stored')

    const other = await sessionFor(t, t.orgs.b.users.administrator)
    await other.get('/settings/people')
    assert.equal((await other.post(`/settings/people/invitations/${row.id}/withdraw`, {})).status, 404)

    await admin.get('/settings/people')
    const withdrawn = await admin.post(`/settings/people/invitations/${row.id}/withdraw`, {})
    assert.equal(withdrawn.status, 303)
    assert.doesNotMatch((await admin.get('/settings/people')).text, /Wendy Withdrawn/)
    const page = await t.anonymous().get(link)
    assert.equal(page.status, 410)
    assert.match(page.text, /This invitation has been withdrawn/)
    assert.equal((await admin.post(`/settings/people/invitations/${row.id}/withdraw`, {})).status, 404)
    assert.deepEqual((await auditActions('invitation')).slice(-1), ['withdraw'])
  })

  it('explains bad input, a member already here and an invitation already waiting', async () => {
    const bad = await invite('not-an-email', '', 'boss')
    assert.equal(bad.status, 400)
    assert.match(
      bad.text,
      /There is a problem Enter the person’s full name Enter an email address in the correct format, like name@example\.gov\.uk Select a role/,
    )
    const member = await invite(t.orgs.a.users.viewer.email)
    assert.equal(member.status, 400)
    assert.match(member.text, /This person is already a member of your organisation/)
    assert.equal((await invite('twice@nowhere.test')).status, 303)
    const twice = await invite('twice@nowhere.test')
    assert.equal(twice.status, 400)
    assert.match(twice.text, /An invitation to this email address is waiting to be accepted/)
    assert.equal((await t.anonymous().get('/invitations/not-a-real-token')).status, 404)
  })

  it('only administrators invite', async () => {
    const pm = await sessionFor(t, t.orgs.a.users.programme_manager)
    await pm.get('/account')
    const tried = await pm.post('/settings/people', {
      name: 'X',
      email: 'x@nowhere.test',
      role: 'administrator',
    })
    assert.equal(tried.status, 403)
  })
})
