import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { asScheduler } from '../helpers/tenant-scope.ts'

describe(`notifications and mail without SMTP (${dialectName()})`, () => {
  let t: TestApp
  let projectId: number
  const logged: Array<Record<string, unknown>> = []

  before(async () => {
    t = await buildTestApp()
    t.app.services.mailer.useLogger({
      info: (obj, msg) => logged.push({ ...obj, msg }),
      warn: (obj, msg) => logged.push({ ...obj, msg }),
    })
    const a = t.orgs.a.users
    const token = await t.tokenFor(a.programme_manager)
    const prog = await t.api(token, 'POST', '/api/v1/programmes', {
      reference: 'N',
      name: 'Notified programme',
    })
    const programmeId = prog.json<{ id: number }>().id
    await t.api(token, 'PUT', `/api/v1/programmes/${programmeId}/tolerances`, { timeDays: 10 })
    const proj = await t.api(token, 'POST', '/api/v1/projects', {
      reference: 'N-1',
      name: 'Forms',
      programmeId,
      projectManager: a.project_manager.name,
      baselineEnd: '2021-03-31',
      forecastEnd: '2021-03-31',
    })
    projectId = proj.json<{ id: number }>().id
  })
  after(() => t.close())

  it('each person chooses how they get email', async () => {
    const ph = await t.signIn(t.orgs.a.users.portfolio_holder)
    const form = await ph.get('/account/notifications')
    assert.equal(form.status, 200)
    assert.ok(
      form.document.querySelector('input[name="email"][value="immediate"][checked]'),
      'at once by default',
    )
    const bad = await ph.post('/account/notifications', { email: 'hourly' })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /Select how you want to get emails/)
    const ok = await ph.post('/account/notifications', { email: 'none' })
    assert.equal(ok.status, 303)
    const again = await ph.get('/account/notifications')
    assert.ok(again.document.querySelector('input[name="email"][value="none"][checked]'))
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    await pm.get('/account/notifications')
    await pm.post('/account/notifications', { email: 'digest' })
  })

  it('without SMTP_URL mail is kept in the outbox and logged without addresses or bodies', async () => {
    const token = await t.tokenFor(t.orgs.a.users.project_manager)
    const p = await t.api(token, 'GET', `/api/v1/projects/${projectId}`)
    await t.api(token, 'PATCH', `/api/v1/projects/${projectId}`, {
      version: p.json<{ version: number }>().version,
      forecastEnd: '2021-05-31',
    })
    // Everyone is told in the app, whatever they chose for email.
    const ph = await t.api(await t.tokenFor(t.orgs.a.users.portfolio_holder), 'GET', '/api/v1/notifications')
    assert.equal(ph.json<{ items: Array<{ kind: string }> }>().items[0]?.kind, 'exception')

    // A save flushes the outbox soon after it commits; flushing again delivers anything still pending.
    await t.app.services.mailer.flush()
    // Only the project manager wants it at once: the Portfolio Holder chose none, the programme manager a digest.
    const outbox = await t.database.db.selectFrom('mail_outbox').selectAll().execute()
    assert.equal(outbox.length, 1)
    assert.equal(outbox[0]!.status, 'kept')
    assert.deepEqual(JSON.parse(outbox[0]!.recipients_json), [t.orgs.a.users.project_manager.email])
    const line = logged.find((l) => l.msg === 'Mail kept in the outbox: SMTP_URL is not set')!
    assert.equal(line.recipients, 1)
    assert.match(String(line.subject), /Time tolerance exceeded: N-1 Forms/)
    assert.doesNotMatch(JSON.stringify(logged), /@alpha\.test/, 'no addresses in the log')
  })

  it('the daily digest lists unread notifications once, except for those who chose no email', async () => {
    const sent = await asScheduler(() => t.app.services.notifications.sendDigests())
    // Project manager and programme manager (digest); not the Portfolio Holder (none).
    assert.equal(sent, 2)
    assert.equal(
      await asScheduler(() => t.app.services.notifications.sendDigests()),
      0,
      'each notification goes in one digest',
    )
    const digests = await t.database.db
      .selectFrom('mail_outbox')
      .selectAll()
      .where('subject', 'like', 'Oversight: % unread%')
      .execute()
    const to = digests.flatMap((d) => JSON.parse(d.recipients_json) as string[]).sort()
    assert.deepEqual(
      to,
      [t.orgs.a.users.programme_manager.email, t.orgs.a.users.project_manager.email].sort(),
    )
    assert.match(digests[0]!.text_body, /Time tolerance exceeded: N-1 Forms/)
  })

  it('the API lists and marks read only your own notifications', async () => {
    const mine = await t.tokenFor(t.orgs.a.users.project_manager)
    const list = await t.api(mine, 'GET', '/api/v1/notifications?unread=true')
    const n = list.json<{ items: Array<{ id: number }> }>().items[0]!
    const other = await t.api(
      await t.tokenFor(t.orgs.a.users.viewer),
      'POST',
      `/api/v1/notifications/${n.id}/read`,
    )
    assert.equal(other.statusCode, 404)
    const read = await t.api(mine, 'POST', `/api/v1/notifications/${n.id}/read`)
    assert.equal(read.statusCode, 200)
    assert.ok(read.json<{ readAt: string }>().readAt)
    const left = await t.api(mine, 'GET', '/api/v1/notifications?unread=true')
    assert.equal(left.json<{ items: unknown[] }>().items.length, 0)
  })

  it('mark all as read clears the header count', async () => {
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const before = await pm.get('/notifications')
    assert.match(before.document.querySelector('header')!.textContent, /\(1 unread\)/)
    const done = await pm.post('/notifications/read-all', {})
    assert.equal(done.status, 303)
    const after = await pm.get(done.location!)
    assert.match(after.text, /1 notification marked as read/)
    assert.doesNotMatch(after.document.querySelector('header')!.textContent, /unread/)
  })
})
