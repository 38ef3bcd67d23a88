import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

interface OutputJson {
  id: number
  version: number
  title: string
  acceptedBy: string
  milestoneIds: number[]
  projectReference: string
}
interface ErrorJson {
  fields: Record<string, string>
}

// Issue 11, outputs: officers could answer "what had been delivered" only from memory. Each project records its
// outputs, their delivery and acceptance, and the milestones they are delivered at; a partner officer sees the
// outputs of shared projects only, and another council sees none.
describe(`project outputs (${dialectName()})`, () => {
  let t: TestApp
  let admin: string
  let pm: string
  let programme: number
  let otherProgramme: number
  let sharedProject: number
  let councilProject: number
  let milestone: number
  let otherMilestone: number
  let joanne: number
  let output: OutputJson

  const make = async (token: string, url: string, body: unknown) => {
    const res = await t.api(token, 'POST', url, body)
    assert.equal(res.statusCode, 201, `${url}: ${res.body}`)
    return res.json<{ id: number }>().id
  }
  const count = async () =>
    Number(
      (
        await t.database.db
          .selectFrom('outputs')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )

  before(async () => {
    t = await buildTestApp()
    admin = await t.tokenFor(t.orgs.a.users.administrator)
    pm = await t.tokenFor(t.orgs.a.users.project_manager)
    const psps = await t.partner(t.orgs.a, 'PSPS')
    programme = await make(admin, '/api/v1/programmes', { reference: 'ICT', name: 'ICT and Digital' })
    otherProgramme = await make(admin, '/api/v1/programmes', { reference: 'REG', name: 'Regeneration' })
    sharedProject = await make(admin, '/api/v1/projects', {
      reference: 'ICT-02',
      name: 'Online forms',
      programmeId: programme,
    })
    councilProject = await make(admin, '/api/v1/projects', {
      reference: 'REG-01',
      name: 'Confidential regeneration',
      programmeId: otherProgramme,
    })
    await t.share(sharedProject, [psps])
    milestone = await make(admin, '/api/v1/milestones', {
      projectId: sharedProject,
      name: 'Forms live on Goss',
      baselineDate: '2021-06-30',
    })
    otherMilestone = await make(admin, '/api/v1/milestones', {
      projectId: councilProject,
      name: 'Masterplan agreed',
      baselineDate: '2021-06-30',
    })
    joanne = await make(admin, '/api/v1/people', { name: 'Joanne Price', kind: 'employee' })
    await make(admin, '/api/v1/outputs', {
      projectId: councilProject,
      title: 'Confidential masterplan',
      type: 'content',
    })
  })
  after(() => t.close())

  it('records an output delivered at a milestone and accepted by a person of the register', async () => {
    const res = await t.api(pm, 'POST', '/api/v1/outputs', {
      projectId: sharedProject,
      title: 'Better online contact forms',
      type: 'service',
      plannedOn: '2021-06-30',
      deliveredOn: '2021-07-16',
      acceptedByPersonId: joanne,
      acceptedOn: '2021-07-20',
      status: 'accepted',
      milestoneIds: [milestone],
    })
    assert.equal(res.statusCode, 201, res.body)
    output = res.json<OutputJson>()
    assert.equal(output.acceptedBy, 'Joanne Price')
    assert.deepEqual(output.milestoneIds, [milestone])
  })

  it('refuses inconsistent dates and a milestone of another project, saving nothing', async () => {
    const before = await count()
    const post = (body: Record<string, unknown>) =>
      t.api(pm, 'POST', '/api/v1/outputs', {
        projectId: sharedProject,
        title: 'Bad',
        type: 'content',
        ...body,
      })
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ deliveredOn: '2021-07-01' }, 'plannedOn', /planned delivery date/],
      [
        {
          plannedOn: '2021-06-01',
          deliveredOn: '2021-07-01',
          acceptedOn: '2021-06-30',
          acceptedByPersonId: joanne,
        },
        'acceptedOn',
        /same as or after the actual delivery date/,
      ],
      [{ acceptedOn: '2021-06-30', acceptedByPersonId: joanne }, 'deliveredOn', /actual delivery date/],
      [{ milestoneIds: [otherMilestone] }, 'milestoneIds', /milestones of this project/],
      [{ status: 'delivered' }, 'deliveredOn', /actual delivery date/],
      [{ plannedOn: '2021-06-01', deliveredOn: '2099-01-01' }, 'deliveredOn', /today or in the past/],
    ]
    for (const [body, field, message] of cases) {
      const res = await post(body)
      assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`)
      assert.match(res.json<ErrorJson>().fields[field] ?? '', message, JSON.stringify(body))
    }
    assert.equal(await count(), before, 'nothing saved')
  })

  it('lets project managers write, refuses viewers, and answers 409 to a stale version', async () => {
    const viewer = await t.tokenFor(t.orgs.a.users.viewer)
    const refused = await t.api(viewer, 'POST', '/api/v1/outputs', {
      projectId: sharedProject,
      title: 'By a viewer',
      type: 'content',
    })
    assert.equal(refused.statusCode, 403)
    const changed = await t.api(pm, 'PATCH', `/api/v1/outputs/${output.id}`, {
      version: output.version,
      description: 'Twelve forms rebuilt with validation',
    })
    assert.equal(changed.statusCode, 200, changed.body)
    assert.equal(
      changed.json<OutputJson>().acceptedBy,
      'Joanne Price',
      'kept when the change does not name them',
    )
    const stale = await t.api(pm, 'PATCH', `/api/v1/outputs/${output.id}`, {
      version: output.version,
      title: 'X',
    })
    assert.equal(stale.statusCode, 409)
    output = changed.json<OutputJson>()
  })

  it('shows a partner officer the outputs of shared projects only, and another council none', async () => {
    const officer = await t.tokenFor(t.orgs.a.users.partner_officer)
    const list = await t.api(officer, 'GET', '/api/v1/outputs')
    assert.deepEqual(
      list.json<{ items: OutputJson[] }>().items.map((o) => o.title),
      ['Better online contact forms'],
    )
    const hidden = (await t.api(admin, 'GET', `/api/v1/outputs?projectId=${councilProject}`)).json<{
      items: OutputJson[]
    }>().items[0]!
    assert.equal((await t.api(officer, 'GET', `/api/v1/outputs/${hidden.id}`)).statusCode, 404)
    const page = await (await t.signIn(t.orgs.a.users.partner_officer)).get('/outputs')
    assert.match(page.text, /Better online contact forms/)
    assert.doesNotMatch(page.text, /Confidential/)
    const adminB = await t.tokenFor(t.orgs.b.users.administrator)
    assert.equal((await t.api(adminB, 'GET', `/api/v1/outputs/${output.id}`)).statusCode, 404)
    const post = await t.api(adminB, 'POST', '/api/v1/outputs', {
      projectId: sharedProject,
      title: 'Into another council',
      type: 'content',
    })
    assert.equal(post.statusCode, 404)
    const pageB = await (await t.signIn(t.orgs.b.users.administrator)).get(`/outputs/${output.id}`)
    assert.equal(pageB.status, 404)
  })

  it("lists outputs on the project's page and filters the organisation's list by programme and type", async () => {
    const agent = await t.signIn(t.orgs.a.users.project_manager)
    const project = await agent.get(`/projects/${sharedProject}`)
    assert.ok(project.document.querySelector(`#outputs ~ ul a[href="/outputs/${output.id}"]`))
    assert.ok(project.document.querySelector(`a[href="/projects/${sharedProject}/outputs/new"]`))
    const byProgramme = await agent.get(`/outputs?programme=${otherProgramme}`)
    assert.match(byProgramme.text, /Confidential masterplan/)
    assert.doesNotMatch(byProgramme.text, /Better online contact forms/)
    const byType = await agent.get('/outputs?type=service')
    assert.match(byType.text, /Better online contact forms/)
    assert.doesNotMatch(byType.text, /Confidential masterplan/)
    const csv = await agent.get('/outputs/export.csv?type=service')
    assert.match(
      csv.body,
      /ICT-02,Better online contact forms,Service,Accepted,2021-06-30,2021-07-16,Joanne Price/,
    )
    assert.doesNotMatch(csv.body, /masterplan/)
  })

  it('adds an output through the form, reporting each bad field at once, and shows its history', async () => {
    const agent = await t.signIn(t.orgs.a.users.project_manager)
    const form = await agent.get(`/projects/${sharedProject}/outputs/new`)
    assert.equal(form.status, 200)
    assert.ok(form.document.querySelector(`input[name="milestoneIds"][value="${milestone}"]`))
    assert.equal(form.document.querySelector(`input[name="milestoneIds"][value="${otherMilestone}"]`), null)
    const before = await count()
    const bad = await agent.post(`/projects/${sharedProject}/outputs/new`, {
      title: 'Website accessibility programme',
      type: 'content',
      status: 'in_progress',
      'deliveredOn-day': '1',
      'deliveredOn-month': '9',
      'deliveredOn-year': '2021',
      milestoneIds: [String(otherMilestone)],
    })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /There is a problem/)
    assert.match(bad.text, /Enter the planned delivery date/)
    assert.match(bad.text, /Choose milestones of this project/)
    assert.equal(await count(), before)
    const good = await agent.post(`/projects/${sharedProject}/outputs/new`, {
      title: 'Website accessibility programme',
      type: 'content',
      status: 'in_progress',
      'plannedOn-day': '30',
      'plannedOn-month': '9',
      'plannedOn-year': '2021',
    })
    assert.equal(good.status, 303, good.text)
    const shown = await agent.get(good.location!)
    assert.match(
      shown.text,
      /Website accessibility programme.*ICT-02: Online forms.*Content.*In progress.*30 September 2021/,
    )
    const id = /\/outputs\/(\d+)/.exec(good.location!)![1]
    const history = await agent.get(`/history/output/${id}`)
    assert.equal(history.status, 200)
    const stale = await agent.post(`/outputs/${output.id}/edit`, {
      version: String(output.version - 1),
      title: 'Stale',
      type: 'service',
      status: 'planned',
    })
    assert.equal(stale.status, 409)
    assert.match(stale.text, /changed by someone else/)
  })

  it("follows the accepting person's name when the register renames them", async () => {
    const person = await t.api(admin, 'GET', `/api/v1/people/${joanne}`)
    await t.api(admin, 'PATCH', `/api/v1/people/${joanne}`, {
      version: person.json<{ version: number }>().version,
      name: 'Joanne Price-Ellis',
    })
    const res = await t.api(admin, 'GET', `/api/v1/outputs/${output.id}`)
    assert.equal(res.json<OutputJson>().acceptedBy, 'Joanne Price-Ellis')
  })
})
