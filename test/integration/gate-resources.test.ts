import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

interface GateJson {
  id: number
  version: number
  code: string
  requiresResources: boolean
}
interface ErrorJson {
  message: string
  fields: Record<string, string>
}

const summary = (d: Document) => d.querySelector('.govuk-error-summary')?.textContent ?? ''

describe(`a gate that requires resources in place (${dialectName()})`, () => {
  let t: TestApp
  let admin: string
  let programmeId: number

  before(async () => {
    t = await buildTestApp()
    admin = await t.tokenFor(t.orgs.a.users.administrator)
    const res = await t.api(admin, 'POST', '/api/v1/programmes', { reference: 'ICT', name: 'ICT' })
    programmeId = res.json<{ id: number }>().id
  })
  after(() => t.close())

  const gateByCode = async (token: string, code: string) =>
    (await t.api(token, 'GET', '/api/v1/governance/lifecycle'))
      .json<{ gates: GateJson[] }>()
      .gates.find((g) => g.code === code)!

  async function addProject(reference: string) {
    const res = await t.api(admin, 'POST', '/api/v1/projects', { programmeId, reference, name: reference })
    assert.equal(res.statusCode, 201, res.body)
    return res.json<{ id: number }>().id
  }

  const approve = (token: string, projectId: number, gateId: number, decidedOn = '2030-03-10') =>
    t.api(token, 'POST', `/api/v1/projects/${projectId}/gates`, {
      gateId,
      decision: {
        title: 'Gate approved',
        decisionText: 'Proceed',
        capacity: 'portfolio_holder',
        decidedByName: 'Leader',
        decidedOn,
        reasons: 'The case is made',
      },
    })

  it('is set on and off through the API, audited, by those who configure governance only', async () => {
    const soc = await gateByCode(admin, 'SOC')
    assert.equal(soc.requiresResources, false, 'off by default')
    const pm = await t.tokenFor(t.orgs.a.users.project_manager)
    const refused = await t.api(pm, 'PATCH', `/api/v1/governance/lifecycle/gates/${soc.id}`, {
      version: soc.version,
      requiresResources: true,
    })
    assert.equal(refused.statusCode, 403)
    const on = await t.api(admin, 'PATCH', `/api/v1/governance/lifecycle/gates/${soc.id}`, {
      version: soc.version,
      requiresResources: true,
    })
    assert.equal(on.statusCode, 200, on.body)
    assert.equal(on.json<GateJson>().requiresResources, true)
    const events = await t.database.db
      .selectFrom('audit_events')
      .select(['before_json', 'after_json'])
      .where('organisation_id', '=', t.orgs.a.id)
      .where('entity_type', '=', 'lifecycle_gate')
      .where('entity_id', '=', String(soc.id))
      .execute()
    assert.ok(
      events.some(
        (e) =>
          (JSON.parse(e.before_json ?? '{}') as Record<string, unknown>).requires_resources === 0 &&
          (JSON.parse(e.after_json ?? '{}') as Record<string, unknown>).requires_resources === 1,
      ),
      'the history records the change',
    )
    const other = await t.tokenFor(t.orgs.b.users.administrator)
    const foreign = await t.api(other, 'PATCH', `/api/v1/governance/lifecycle/gates/${soc.id}`, {
      version: 2,
      requiresResources: false,
    })
    assert.equal(foreign.statusCode, 404)
    assert.equal((await gateByCode(other, 'SOC')).requiresResources, false, 'another organisation’s gate')

    const off = await t.api(admin, 'PATCH', `/api/v1/governance/lifecycle/gates/${soc.id}`, {
      version: on.json<GateJson>().version,
      requiresResources: false,
    })
    assert.equal(off.json<GateJson>().requiresResources, false)
    const created = await t.api(admin, 'POST', '/api/v1/governance/lifecycle/gates', {
      code: 'RES',
      name: 'Resourcing check',
      requiresResources: true,
    })
    assert.equal(created.statusCode, 201, created.body)
    assert.equal(created.json<GateJson>().requiresResources, true)
    assert.equal(
      (await t.api(admin, 'DELETE', `/api/v1/governance/lifecycle/gates/${created.json<GateJson>().id}`))
        .statusCode,
      204,
    )
  })

  it('is set on and off on the lifecycle settings page', async () => {
    const agent = await t.signIn(t.orgs.a.users.administrator)
    const obc = await gateByCode(admin, 'OBC')
    const form = await agent.get(`/governance/lifecycle/gates/${obc.id}/edit`)
    const box = form.document.querySelector('input[name="requiresResources"]')
    assert.ok(box, 'the checkbox is on the form')
    assert.equal(box.hasAttribute('checked'), false)
    assert.match(form.text, /in the 3 months from the month of the gate’s decision/)
    const fields = {
      version: String(obc.version),
      name: 'Outline business case',
      code: 'OBC',
      description: '',
      requiredForStage: 'none',
    }
    const on = await agent.post(`/governance/lifecycle/gates/${obc.id}/edit`, {
      ...fields,
      requiresResources: 'yes',
    })
    assert.equal(on.status, 303, on.text)
    const saved = await gateByCode(admin, 'OBC')
    assert.equal(saved.requiresResources, true)
    const again = await agent.get(`/governance/lifecycle/gates/${obc.id}/edit`)
    assert.equal(
      again.document.querySelector('input[name="requiresResources"]')?.hasAttribute('checked'),
      true,
    )
    const settings = await agent.get('/governance/lifecycle')
    const marked = [...settings.document.querySelectorAll('.app-gate-resources')].map((p) =>
      p.closest('th')?.firstChild?.textContent?.trim(),
    )
    assert.deepEqual(marked, ['Outline business case'], 'the settings list shows which gates need resources')
    const off = await agent.post(`/governance/lifecycle/gates/${obc.id}/edit`, {
      ...fields,
      version: String(saved.version),
    })
    assert.equal(off.status, 303, off.text)
    assert.equal((await gateByCode(admin, 'OBC')).requiresResources, false)
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    assert.equal((await viewer.get(`/governance/lifecycle/gates/${obc.id}/edit`)).status, 403)
  })

  it('refuses the gate while a role’s demand in the window is not covered by people, and passes it once it is', async () => {
    const soc = await gateByCode(admin, 'SOC')
    const on = await t.api(admin, 'PATCH', `/api/v1/governance/lifecycle/gates/${soc.id}`, {
      version: soc.version,
      requiresResources: true,
    })
    assert.equal(on.statusCode, 200, on.body)

    // No roles: nothing to resource, the gate passes.
    const bare = await addProject('ICT-01')
    assert.equal((await approve(admin, bare, soc.id)).statusCode, 201)

    const projectId = await addProject('ICT-02')
    const role = async (title: string, months: { period: string; fte: number }[]) => {
      const res = await t.api(admin, 'POST', '/api/v1/project-roles', { projectId, title, months })
      assert.equal(res.statusCode, 201, res.body)
      return res.json<{ id: number }>().id
    }
    const analyst = await role('Business analyst', [
      { period: '2030-03', fte: 1 },
      { period: '2030-04', fte: 1 },
      { period: '2030-05', fte: 1 },
      { period: '2030-06', fte: 1 }, // after the window: not checked
    ])
    const tester = await role('Tester', [{ period: '2030-05', fte: 0.5 }])
    await role('Trainer', [{ period: '2030-07', fte: 1 }]) // after the window
    const person = (
      await t.api(admin, 'POST', '/api/v1/people', { name: 'Asha Patel', kind: 'employee', team: 'Digital' })
    ).json<{ id: number }>().id
    const post = (
      await t.api(admin, 'POST', '/api/v1/posts', { title: 'Tester post', fte: 1, status: 'vacant' })
    ).json<{ id: number }>().id
    const allocate = async (body: Record<string, unknown>) => {
      const res = await t.api(admin, 'POST', '/api/v1/allocations', body)
      assert.equal(res.statusCode, 201, res.body)
    }
    await allocate({
      roleId: analyst,
      personId: person,
      months: [
        { period: '2030-03', fte: 1 },
        { period: '2030-04', fte: 0.5 },
      ],
    })
    // A vacant post is not a resource in place.
    await allocate({
      roleId: tester,
      personId: null,
      postId: post,
      months: [{ period: '2030-05', fte: 0.5 }],
    })

    const refused = await approve(admin, projectId, soc.id)
    assert.equal(refused.statusCode, 400, refused.body)
    const err = refused.json<ErrorJson>()
    assert.equal(
      err.fields.resources,
      'Resources are not in place from March 2030 to May 2030: allocate people to ' +
        'Business analyst (short in 2 months), Tester (short in 1 month)',
    )
    const gates = (await t.api(admin, 'GET', `/api/v1/projects/${projectId}/gates`)).json<{
      items: { gateId: number; status: string }[]
    }>().items
    assert.equal(gates.find((g) => g.gateId === soc.id)?.status, 'not_passed', 'nothing written')

    // The page shows the same in its error summary.
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const page = await pm.post(`/projects/${projectId}/gates`, {
      gateId: String(soc.id),
      title: 'Gate approved',
      decisionText: 'Proceed',
      capacity: 'portfolio_holder',
      decidedByName: 'Leader',
      'decidedOn-day': '10',
      'decidedOn-month': '3',
      'decidedOn-year': '2030',
      reasons: 'The case is made',
    })
    assert.equal(page.status, 400)
    assert.match(
      page.document.querySelector('#resources')?.textContent ?? '',
      /needs resources in place.*Tester \(short in 1 month\)/s,
      'the error is shown at the condition the summary links to',
    )
    assert.equal(page.document.querySelector('.govuk-error-summary a[href="#resources"]') !== null, true)
    assert.match(summary(page.document), /Resources are not in place from March 2030 to May 2030/)
    assert.match(summary(page.document), /Tester \(short in 1 month\)/)

    // Those who may not record decisions are refused whatever the resources.
    const viewer = await t.tokenFor(t.orgs.a.users.viewer)
    assert.equal((await approve(viewer, projectId, soc.id)).statusCode, 403)
    // Another organisation does not see the project.
    const other = await t.tokenFor(t.orgs.b.users.administrator)
    assert.equal((await approve(other, projectId, soc.id)).statusCode, 404)

    await allocate({
      roleId: analyst,
      personId: person,
      months: [
        { period: '2030-04', fte: 0.5 },
        { period: '2030-05', fte: 1 },
      ],
    })
    await allocate({ roleId: tester, personId: person, months: [{ period: '2030-05', fte: 0.5 }] })
    const passed = await approve(admin, projectId, soc.id)
    assert.equal(passed.statusCode, 201, passed.body)
    assert.equal(passed.json<{ status: string }>().status, 'passed')

    // The window runs across the year end; an override, recorded with its reasons, is the way round.
    const late = await addProject('ICT-03')
    const res = await t.api(admin, 'POST', '/api/v1/project-roles', {
      projectId: late,
      title: 'Architect',
      months: [{ period: '2031-02', fte: 1 }],
    })
    assert.equal(res.statusCode, 201, res.body)
    const lateRefused = await approve(admin, late, soc.id, '2030-12-10')
    assert.equal(lateRefused.statusCode, 400, lateRefused.body)
    assert.match(
      lateRefused.json<ErrorJson>().fields.resources ?? '',
      /from December 2030 to February 2031: allocate people to Architect \(short in 1 month\)$/,
    )
    const overridden = await t.api(admin, 'POST', `/api/v1/projects/${late}/gates`, {
      gateId: soc.id,
      override: true,
      decision: {
        title: 'Gate overridden',
        decisionText: 'Proceed without the architect in post',
        capacity: 'portfolio_holder',
        decidedByName: 'Leader',
        decidedOn: '2030-12-10',
        reasons: 'The architect is being recruited; the leader accepts the risk',
      },
    })
    assert.equal(overridden.statusCode, 201, overridden.body)
    assert.equal(overridden.json<{ status: string }>().status, 'overridden')
  })
})
