import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { startSmtp } from '../helpers/smtp.ts'

interface Json {
  id: number
  version: number
}

// Issue 12: a signed-in member follows a committee, programme or recommendation (the Follow button on its
// page) and is emailed, through a real SMTP server, when someone else changes it.
describe(`following a record (${dialectName()})`, () => {
  let t: TestApp
  let smtp: Awaited<ReturnType<typeof startSmtp>>
  let admin: string
  let programme: Json
  let committee: Json
  // Unfolded headers and quoted-printable soft line breaks, so a test reads the mail as a person would.
  const readable = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/\r?\n[ \t]+/g, ' ')
  const changed = (name: string) =>
    smtp.received.filter((m) => readable(m.raw).includes(`Subject: Changed: ${name}`))
  const tell = async () => {
    const n = await t.app.services.follows.sendChanges()
    await t.app.services.mailer.flush()
    return n
  }

  before(async () => {
    smtp = await startSmtp()
    t = await buildTestApp({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'oversight@alpha.test' })
    admin = await t.tokenFor(t.orgs.a.users.administrator)
    programme = (
      await t.api(admin, 'POST', '/api/v1/programmes', { reference: 'FO', name: 'Followed' })
    ).json<Json>()
    committee = (
      await t.api(await t.tokenFor(t.orgs.a.users.scrutiny_member), 'POST', '/api/v1/committees', {
        name: 'Performance Monitoring Panel',
        code: 'PMP',
        kind: 'scrutiny_panel',
      })
    ).json<Json>()
  })
  after(async () => {
    await t.close()
    await smtp.close()
  })

  it('a member follows a programme from its page and is emailed when someone else changes it', async () => {
    const pm = await t.signIn(t.orgs.a.users.project_manager)
    const page = await pm.get(`/programmes/${programme.id}`)
    assert.equal(page.status, 200)
    const form = page.document.querySelector(`form[action="/programmes/${programme.id}/follow"]`)
    assert.equal(form?.querySelector('button')?.textContent?.trim(), 'Follow')
    // Changes made before following are not told.
    assert.equal(await tell(), 0)
    assert.equal((await pm.post(`/programmes/${programme.id}/follow`, {})).status, 303)
    const following = await pm.get(`/programmes/${programme.id}`)
    assert.ok(following.document.querySelector(`form[action="/programmes/${programme.id}/unfollow"]`))
    assert.match(following.text, /You get an email when this programme changes/)

    const current = (await t.api(admin, 'GET', `/api/v1/programmes/${programme.id}`)).json<Json>()
    const patch = await t.api(admin, 'PATCH', `/api/v1/programmes/${programme.id}`, {
      version: current.version,
      purpose: 'Now with a purpose',
    })
    assert.equal(patch.statusCode, 200, patch.body)
    assert.equal(await tell(), 1)
    const mails = changed('FO Followed')
    assert.deepEqual(
      mails.flatMap((m) => m.to),
      [t.orgs.a.users.project_manager.email],
    )
    assert.match(readable(mails[0]!.raw), /updated the programme/)
    assert.match(mails[0]!.raw, new RegExp(`/programmes/${programme.id}`))
    assert.equal(await tell(), 0, 'each change is told once')
    // Two runs at once (two instances): the change is told once.
    const again = (await t.api(admin, 'GET', `/api/v1/programmes/${programme.id}`)).json<Json>()
    await t.api(admin, 'PATCH', `/api/v1/programmes/${programme.id}`, {
      version: again.version,
      purpose: 'Twice?',
    })
    const runs = await Promise.all([
      t.app.services.follows.sendChanges(),
      t.app.services.follows.sendChanges(),
    ])
    assert.deepEqual(runs.sort(), [0, 1])
    await t.app.services.mailer.flush()
    assert.equal(changed('FO Followed').length, 2)
  })

  it('the person who made a change is not told of it, and stopping ends the emails', async () => {
    const pm = await t.signIn(t.orgs.a.users.project_manager)
    const adminAgent = await t.signIn(t.orgs.a.users.administrator)
    await adminAgent.post(`/programmes/${programme.id}/follow`, {})
    const before = changed('FO Followed').length
    const current = (await t.api(admin, 'GET', `/api/v1/programmes/${programme.id}`)).json<Json>()
    await t.api(admin, 'PATCH', `/api/v1/programmes/${programme.id}`, {
      version: current.version,
      purpose: 'Changed again',
    })
    await tell()
    assert.deepEqual(
      changed('FO Followed')
        .slice(before)
        .flatMap((m) => m.to),
      [t.orgs.a.users.project_manager.email],
    )
    assert.equal((await pm.post(`/programmes/${programme.id}/unfollow`, {})).status, 303)
    const again = (await t.api(admin, 'GET', `/api/v1/programmes/${programme.id}`)).json<Json>()
    await t.api(admin, 'PATCH', `/api/v1/programmes/${programme.id}`, {
      version: again.version,
      purpose: 'And again',
    })
    await tell()
    assert.equal(changed('FO Followed').length, before + 1, 'no one follows it but its changer')
  })

  it('a committee’s follower hears of a new meeting', async () => {
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    const page = await viewer.get(`/committees/${committee.id}`)
    assert.ok(page.document.querySelector(`form[action="/committees/${committee.id}/follow"]`))
    await viewer.post(`/committees/${committee.id}/follow`, {})
    const meeting = await t.api(
      await t.tokenFor(t.orgs.a.users.scrutiny_member),
      'POST',
      '/api/v1/meetings',
      {
        committeeId: committee.id,
        meetingDate: '2027-01-14',
      },
    )
    assert.equal(meeting.statusCode, 201, meeting.body)
    await tell()
    const mails = changed('Performance Monitoring Panel')
    assert.deepEqual(
      mails.flatMap((m) => m.to),
      [t.orgs.a.users.viewer.email],
    )
    assert.match(readable(mails[0]!.raw), /added a meeting/)
  })

  it('another organisation cannot follow our records', async () => {
    const other = await t.signIn(t.orgs.b.users.administrator)
    assert.equal((await other.post(`/programmes/${programme.id}/follow`, {})).status, 404)
    assert.equal((await other.post(`/committees/${committee.id}/follow`, {})).status, 404)
    assert.equal((await other.post(`/programmes/${programme.id}/unfollow`, {})).status, 404)
    assert.equal((await other.post(`/committees/nonsense/follow`, {})).status, 400)
    const rows = await t.database.db.selectFrom('follows').select('user_id').execute()
    assert.ok(!rows.some((r) => r.user_id === t.orgs.b.users.administrator.id))
  })
})
