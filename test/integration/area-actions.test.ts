import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type Agent, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

interface ReportJson {
  id: number
  areas: Array<{ id: number; text: string }>
}

// Issue 12, "The scrutiny loop, complete": an area for consideration in a panel report is a tracked action,
// with an owner, a due date, a status and dated progress notes, moved on by its owner or the programme
// office, and listed on the owner's own page and on the report.
describe(`areas for consideration as tracked actions (${dialectName()})`, () => {
  let t: TestApp
  let reportId: number
  let areaId: number
  let otherAreaId: number
  let url: string
  let holder: Agent

  const form = (over: Record<string, string> = {}) => ({
    ownerUserId: String(t.orgs.a.users.portfolio_holder.id),
    'dueOn-day': '30',
    'dueOn-month': '9',
    'dueOn-year': '2021',
    status: 'in_progress',
    note: '',
    'notedOn-day': '',
    'notedOn-month': '',
    'notedOn-year': '',
    ...over,
  })
  const versionOf = async (agent: Agent) =>
    (await agent.get(url)).document.querySelector('input[name="version"]')?.getAttribute('value') ?? ''

  before(async () => {
    t = await buildTestApp()
    const admin = await t.tokenFor(t.orgs.a.users.administrator)
    const programme = await t.api(admin, 'POST', '/api/v1/programmes', { reference: 'ICT', name: 'ICT' })
    const res = await t.api(admin, 'POST', '/api/v1/reports', {
      programmeId: programme.json<{ id: number }>().id,
      period: '2021-04..2021-06',
      title: 'ICT programme progress',
      areas: [
        {
          text: 'Review outstanding work from the original strategy',
          ownerUserId: t.orgs.a.users.portfolio_holder.id,
        },
        { text: 'Publish the digital ambitions', ownerUserId: t.orgs.a.users.programme_manager.id },
      ],
    })
    assert.equal(res.statusCode, 201, res.body)
    const report = res.json<ReportJson>()
    reportId = report.id
    areaId = report.areas[0]!.id
    otherAreaId = report.areas[1]!.id
    url = `/reports/${reportId}/areas/${areaId}`
    holder = await t.signIn(t.orgs.a.users.portfolio_holder)
  })
  after(() => t.close())

  it('lets its owner set the due date and status and add a dated progress note, in one change', async () => {
    const page = await holder.get(url)
    assert.equal(page.status, 200)
    assert.match(page.text, /Review outstanding work from the original strategy/)
    assert.match(page.text, /No progress recorded yet/)
    const version = await versionOf(holder)
    const saved = await holder.post(
      url,
      form({
        version,
        note: 'Met the service leads',
        'notedOn-day': '1',
        'notedOn-month': '7',
        'notedOn-year': '2021',
      }),
    )
    assert.equal(saved.status, 303, saved.text)
    const after = await holder.get(url)
    assert.match(after.text, /1 July 2021, .*Met the service leads/)
    assert.match(after.text, /Due 30 September 2021/)
    // Due in September 2021 and still in progress: overdue.
    assert.match(after.text, /Status Overdue/)
    // The report's JSON carries where each area's action stands.
    const token = await t.tokenFor(t.orgs.a.users.viewer)
    const json = await t.api(token, 'GET', `/api/v1/reports/${reportId}`)
    const area = json.json<{ areas: Array<{ id: number; dueOn: string; status: string }> }>().areas[0]!
    assert.deepEqual([area.dueOn, area.status], ['2021-09-30', 'in_progress'])
    const history = await holder.get(`/history/report_area/${areaId}`)
    assert.equal(history.status, 200)
    assert.match(history.text, /Met the service leads/)
    assert.match(history.text, /Noted by Alpha District Council portfolio holder/)
  })

  it("lists the action on its owner's own page and on the report", async () => {
    const mine = await holder.get('/account/actions')
    assert.equal(mine.status, 200)
    assert.ok(mine.document.querySelector(`a[href="${url}"]`), 'the action is linked')
    assert.match(mine.text, /Review outstanding work .* ICT programme progress 30 September 2021 Overdue/)
    assert.doesNotMatch(mine.text, /Publish the digital ambitions/, "another person's action is not theirs")
    assert.ok((await holder.get('/account')).document.querySelector('a[href="/account/actions"]'))
    const report = await holder.get(`/reports/${reportId}`)
    assert.ok(report.document.querySelector(`a[href="${url}"]`))
  })

  it('shows the report its actions, with where each stands, once it is submitted', async () => {
    const admin = await t.tokenFor(t.orgs.a.users.administrator)
    const current = await t.api(admin, 'GET', `/api/v1/reports/${reportId}`)
    const version = current.json<{ version: number }>().version
    const submitted = await t.api(admin, 'POST', `/api/v1/reports/${reportId}/submit`, { version })
    assert.equal(submitted.statusCode, 200, submitted.body)
    const page = await holder.get(`/reports/${reportId}`)
    assert.match(page.text, /Actions from the areas for consideration/)
    assert.match(page.text, /Publish the digital ambitions.*No due date\s*Open/)
    // The frozen report's actions still move on: the paper is frozen, the action is not.
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const other = `/reports/${reportId}/areas/${otherAreaId}`
    const v =
      (await pm.get(other)).document.querySelector('input[name="version"]')?.getAttribute('value') ?? ''
    const done = await pm.post(other, {
      ...form({ version: v, status: 'done', note: 'Ambitions published on the website' }),
      ownerUserId: String(t.orgs.a.users.programme_manager.id),
    })
    assert.equal(done.status, 303, done.text)
    assert.match(
      (await pm.get(`/reports/${reportId}`)).text,
      /Publish the digital ambitions.*30 September 2021\s*Done/,
    )
  })

  it('refuses bad input with the error summary and writes nothing', async () => {
    const version = await versionOf(holder)
    const bad = await holder.post(
      url,
      form({
        version,
        ownerUserId: String(t.orgs.b.users.administrator.id),
        status: 'finished',
        'dueOn-day': '31',
        'dueOn-month': '2',
        note: '',
        'notedOn-day': '1',
        'notedOn-month': '1',
        'notedOn-year': '2099',
      }),
    )
    assert.equal(bad.status, 400)
    const summary = bad.document.querySelector('.govuk-error-summary')?.textContent ?? ''
    assert.match(summary, /Due date must be a real date/)
    // The dates' own errors are found first; the rest once they read.
    const again = await holder.post(
      url,
      form({
        version,
        ownerUserId: '',
        status: 'finished',
        'notedOn-day': '1',
        'notedOn-month': '1',
        'notedOn-year': '2099',
      }),
    )
    assert.equal(again.status, 400)
    const text = again.document.querySelector('.govuk-error-summary')?.textContent ?? ''
    for (const message of [
      /Select who will take this forward/,
      /Select where the action stands/,
      /Date of the progress must be today or in the past/,
    ])
      assert.match(text, message)
    assert.equal(await versionOf(holder), version, 'nothing was saved')
  })

  it('answers a stale change with the conflict page, never overwriting', async () => {
    const stale = await versionOf(holder)
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    assert.equal((await pm.post(url, form({ version: stale, status: 'open' }))).status, 303)
    const conflict = await holder.post(
      url,
      form({ version: stale, status: 'dropped', note: 'No longer needed' }),
    )
    assert.equal(conflict.status, 409)
    assert.match(conflict.text, /changed by someone else/)
    const page = await holder.get(url)
    assert.doesNotMatch(page.text, /No longer needed/)
    assert.match(page.text, /Status Overdue/)
  })

  it('lets only the owner and the programme office move it on; others read it, partners and other organisations see nothing', async () => {
    const scrutiny = await t.signIn(t.orgs.a.users.scrutiny_member)
    const read = await scrutiny.get(url)
    assert.equal(read.status, 200)
    assert.equal(read.document.querySelector(`form[action="${url}"]`), null, 'no form for a reader')
    const version = await versionOf(holder)
    assert.equal((await scrutiny.post(url, form({ version }))).status, 403)
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    assert.equal((await viewer.post(url, form({ version }))).status, 403)
    const partner = await t.signIn(t.orgs.a.users.partner_officer)
    assert.equal((await partner.get(url)).status, 404)
    assert.equal((await partner.post(url, form({ version }))).status, 403)
    assert.doesNotMatch((await partner.get('/account/actions')).text, /Review outstanding/)
    const foreign = await t.signIn(t.orgs.b.users.administrator)
    assert.equal((await foreign.get(url)).status, 404)
    assert.equal((await foreign.post(url, form({ version }))).status, 404)
    assert.equal((await foreign.get(`/history/report_area/${areaId}`)).status, 404)
    // An area of another report is not found under this one.
    assert.equal((await holder.get(`/reports/${reportId + 1000}/areas/${areaId}`)).status, 404)
    assert.equal(await versionOf(holder), version)
  })
})
