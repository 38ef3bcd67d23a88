import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { parseHTML } from 'linkedom'
import { scopeOf } from '../../src/auth/actor.ts'
import { addDays, formatDate, todayInLondon } from '../../src/domain/dates.ts'
import { buildTestApp, type TestApp, type TestOrg } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { inOrganisation } from '../helpers/tenant-scope.ts'

interface MilestoneJson {
  id: number
  version: number
  projectId: number
  name: string
  baselineDate: string | null
  forecastDate: string | null
  actualDate: string | null
  status: string
  isKey: boolean
  slippageDays: number | null
  late: boolean
  atRisk: boolean
}

const today = todayInLondon()
const day = (n: number) => addDays(today, n)
const dateFields = (name: string, iso: string) => {
  const [y, m, d] = iso.split('-')
  return { [`${name}-day`]: String(Number(d)), [`${name}-month`]: String(Number(m)), [`${name}-year`]: y! }
}

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
      reference: `PRG-M${seq}`,
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
      reference: `PRJ-M${seq}`,
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

describe(`milestones (${dialectName()})`, () => {
  let t: TestApp
  let pmToken: string
  before(async () => {
    t = await buildTestApp()
    pmToken = await t.tokenFor(t.orgs.a.users.project_manager)
  })
  after(() => t.close())

  const create = async (body: Record<string, unknown>, token: string | null = pmToken) =>
    t.api(token, 'POST', '/api/v1/milestones', body)

  it('a project manager adds a milestone through the form, after fixing the errors shown', async () => {
    const project = await addProject(t, t.orgs.a, { name: 'Website content and accessibility programme' })
    const pm = await t.signIn(t.orgs.a.users.project_manager)
    const form = await pm.get(`/projects/${project.id}/milestones/new`)
    assert.equal(form.status, 200)
    assert.match(form.text, /Add a milestone/)
    assert.match(form.text, /Website content and accessibility programme/)

    const bad = await pm.post(`/projects/${project.id}/milestones`, {
      name: '',
      ...dateFields('actualDate', day(3)),
      status: 'complete',
    })
    assert.equal(bad.status, 400)
    assert.match(bad.document.title, /^Error:/)
    const items = [...bad.document.querySelectorAll('.govuk-error-summary a')].map((a) =>
      a.textContent?.trim(),
    )
    assert.deepEqual(items, [
      'Enter the milestone name',
      'Enter baseline date',
      'Actual date must be today or in the past',
    ])
    const typo = await pm.post(`/projects/${project.id}/milestones`, {
      name: 'Accessibility statement published',
      'baselineDate-day': '31',
      'baselineDate-month': '2',
      'baselineDate-year': '2021',
      status: 'not_started',
    })
    assert.equal(typo.status, 400)
    assert.match(typo.text, /Baseline date must be a real date/)
    assert.equal((await create({ projectId: project.id, name: 'x', baselineDate: null })).statusCode, 400)

    const saved = await pm.post(`/projects/${project.id}/milestones`, {
      name: 'Accessibility statement published',
      ...dateFields('baselineDate', day(-20)),
      ...dateFields('forecastDate', day(-5)),
      status: 'in_progress',
      isKey: 'yes',
    })
    assert.equal(saved.status, 303)
    assert.equal(saved.location, `/projects/${project.id}#milestones`)
    const projectPage = await pm.get(`/projects/${project.id}`)
    assert.match(projectPage.text, /Milestone ‘Accessibility statement published’ added/)
    const row = projectPage.document.querySelector('#milestones ~ * tbody tr, #milestones ~ table tbody tr')
    assert.match(row?.textContent ?? '', /Accessibility statement published\s*Key/)
    assert.match(row?.textContent ?? '', /15 days late/)
    const list = await t.api(pmToken, 'GET', `/api/v1/milestones?projectId=${project.id}`)
    const [m] = list.json<{ items: MilestoneJson[] }>().items
    assert.equal(m?.name, 'Accessibility statement published')
    assert.equal(m?.isKey, true)
    assert.equal(m?.baselineDate, day(-20))
    assert.equal(m?.slippageDays, 15)
    assert.equal(m?.late, true)
  })

  it('the project page partial lists milestones with dates, slippage, flags and edit links', async () => {
    const project = await addProject(t, t.orgs.a)
    const late = await create({
      projectId: project.id,
      name: 'Forms live',
      baselineDate: day(-12),
      isKey: true,
    })
    await create({ projectId: project.id, name: 'Goss update', baselineDate: day(20), forecastDate: day(30) })
    const scope = scopeOf(
      (await inOrganisation(t.orgs.a.id, () =>
        t.app.services.auth.actorFor(t.orgs.a.users.viewer.id, t.orgs.a.id, 'session', null),
      ))!,
    )
    const milestones = await inOrganisation(t.orgs.a, () =>
      t.app.services.milestones.listForProject(scope, project.id),
    )
    const html = t.app.views.render('milestones/views/_project-milestones.njk', {
      milestones,
      project,
      canWrite: true,
    })
    const { document } = parseHTML(`<main>${html}</main>`)
    const text = (document.querySelector('main')?.textContent ?? '').replace(/\s+/g, ' ')
    assert.equal(document.querySelector('h2#milestones')?.textContent, 'Milestones')
    assert.ok(document.querySelector(`a[href="/projects/${project.id}/milestones/new"]`))
    const rows = [...document.querySelectorAll('tbody tr')]
    assert.equal(rows.length, 2)
    assert.match(rows[0]!.textContent, /Forms live\s*Key/)
    assert.match(rows[0]!.textContent, new RegExp(formatDate(day(-12))))
    assert.match(rows[0]!.textContent, /Late/)
    assert.match(rows[1]!.textContent, /10 days late/)
    assert.match(rows[1]!.textContent, /At risk/)
    const edit = document.querySelector(`a[href="/milestones/${late.json<MilestoneJson>().id}/edit"]`)
    assert.match(edit?.textContent ?? '', /Edit Forms live/)
    assert.equal(document.querySelectorAll('th[scope="col"]').length, 8)
    assert.ok(document.querySelector('caption'))
    assert.ok(!text.includes('No milestones'))

    const readOnly = t.app.views.render('milestones/views/_project-milestones.njk', {
      milestones: [],
      project,
      canWrite: false,
    })
    assert.match(readOnly, /No milestones have been added to this project yet/)
    assert.ok(!readOnly.includes('Add a milestone'))
  })

  it('API: slippage, late and at-risk flags are worked out from the dates', async () => {
    const project = await addProject(t, t.orgs.a)
    const base = { projectId: project.id }
    const late = (
      await create({ ...base, name: 'Late', baselineDate: day(-30), forecastDate: day(-10) })
    ).json<MilestoneJson>()
    assert.deepEqual([late.slippageDays, late.late, late.atRisk], [20, true, false])
    const slipping = (
      await create({ ...base, name: 'Slipping', baselineDate: day(60), forecastDate: day(75) })
    ).json<MilestoneJson>()
    assert.deepEqual([slipping.slippageDays, slipping.late, slipping.atRisk], [15, false, true])
    const onTrack = (await create({ ...base, name: 'On track', baselineDate: day(90) })).json<MilestoneJson>()
    assert.deepEqual([onTrack.slippageDays, onTrack.late, onTrack.atRisk], [null, false, false])
    const done = (
      await create({
        ...base,
        name: 'Done late',
        baselineDate: day(-40),
        actualDate: day(-33),
        status: 'complete',
      })
    ).json<MilestoneJson>()
    assert.deepEqual([done.slippageDays, done.late, done.atRisk], [7, false, false])

    const onlyLate = await t.api(pmToken, 'GET', `/api/v1/milestones?projectId=${project.id}&late=true`)
    assert.deepEqual(
      onlyLate.json<{ items: MilestoneJson[] }>().items.map((m) => m.name),
      ['Late'],
    )
    const notLate = await t.api(pmToken, 'GET', `/api/v1/milestones?projectId=${project.id}&late=false`)
    assert.deepEqual(
      notLate.json<{ items: MilestoneJson[] }>().items.map((m) => m.name),
      ['Done late', 'Slipping', 'On track'],
    )
    const complete = await t.api(pmToken, 'GET', `/api/v1/milestones?projectId=${project.id}&status=complete`)
    assert.deepEqual(
      complete.json<{ items: MilestoneJson[] }>().items.map((m) => m.name),
      ['Done late'],
    )
  })

  it('API: create, page, update with version, 409 when stale, 400, 403 for a viewer, 401 without a token', async () => {
    const project = await addProject(t, t.orgs.a)
    for (let i = 1; i <= 3; i++) {
      const res = await create({ projectId: project.id, name: `Step ${i}`, baselineDate: day(100 + i) })
      assert.equal(res.statusCode, 201, res.body)
      assert.match(res.headers.location as string, /^\/api\/v1\/milestones\/\d+$/)
    }
    const page1 = await t.api(pmToken, 'GET', `/api/v1/milestones?projectId=${project.id}&limit=2`)
    const body1 = page1.json<{ items: MilestoneJson[]; next: string | null }>()
    assert.deepEqual(
      body1.items.map((m) => m.name),
      ['Step 1', 'Step 2'],
    )
    const page2 = await t.api(
      pmToken,
      'GET',
      `/api/v1/milestones?projectId=${project.id}&limit=2&cursor=${body1.next}`,
    )
    const body2 = page2.json<{ items: MilestoneJson[]; next: string | null }>()
    assert.deepEqual(
      body2.items.map((m) => m.name),
      ['Step 3'],
    )
    assert.equal(body2.next, null)

    const id = body1.items[0]!.id
    const ok = await t.api(pmToken, 'PATCH', `/api/v1/milestones/${id}`, {
      version: 1,
      forecastDate: day(130),
    })
    assert.equal(ok.statusCode, 200, ok.body)
    const updated = ok.json<MilestoneJson>()
    assert.equal(updated.version, 2)
    assert.equal(updated.slippageDays, 29)
    const stale = await t.api(pmToken, 'PATCH', `/api/v1/milestones/${id}`, { version: 1, name: 'Lost' })
    assert.equal(stale.statusCode, 409)
    assert.equal(
      (await t.api(pmToken, 'GET', `/api/v1/milestones/${id}`)).json<MilestoneJson>().name,
      'Step 1',
    )

    const complete = await t.api(pmToken, 'PATCH', `/api/v1/milestones/${id}`, {
      version: 2,
      status: 'complete',
    })
    assert.equal(complete.statusCode, 400)
    assert.equal(
      complete.json<{ fields: Record<string, string> }>().fields.actualDate,
      'Enter the actual date, as the milestone is complete',
    )
    const future = await create({
      projectId: project.id,
      name: 'Future fact',
      baselineDate: day(1),
      actualDate: day(1),
    })
    assert.equal(future.statusCode, 400)
    assert.equal(
      future.json<{ fields: Record<string, string> }>().fields.actualDate,
      'Actual date must be today or in the past',
    )
    const schema = await create({ projectId: project.id, name: '', baselineDate: 'soon', extra: 1 })
    assert.equal(schema.statusCode, 400)

    const viewer = await t.tokenFor(t.orgs.a.users.viewer)
    assert.equal((await t.api(viewer, 'GET', `/api/v1/milestones/${id}`)).statusCode, 200)
    assert.equal(
      (await create({ projectId: project.id, name: 'No', baselineDate: day(1) }, viewer)).statusCode,
      403,
    )
    assert.equal(
      (await t.api(viewer, 'PATCH', `/api/v1/milestones/${id}`, { version: 2, name: 'No' })).statusCode,
      403,
    )
    assert.equal((await t.api(null, 'GET', '/api/v1/milestones')).statusCode, 401)
    assert.equal(
      (await create({ projectId: project.id, name: 'Anon', baselineDate: day(1) }, null)).statusCode,
      401,
    )
    const viewerPage = await t.signIn(t.orgs.a.users.viewer)
    assert.equal((await viewerPage.get(`/milestones/${id}/edit`)).status, 403)
  })

  it('slipped() lists open milestones that are late or forecast after baseline, most slipped first', async () => {
    const org = t.orgs.b
    const p1 = await addProject(t, org, { name: 'Northgate integration' })
    const p2 = await addProject(t, org, { name: 'Goss platform updates' })
    const token = await t.tokenFor(org.users.programme_manager)
    const mk = async (projectId: number, name: string, extra: Record<string, unknown>) => {
      const res = await create({ projectId, name, ...extra }, token)
      assert.equal(res.statusCode, 201, res.body)
    }
    await mk(p1.id, 'Forecast 5 days late', { baselineDate: day(50), forecastDate: day(55) })
    await mk(p1.id, 'Late, no forecast', { baselineDate: day(-30) })
    await mk(p2.id, 'Forecast 60 days late', { baselineDate: day(10), forecastDate: day(70) })
    await mk(p2.id, 'Late against its forecast', { baselineDate: day(-8), forecastDate: day(-2) })
    await mk(p2.id, 'On time', { baselineDate: day(5) })
    await mk(p2.id, 'Early', { baselineDate: day(40), forecastDate: day(30) })
    await mk(p1.id, 'Complete but late', {
      baselineDate: day(-90),
      actualDate: day(-10),
      status: 'complete',
    })
    await mk(p1.id, 'Cancelled and late', { baselineDate: day(-90), status: 'cancelled' })

    const actor = (await inOrganisation(org.id, () =>
      t.app.services.auth.actorFor(org.users.viewer.id, org.id, 'session', null),
    ))!
    const slipped = await inOrganisation(actor, () =>
      t.app.services.milestones.slipped(scopeOf(actor), { limit: 10 }),
    )
    assert.deepEqual(
      slipped.map((m) => [m.name, m.daysBehindBaseline]),
      [
        ['Forecast 60 days late', 60],
        ['Late, no forecast', 30],
        ['Late against its forecast', 8],
        ['Forecast 5 days late', 5],
      ],
    )
    assert.equal(slipped[0]!.projectName, 'Goss platform updates')
    assert.equal(slipped[0]!.projectReference, p2.reference)
    assert.equal(slipped[1]!.late, true)
    const top2 = await inOrganisation(actor, () =>
      t.app.services.milestones.slipped(scopeOf(actor), { limit: 2 }),
    )
    assert.equal(top2.length, 2)
    const otherOrg = (await inOrganisation(t.orgs.a.id, () =>
      t.app.services.auth.actorFor(t.orgs.a.users.viewer.id, t.orgs.a.id, 'session', null),
    ))!
    const theirs = await inOrganisation(otherOrg, () =>
      t.app.services.milestones.slipped(scopeOf(otherOrg), { limit: 100 }),
    )
    assert.ok(!theirs.some((m) => m.name === 'Forecast 60 days late'))
  })

  it('a partner officer sees only milestones of projects shared with the partner', async () => {
    const shared = await addProject(t, t.orgs.a, { shared: true })
    const internal = await addProject(t, t.orgs.a)
    const s = (
      await create({ projectId: shared.id, name: 'Shared step', baselineDate: day(-3) })
    ).json<MilestoneJson>()
    const i = (
      await create({ projectId: internal.id, name: 'Internal step', baselineDate: day(-3) })
    ).json<MilestoneJson>()
    const partner = await t.tokenFor(t.orgs.a.users.partner_officer)
    const list = await t.api(partner, 'GET', '/api/v1/milestones?limit=500')
    const names = list.json<{ items: MilestoneJson[] }>().items.map((m) => m.name)
    assert.ok(names.includes('Shared step'))
    assert.ok(!names.includes('Internal step'))
    assert.equal((await t.api(partner, 'GET', `/api/v1/milestones/${s.id}`)).statusCode, 200)
    assert.equal((await t.api(partner, 'GET', `/api/v1/milestones/${i.id}`)).statusCode, 404)
    const actor = (await inOrganisation(t.orgs.a.id, () =>
      t.app.services.auth.actorFor(t.orgs.a.users.partner_officer.id, t.orgs.a.id, 'session', null),
    ))!
    const slipped = await inOrganisation(actor, () =>
      t.app.services.milestones.slipped(scopeOf(actor), { limit: 100 }),
    )
    assert.ok(slipped.some((m) => m.name === 'Shared step'))
    assert.ok(!slipped.some((m) => m.name === 'Internal step'))
    const page = await t.signIn(t.orgs.a.users.partner_officer)
    assert.equal((await page.get(`/history/milestone/${s.id}`)).status, 200)
    assert.equal((await page.get(`/history/milestone/${i.id}`)).status, 404)
  })

  it("another organisation's milestones and projects are not found, through pages and API", async () => {
    const project = await addProject(t, t.orgs.a)
    const m = (
      await create({ projectId: project.id, name: 'Alpha secret', baselineDate: day(5) })
    ).json<MilestoneJson>()
    const foreign = await t.tokenFor(t.orgs.b.users.administrator)
    assert.equal((await t.api(foreign, 'GET', `/api/v1/milestones/${m.id}`)).statusCode, 404)
    assert.equal(
      (await t.api(foreign, 'PATCH', `/api/v1/milestones/${m.id}`, { version: 1, name: 'x' })).statusCode,
      404,
    )
    const post = await create({ projectId: project.id, name: 'Into alpha', baselineDate: day(5) }, foreign)
    assert.equal(post.statusCode, 404)
    const list = await t.api(foreign, 'GET', `/api/v1/milestones?projectId=${project.id}`)
    assert.deepEqual(list.json<{ items: unknown[] }>().items, [])
    const admin = await t.signIn(t.orgs.b.users.administrator)
    assert.equal((await admin.get(`/milestones/${m.id}/edit`)).status, 404)
    assert.equal((await admin.get(`/projects/${project.id}/milestones/new`)).status, 404)
    assert.equal((await admin.get(`/history/milestone/${m.id}`)).status, 404)
    await admin.get('/accessibility')
    const posted = await admin.post(`/projects/${project.id}/milestones`, {
      name: 'Into alpha',
      ...dateFields('baselineDate', day(5)),
      status: 'not_started',
    })
    assert.equal(posted.status, 404)
    const edited = await admin.post(`/milestones/${m.id}/edit`, {
      version: '1',
      name: 'Hijacked',
      ...dateFields('baselineDate', day(5)),
      status: 'not_started',
    })
    assert.equal(edited.status, 404)
    assert.equal(
      (await t.api(pmToken, 'GET', `/api/v1/milestones/${m.id}`)).json<MilestoneJson>().name,
      'Alpha secret',
    )
  })

  it('an edit through the form is saved, a stale one shows both versions, and the history records it', async () => {
    const project = await addProject(t, t.orgs.a)
    const m = (
      await create({ projectId: project.id, name: 'Original name', baselineDate: day(10) })
    ).json<MilestoneJson>()
    const pm = await t.signIn(t.orgs.a.users.project_manager)
    const form = await pm.get(`/milestones/${m.id}/edit`)
    assert.equal(form.status, 200)
    assert.equal(
      form.document.querySelector<HTMLInputElement>('#name')?.getAttribute('value'),
      'Original name',
    )
    const saved = await pm.post(`/milestones/${m.id}/edit`, {
      version: '1',
      name: 'Renamed in the form',
      ...dateFields('baselineDate', day(10)),
      ...dateFields('forecastDate', day(24)),
      status: 'in_progress',
    })
    assert.equal(saved.status, 303)
    assert.equal(saved.location, `/projects/${project.id}#milestones`)

    const stale = await pm.post(`/milestones/${m.id}/edit`, {
      version: '1',
      name: 'My late change',
      ...dateFields('baselineDate', day(10)),
      status: 'in_progress',
    })
    assert.equal(stale.status, 409)
    assert.match(stale.text, /changed by someone else/)
    assert.match(stale.text, /My late change/)
    assert.match(stale.text, /Renamed in the form/)
    const current = (await t.api(pmToken, 'GET', `/api/v1/milestones/${m.id}`)).json<MilestoneJson>()
    assert.equal(current.name, 'Renamed in the form')
    assert.equal(current.slippageDays, 14)

    const history = await pm.get(`/history/milestone/${m.id}`)
    assert.equal(history.status, 200)
    assert.match(history.text, /Original name/)
    assert.match(history.text, /Renamed in the form/)
    assert.match(history.text, new RegExp(t.orgs.a.users.project_manager.name))
  })
})
