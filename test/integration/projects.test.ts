import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { currentPeriod, formatPeriod, previousPeriod } from '../../src/domain/periods.ts'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { putInStage } from '../helpers/projects.ts'

interface ProjectJson {
  id: number
  version: number
  reference: string
  name: string
  programmeId: number
  programme: { id: number; reference: string; name: string }
  stage: string
  partners: Array<{ id: number; name: string }>
  slippage: { startDays: number | null; endDays: number | null }
  currentRating: { code: string; label: string; period: string } | null
}
interface ListJson {
  items: ProjectJson[]
  next: string | null
}
interface ErrorJson {
  error: string
  message: string
  fields: Record<string, string>
}

const NOW = currentPeriod()
const LAST_MONTH = previousPeriod(NOW)

describe(`projects (${dialectName()})`, () => {
  let t: TestApp
  let pmToken: string
  let programmeId: number

  async function addProgramme(reference: string, token = pmToken): Promise<number> {
    const res = await t.api(token, 'POST', '/api/v1/programmes', {
      reference,
      name: `Programme ${reference}`,
    })
    assert.equal(res.statusCode, 201, res.body)
    return res.json<{ id: number }>().id
  }

  async function addProject(body: Record<string, unknown>, token = pmToken): Promise<ProjectJson> {
    // A new project cannot be created in delivery (it has passed no gate): made approved, then put there.
    const delivery = body.stage === 'delivery'
    const res = await t.api(token, 'POST', '/api/v1/projects', {
      programmeId,
      ...body,
      ...(delivery ? { stage: 'approved' } : {}),
    })
    assert.equal(res.statusCode, 201, res.body)
    const made = res.json<ProjectJson>()
    if (!delivery) return made
    await putInStage(t, made.id, 'delivery')
    return { ...made, stage: 'delivery' }
  }

  /** Status reports are another area's records; the test writes them directly to set up ratings. */
  async function addReport(projectId: number, period: string, rating: string) {
    const at = new Date().toISOString()
    await t.database.db
      .insertInto('status_reports')
      .values({
        organisation_id: t.orgs.a.id,
        project_id: projectId,
        period,
        rating,
        narrative: '',
        achievements: '',
        next_steps: '',
        key_issues: '',
        reported_by_name: 'Test',
        reported_at: at,
        created_at: at,
        updated_at: at,
      })
      .execute()
  }

  before(async () => {
    t = await buildTestApp()
    pmToken = await t.tokenFor(t.orgs.a.users.programme_manager)
    programmeId = await addProgramme('ICT-2019')
  })
  after(() => t.close())

  it('a project manager adds a project through the form, from the programme, and sees it', async () => {
    const pm = await t.signIn(t.orgs.a.users.project_manager)
    const form = await pm.get(`/projects/new?programmeId=${programmeId}`)
    assert.equal(form.status, 200)
    const selected = form.document.querySelector('#programmeId option[selected]')
    assert.equal(selected?.getAttribute('value'), String(programmeId), 'programme preselected')
    assert.equal(form.document.querySelector('.govuk-error-summary'), null, 'no error summary on a new form')
    assert.doesNotMatch(form.document.title, /^Error:/)

    // A new project has passed no gate, so it cannot start in delivery: the gate's conditions are named.
    const refused = await pm.post('/projects', {
      reference: 'DIG-01',
      name: 'Website content and accessibility programme',
      programmeId: String(programmeId),
      stage: 'delivery',
    })
    assert.equal(refused.status, 409)
    const refusal = refused.document.querySelector('.govuk-error-summary')?.textContent ?? ''
    assert.match(refusal, /gate has not been approved: Delivery needs an approval decision/)
    assert.match(refused.document.title, /^Error:/)
    const api = await t.api(pmToken, 'POST', '/api/v1/projects', {
      reference: 'DIG-01',
      name: 'Website content and accessibility programme',
      programmeId,
      stage: 'closure',
    })
    assert.equal(api.statusCode, 409, api.body)
    assert.match(api.json<ErrorJson>().fields.stage!, /Delivery needs an approval decision/)
    assert.equal((await t.api(pmToken, 'GET', '/api/v1/projects?q=DIG-01')).json<ListJson>().items.length, 0)

    // The programme manager picks the partners to share with: one checkbox per partner organisation.
    const psps = await t.partner(t.orgs.a, 'PSPS')
    const withPartners = await pm.get('/projects/new')
    const box = withPartners.document.querySelector(`input[name="partnerIds"][value="${psps}"]`)
    assert.ok(box, 'a PSPS checkbox')
    assert.match(
      withPartners.text,
      /Partners the project is shared with .*Select none to keep it within the council. PSPS Dates/,
    )
    const saved = await pm.post('/projects', {
      reference: 'DIG-01',
      name: 'Website content and accessibility programme',
      programmeId: String(programmeId),
      description: 'Content owned by service managers, infrastructure by PSPS',
      projectManager: 'Communications Manager',
      sponsor: 'Head of ICT and Digital',
      stage: 'approved',
      partnerIds: String(psps),
      'baselineStart-day': '1',
      'baselineStart-month': '4',
      'baselineStart-year': '2019',
      'baselineEnd-day': '31',
      'baselineEnd-month': '3',
      'baselineEnd-year': '2021',
      'forecastEnd-day': '30',
      'forecastEnd-month': '4',
      'forecastEnd-year': '2021',
      'actualStart-day': '1',
      'actualStart-month': 'January',
      'actualStart-year': '2020',
    })
    assert.equal(saved.status, 303, saved.text)
    const page = await pm.get(saved.location!)
    assert.equal(page.status, 200)
    assert.match(page.text, /Project DIG-01 added/)
    assert.match(page.text, /Website content and accessibility programme/)
    assert.match(page.text, /Programme ICT-2019/)
    assert.match(page.text, /Communications Manager/)
    assert.match(page.text, /Stage Approved/)
    assert.match(page.text, /Shared with PSPS/)
    // Start: nine months late against the 1 April 2019 baseline; end: forecast 30 days after baseline.
    assert.match(page.text, /1 April 2019 Not set 1 January 2020 275 days late/)
    assert.match(page.text, /31 March 2021 30 April 2021 Not yet 30 days late/)
    assert.match(page.text, /Not rated/)
    assert.match(page.text, new RegExp(`No status report for ${formatPeriod(NOW)}`))
    assert.ok(page.document.querySelector(`a[href="${saved.location!}/edit"]`), 'Edit project link')
    assert.ok(page.document.querySelector(`a[href="/history/project/${saved.location!.split('/')[2]}"]`))
    assert.match(page.text, /Milestones/, "the milestones area's section is included")

    const list = await pm.get('/projects')
    assert.match(list.text, /DIG-01 Website content and accessibility programme Programme ICT-2019 Approved/)
  })

  it('shows the GOV.UK error summary for bad input and saves nothing', async () => {
    const pm = await t.signIn(t.orgs.a.users.project_manager)
    await pm.get('/projects/new')
    const page = await pm.post('/projects', {
      reference: '',
      name: '',
      programmeId: '',
      stage: 'delivery',
      'baselineStart-day': '1',
      'baselineStart-month': '4',
      'baselineStart-year': '2021',
      'baselineEnd-day': '1',
      'baselineEnd-month': '3',
      'baselineEnd-year': '2021',
      'actualEnd-day': '1',
      'actualEnd-month': '6',
      'actualEnd-year': '2021',
    })
    assert.equal(page.status, 400)
    assert.match(page.document.title, /^Error:/)
    const summary = page.document.querySelector('.govuk-error-summary')
    assert.ok(summary, 'error summary shown')
    const items = [...summary.querySelectorAll('a')].map((a) => a.textContent?.trim())
    assert.deepEqual(items, [
      'Enter a reference, for example DIG-01',
      'Enter the project name',
      'Select the programme the project belongs to',
      'Baseline end date must be the same as or after the baseline start date',
      'Enter the actual start date, as the project has an actual end date',
    ])

    const closed = await pm.post('/projects', {
      reference: 'CLOSED-1',
      name: 'Closed without an end',
      programmeId: String(programmeId),
      stage: 'closed',
    })
    assert.equal(closed.status, 400)
    assert.match(closed.text, /Enter the actual end date of a closed project/)
    const list = await t.api(pmToken, 'GET', '/api/v1/projects?q=closed')
    assert.equal(list.json<ListJson>().items.length, 0)
  })

  it('API: 400 with field errors for invalid projects and for a programme outside the organisation', async () => {
    const foreignProgramme = await addProgramme('BETA-1', await t.tokenFor(t.orgs.b.users.programme_manager))
    const bad = await t.api(pmToken, 'POST', '/api/v1/projects', {
      reference: 'API-BAD',
      name: 'Bad dates',
      programmeId,
      forecastStart: '2022-01-01',
      forecastEnd: '2021-01-01',
      stage: 'closed',
    })
    assert.equal(bad.statusCode, 400)
    const body = bad.json<ErrorJson>()
    assert.equal(body.error, 'Bad Request')
    assert.equal(
      body.fields.forecastEnd,
      'Forecast end date must be the same as or after the forecast start date',
    )
    assert.equal(body.fields.actualEnd, 'Enter the actual end date of a closed project')

    const missing = await t.api(pmToken, 'POST', '/api/v1/projects', { name: 'No reference', programmeId })
    assert.equal(missing.statusCode, 400)
    assert.ok(missing.json<ErrorJson>().fields.reference)

    const foreign = await t.api(pmToken, 'POST', '/api/v1/projects', {
      reference: 'API-FOREIGN',
      name: 'In another council',
      programmeId: foreignProgramme,
    })
    assert.equal(foreign.statusCode, 400)
    assert.equal(foreign.json<ErrorJson>().fields.programmeId, 'Select a programme from the list')

    await addProject({ reference: 'API-DUP', name: 'First' })
    const dup = await t.api(pmToken, 'POST', '/api/v1/projects', {
      reference: 'api-dup',
      name: 'Second',
      programmeId,
    })
    assert.equal(dup.statusCode, 400)
    assert.equal(dup.json<ErrorJson>().fields.reference, 'A project with this reference already exists')

    const viewer = await t.tokenFor(t.orgs.a.users.viewer)
    const refused = await t.api(viewer, 'POST', '/api/v1/projects', {
      reference: 'V-1',
      name: 'x',
      programmeId,
    })
    assert.equal(refused.statusCode, 403)
  })

  it('a stage change goes through PATCH; reopening a closed project is refused with 409 naming why', async () => {
    const p = await addProject({ reference: 'STAGE-1', name: 'Northgate system integration' })
    assert.equal(p.stage, 'idea')
    // Into "approved", not "delivery": delivery needs a passed gate (test/integration/gates.test.ts).
    const delivery = await t.api(pmToken, 'PATCH', `/api/v1/projects/${p.id}`, {
      version: 1,
      stage: 'approved',
    })
    assert.equal(delivery.statusCode, 200, delivery.body)
    assert.deepEqual((({ stage, version }) => ({ stage, version }))(delivery.json<ProjectJson>()), {
      stage: 'approved',
      version: 2,
    })
    // Closing passes delivery on the way, so its gate must be passed first: here by a recorded override.
    const gates = await t.api(pmToken, 'GET', `/api/v1/projects/${p.id}/gates`)
    const fbc = gates
      .json<{ items: { gateId: number; code: string }[] }>()
      .items.find((g) => g.code === 'FBC')!
    const override = await t.api(
      await t.tokenFor(t.orgs.a.users.portfolio_holder),
      'POST',
      `/api/v1/projects/${p.id}/gates`,
      {
        gateId: fbc.gateId,
        override: true,
        decision: {
          title: 'Close without delivery',
          decisionText: 'Close the project',
          decidedOn: '2021-03-31',
          decidedByName: 'Cllr Patel',
          capacity: 'portfolio_holder',
          reasons: 'Absorbed into business as usual',
        },
      },
    )
    assert.equal(override.statusCode, 201, override.body)
    const closing = await t.api(pmToken, 'PATCH', `/api/v1/projects/${p.id}`, {
      version: 2,
      stage: 'closed',
      actualStart: '2020-01-06',
      actualEnd: '2021-03-31',
    })
    assert.equal(closing.statusCode, 200, closing.body)

    const reopen = await t.api(pmToken, 'PATCH', `/api/v1/projects/${p.id}`, {
      version: 3,
      stage: 'delivery',
    })
    assert.equal(reopen.statusCode, 409)
    const body = reopen.json<ErrorJson>()
    assert.equal(body.fields.stage, 'A closed project cannot move back to Delivery')
    assert.match(body.message, /cannot move from Closed to Delivery/)
    const current = await t.api(pmToken, 'GET', `/api/v1/projects/${p.id}`)
    assert.equal(current.json<ProjectJson>().stage, 'closed')

    // The same rule through the edit form, shown against the stage.
    const pm = await t.signIn(t.orgs.a.users.project_manager)
    await pm.get(`/projects/${p.id}/edit`)
    const page = await pm.post(`/projects/${p.id}/edit`, {
      version: '3',
      reference: 'STAGE-1',
      name: 'Northgate system integration',
      programmeId: String(programmeId),
      stage: 'delivery',
      'actualStart-day': '6',
      'actualStart-month': '1',
      'actualStart-year': '2020',
    })
    assert.equal(page.status, 409)
    const summary = page.document.querySelector('.govuk-error-summary')
    assert.match(summary?.textContent ?? '', /A closed project cannot move back to Delivery/)
    assert.equal(
      (await t.api(pmToken, 'GET', `/api/v1/projects/${p.id}`)).json<ProjectJson>().stage,
      'closed',
    )
  })

  it('a stale version answers 409 through the API and shows both versions on the form', async () => {
    const p = await addProject({ reference: 'CONF-1', name: 'Original' })
    await t.api(pmToken, 'PATCH', `/api/v1/projects/${p.id}`, { version: 1, name: 'Their change' })
    const stale = await t.api(pmToken, 'PATCH', `/api/v1/projects/${p.id}`, {
      version: 1,
      name: 'Lost update',
    })
    assert.equal(stale.statusCode, 409)

    const pm = await t.signIn(t.orgs.a.users.project_manager)
    await pm.get(`/projects/${p.id}/edit`)
    const page = await pm.post(`/projects/${p.id}/edit`, {
      version: '1',
      reference: 'CONF-1',
      name: 'My change',
      programmeId: String(programmeId),
      stage: 'idea',
    })
    assert.equal(page.status, 409)
    assert.match(page.text, /changed by someone else/)
    assert.match(page.text, /My change/)
    assert.match(page.text, /Their change/)
    assert.equal(
      (await t.api(pmToken, 'GET', `/api/v1/projects/${p.id}`)).json<ProjectJson>().name,
      'Their change',
    )
    const history = await pm.get(`/history/project/${p.id}`)
    assert.equal(history.status, 200)
    assert.match(history.text, /Their change/)
    assert.match(history.text, /Original/)
  })

  it('API list: current rating, slippage, filters, sort and cursor', async () => {
    const listProgramme = await addProgramme('LIST-P')
    const make = (reference: string, extra: Record<string, unknown>) =>
      addProject({ reference, name: `Listed ${reference}`, programmeId: listProgramme, ...extra })
    // Late and red this month.
    const red = await make('L-RED', {
      stage: 'delivery',
      baselineStart: '2023-04-01',
      actualStart: '2023-04-11',
      baselineEnd: '2024-03-31',
      forecastEnd: '2024-04-30',
    })
    await addReport(red.id, LAST_MONTH, 'amber')
    await addReport(red.id, NOW, 'red')
    // Green, but last month's report is the latest: in delivery without a current report.
    const stale = await make('L-STALE', {
      stage: 'delivery',
      baselineEnd: '2024-03-31',
      forecastEnd: '2024-03-21',
    })
    await addReport(stale.id, LAST_MONTH, 'green')
    // Amber this month, on time, not in delivery: needs no attention.
    const fine = await make('L-FINE', {
      stage: 'approved',
      baselineEnd: '2025-03-31',
      forecastEnd: '2025-03-31',
    })
    await addReport(fine.id, NOW, 'amber')
    // Never reported, no dates.
    await make('L-NONE', { stage: 'idea' })

    const get = async (qs: string) => {
      const res = await t.api(pmToken, 'GET', `/api/v1/projects?programmeId=${listProgramme}&${qs}`)
      assert.equal(res.statusCode, 200, res.body)
      return res.json<ListJson>()
    }
    const refs = (l: ListJson) => l.items.map((p) => p.reference)

    const all = await get('')
    assert.deepEqual(refs(all), ['L-FINE', 'L-NONE', 'L-RED', 'L-STALE'])
    const redJson = all.items.find((p) => p.reference === 'L-RED')!
    assert.deepEqual(redJson.currentRating, { code: 'red', label: 'Red', period: NOW })
    assert.deepEqual(redJson.slippage, { startDays: 10, endDays: 30 })
    assert.deepEqual(redJson.programme, { id: listProgramme, reference: 'LIST-P', name: 'Programme LIST-P' })
    const staleJson = all.items.find((p) => p.reference === 'L-STALE')!
    assert.deepEqual(staleJson.currentRating, { code: 'green', label: 'Green', period: LAST_MONTH })
    assert.deepEqual(staleJson.slippage, { startDays: null, endDays: -10 })
    assert.equal(all.items.find((p) => p.reference === 'L-NONE')!.currentRating, null)

    assert.deepEqual(refs(await get('stage=delivery')), ['L-RED', 'L-STALE'])
    assert.deepEqual(refs(await get('rating=red')), ['L-RED'])
    assert.deepEqual(refs(await get('rating=none')), ['L-NONE'])
    assert.deepEqual(refs(await get('q=stale')), ['L-STALE'])
    assert.deepEqual(refs(await get('attention=true')), ['L-RED', 'L-STALE'])
    assert.deepEqual(refs(await get('sort=slippage&order=desc')), ['L-RED', 'L-FINE', 'L-STALE', 'L-NONE'])
    assert.deepEqual(refs(await get('sort=rating&order=desc')), ['L-RED', 'L-FINE', 'L-STALE', 'L-NONE'])
    assert.deepEqual(refs(await get('sort=rating')), ['L-STALE', 'L-FINE', 'L-RED', 'L-NONE'])
    assert.deepEqual(refs(await get('sort=stage&order=desc')), ['L-RED', 'L-STALE', 'L-FINE', 'L-NONE'])

    const page1 = await get('limit=3')
    assert.deepEqual(refs(page1), ['L-FINE', 'L-NONE', 'L-RED'])
    assert.ok(page1.next)
    const page2 = await get(`limit=3&cursor=${page1.next}`)
    assert.deepEqual(refs(page2), ['L-STALE'])
    assert.equal(page2.next, null)
    const badCursor = await t.api(pmToken, 'GET', '/api/v1/projects?cursor=nonsense')
    assert.equal(badCursor.statusCode, 400)

    // The page shows the same: rating tags, and rows without a current report say so.
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    const page = await viewer.get(`/projects?programmeId=${listProgramme}&attention=yes`)
    assert.equal(page.status, 200)
    const rows = [...page.document.querySelectorAll('tbody tr')].map((r) =>
      r.textContent.replace(/\s+/g, ' '),
    )
    assert.equal(rows.length, 2)
    assert.match(rows[0]!, /L-RED .* Red .* 30 April 2024 30 days late/)
    assert.doesNotMatch(rows[0]!, /No report for/)
    assert.match(
      rows[1]!,
      new RegExp(`L-STALE .* Green ${formatPeriod(LAST_MONTH)} report\\s*No report for ${formatPeriod(NOW)}`),
    )
    assert.ok(page.document.querySelector('input[name="attention"][checked]'), 'filter kept')

    // The programme page rolls the open projects up and shows who has not reported this month.
    const programmePage = await viewer.get(`/programmes/${listProgramme}`)
    assert.match(programmePage.text, /Latest rating of the 4 open projects\. Worst: Red/)
    assert.match(
      programmePage.text,
      new RegExp(`2 of 4 projects have no status report for ${formatPeriod(NOW)}`),
    )
    const rollUp = [...programmePage.document.querySelectorAll('table')][0]!.textContent.replace(/\s+/g, ' ')
    assert.match(rollUp, /Green 1 Amber\/Green 0 Amber 1 Amber\/Red 0 Red 1 Not rated 1/)
    assert.doesNotMatch(programmePage.text, /Add a project/, 'viewers cannot add projects')
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const asManager = await pm.get(`/programmes/${listProgramme}`)
    assert.ok(asManager.document.querySelector(`a[href="/projects/new?programmeId=${listProgramme}"]`))
  })

  it('a partner officer sees only projects shared with the partner', async () => {
    const shared = await addProject({
      reference: 'PSPS-1',
      name: 'Goss platform updates',
      partnerIds: [await t.partner(t.orgs.a)],
    })
    const internal = await addProject({ reference: 'INT-1', name: 'Business grants content' })
    const partner = await t.signIn(t.orgs.a.users.partner_officer)
    const list = await partner.get('/projects')
    assert.match(list.text, /Goss platform updates/)
    assert.doesNotMatch(list.text, /Business grants content/)
    assert.equal((await partner.get(`/projects/${shared.id}`)).status, 200)
    assert.equal((await partner.get(`/projects/${internal.id}`)).status, 404)
    assert.equal((await partner.get(`/history/project/${internal.id}`)).status, 404)

    const token = await t.tokenFor(t.orgs.a.users.partner_officer)
    const api = (await t.api(token, 'GET', '/api/v1/projects?limit=500')).json<ListJson>()
    assert.ok(api.items.length > 0)
    assert.ok(api.items.every((p) => p.partners.length === 1))
    assert.equal((await t.api(token, 'GET', `/api/v1/projects/${internal.id}`)).statusCode, 404)
    assert.equal((await t.api(token, 'GET', `/api/v1/projects/${shared.id}`)).statusCode, 200)
  })

  it("another organisation's project is not found through pages, history and API", async () => {
    const p = await addProject({ reference: 'SECRET-1', name: 'Alpha only' })
    const admin = await t.signIn(t.orgs.b.users.administrator)
    assert.equal((await admin.get(`/projects/${p.id}`)).status, 404)
    assert.equal((await admin.get(`/projects/${p.id}/edit`)).status, 404)
    assert.equal((await admin.get(`/history/project/${p.id}`)).status, 404)
    await admin.get('/projects')
    const edit = await admin.post(`/projects/${p.id}/edit`, {
      version: '1',
      reference: 'SECRET-1',
      name: 'Taken over',
      programmeId: String(programmeId),
      stage: 'idea',
    })
    assert.equal(edit.status, 404)
    assert.doesNotMatch((await admin.get('/projects')).text, /SECRET-1/)

    const foreign = await t.tokenFor(t.orgs.b.users.administrator)
    assert.equal((await t.api(foreign, 'GET', `/api/v1/projects/${p.id}`)).statusCode, 404)
    const patch = await t.api(foreign, 'PATCH', `/api/v1/projects/${p.id}`, { version: 1, name: 'x' })
    assert.equal(patch.statusCode, 404)
    assert.ok(!(await t.api(foreign, 'GET', '/api/v1/projects?limit=500')).body.includes('SECRET-1'))
    assert.equal(
      (await t.api(pmToken, 'GET', `/api/v1/projects/${p.id}`)).json<ProjectJson>().name,
      'Alpha only',
    )
  })

  it('the project page shows the latest 12 monthly reports, and all of them on request', async () => {
    const project = await addProject({ reference: 'HIST-1', name: 'Long history' })
    let period = NOW
    for (let i = 0; i < 14; i++) {
      await addReport(project.id, period, 'green')
      period = previousPeriod(period)
    }
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const page = await pm.get(`/projects/${project.id}`)
    const rows = () => page.document.querySelectorAll('#status-reports ~ .app-table-wrap tbody tr').length
    assert.equal(rows(), 12)
    assert.match(page.text, /Showing the latest 12 of 14 reports/)
    const all = await pm.get(`/projects/${project.id}?reports=all`)
    assert.equal(all.document.querySelectorAll('#status-reports ~ .app-table-wrap tbody tr').length, 14)
    assert.match(all.text, /Showing all 14 reports/)
  })
})
