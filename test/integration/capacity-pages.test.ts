import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type Agent, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

interface Json {
  id: number
  version: number
  [k: string]: unknown
}

describe(`the capacity and project roles pages (${dialectName()})`, () => {
  let t: TestApp
  let admin: string
  let web: Agent
  let project: Json
  let person: Json

  before(async () => {
    t = await buildTestApp()
    admin = await t.tokenFor(t.orgs.a.users.administrator)
    const programme = (
      await t.api(admin, 'POST', '/api/v1/programmes', { reference: 'NG', name: 'Next generation' })
    ).json<Json>()
    project = (
      await t.api(admin, 'POST', '/api/v1/projects', {
        reference: 'NG-01',
        name: 'Website',
        programmeId: programme.id,
        forecastStart: '2019-06-01',
      })
    ).json<Json>()
    person = (
      await t.api(admin, 'POST', '/api/v1/people', {
        name: 'Ana Part-time',
        kind: 'employee',
        team: 'Digital',
      })
    ).json<Json>()
    const post = (
      await t.api(admin, 'POST', '/api/v1/posts', { title: 'Developer', fte: 1, status: 'filled' })
    ).json<Json>()
    await t.api(admin, 'POST', '/api/v1/post-holders', {
      postId: post.id,
      personId: person.id,
      startsOn: '2019-01-01',
      fte: 0.6,
    })
    web = await t.signIn(t.orgs.a.users.programme_manager)
  })
  after(() => t.close())

  it('adds a role and allocates someone beyond their capacity, which is flagged; bad input is an error summary', async () => {
    const bad = await web.post(`/projects/${project.id}/roles`, {
      'role-title': '',
      'role-from': '2019-06',
      'role-to': '2019-05',
      'role-fte': 'lots',
    })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /There is a problem/)
    assert.match(bad.text, /Enter the role’s title/)
    assert.match(bad.text, /Enter the FTE each month as a number/)

    const added = await web.post(`/projects/${project.id}/roles`, {
      'role-title': 'Web developer',
      'role-team': 'Digital',
      'role-from': '2019-06',
      'role-to': '2019-08',
      'role-fte': '1.5',
    })
    assert.equal(added.status, 303, added.text)
    const roles = (await t.api(admin, 'GET', `/api/v1/project-roles?projectId=${project.id}`)).json<{
      items: Json[]
    }>().items
    const tooMuch = await web.post(`/projects/${project.id}/allocations`, {
      'allocation-roleId': String(roles[0]!.id),
      'allocation-who': `person-${person.id}`,
      'allocation-from': '2019-06',
      'allocation-to': '2019-06',
      'allocation-fte': '1.2',
    })
    assert.equal(tooMuch.status, 400)
    assert.match(tooMuch.text, /FTE in June 2019 must be 1 or less/)
    const beyond = {
      'allocation-roleId': String(roles[0]!.id),
      'allocation-who': `person-${person.id}`,
      'allocation-from': '2019-06',
      'allocation-to': '2019-07',
      'allocation-fte': '0.8',
    }
    // Beyond their capacity is allowed once the one allocating has seen the warning and confirmed.
    const warned = await web.post(`/projects/${project.id}/allocations`, beyond)
    assert.equal(warned.status, 400)
    assert.match(warned.text, /Ana Part-time would be over their capacity in June 2019 \(0\.80 FTE of 0\.60/)
    const allocated = await web.post(`/projects/${project.id}/allocations`, {
      ...beyond,
      'allocation-confirm': 'yes',
    })
    assert.equal(allocated.status, 303, allocated.text)
    const page = await web.get(`/projects/${project.id}/roles`)
    assert.equal(page.status, 200)
    assert.match(
      page.text,
      /Ana Part-time: June 2019 0\.80; July 2019 0\.80 Over capacity in June 2019, July 2019/,
    )
  })

  it('the capacity page filters with a GET form, draws the heat map with its table, and exports', async () => {
    const page = await web.get('/capacity?from=2019-06&to=2019-08&by=team')
    assert.equal(page.status, 200)
    const svg = page.document.querySelector('svg[role="img"]')
    assert.ok(svg, 'heat map')
    assert.equal(svg.querySelector('title')?.textContent, 'Unfilled demand by month')
    assert.match(page.text, /Available \(FTE\) Ana Part-time June 2019 0\.80 0\.60/)
    assert.match(page.text, /Digital August 2019 1\.50 0\.00 0\.00 0\.60 1\.50/)
    const bad = await web.get('/capacity?from=June&to=2019-08')
    assert.equal(bad.status, 400)
    assert.match(bad.text, /From must be a month like 2019-06/)
    const csv = await web.get('/capacity/export.csv?from=2019-06&to=2019-06&by=team')
    assert.equal(csv.status, 200)
    assert.match(csv.body, /Team,Month,Demand \(FTE\)/)
    assert.match(csv.body, /Digital,2019-06,1\.5,0\.8,0,0\.6,0\.7/)
    const xlsx = await web.get('/capacity/allocations.xlsx')
    assert.equal(xlsx.status, 200)
    assert.equal(xlsx.body.slice(0, 2), 'PK')
  })

  it('seeding without a business case says so; a reader cannot post; another organisation gets 404', async () => {
    const seed = await web.post(`/projects/${project.id}/roles/seed`, {})
    assert.equal(seed.status, 400)
    assert.match(seed.text, /no resource lines to seed from/)
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    const read = await viewer.get(`/projects/${project.id}/roles`)
    assert.equal(read.status, 200)
    assert.doesNotMatch(read.text, /Add a role/)
    const post = await viewer.post(`/projects/${project.id}/roles`, { 'role-title': 'X' })
    assert.equal(post.status, 403)
    const other = await t.signIn(t.orgs.b.users.administrator)
    assert.equal((await other.get(`/projects/${project.id}/roles`)).status, 404)
  })

  it('filters by a team from the organisation’s one team list; a vacant post’s allocation shows as planned', async () => {
    const vacant = (
      await t.api(admin, 'POST', '/api/v1/posts', {
        title: 'Revenues analyst',
        team: 'Revenues',
        fte: 1,
        status: 'vacant',
      })
    ).json<Json>()
    const roles = (await t.api(admin, 'GET', `/api/v1/project-roles?projectId=${project.id}`)).json<{
      items: Json[]
    }>().items
    const planned = await t.api(admin, 'POST', '/api/v1/allocations', {
      roleId: roles[0]!.id,
      postId: vacant.id,
      months: [{ period: '2019-08', fte: 0.5 }],
    })
    assert.equal(planned.statusCode, 201, planned.body)

    const page = await web.get('/capacity?from=2019-06&to=2019-08&team=Digital')
    assert.equal(page.status, 200)
    const team = page.document.querySelector('select#team')
    assert.ok(team, 'the team filter is a list')
    assert.deepEqual(
      [...team.querySelectorAll('option')].map((o) => o.textContent),
      ['All teams', 'Digital', 'Revenues'],
    )
    assert.equal(team.querySelector('option[selected]')?.textContent, 'Digital')

    const rolesPage = await web.get(`/projects/${project.id}/roles`)
    assert.match(rolesPage.text, /Planned for vacant posts Unfilled/)
    assert.match(rolesPage.text, /August 2019 1\.50 0\.00 0\.50 1\.50/, 'planned, yet still unfilled')
    assert.match(rolesPage.text, /Vacant post: Revenues analyst: August 2019 0\.50/)
  })
})
