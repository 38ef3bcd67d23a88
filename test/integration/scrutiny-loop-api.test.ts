import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

interface ActionJson {
  id: number
  version: number
  status: string
  evidenceText: string
  projectId: number | null
  projectName: string | null
}

// Issue 12: recommendation actions, the minute's points and resolutions and follow-ups in the API, with the
// rules their pages have.
describe(`recommendation actions in the API (${dialectName()})`, () => {
  let t: TestApp
  let admin: string
  let recommendation: number
  let project: number
  let foreignProject: number
  let item: number
  let committee: number

  const make = async (token: string, url: string, body: unknown) => {
    const res = await t.api(token, 'POST', url, body)
    assert.equal(res.statusCode, 201, `${url}: ${res.body}`)
    return res.json<{ id: number }>().id
  }

  before(async () => {
    t = await buildTestApp()
    admin = await t.tokenFor(t.orgs.a.users.administrator)
    const programme = await make(admin, '/api/v1/programmes', { reference: 'ICT', name: 'ICT' })
    project = await make(admin, '/api/v1/projects', {
      reference: 'ICT-01',
      name: 'Website',
      programmeId: programme,
    })
    const adminB = await t.tokenFor(t.orgs.b.users.administrator)
    const programmeB = await make(adminB, '/api/v1/programmes', { reference: 'B', name: 'B' })
    foreignProject = await make(adminB, '/api/v1/projects', {
      reference: 'B-1',
      name: 'B one',
      programmeId: programmeB,
    })
    committee = await make(admin, '/api/v1/committees', {
      name: 'Panel',
      code: 'PMP',
      kind: 'scrutiny_panel',
    })
    const meeting = await make(admin, '/api/v1/meetings', {
      committeeId: committee,
      meetingDate: '2021-03-18',
      place: 'Council chamber',
      status: 'held',
    })
    item = await make(admin, `/api/v1/meetings/${meeting}/items`, {
      number: '5',
      title: 'Digital strategy',
    })
    recommendation = await make(admin, '/api/v1/recommendations', {
      agendaItemId: item,
      reference: 'PMP/2021/01',
      kind: 'recommendation',
      text: 'Report issues to the panel promptly',
      addressedTo: 'portfolio_holder',
      addresseeUserId: t.orgs.a.users.portfolio_holder.id,
      leadOfficerUserId: t.orgs.a.users.programme_manager.id,
    })
  })
  after(() => t.close())

  it('lets the addressee add an action, anyone read it, and moves it on against its version', async () => {
    const holder = await t.tokenFor(t.orgs.a.users.portfolio_holder)
    const created = await t.api(holder, 'POST', `/api/v1/recommendations/${recommendation}/actions`, {
      text: 'Exception reports to the panel chair within 10 working days',
      ownerUserId: t.orgs.a.users.programme_manager.id,
      dueOn: '2021-09-30',
      projectId: project,
    })
    assert.equal(created.statusCode, 201, created.body)
    const action = created.json<ActionJson>()
    assert.equal(action.projectName, 'Website')
    const viewer = await t.tokenFor(t.orgs.a.users.viewer)
    const list = await t.api(viewer, 'GET', `/api/v1/recommendations/${recommendation}/actions?limit=1`)
    assert.equal(list.statusCode, 200)
    assert.deepEqual(
      list.json<{ items: ActionJson[] }>().items.map((a) => a.id),
      [action.id],
    )
    const pm = await t.tokenFor(t.orgs.a.users.programme_manager)
    const moved = await t.api(pm, 'PATCH', `/api/v1/recommendation-actions/${action.id}`, {
      version: action.version,
      status: 'done',
      evidenceText: 'Procedure adopted by the programme board',
    })
    assert.equal(moved.statusCode, 200, moved.body)
    assert.equal(moved.json<ActionJson>().status, 'done')
    const stale = await t.api(holder, 'PATCH', `/api/v1/recommendation-actions/${action.id}`, {
      version: action.version,
      status: 'in_progress',
    })
    assert.equal(stale.statusCode, 409)
    const read = await t.api(viewer, 'GET', `/api/v1/recommendation-actions/${action.id}`)
    assert.deepEqual(
      [read.json<ActionJson>().status, read.json<ActionJson>().evidenceText],
      ['done', 'Procedure adopted by the programme board'],
    )
  })

  it('refuses bad input, another organisation’s project and someone not the addressee', async () => {
    const holder = await t.tokenFor(t.orgs.a.users.portfolio_holder)
    const url = `/api/v1/recommendations/${recommendation}/actions`
    const bad = await t.api(holder, 'POST', url, {
      text: '',
      ownerUserId: t.orgs.b.users.administrator.id,
      projectId: foreignProject,
    })
    assert.equal(bad.statusCode, 400, bad.body)
    const fields = bad.json<{ fields: Record<string, string> }>().fields
    assert.ok(fields.text && fields.ownerUserId && fields.projectId, JSON.stringify(fields))
    const unknownStatus = await t.api(holder, 'POST', url, {
      text: 'x',
      ownerUserId: t.orgs.a.users.programme_manager.id,
      status: 'finished',
    })
    assert.equal(unknownStatus.statusCode, 400)
    const service = await t.tokenFor(t.orgs.a.users.service_manager)
    const refused = await t.api(service, 'POST', url, {
      text: 'x',
      ownerUserId: t.orgs.a.users.programme_manager.id,
    })
    assert.equal(refused.statusCode, 403)
    const scrutiny = await t.tokenFor(t.orgs.a.users.scrutiny_member)
    assert.equal((await t.api(scrutiny, 'POST', url, { text: 'x', ownerUserId: 1 })).statusCode, 403)
    const foreign = await t.tokenFor(t.orgs.b.users.administrator)
    assert.equal((await t.api(foreign, 'GET', url)).statusCode, 404)
    assert.equal(
      (await t.api(foreign, 'POST', url, { text: 'x', ownerUserId: t.orgs.b.users.administrator.id }))
        .statusCode,
      404,
    )
  })

  it("records an item's points, threaded, and its resolutions, and reads them back in order", async () => {
    const scrutiny = await t.tokenFor(t.orgs.a.users.scrutiny_member)
    const question = await t.api(scrutiny, 'POST', `/api/v1/agenda-items/${item}/points`, {
      kind: 'question',
      speakerName: 'Cllr Patel',
      text: 'Why was no monitoring process in place?',
    })
    assert.equal(question.statusCode, 201, question.body)
    const answer = await t.api(scrutiny, 'POST', `/api/v1/agenda-items/${item}/points`, {
      kind: 'response',
      parentId: question.json<{ id: number }>().id,
      text: 'The programme board did not meet during the pandemic',
    })
    assert.equal(answer.statusCode, 201, answer.body)
    const agreed = await t.api(scrutiny, 'POST', `/api/v1/agenda-items/${item}/resolutions`, {
      text: 'AGREED: that the panel receives exception reports promptly',
    })
    assert.equal(agreed.statusCode, 201, agreed.body)
    assert.equal(agreed.json<{ text: string }>().text, 'that the panel receives exception reports promptly')
    const viewer = await t.tokenFor(t.orgs.a.users.viewer)
    const points = await t.api(viewer, 'GET', `/api/v1/agenda-items/${item}/points`)
    assert.deepEqual(
      points.json<{ items: Array<{ kind: string; parentId: number | null }> }>().items.map((p) => p.kind),
      ['question', 'response'],
    )
    const resolutions = await t.api(viewer, 'GET', `/api/v1/agenda-items/${item}/resolutions`)
    assert.equal(resolutions.json<{ items: unknown[] }>().items.length, 1)
    // Bad input and the roles and organisations the page refuses.
    const empty = await t.api(scrutiny, 'POST', `/api/v1/agenda-items/${item}/resolutions`, {
      text: 'AGREED: ',
    })
    assert.equal(empty.statusCode, 400)
    const orphan = await t.api(scrutiny, 'POST', `/api/v1/agenda-items/${item}/points`, {
      kind: 'response',
      parentId: 999999,
      text: 'x',
    })
    assert.equal(orphan.statusCode, 400)
    assert.equal(
      (await t.api(viewer, 'POST', `/api/v1/agenda-items/${item}/resolutions`, { text: 'x' })).statusCode,
      403,
    )
    const foreign = await t.tokenFor(t.orgs.b.users.administrator)
    assert.equal((await t.api(foreign, 'GET', `/api/v1/agenda-items/${item}/points`)).statusCode, 404)
    assert.equal(
      (await t.api(foreign, 'POST', `/api/v1/agenda-items/${item}/resolutions`, { text: 'x' })).statusCode,
      404,
    )
  })

  it('records the later meeting that followed a recommendation up, never an earlier one', async () => {
    const later = await make(admin, '/api/v1/meetings', {
      committeeId: committee,
      meetingDate: '2021-07-08',
      place: 'Council chamber',
      status: 'held',
    })
    const laterItem = await make(admin, `/api/v1/meetings/${later}/items`, {
      number: '4',
      title: 'Follow-up',
    })
    const url = `/api/v1/recommendations/${recommendation}/follow-up`
    const earlier = await t.api(admin, 'POST', url, { agendaItemId: item })
    assert.equal(earlier.statusCode, 400)
    assert.match(earlier.body, /after the one that made it/)
    const linked = await t.api(admin, 'POST', url, { agendaItemId: laterItem })
    assert.equal(linked.statusCode, 200, linked.body)
    assert.equal(linked.json<{ followUpItemId: number }>().followUpItemId, laterItem)
    const pm = await t.tokenFor(t.orgs.a.users.programme_manager)
    assert.equal((await t.api(pm, 'POST', url, { agendaItemId: laterItem })).statusCode, 403)
  })

  it('is in the OpenAPI document', async () => {
    const doc = t.app.swagger() as { paths: Record<string, Record<string, unknown>> }
    assert.ok(doc.paths['/api/v1/recommendations/{id}/actions']?.post)
    assert.ok(doc.paths['/api/v1/recommendation-actions/{id}']?.patch)
    assert.ok(doc.paths['/api/v1/agenda-items/{id}/points']?.post)
    assert.ok(doc.paths['/api/v1/agenda-items/{id}/resolutions']?.get)
    assert.ok(doc.paths['/api/v1/recommendations/{id}/follow-up']?.post)
  })
})
