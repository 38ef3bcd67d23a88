import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { addDays, todayInLondon } from '../../src/domain/dates.ts'
import { publicForwardPlan } from '../../src/modules/forward-plan/index.ts'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { asScheduler, inOrganisation } from '../helpers/tenant-scope.ts'

interface EntryJson {
  id: number
  version: number
  title: string
  givesNotice: boolean
  clearDays: number
  decisionMaker: string
  decisionMakerName: string
}
interface ErrorJson {
  message: string
  fields: Record<string, string>
}

// Issue 12, the forward plan of key decisions and the Access to Information rules: 28 clear days' notice,
// papers out 5 clear working days before a meeting, exempt items' reasons, and the call-in period.
describe(`the forward plan (${dialectName()})`, () => {
  let t: TestApp
  let admin: string
  let cabinet: number
  let foreignBoard: number
  let project: number
  const today = todayInLondon()
  const inDays = (n: number) => addDays(today, n)
  const entry = (body: Record<string, unknown>, token = admin) =>
    t.api(token, 'POST', '/api/v1/forward-plan', {
      decisionMaker: `board:${cabinet}`,
      expectedOn: inDays(60),
      ...body,
    })
  const at = () => new Date().toISOString()

  before(async () => {
    t = await buildTestApp()
    admin = await t.tokenFor(t.orgs.a.users.administrator)
    const db = t.database.db
    const board = (organisation_id: number, name: string) =>
      db
        .insertInto('boards')
        .values({ organisation_id, name, remit: '', created_at: at(), updated_at: at() })
        .returning('id')
        .executeTakeFirstOrThrow()
    cabinet = (await board(t.orgs.a.id, 'Cabinet')).id
    foreignBoard = (await board(t.orgs.b.id, 'B Cabinet')).id
    const programme = await t.api(admin, 'POST', '/api/v1/programmes', { reference: 'ICT', name: 'ICT' })
    const p = await t.api(admin, 'POST', '/api/v1/projects', {
      reference: 'ICT-02',
      name: 'CRM replacement',
      programmeId: programme.json<{ id: number }>().id,
    })
    project = p.json<{ id: number }>().id
  })
  after(() => t.close())

  it('lists key decisions by expected date, with whether they give 28 clear days', async () => {
    const late = await entry({ title: 'Late notice', expectedOn: inDays(10) })
    assert.equal(late.statusCode, 201, late.body)
    const ok = await entry({ title: 'Award of the CRM replacement contract', projectId: project })
    assert.equal(ok.statusCode, 201, ok.body)
    assert.equal(ok.json<EntryJson>().decisionMakerName, 'Cabinet')
    assert.equal(ok.json<EntryJson>().decisionMaker, `board:${cabinet}`)
    const list = (await t.api(admin, 'GET', '/api/v1/forward-plan')).json<{ items: EntryJson[] }>().items
    const titles = list.map((e) => e.title)
    assert.ok(titles.indexOf('Late notice') < titles.indexOf('Award of the CRM replacement contract'))
    assert.equal(list.find((e) => e.title === 'Late notice')?.givesNotice, false)
    assert.equal(list.find((e) => e.title === 'Late notice')?.clearDays, 9)
    assert.equal(list.find((e) => e.title !== 'Late notice')?.givesNotice, true)
  })

  it('refuses a new entry expected in the past, an exempt one without its paragraph, another council’s board', async () => {
    const past = await entry({ title: 'Past', expectedOn: inDays(-1) })
    assert.equal(past.statusCode, 400)
    assert.match(past.json<ErrorJson>().fields.expectedOn ?? '', /today or in the future/)
    const exempt = await entry({ title: 'Exempt', isExempt: true })
    assert.equal(exempt.statusCode, 400)
    assert.match(exempt.json<ErrorJson>().fields.exemptParagraph ?? '', /Schedule 12A/)
    const foreign = await entry({ title: 'Foreign', decisionMaker: `board:${foreignBoard}` })
    assert.equal(foreign.statusCode, 400)
    assert.match(foreign.json<ErrorJson>().fields.decisionMaker ?? '', /who takes the decision/)
    const count = (await t.api(admin, 'GET', '/api/v1/forward-plan')).json<{ items: unknown[] }>().items
    assert.equal(count.length, 2, 'nothing half-written')
  })

  it('keeps the plan to the council: partner officers and other organisations see nothing; only decision-makers write', async () => {
    const e = (await entry({ title: 'Roles' })).json<EntryJson>()
    const viewer = await t.tokenFor(t.orgs.a.users.viewer)
    assert.equal((await t.api(viewer, 'GET', `/api/v1/forward-plan/${e.id}`)).statusCode, 200)
    assert.equal((await entry({ title: 'By viewer' }, viewer)).statusCode, 403)
    const ph = await t.tokenFor(t.orgs.a.users.portfolio_holder)
    assert.equal((await entry({ title: 'By the Portfolio Holder' }, ph)).statusCode, 201)
    await t.partner(t.orgs.a)
    const partner = await t.tokenFor(t.orgs.a.users.partner_officer)
    assert.equal((await t.api(partner, 'GET', '/api/v1/forward-plan')).statusCode, 403)
    const partnerPage = await (await t.signIn(t.orgs.a.users.partner_officer)).get('/forward-plan')
    assert.equal(partnerPage.status, 403)
    const adminB = await t.tokenFor(t.orgs.b.users.administrator)
    assert.equal((await t.api(adminB, 'GET', `/api/v1/forward-plan/${e.id}`)).statusCode, 404)
    const patchB = await t.api(adminB, 'PATCH', `/api/v1/forward-plan/${e.id}`, { version: 1, title: 'x' })
    assert.equal(patchB.statusCode, 404)
    const listB = (await t.api(adminB, 'GET', '/api/v1/forward-plan')).json<{ items: unknown[] }>().items
    assert.equal(listB.length, 0)
  })

  it('edits with a version: a stale edit is a conflict, and the history shows the change', async () => {
    const e = (await entry({ title: 'Versioned' })).json<EntryJson>()
    const ok = await t.api(admin, 'PATCH', `/api/v1/forward-plan/${e.id}`, { version: 1, status: 'deferred' })
    assert.equal(ok.statusCode, 200, ok.body)
    const stale = await t.api(admin, 'PATCH', `/api/v1/forward-plan/${e.id}`, {
      version: 1,
      status: 'withdrawn',
    })
    assert.equal(stale.statusCode, 409)
    const agent = await t.signIn(t.orgs.a.users.administrator)
    const form = await agent.get(`/forward-plan/${e.id}/edit`)
    assert.equal(form.status, 200)
    const conflict = await agent.post(`/forward-plan/${e.id}/edit`, {
      version: '1',
      title: 'Versioned again',
      decisionMaker: `board:${cabinet}`,
      'expectedOn-day': inDays(60).slice(8),
      'expectedOn-month': inDays(60).slice(5, 7),
      'expectedOn-year': inDays(60).slice(0, 4),
      isExempt: 'no',
      status: 'planned',
    })
    assert.equal(conflict.status, 409)
    const history = await agent.get(`/history/forward_plan_entry/${e.id}`)
    assert.equal(history.status, 200)
    assert.match(history.text, /Versioned/)
  })

  it('pages: the form shows errors in a summary, saves, and the plan downloads as CSV', async () => {
    const agent = await t.signIn(t.orgs.a.users.programme_manager)
    assert.equal((await agent.get('/forward-plan/new')).status, 200)
    const bad = await agent.post('/forward-plan/new', {
      title: 'Bad',
      decisionMaker: `board:${cabinet}`,
      'expectedOn-day': '1',
      'expectedOn-month': '1',
      'expectedOn-year': '2020',
      isExempt: 'yes',
      exemptParagraph: '',
      status: 'planned',
    })
    assert.equal(bad.status, 400)
    assert.ok(bad.document.querySelector('.govuk-error-summary'))
    assert.match(bad.text, /today or in the future/)
    assert.match(bad.text, /paragraph of Schedule 12A/)
    const d = inDays(45)
    const good = await agent.post('/forward-plan/new', {
      title: 'Award of the network contract',
      decisionMaker: `user:${t.orgs.a.users.portfolio_holder.id}`,
      'expectedOn-day': d.slice(8),
      'expectedOn-month': d.slice(5, 7),
      'expectedOn-year': d.slice(0, 4),
      isExempt: 'yes',
      exemptParagraph: '3',
      status: 'planned',
    })
    assert.equal(good.status, 303)
    const shown = await agent.get(good.location!)
    assert.match(shown.text, /Schedule 12A, paragraph 3/)
    const list = await agent.get('/forward-plan')
    assert.match(list.text, /Award of the network contract/)
    assert.match(list.text, /Late notice: 9 clear days/)
    const csv = await agent.get('/forward-plan/export.csv')
    assert.equal(csv.status, 200)
    assert.match(csv.body, /Award of the network contract/)
  })

  it('the public plan has no exempt or withdrawn entries', async () => {
    const w = (await entry({ title: 'Withdrawn one' })).json<EntryJson>()
    await t.api(admin, 'PATCH', `/api/v1/forward-plan/${w.id}`, { version: 1, status: 'withdrawn' })
    await entry({ title: 'Exempt one', isExempt: true, exemptParagraph: '3' })
    const titles = (await publicForwardPlan(t.database.db, t.orgs.a.id)).map((e) => e.title)
    assert.ok(titles.includes('Award of the CRM replacement contract'))
    assert.ok(!titles.includes('Withdrawn one'))
    assert.ok(!titles.includes('Exempt one'))
    assert.ok(!titles.includes('Award of the network contract'), 'exempt, added through the form')
    assert.equal((await publicForwardPlan(t.database.db, t.orgs.b.id)).length, 0)
  })

  const keyDecision = async (title: string, publishedAt: string, decidedOn: string) =>
    (
      await t.database.db
        .insertInto('decisions')
        .values({
          organisation_id: t.orgs.a.id,
          kind: 'general',
          title,
          decision_text: 'Agreed',
          decided_on: decidedOn,
          decided_by_user_id: t.orgs.a.users.portfolio_holder.id,
          decided_by_name: t.orgs.a.users.portfolio_holder.name,
          capacity: 'portfolio_holder',
          options_considered: '',
          reasons: 'Value for money',
          is_key: 1,
          status: 'published',
          published_at: publishedAt,
          created_at: at(),
          updated_at: at(),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id

  it('refuses implementing a decision within its call-in period, with a clear message', async () => {
    const fresh = await keyDecision('Fresh decision', new Date().toISOString(), today)
    const refused = await t.api(admin, 'POST', `/api/v1/decisions/${fresh}/implementation`, {
      implementedOn: today,
    })
    assert.equal(refused.statusCode, 400)
    assert.match(refused.json<ErrorJson>().fields.implementedOn ?? '', /call-in period until the end of/)
    const agent = await t.signIn(t.orgs.a.users.administrator)
    const page = await agent.get(`/decisions/${fresh}/implementation`)
    assert.match(page.text, /call-in period runs to the end of/)
    const form = await agent.post(`/decisions/${fresh}/implementation`, {
      'implementedOn-day': today.slice(8),
      'implementedOn-month': today.slice(5, 7),
      'implementedOn-year': today.slice(0, 4),
    })
    assert.equal(form.status, 400)
    assert.ok(form.document.querySelector('.govuk-error-summary'))
    assert.match(form.text, /cannot be implemented before/)

    const old = await keyDecision(
      'Old decision',
      new Date(Date.now() - 30 * 86400000).toISOString(),
      inDays(-30),
    )
    const done = await t.api(admin, 'POST', `/api/v1/decisions/${old}/implementation`, {
      implementedOn: today,
    })
    assert.equal(done.statusCode, 201, done.body)
    const twice = await t.api(admin, 'POST', `/api/v1/decisions/${old}/implementation`, {
      implementedOn: today,
    })
    assert.equal(twice.statusCode, 409)
    const adminB = await t.tokenFor(t.orgs.b.users.administrator)
    const foreign = await t.api(adminB, 'POST', `/api/v1/decisions/${old}/implementation`, {
      implementedOn: today,
    })
    assert.equal(foreign.statusCode, 404)
  })

  it('finds Access to Information breaches and alerts the decision-maker and programme managers once', async () => {
    const db = t.database.db
    const committee = await db
      .insertInto('committees')
      .values({
        organisation_id: t.orgs.a.id,
        name: 'Performance Monitoring Panel',
        code: 'PMP',
        kind: 'scrutiny',
        description: '',
        created_at: at(),
        updated_at: at(),
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const meeting = (date: string, papers: string | null) =>
      db
        .insertInto('meetings')
        .values({
          organisation_id: t.orgs.a.id,
          committee_id: committee.id,
          meeting_date: date,
          place: 'Town hall',
          status: 'scheduled',
          papers_published_on: papers,
          created_at: at(),
          updated_at: at(),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    const unpublished = (await meeting(inDays(2), null)).id
    const onTime = (await meeting(inDays(3), inDays(-14))).id
    const item = await db
      .insertInto('agenda_items')
      .values({
        organisation_id: t.orgs.a.id,
        meeting_id: onTime,
        number: '9',
        title: 'CRM contract',
        purpose: '',
        reports_presented: '',
        presenters: '',
        minutes: '',
        is_exempt: 1,
        created_at: at(),
        updated_at: at(),
      })
      .returning('id')
      .executeTakeFirstOrThrow()

    const findings = async (rule: string) =>
      inOrganisation(t.orgs.a, () => t.app.services.governance.findingsOf(t.orgs.a.id, rule))
    const notice = await findings('key-decision-notice')
    assert.ok(notice.some((f) => f.title === 'Late notice' && /9 clear days, not 28/.test(f.detail)))
    assert.ok(
      notice.some((f) => f.recordType === 'decision' && f.title === 'Fresh decision'),
      'never on the plan',
    )
    const papers = await findings('meeting-papers-late')
    assert.ok(papers.some((f) => f.recordId === unpublished))
    assert.ok(!papers.some((f) => f.recordId === onTime))
    const exempt = await findings('exempt-item-without-reason')
    assert.deepEqual(
      exempt.map((f) => f.recordId),
      [item.id],
    )

    const before = await db
      .selectFrom('notifications')
      .select('id')
      .where('kind', '=', 'access-to-information')
      .execute()
    assert.equal(before.length, 0)
    const sent = await asScheduler(() => t.app.services.accessAlerts.send())
    assert.ok(sent >= 4, `sent ${sent}`)
    const told = await db
      .selectFrom('notifications')
      .select(['user_id', 'title'])
      .where('kind', '=', 'access-to-information')
      .execute()
    const ph = t.orgs.a.users.portfolio_holder.id
    const pm = t.orgs.a.users.programme_manager.id
    assert.ok(
      told.some((n) => n.user_id === ph && /Fresh decision/.test(n.title)),
      'the decision-maker',
    )
    assert.ok(
      told.some((n) => n.user_id === pm && /Late notice/.test(n.title)),
      'the programme managers',
    )
    assert.equal(await asScheduler(() => t.app.services.accessAlerts.send()), 0, 'once per occurrence')
  })

  it('records when papers were published and which items are exempt, through the page and the API', async () => {
    const db = t.database.db
    const m = await db
      .selectFrom('meetings')
      .select(['id', 'version'])
      .where('organisation_id', '=', t.orgs.a.id)
      .where('papers_published_on', 'is', null)
      .executeTakeFirstOrThrow()
    const item = await db
      .selectFrom('agenda_items')
      .select(['id', 'version'])
      .where('is_exempt', '=', 1)
      .executeTakeFirstOrThrow()
    const clerk = await t.tokenFor(t.orgs.a.users.scrutiny_member)
    const future = await t.api(clerk, 'PUT', `/api/v1/meetings/${m.id}/papers-published`, {
      version: m.version,
      papersPublishedOn: inDays(5),
    })
    assert.equal(future.statusCode, 400)
    const saved = await t.api(clerk, 'PUT', `/api/v1/meetings/${m.id}/papers-published`, {
      version: m.version,
      papersPublishedOn: today,
    })
    assert.equal(saved.statusCode, 200, saved.body)
    const papers = await inOrganisation(t.orgs.a, () =>
      t.app.services.governance.findingsOf(t.orgs.a.id, 'meeting-papers-late'),
    )
    assert.match(papers.find((f) => f.recordId === m.id)?.detail ?? '', /Papers published .*; due by/)

    const bad = await t.api(clerk, 'PUT', `/api/v1/agenda-items/${item.id}/exemption`, {
      version: item.version,
      exemptParagraph: '9',
    })
    assert.equal(bad.statusCode, 400)
    const agent = await t.signIn(t.orgs.a.users.scrutiny_member)
    const page = await agent.get(`/meetings/${m.id}/access-to-information`)
    assert.equal(page.status, 200)
    const posted = await agent.post(`/agenda-items/${item.id}/exemption`, {
      version: String(item.version),
      paragraph: '3',
    })
    assert.equal(posted.status, 303)
    const exempt = await inOrganisation(t.orgs.a, () =>
      t.app.services.governance.findingsOf(t.orgs.a.id, 'exempt-item-without-reason'),
    )
    assert.equal(exempt.length, 0, 'the reason is recorded')
    const stored = await db
      .selectFrom('agenda_items')
      .select(['is_exempt', 'exempt_reason'])
      .where('id', '=', item.id)
      .executeTakeFirstOrThrow()
    assert.equal(stored.is_exempt, 1)
    assert.match(stored.exempt_reason, /^Paragraph 3/)
    const viewer = await t.tokenFor(t.orgs.a.users.viewer)
    const refused = await t.api(viewer, 'PUT', `/api/v1/agenda-items/${item.id}/exemption`, {
      version: item.version + 1,
      exemptParagraph: null,
    })
    assert.equal(refused.statusCode, 403)
  })

  it('the call-in period is the organisation’s to set, and applies at once', async () => {
    const period = await t.api(admin, 'GET', '/api/v1/organisation/call-in-period')
    assert.deepEqual(period.json<{ workingDays: number }>().workingDays, 5)
    const version = period.json<{ version: number }>().version
    const viewer = await t.tokenFor(t.orgs.a.users.viewer)
    const put = (token: string, workingDays: number, v = version) =>
      t.api(token, 'PUT', '/api/v1/organisation/call-in-period', { workingDays, version: v })
    assert.equal((await put(viewer, 10)).statusCode, 403)
    const zero = await put(admin, 0)
    assert.equal(zero.statusCode, 400)
    assert.match(zero.json<ErrorJson>().fields.workingDays ?? '', /1 to 20/)
    assert.equal((await put(admin, 20)).statusCode, 200)
    assert.equal((await put(admin, 10)).statusCode, 409, 'a stale version')
    const tenDaysAgo = await keyDecision(
      'Published ten days ago',
      new Date(Date.now() - 10 * 86400000).toISOString(),
      inDays(-10),
    )
    const refused = await t.api(admin, 'POST', `/api/v1/decisions/${tenDaysAgo}/implementation`, {})
    assert.equal(refused.statusCode, 400)
    assert.match(refused.json<ErrorJson>().fields.implementedOn ?? '', /call-in period/)
  })
})
