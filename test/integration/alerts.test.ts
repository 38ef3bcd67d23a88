import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp, type TestUser } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { startSmtp } from '../helpers/smtp.ts'
import { asScheduler, inOrganisation } from '../helpers/tenant-scope.ts'

interface Json {
  id: number
  version: number
}

// Issue 12, "Alerts that reach the people who must know": the health rules' findings go to the person
// accountable (and, where the organisation turns it on, the Portfolio Holder and the panel chair), in
// Oversight and by email through a real SMTP server, at once or in the digest as each person chooses, and
// each occurrence (rule, record, period) once.
describe(`alerts (${dialectName()})`, () => {
  let t: TestApp
  let smtp: Awaited<ReturnType<typeof startSmtp>>
  let admin: string
  let programmeId: number
  let recommendationId: number
  const OCTOBER = new Date('2026-10-20T09:00:00Z')
  const NOVEMBER = new Date('2026-11-05T09:00:00Z')
  const alertMail = (subject: RegExp) =>
    smtp.received.filter((m) => subject.test(m.raw.replace(/\r?\n[ \t]+/g, ' ')))
  const to = (mails: Array<{ to: string[] }>) => mails.flatMap((m) => m.to).sort()
  const alertsOf = async (user: TestUser) =>
    (await t.api(await t.tokenFor(user), 'GET', '/api/v1/notifications'))
      .json<{ items: Array<{ kind: string; title: string; url: string }> }>()
      .items.filter((i) => i.kind === 'alert')
  const project = async (reference: string, manager: TestUser, token = admin, programme = programmeId) => {
    const r = await t.api(token, 'POST', '/api/v1/projects', {
      reference,
      name: `Project ${reference}`,
      programmeId: programme,
      projectManager: manager.name,
      stage: 'approved',
    })
    assert.equal(r.statusCode, 201, r.body)
    return r.json<Json>()
  }

  before(async () => {
    smtp = await startSmtp()
    t = await buildTestApp({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'oversight@alpha.test' })
    const a = t.orgs.a.users
    admin = await t.tokenFor(a.administrator)
    programmeId = (
      await t.api(admin, 'POST', '/api/v1/programmes', { reference: 'AL', name: 'Alerted' })
    ).json<Json>().id
    // A live project with no status report this month, managed by the project manager.
    await project('AL-1', a.project_manager)
    // A scrutiny recommendation made on 1 October, answered within a month: due 1 November.
    const clerk = await t.tokenFor(a.scrutiny_member)
    const committee = (
      await t.api(clerk, 'POST', '/api/v1/committees', {
        name: 'Performance Monitoring Panel',
        code: 'PMP',
        kind: 'scrutiny_panel',
        responseMonths: 1,
      })
    ).json<Json>()
    const meeting = (
      await t.api(clerk, 'POST', '/api/v1/meetings', {
        committeeId: committee.id,
        meetingDate: '2026-10-01',
        status: 'held',
      })
    ).json<Json>()
    const item = (
      await t.api(clerk, 'POST', `/api/v1/meetings/${meeting.id}/items`, { number: '5', title: 'Digital' })
    ).json<Json>()
    const rec = await t.api(clerk, 'POST', '/api/v1/recommendations', {
      agendaItemId: item.id,
      reference: 'PMP/2026/01',
      kind: 'recommendation',
      text: 'Report the delay to the panel',
      addressedTo: 'officer',
      addresseeUserId: a.programme_manager.id,
    })
    assert.equal(rec.statusCode, 201, rec.body)
    recommendationId = rec.json<Json>().id
    // The panel's chair is the scrutiny member (set-up straight to the database: no API records members).
    await t.database.db
      .insertInto('committee_members')
      .values({
        organisation_id: t.orgs.a.id,
        committee_id: committee.id,
        user_id: a.scrutiny_member.id,
        name: a.scrutiny_member.name,
        role: 'chair',
        created_at: new Date().toISOString(),
      })
      .execute()
    // An action agreed in response, owned by the finance officer, due on 30 October.
    const at = new Date().toISOString()
    await t.database.db
      .insertInto('recommendation_actions')
      .values({
        organisation_id: t.orgs.a.id,
        recommendation_id: recommendationId,
        text: 'Add the delay to the monthly report',
        owner_user_id: a.finance_officer.id,
        owner_name: a.finance_officer.name,
        due_on: '2026-10-30',
        programme_id: null,
        project_id: null,
        status: 'in_progress',
        evidence_text: '',
        evidence_url: '',
        created_at: at,
        updated_at: at,
      })
      .execute()
    // Another organisation's project, managed by its own project manager.
    const b = t.orgs.b.users
    const bAdmin = await t.tokenFor(b.administrator)
    const bProgramme = (
      await t.api(bAdmin, 'POST', '/api/v1/programmes', { reference: 'BE', name: 'Beta' })
    ).json<Json>()
    await project('BE-1', b.project_manager, bAdmin, bProgramme.id)
  })
  after(async () => {
    await t.close()
    await smtp.close()
  })

  it('tells the person accountable, in Oversight and by email, and no one else while the organisation has not turned it on', async () => {
    const sent = await asScheduler(() => t.app.services.alerts.send(OCTOBER))
    await t.app.services.mailer.flush()
    const a = t.orgs.a.users
    assert.equal(sent, 3, 'AL-1 missing its report, the response due soon, and Beta’s project')
    assert.deepEqual(to(alertMail(/^Subject: No status report for the current period: AL-1/m)), [
      a.project_manager.email,
    ])
    assert.deepEqual(
      to(alertMail(/^Subject: Scrutiny response due within 10 working days: PMP\/2026\/01/m)),
      [a.programme_manager.email],
    )
    const mail = alertMail(/^Subject: No status report for the current period: AL-1/m)[0]!.raw
    assert.match(mail, /No status report for 2026-10/)
    assert.match(mail, /http:\/\/[^\s"]*\/projects\/\d+/, 'a link to the record')
    assert.deepEqual(
      (await alertsOf(a.programme_manager)).map((n) => n.url),
      [`/recommendations/${recommendationId}`],
    )
    assert.deepEqual(await alertsOf(a.portfolio_holder), [], 'the Portfolio Holder is not told by default')
    assert.deepEqual(await alertsOf(a.scrutiny_member), [], 'nor the panel chair')
    assert.deepEqual(to(alertMail(/^Subject: No status report for the current period: BE-1/m)), [
      t.orgs.b.users.project_manager.email,
    ])
    assert.deepEqual(
      await alertsOf(t.orgs.b.users.programme_manager),
      [],
      'another organisation hears nothing of ours',
    )
  })

  it('sends each occurrence once, however many runs find it, even at the same time', async () => {
    const before = smtp.received.length
    assert.equal(await asScheduler(() => t.app.services.alerts.send(new Date('2026-10-21T09:00:00Z'))), 0)
    await t.app.scheduler.runDue(new Date('2026-10-22T10:00:00Z'))
    // Two runs at once (two instances of the scheduler): the unique key lets one of them send.
    await project('AL-2', t.orgs.a.users.project_manager)
    const runs = await Promise.all([
      asScheduler(() => t.app.services.alerts.send(new Date('2026-10-23T09:00:00Z'))),
      asScheduler(() => t.app.services.alerts.send(new Date('2026-10-23T09:00:00Z'))),
    ])
    assert.deepEqual(runs.sort(), [0, 1])
    await t.app.services.mailer.flush()
    // Alert emails only: the scheduler's run also sends the daily digest of other areas' unread notices.
    const fresh = smtp.received
      .slice(before)
      .filter((m) => /^Subject: [A-Z].*: /m.test(m.raw) && !/^Subject: Oversight: /m.test(m.raw))
    assert.deepEqual(
      fresh.map((m) => /^Subject: (.*)$/m.exec(m.raw)?.[1]),
      ['No status report for the current period: AL-2 Project AL-2'],
    )
    const rows = await t.database.db
      .selectFrom('alert_occurrences')
      .select(['rule_id', 'period'])
      .where('organisation_id', '=', t.orgs.a.id)
      .orderBy('id')
      .execute()
    assert.equal(rows.length, 3)
    assert.equal(
      (await alertsOf(t.orgs.a.users.project_manager)).length,
      2,
      'one notification per occurrence',
    )
  })

  it('tells the Portfolio Holder and the panel chair where the organisation turns it on, audited', async () => {
    const a = t.orgs.a.users
    const viewer = await t.signIn(a.viewer)
    assert.equal((await viewer.get('/settings/alerts')).status, 403)
    const adminAgent = await t.signIn(a.administrator)
    const page = await adminAgent.get('/settings/alerts')
    assert.equal(page.status, 200)
    assert.ok(page.document.querySelector('input[name="tell"][value="portfolioHolder"]:not([checked])'))
    const saved = await adminAgent.post('/settings/alerts', { tell: ['portfolioHolder', 'panelChair'] })
    assert.equal(saved.status, 303)
    const again = await adminAgent.get('/settings/alerts')
    assert.ok(again.document.querySelector('input[name="tell"][value="panelChair"][checked]'))
    const audit = await t.database.db
      .selectFrom('audit_events')
      .select(['action', 'entity_type'])
      .where('organisation_id', '=', t.orgs.a.id)
      .where('entity_type', '=', 'alert_settings')
      .execute()
    assert.deepEqual(audit, [{ action: 'configure', entity_type: 'alert_settings' }])
    // Beta's setting is its own.
    assert.deepEqual(await inOrganisation(t.orgs.b, () => t.app.services.alerts.settings(t.orgs.b.id)), {
      tellPortfolioHolder: false,
      tellPanelChair: false,
      publicSubscriptions: false,
    })

    const before = smtp.received.length
    // November: a fresh month's missing reports, the response now overdue, and the action overdue.
    await asScheduler(() => t.app.services.alerts.send(NOVEMBER))
    await t.app.services.mailer.flush()
    const november = (subject: RegExp) =>
      to(alertMail(subject).filter((m) => smtp.received.indexOf(m) >= before))
    assert.deepEqual(
      november(/^Subject: No status report for the current period: AL-1/m),
      [a.portfolio_holder.email, a.project_manager.email, a.scrutiny_member.email].sort(),
    )
    assert.deepEqual(
      november(/^Subject: Scrutiny response overdue: PMP\/2026\/01/m),
      [a.portfolio_holder.email, a.programme_manager.email, a.scrutiny_member.email].sort(),
    )
    assert.deepEqual(
      november(/^Subject: Recommendation action overdue: PMP\/2026\/01/m),
      [a.finance_officer.email, a.portfolio_holder.email, a.scrutiny_member.email].sort(),
    )
    assert.deepEqual(november(/^Subject: .*BE-1/m), [t.orgs.b.users.project_manager.email])
  })

  it('emails at once or in the daily digest, as each person chooses', async () => {
    const a = t.orgs.a.users
    const pm = await t.signIn(a.project_manager)
    const page = await pm.get('/account/alerts')
    assert.ok(
      page.document.querySelector('input[name="delivery"][value="immediate"][checked]'),
      'at once by default',
    )
    const bad = await pm.post('/account/alerts', { delivery: 'weekly' })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /Select when you want to get alert emails/)
    assert.equal((await pm.post('/account/alerts', { delivery: 'digest' })).status, 303)
    assert.ok(
      (await pm.get('/account/alerts')).document.querySelector(
        'input[name="delivery"][value="digest"][checked]',
      ),
    )

    // A gate overridden: the project manager chose the digest; the Portfolio Holder and chair get it at once.
    const p = await project('AL-3', a.project_manager)
    const gate = await t.database.db
      .selectFrom('lifecycle_gates')
      .select('id')
      .where('organisation_id', '=', t.orgs.a.id)
      .orderBy('position')
      .executeTakeFirst()
    assert.ok(gate, 'the organisation has a lifecycle')
    const at = new Date().toISOString()
    await t.database.db
      .insertInto('project_gates')
      .values({
        organisation_id: t.orgs.a.id,
        project_id: p.id,
        gate_id: gate.id,
        status: 'overridden',
        decision_id: null,
        passed_on: '2026-11-04',
        created_at: at,
        updated_at: at,
      })
      .execute()
    const before = smtp.received.length
    await asScheduler(() => t.app.services.alerts.send(new Date('2026-11-06T09:00:00Z')))
    await t.app.services.mailer.flush()
    const gateMail = () => to(alertMail(/^Subject: Gate overridden: AL-3/m))
    assert.deepEqual(gateMail(), [a.portfolio_holder.email, a.scrutiny_member.email].sort())
    assert.equal(
      (await alertsOf(a.project_manager)).filter((n) => n.title.startsWith('Gate overridden')).length,
      1,
      'in Oversight at once, whatever the email choice',
    )
    await asScheduler(() => t.app.services.notifications.sendDigests())
    await t.app.services.mailer.flush()
    const digests = smtp.received.slice(before).filter((m) => /^Subject: Oversight: \d+ unread/m.test(m.raw))
    const pmDigest = digests.find((m) => m.to.includes(a.project_manager.email))
    assert.ok(pmDigest, 'the project manager’s digest')
    assert.match(pmDigest.raw.replace(/=\r?\n/g, ''), /Gate overridden: AL-3/)
    const phDigest = digests.find((m) => m.to.includes(a.portfolio_holder.email))
    assert.doesNotMatch(
      phDigest?.raw.replace(/=\r?\n/g, '') ?? '',
      /Gate overridden: AL-3/,
      'an alert emailed at once is not repeated in the digest',
    )
  })
})
