import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type Agent, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

interface Json {
  id: number
  version: number
  [k: string]: unknown
}

// Issue 10: "a role still unfilled at the forecast start moves the forecast (the user confirms) and so raises
// the tolerance exception that exists today".
describe(`moving the forecast start to when its roles are filled (${dialectName()})`, () => {
  let t: TestApp
  let admin: string
  let web: Agent
  let project: Json

  before(async () => {
    t = await buildTestApp()
    admin = await t.tokenFor(t.orgs.a.users.administrator)
    const programme = (
      await t.api(admin, 'POST', '/api/v1/programmes', { reference: 'FS', name: 'Forecasts' })
    ).json<Json>()
    await t.api(admin, 'PUT', `/api/v1/programmes/${programme.id}/tolerances`, { timeDays: 30 })
    project = (
      await t.api(admin, 'POST', '/api/v1/projects', {
        reference: 'FS-01',
        name: 'Website',
        programmeId: programme.id,
        projectManager: t.orgs.a.users.project_manager.name,
        baselineStart: '2019-06-01',
        baselineEnd: '2020-03-31',
        forecastStart: '2019-06-01',
        forecastEnd: '2020-03-31',
      })
    ).json<Json>()
    const role = (
      await t.api(admin, 'POST', '/api/v1/project-roles', {
        projectId: project.id,
        title: 'Web developer',
        months: ['2019-06', '2019-07', '2019-08', '2019-09', '2019-10'].map((period) => ({ period, fte: 1 })),
      })
    ).json<Json>()
    const person = (
      await t.api(admin, 'POST', '/api/v1/people', { name: 'Dev Later', kind: 'contractor' })
    ).json<Json>()
    const alloc = await t.api(admin, 'POST', '/api/v1/allocations', {
      roleId: role.id,
      personId: person.id,
      months: ['2019-09', '2019-10'].map((period) => ({ period, fte: 1 })),
    })
    assert.equal(alloc.statusCode, 201, alloc.body)
    web = await t.signIn(t.orgs.a.users.programme_manager)
  })
  after(() => t.close())

  it('the project, roles and capacity pages offer to move the forecast start', async () => {
    for (const path of [`/projects/${project.id}`, `/projects/${project.id}/roles`]) {
      const page = await web.get(path)
      assert.match(page.text, /Not filled at the forecast start \(1 June 2019\): Web developer\./, path)
      assert.ok(page.document.querySelector(`a[href="/projects/${project.id}/forecast-start"]`), path)
    }
    const capacity = await web.get('/capacity?from=2019-06&to=2019-12')
    assert.match(capacity.text, /Move FS-01’s forecast start/)
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    const read = await viewer.get(`/projects/${project.id}`)
    assert.match(read.text, /Not filled at the forecast start/)
    assert.equal(read.document.querySelector(`a[href="/projects/${project.id}/forecast-start"]`), null)
    assert.equal((await viewer.get(`/projects/${project.id}/forecast-start`)).status, 403)
    const other = await t.signIn(t.orgs.b.users.administrator)
    assert.equal((await other.get(`/projects/${project.id}/forecast-start`)).status, 404)
  })

  it('proposes the first month the role is filled; the confirmed move raises the time tolerance exception', async () => {
    const page = await web.get(`/projects/${project.id}/forecast-start`)
    assert.equal(page.status, 200)
    assert.match(page.text, /Web developer: filled from September 2019/)
    const input = (name: string) =>
      page.document.querySelector(`input[name="${name}"]`)?.getAttribute('value')
    assert.deepEqual(
      ['day', 'month', 'year'].map((p) => input(`forecastStart-${p}`)),
      ['1', '9', '2019'],
    )
    const body = {
      version: input('version')!,
      'forecastStart-day': '1',
      'forecastStart-month': '9',
      'forecastStart-year': '2019',
      moveEnd: 'yes',
    }
    const earlier = await web.post(`/projects/${project.id}/forecast-start`, {
      ...body,
      'forecastStart-month': '5',
    })
    assert.equal(earlier.status, 400)
    assert.match(earlier.text, /The new forecast start must be after 1 June 2019/)

    const moved = await web.post(`/projects/${project.id}/forecast-start`, body)
    assert.equal(moved.status, 303, moved.text)
    const shown = await web.get(moved.location!)
    assert.match(
      shown.text,
      /Forecast start moved to 1 September 2019, forecast end 1 July 2020\. This is beyond the project’s tolerance: an exception was raised/,
    )
    const now = (await t.api(admin, 'GET', `/api/v1/projects/${project.id}`)).json<Json>()
    assert.equal(now.forecastStart, '2019-09-01')
    assert.equal(now.forecastEnd, '2020-07-01')
    const exceptions = await t.api(admin, 'GET', `/api/v1/exceptions?projectId=${project.id}`)
    assert.deepEqual(
      exceptions.json<{ items: { kind: string; status: string }[] }>().items.map((e) => [e.kind, e.status]),
      [['time', 'raised']],
    )
    assert.doesNotMatch(shown.text, /Not filled at the forecast start/, 'filled at the new start')

    const stale = await web.post(`/projects/${project.id}/forecast-start`, {
      ...body,
      'forecastStart-month': '10',
    })
    assert.equal(stale.status, 409)
    assert.match(stale.text, /FS-01 was changed after you opened this page/)
  })
})
