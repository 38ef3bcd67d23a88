import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { parseHTML } from 'linkedom'
import { scopeOf } from '../../src/auth/actor.ts'
import { RATING_SCALES } from '../../src/domain/dca.ts'
import { currentPeriod, formatPeriod, nextPeriod, previousPeriod } from '../../src/domain/periods.ts'
import { buildTestApp, type TestApp, type TestOrg } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { inOrganisation } from '../helpers/tenant-scope.ts'

interface ReportJson {
  id: number
  version: number
  projectId: number
  period: string
  rating: string
  ratingLabel: string
  narrative: string
  achievements: string
  nextSteps: string
  keyIssues: string
  reportedBy: { id: number | null; name: string }
  reportedAt: string
}

const thisMonth = currentPeriod()
const monthsAgo = (n: number) => {
  let p = thisMonth
  for (let i = 0; i < n; i++) p = previousPeriod(p)
  return p
}
const periodFields = (p: string) => ({
  'period-month': String(Number(p.slice(5))),
  'period-year': p.slice(0, 4),
})

let seq = 0
/** Projects belong to another area; tests insert them directly. */
async function addProject(t: TestApp, org: TestOrg, opts: { shared?: boolean; name?: string } = {}) {
  const db = t.database.db
  const at = new Date().toISOString()
  seq++
  const programme = await db
    .insertInto('programmes')
    .values({
      organisation_id: org.id,
      reference: `PRG-S${seq}`,
      name: `Programme ${seq}`,
      purpose: '',
      sro: '',
      portfolio_holder: '',
      start_date: null,
      end_date: null,
      status: 'active',
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const project = await db
    .insertInto('projects')
    .values({
      organisation_id: org.id,
      programme_id: programme.id,
      reference: `PRJ-S${seq}`,
      name: opts.name ?? `Project ${seq}`,
      description: '',
      project_manager: '',
      sponsor: '',
      stage: 'delivery',
      baseline_start: null,
      baseline_end: null,
      forecast_start: null,
      forecast_end: null,
      actual_start: null,
      actual_end: null,
      created_at: at,
      updated_at: at,
    })
    .returningAll()
    .executeTakeFirstOrThrow()

  if (opts.shared) await t.share(project.id, [await t.partner(org)])
  return project
}

describe(`status reports (${dialectName()})`, () => {
  let t: TestApp
  let pmToken: string
  before(async () => {
    t = await buildTestApp()
    pmToken = await t.tokenFor(t.orgs.a.users.project_manager)
  })
  after(() => t.close())

  const submit = (body: Record<string, unknown>, token: string | null = pmToken) =>
    t.api(token, 'POST', '/api/v1/status-reports', body)
  const errorItems = (doc: Document) =>
    [...doc.querySelectorAll('.govuk-error-summary a')].map((a) => a.textContent?.trim())

  it('a project manager submits a report through the form, after fixing the errors shown', async () => {
    const project = await addProject(t, t.orgs.a, { name: 'Online contact forms improvement' })
    const pm = await t.signIn(t.orgs.a.users.project_manager)
    const form = await pm.get(`/projects/${project.id}/status-reports/new`)
    assert.equal(form.status, 200)
    assert.match(form.text, /Online contact forms improvement/)
    // The period defaults to the current month.
    assert.equal(
      form.document.querySelector('#period-month')?.getAttribute('value'),
      String(Number(thisMonth.slice(5))),
    )
    assert.equal(form.document.querySelector('#period-year')?.getAttribute('value'), thisMonth.slice(0, 4))
    // Every rating on the organisation's (five-point) scale, each with its official definition.
    const radios = [...form.document.querySelectorAll('input[name="rating"]')].map((r) =>
      r.getAttribute('value'),
    )
    assert.deepEqual(radios, ['green', 'amber_green', 'amber', 'amber_red', 'red'])
    assert.ok(form.text.includes(RATING_SCALES.ipa5.ratings[1]!.definition))

    const bad = await pm.post(`/projects/${project.id}/status-reports`, {
      ...periodFields(nextPeriod(thisMonth)),
      narrative: '',
    })
    assert.equal(bad.status, 400)
    assert.match(bad.document.title, /^Error:/)
    assert.deepEqual(errorItems(bad.document), [
      'Reporting period must be this month or earlier',
      'Select the delivery confidence rating',
      'Enter the progress narrative',
    ])
    const noMonth = await pm.post(`/projects/${project.id}/status-reports`, {
      'period-month': '',
      'period-year': '2026',
      rating: 'amber',
      narrative: 'x',
    })
    assert.deepEqual(errorItems(noMonth.document), ['Reporting period must include a month'])

    const saved = await pm.post(`/projects/${project.id}/status-reports`, {
      'period-month': 'Sep',
      'period-year': '2021',
      rating: 'amber_green',
      narrative: 'Forms moved to the Goss platform; two remain.\nTesting with residents next month.',
      achievements: 'Council tax forms live',
      nextSteps: 'Benefits forms',
      keyIssues: 'Web developer recharge from PSPS not yet agreed',
    })
    assert.equal(saved.status, 303, saved.text)
    assert.match(saved.location!, /^\/status-reports\/\d+$/)
    const page = await pm.get(saved.location!)
    assert.equal(page.status, 200)
    assert.match(page.text, /Status report for September 2021 submitted/)
    assert.equal(page.document.querySelector('h1')?.textContent, 'Status report for September 2021')
    assert.equal(page.document.querySelector('.govuk-tag.govuk-tag--turquoise')?.textContent, 'Amber/Green')
    assert.ok(page.text.includes(RATING_SCALES.ipa5.ratings[1]!.definition))
    assert.match(page.text, /Web developer recharge from PSPS not yet agreed/)
    assert.match(page.text, new RegExp(`Reported by ${t.orgs.a.users.project_manager.name}`))
    const id = saved.location!.split('/').pop()
    assert.ok(page.document.querySelector(`a[href="/history/status_report/${id}"]`))
    const projectPage = await pm.get(`/projects/${project.id}`)
    const link = projectPage.document.querySelector(`a[href="/status-reports/${id}"]`)
    assert.equal(link?.textContent, 'September 2021')
  })

  it('a second report for the same period is refused, pointing at the one that exists', async () => {
    const project = await addProject(t, t.orgs.a)
    const first = await submit({
      projectId: project.id,
      period: monthsAgo(1),
      rating: 'green',
      narrative: 'On track',
    })
    assert.equal(first.statusCode, 201, first.body)
    const firstId = first.json<ReportJson>().id
    const message = `A report for ${formatPeriod(monthsAgo(1))} already exists – update that report instead`

    const again = await submit({
      projectId: project.id,
      period: monthsAgo(1),
      rating: 'red',
      narrative: 'Again',
    })
    assert.equal(again.statusCode, 400)
    assert.equal(again.json<{ fields: Record<string, string> }>().fields.period, message)

    const pm = await t.signIn(t.orgs.a.users.project_manager)
    await pm.get(`/projects/${project.id}/status-reports/new`)
    const page = await pm.post(`/projects/${project.id}/status-reports`, {
      ...periodFields(monthsAgo(1)),
      rating: 'red',
      narrative: 'Again',
    })
    assert.equal(page.status, 400)
    assert.deepEqual(errorItems(page.document), [message])
    const link = page.document.querySelector('#period-error a')
    assert.equal(link?.getAttribute('href'), `/status-reports/${firstId}/edit`)
    assert.equal(link?.textContent, 'update that report')

    // Two people submitting the same month at once: one report is kept, the other is told why.
    const racing = await Promise.all(
      ['One', 'Two'].map((narrative) =>
        submit({ projectId: project.id, period: monthsAgo(3), rating: 'amber', narrative }),
      ),
    )
    assert.deepEqual(racing.map((r) => r.statusCode).sort(), [201, 400])
    const loser = racing.find((r) => r.statusCode === 400)!
    assert.equal(
      loser.json<{ fields: Record<string, string> }>().fields.period,
      `A report for ${formatPeriod(monthsAgo(3))} already exists – update that report instead`,
    )

    // Moving another report onto a taken period is refused the same way.
    const other = await submit({
      projectId: project.id,
      period: monthsAgo(2),
      rating: 'green',
      narrative: 'Earlier',
    })
    const moved = await t.api(pmToken, 'PATCH', `/api/v1/status-reports/${other.json<ReportJson>().id}`, {
      version: 1,
      period: monthsAgo(1),
    })
    assert.equal(moved.statusCode, 400)
    assert.equal(moved.json<{ fields: Record<string, string> }>().fields.period, message)
    const list = await t.api(pmToken, 'GET', `/api/v1/status-reports?projectId=${project.id}`)
    assert.deepEqual(
      list.json<{ items: ReportJson[] }>().items.map((r) => [r.period, r.narrative]),
      [
        [monthsAgo(1), 'On track'],
        [monthsAgo(2), 'Earlier'],
        [monthsAgo(3), racing[0]!.statusCode === 201 ? 'One' : 'Two'],
      ],
    )
  })

  it("a rating must be on the organisation's scale: a three-point organisation cannot record Amber/Green", async () => {
    const org = t.orgs.b
    await t.database.db
      .updateTable('organisations')
      .set({ rating_scale: 'rag3' })
      .where('id', '=', org.id)
      .execute()
    const project = await addProject(t, org)
    const token = await t.tokenFor(org.users.project_manager)
    const refused = await submit(
      { projectId: project.id, period: thisMonth, rating: 'amber_green', narrative: 'x' },
      token,
    )
    assert.equal(refused.statusCode, 400)
    assert.equal(
      refused.json<{ fields: Record<string, string> }>().fields.rating,
      'Delivery confidence must be Green, Amber or Red',
    )
    const pm = await t.signIn(org.users.project_manager)
    const form = await pm.get(`/projects/${project.id}/status-reports/new`)
    const radios = [...form.document.querySelectorAll('input[name="rating"]')].map((r) =>
      r.getAttribute('value'),
    )
    assert.deepEqual(radios, ['green', 'amber', 'red'])
    const posted = await pm.post(`/projects/${project.id}/status-reports`, {
      ...periodFields(thisMonth),
      rating: 'amber_green',
      narrative: 'Trying the old scale',
    })
    assert.equal(posted.status, 400)
    assert.deepEqual(errorItems(posted.document), ['Delivery confidence must be Green, Amber or Red'])
    const ok = await submit(
      { projectId: project.id, period: thisMonth, rating: 'amber', narrative: 'Fine' },
      token,
    )
    assert.equal(ok.statusCode, 201, ok.body)
    assert.equal(ok.json<ReportJson>().ratingLabel, 'Amber')
  })

  it('API: submit, list, update with version, 409 when stale, 400, 403 for a viewer, 401 without a token', async () => {
    const project = await addProject(t, t.orgs.a)
    for (const [n, rating] of [
      [3, 'green'],
      [2, 'amber'],
      [1, 'red'],
    ] as const) {
      const res = await submit({
        projectId: project.id,
        period: monthsAgo(n),
        rating,
        narrative: `Month ${n}`,
      })
      assert.equal(res.statusCode, 201, res.body)
      assert.match(res.headers.location as string, /^\/api\/v1\/status-reports\/\d+$/)
      const r = res.json<ReportJson>()
      assert.equal(r.reportedBy.id, t.orgs.a.users.project_manager.id)
      assert.equal(r.reportedBy.name, t.orgs.a.users.project_manager.name)
      assert.ok(r.reportedAt)
    }
    const page1 = await t.api(pmToken, 'GET', `/api/v1/status-reports?projectId=${project.id}&limit=2`)
    const body1 = page1.json<{ items: ReportJson[]; next: string | null }>()
    assert.deepEqual(
      body1.items.map((r) => r.period),
      [monthsAgo(1), monthsAgo(2)],
    )
    const page2 = await t.api(
      pmToken,
      'GET',
      `/api/v1/status-reports?projectId=${project.id}&limit=2&cursor=${body1.next}`,
    )
    assert.deepEqual(
      page2.json<{ items: ReportJson[] }>().items.map((r) => r.period),
      [monthsAgo(3)],
    )
    const reds = await t.api(pmToken, 'GET', `/api/v1/status-reports?projectId=${project.id}&rating=red`)
    assert.deepEqual(
      reds.json<{ items: ReportJson[] }>().items.map((r) => r.narrative),
      ['Month 1'],
    )
    const byPeriod = await t.api(
      pmToken,
      'GET',
      `/api/v1/status-reports?projectId=${project.id}&period=${monthsAgo(2)}`,
    )
    assert.deepEqual(
      byPeriod.json<{ items: ReportJson[] }>().items.map((r) => r.ratingLabel),
      ['Amber'],
    )

    const id = body1.items[0]!.id
    const ok = await t.api(pmToken, 'PATCH', `/api/v1/status-reports/${id}`, {
      version: 1,
      keyIssues: 'Resourcing',
    })
    assert.equal(ok.statusCode, 200, ok.body)
    assert.equal(ok.json<ReportJson>().version, 2)
    assert.equal(ok.json<ReportJson>().keyIssues, 'Resourcing')
    const stale = await t.api(pmToken, 'PATCH', `/api/v1/status-reports/${id}`, {
      version: 1,
      narrative: 'Lost',
    })
    assert.equal(stale.statusCode, 409)
    assert.equal(
      (await t.api(pmToken, 'GET', `/api/v1/status-reports/${id}`)).json<ReportJson>().narrative,
      'Month 1',
    )

    // Whoever changes the rating becomes the assessor of record.
    const admin = await t.tokenFor(t.orgs.a.users.administrator)
    const rerated = await t.api(admin, 'PATCH', `/api/v1/status-reports/${id}`, {
      version: 2,
      rating: 'amber_red',
    })
    assert.equal(rerated.statusCode, 200, rerated.body)
    assert.equal(rerated.json<ReportJson>().reportedBy.name, t.orgs.a.users.administrator.name)

    const future = await submit({
      projectId: project.id,
      period: nextPeriod(thisMonth),
      rating: 'green',
      narrative: 'x',
    })
    assert.equal(future.statusCode, 400)
    assert.equal(
      future.json<{ fields: Record<string, string> }>().fields.period,
      'Reporting period must be this month or earlier',
    )
    const blank = await submit({
      projectId: project.id,
      period: thisMonth,
      rating: 'green',
      narrative: '   ',
    })
    assert.equal(
      blank.json<{ fields: Record<string, string> }>().fields.narrative,
      'Enter the progress narrative',
    )
    const schema = await submit({
      projectId: project.id,
      period: '2021-13',
      rating: 'purple',
      narrative: 'x',
    })
    assert.equal(schema.statusCode, 400)
    assert.ok(schema.json<{ fields: Record<string, string> }>().fields.period)

    const viewer = await t.tokenFor(t.orgs.a.users.viewer)
    assert.equal((await t.api(viewer, 'GET', `/api/v1/status-reports/${id}`)).statusCode, 200)
    assert.equal(
      (await submit({ projectId: project.id, period: thisMonth, rating: 'green', narrative: 'x' }, viewer))
        .statusCode,
      403,
    )
    assert.equal(
      (await t.api(viewer, 'PATCH', `/api/v1/status-reports/${id}`, { version: 3, narrative: 'x' }))
        .statusCode,
      403,
    )
    assert.equal((await t.api(null, 'GET', '/api/v1/status-reports')).statusCode, 401)
    assert.equal(
      (await submit({ projectId: project.id, period: thisMonth, rating: 'green', narrative: 'x' }, null))
        .statusCode,
      401,
    )
    const viewerPage = await t.signIn(t.orgs.a.users.viewer)
    const read = await viewerPage.get(`/status-reports/${id}`)
    assert.equal(read.status, 200)
    assert.ok(!read.text.includes('Edit this report'))
    assert.equal((await viewerPage.get(`/status-reports/${id}/edit`)).status, 403)
    assert.equal((await viewerPage.get(`/projects/${project.id}/status-reports/new`)).status, 403)
  })

  it('the project page partial lists every report, newest first, with its rating tag', async () => {
    const project = await addProject(t, t.orgs.a)
    await submit({ projectId: project.id, period: monthsAgo(5), rating: 'green', narrative: 'Started well' })
    const long = 'Staff resources arrived nine months late. '.repeat(10)
    await submit({ projectId: project.id, period: monthsAgo(4), rating: 'red', narrative: long })
    const actor = (await inOrganisation(t.orgs.a.id, () =>
      t.app.services.auth.actorFor(t.orgs.a.users.viewer.id, t.orgs.a.id, 'session', null),
    ))!
    const statusReports = await inOrganisation(actor, () =>
      t.app.services.statusReports.listForProject(scopeOf(actor), project.id, actor.ratingScale),
    )
    const html = t.app.views.render('status-reports/views/_project-status-history.njk', {
      statusReports,
      project,
      canWrite: true,
    })
    const { document } = parseHTML(`<main>${html}</main>`)
    assert.equal(document.querySelector('h2#status-reports')?.textContent, 'Status reports')
    assert.equal(
      document.querySelector(`a[href="/projects/${project.id}/status-reports/new"]`)?.textContent?.trim(),
      'Submit a status report',
    )
    const rows = [...document.querySelectorAll('tbody tr')]
    assert.equal(rows.length, 2)
    assert.equal(rows[0]!.querySelector('a')?.textContent, formatPeriod(monthsAgo(4)))
    assert.equal(rows[0]!.querySelector('.govuk-tag.govuk-tag--red')?.textContent, 'Red')
    assert.match(rows[0]!.textContent, /Staff resources arrived nine months late\..*…/)
    assert.ok(rows[0]!.textContent.length < long.length)
    assert.equal(rows[1]!.querySelector('.govuk-tag.govuk-tag--green')?.textContent, 'Green')
    assert.match(rows[1]!.textContent, new RegExp(t.orgs.a.users.project_manager.name))
    assert.equal(document.querySelectorAll('th[scope="col"]').length, 5)

    const empty = t.app.views.render('status-reports/views/_project-status-history.njk', {
      statusReports: [],
      project,
      canWrite: false,
    })
    assert.match(empty, /No status reports have been submitted for this project yet/)
    assert.ok(!empty.includes('Submit a status report'))
  })

  it('a partner officer sees only reports of projects shared with the partner', async () => {
    const shared = await addProject(t, t.orgs.a, { shared: true })
    const internal = await addProject(t, t.orgs.a)
    const s = (
      await submit({ projectId: shared.id, period: thisMonth, rating: 'green', narrative: 'Shared news' })
    ).json<ReportJson>()
    const i = (
      await submit({ projectId: internal.id, period: thisMonth, rating: 'red', narrative: 'Internal news' })
    ).json<ReportJson>()
    const partner = await t.tokenFor(t.orgs.a.users.partner_officer)
    const list = await t.api(partner, 'GET', '/api/v1/status-reports?limit=500')
    const texts = list.json<{ items: ReportJson[] }>().items.map((r) => r.narrative)
    assert.ok(texts.includes('Shared news'))
    assert.ok(!texts.includes('Internal news'))
    assert.equal((await t.api(partner, 'GET', `/api/v1/status-reports/${i.id}`)).statusCode, 404)
    const page = await t.signIn(t.orgs.a.users.partner_officer)
    assert.equal((await page.get(`/status-reports/${s.id}`)).status, 200)
    assert.equal((await page.get(`/status-reports/${i.id}`)).status, 404)
    assert.equal((await page.get(`/history/status_report/${i.id}`)).status, 404)
  })

  it("another organisation's reports and projects are not found, through pages and API", async () => {
    const project = await addProject(t, t.orgs.a)
    const r = (
      await submit({ projectId: project.id, period: thisMonth, rating: 'green', narrative: 'Alpha only' })
    ).json<ReportJson>()
    const foreign = await t.tokenFor(t.orgs.b.users.administrator)
    assert.equal((await t.api(foreign, 'GET', `/api/v1/status-reports/${r.id}`)).statusCode, 404)
    assert.equal(
      (await t.api(foreign, 'PATCH', `/api/v1/status-reports/${r.id}`, { version: 1, narrative: 'x' }))
        .statusCode,
      404,
    )
    const post = await submit(
      { projectId: project.id, period: monthsAgo(1), rating: 'amber', narrative: 'x' },
      foreign,
    )
    assert.equal(post.statusCode, 404)
    const list = await t.api(foreign, 'GET', `/api/v1/status-reports?projectId=${project.id}`)
    assert.deepEqual(list.json<{ items: unknown[] }>().items, [])
    const admin = await t.signIn(t.orgs.b.users.administrator)
    assert.equal((await admin.get(`/status-reports/${r.id}`)).status, 404)
    assert.equal((await admin.get(`/status-reports/${r.id}/edit`)).status, 404)
    assert.equal((await admin.get(`/projects/${project.id}/status-reports/new`)).status, 404)
    assert.equal((await admin.get(`/history/status_report/${r.id}`)).status, 404)
    await admin.get('/accessibility')
    const edited = await admin.post(`/status-reports/${r.id}/edit`, {
      version: '1',
      ...periodFields(thisMonth),
      rating: 'red',
      narrative: 'Hijacked',
    })
    assert.equal(edited.status, 404)
    assert.equal(
      (await t.api(pmToken, 'GET', `/api/v1/status-reports/${r.id}`)).json<ReportJson>().narrative,
      'Alpha only',
    )
  })

  it('an edit through the form is saved, a stale one shows both versions, and the history records it', async () => {
    const project = await addProject(t, t.orgs.a)
    const r = (
      await submit({ projectId: project.id, period: monthsAgo(1), rating: 'amber', narrative: 'First draft' })
    ).json<ReportJson>()
    const pm = await t.signIn(t.orgs.a.users.project_manager)
    const form = await pm.get(`/status-reports/${r.id}/edit`)
    assert.equal(form.status, 200)
    assert.equal(
      form.document.querySelector('input[name="rating"][value="amber"]')?.hasAttribute('checked'),
      true,
    )
    assert.match(form.document.querySelector('#narrative')?.textContent ?? '', /First draft/)
    const saved = await pm.post(`/status-reports/${r.id}/edit`, {
      version: '1',
      ...periodFields(monthsAgo(1)),
      rating: 'amber',
      narrative: 'Second draft',
    })
    assert.equal(saved.status, 303)
    assert.equal(saved.location, `/status-reports/${r.id}`)
    const shown = await pm.get(saved.location)
    assert.match(shown.text, /Status report for .* updated/)
    assert.match(shown.text, /Second draft/)

    const stale = await pm.post(`/status-reports/${r.id}/edit`, {
      version: '1',
      ...periodFields(monthsAgo(1)),
      rating: 'red',
      narrative: 'My stale draft',
    })
    assert.equal(stale.status, 409)
    assert.match(stale.text, /changed by someone else/)
    assert.match(stale.text, /My stale draft/)
    assert.match(stale.text, /Second draft/)
    assert.equal(
      (await t.api(pmToken, 'GET', `/api/v1/status-reports/${r.id}`)).json<ReportJson>().narrative,
      'Second draft',
    )

    const history = await pm.get(`/history/status_report/${r.id}`)
    assert.equal(history.status, 200)
    assert.match(history.text, /First draft/)
    assert.match(history.text, /Second draft/)
  })
})
