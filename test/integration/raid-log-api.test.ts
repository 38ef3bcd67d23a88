import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

interface Entry {
  id: number
  version: number
  projectId: number
  description: string
  status: string
  owner?: string
  dependsOnProjectId?: number | null
  partnerName?: string
  neededBy?: string | null
}
interface ErrorJson {
  message: string
  fields: Record<string, string>
}

describe(`assumptions and dependencies through the API (${dialectName()})`, () => {
  let t: TestApp
  let pm: string
  let shared: number
  let internal: number

  before(async () => {
    t = await buildTestApp()
    pm = await t.tokenFor(t.orgs.a.users.project_manager)
    const admin = await t.tokenFor(t.orgs.a.users.administrator)
    const programme = await t.api(admin, 'POST', '/api/v1/programmes', { reference: 'ICT', name: 'ICT' })
    const programmeId = programme.json<{ id: number }>().id
    const project = async (reference: string, sharedWithPartner: boolean) =>
      (
        await t.api(admin, 'POST', '/api/v1/projects', {
          programmeId,
          reference,
          name: reference,
          partnerIds: sharedWithPartner ? [await t.partner(t.orgs.a)] : [],
        })
      ).json<{ id: number }>().id
    shared = await project('ICT-05', true)
    internal = await project('ICT-01', false)
  })
  after(() => t.close())

  it('adds, lists, reads and updates assumptions, with versions and field errors', async () => {
    const created = await t.api(pm, 'POST', '/api/v1/assumptions', {
      projectId: internal,
      description: 'Service areas are responsible for web content',
      owner: 'Service manager',
    })
    assert.equal(created.statusCode, 201, created.body)
    const a = created.json<Entry>()
    assert.equal(a.status, 'open')
    assert.equal(created.headers.location, `/api/v1/assumptions/${a.id}`)

    const list = await t.api(pm, 'GET', `/api/v1/assumptions?projectId=${internal}`)
    assert.deepEqual(
      list.json<{ items: Entry[] }>().items.map((x) => x.description),
      ['Service areas are responsible for web content'],
    )
    assert.equal(
      (await t.api(pm, 'GET', `/api/v1/assumptions?projectId=${shared}`)).json<{ items: Entry[] }>().items
        .length,
      0,
    )

    const confirmed = await t.api(pm, 'PATCH', `/api/v1/assumptions/${a.id}`, {
      version: a.version,
      status: 'confirmed',
    })
    assert.equal(confirmed.statusCode, 200, confirmed.body)
    assert.equal(confirmed.json<Entry>().status, 'confirmed')
    assert.equal(confirmed.json<Entry>().version, a.version + 1)
    const stale = await t.api(pm, 'PATCH', `/api/v1/assumptions/${a.id}`, { version: a.version, owner: 'Me' })
    assert.equal(stale.statusCode, 409)
    const blank = await t.api(pm, 'PATCH', `/api/v1/assumptions/${a.id}`, {
      version: a.version + 1,
      description: '   ',
    })
    assert.equal(blank.statusCode, 400)
    assert.equal(blank.json<ErrorJson>().fields.description, 'Enter the assumption')
    const read = await t.api(pm, 'GET', `/api/v1/assumptions/${a.id}`)
    assert.equal(read.json<Entry>().description, 'Service areas are responsible for web content')
  })

  it('adds and updates dependencies on a project or a partner, refusing one on itself', async () => {
    const onPartner = await t.api(pm, 'POST', '/api/v1/dependencies', {
      projectId: shared,
      description: 'Hosting migration and a Northgate test environment',
      partnerName: 'PSPS (shared-service partner)',
      neededBy: '2021-09-30',
    })
    assert.equal(onPartner.statusCode, 201, onPartner.body)
    const neither = await t.api(pm, 'POST', '/api/v1/dependencies', {
      projectId: shared,
      description: 'Something',
    })
    assert.equal(neither.statusCode, 400)
    assert.match(
      neither.json<ErrorJson>().fields.dependsOnProjectId ?? '',
      /Select the project, or enter the partner/,
    )
    const self = await t.api(pm, 'POST', '/api/v1/dependencies', {
      projectId: shared,
      description: 'Itself',
      dependsOnProjectId: shared,
    })
    assert.equal(self.statusCode, 400)
    assert.equal(self.json<ErrorJson>().fields.dependsOnProjectId, 'A project cannot depend on itself')

    const onProject = await t.api(pm, 'POST', '/api/v1/dependencies', {
      projectId: internal,
      description: 'Forms are published on the new website platform',
      dependsOnProjectId: shared,
    })
    assert.equal(onProject.statusCode, 201, onProject.body)
    const d = onProject.json<Entry>()
    assert.equal(d.dependsOnProjectId, shared)
    const met = await t.api(pm, 'PATCH', `/api/v1/dependencies/${d.id}`, {
      version: d.version,
      status: 'met',
    })
    assert.equal(met.statusCode, 200, met.body)
    assert.equal(met.json<Entry>().status, 'met')
    const unknown = await t.api(pm, 'PATCH', `/api/v1/dependencies/${d.id}`, { version: 2, status: 'done' })
    assert.equal(unknown.statusCode, 400)
    assert.ok(unknown.json<ErrorJson>().fields.status)

    const open = await t.api(pm, 'GET', '/api/v1/dependencies?status=open')
    assert.deepEqual(
      open.json<{ items: Entry[] }>().items.map((x) => x.partnerName),
      ['PSPS (shared-service partner)'],
    )
  })

  it('keeps to roles, partner sharing and the organisation', async () => {
    const viewer = await t.tokenFor(t.orgs.a.users.viewer)
    const refused = await t.api(viewer, 'POST', '/api/v1/assumptions', {
      projectId: internal,
      description: 'x',
    })
    assert.equal(refused.statusCode, 403)
    assert.equal((await t.api(null, 'GET', '/api/v1/dependencies')).statusCode, 401)

    // The partner officer sees entries of the shared project only.
    const partner = await t.tokenFor(t.orgs.a.users.partner_officer)
    const deps = (await t.api(partner, 'GET', '/api/v1/dependencies')).json<{ items: Entry[] }>().items
    assert.deepEqual(
      deps.map((x) => x.projectId),
      [shared],
    )
    const assumptions = (await t.api(partner, 'GET', '/api/v1/assumptions')).json<{ items: Entry[] }>().items
    assert.equal(assumptions.length, 0)
    const hidden = (await t.api(pm, 'GET', `/api/v1/assumptions?projectId=${internal}`)).json<{
      items: Entry[]
    }>().items[0]!
    assert.equal((await t.api(partner, 'GET', `/api/v1/assumptions/${hidden.id}`)).statusCode, 404)

    // Another organisation: not found, never listed, and cannot attach its entries to our project.
    const other = await t.tokenFor(t.orgs.b.users.administrator)
    assert.equal((await t.api(other, 'GET', `/api/v1/assumptions/${hidden.id}`)).statusCode, 404)
    assert.equal(
      (await t.api(other, 'PATCH', `/api/v1/assumptions/${hidden.id}`, { version: 2, status: 'invalid' }))
        .statusCode,
      404,
    )
    assert.equal(
      (await t.api(other, 'GET', '/api/v1/dependencies')).json<{ items: Entry[] }>().items.length,
      0,
    )
    const foreign = await t.api(other, 'POST', '/api/v1/dependencies', {
      projectId: internal,
      description: 'Theirs',
      partnerName: 'Someone',
    })
    assert.equal(foreign.statusCode, 400)
    assert.ok(foreign.json<ErrorJson>().fields.projectId)
  })

  it('pages long lists with a cursor', async () => {
    for (const n of [1, 2, 3])
      await t.api(pm, 'POST', '/api/v1/assumptions', { projectId: shared, description: `Assumption ${n}` })
    const first = await t.api(pm, 'GET', `/api/v1/assumptions?projectId=${shared}&limit=2`)
    const page1 = first.json<{ items: Entry[]; next: string | null }>()
    assert.equal(page1.items.length, 2)
    assert.ok(page1.next)
    const second = await t.api(
      pm,
      'GET',
      `/api/v1/assumptions?projectId=${shared}&limit=2&cursor=${page1.next}`,
    )
    const page2 = second.json<{ items: Entry[]; next: string | null }>()
    assert.deepEqual(
      page2.items.map((x) => x.description),
      ['Assumption 3'],
    )
    assert.equal(page2.next, null)
  })
})
