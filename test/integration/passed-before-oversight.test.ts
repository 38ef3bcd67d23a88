import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

interface GateJson {
  id: number
  name: string
  requiredForStage: string | null
}

// A council enters the work it already has in delivery: each gate on the way is recorded as passed
// before Oversight, with who approved it and when (or "not recorded"), as a decision with its reason.
describe(`Gates passed before Oversight (${dialectName()})`, () => {
  let t: TestApp
  let token: string
  let programmeId: number
  let deliveryGate: GateJson
  let otherGate: GateJson

  before(async () => {
    t = await buildTestApp()
    token = await t.tokenFor(t.orgs.a.users.programme_manager)
    programmeId = (
      await t.api(token, 'POST', '/api/v1/programmes', { reference: 'ICT', name: 'ICT and Digital' })
    ).json<{ id: number }>().id
    const gates = (await t.api(token, 'GET', '/api/v1/governance/lifecycle')).json<{ gates: GateJson[] }>()
      .gates
    deliveryGate = gates.find((g) => g.requiredForStage === 'delivery')!
    otherGate = gates.find((g) => g.requiredForStage === null)!
  })
  after(() => t.close())

  const count = async (table: 'projects' | 'decisions' | 'project_gates' | 'notifications') =>
    Number(
      (
        await t.database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )

  it('the API creates a project in delivery with its gate passed before Oversight, in one go', async () => {
    const notificationsBefore = await count('notifications')
    const refused = await t.api(token, 'POST', '/api/v1/projects', {
      programmeId,
      reference: 'ICT-01',
      name: 'Website',
      stage: 'delivery',
    })
    assert.equal(refused.statusCode, 409, 'without the gate the stage is still refused')
    const res = await t.api(token, 'POST', '/api/v1/projects', {
      programmeId,
      reference: 'ICT-01',
      name: 'Website',
      stage: 'delivery',
      gatesPassedBeforeOversight: [
        { gateId: deliveryGate.id, approvedBy: 'Cabinet', approvedOn: '2019-03-14' },
      ],
    })
    assert.equal(res.statusCode, 201, res.body)
    const project = res.json<{ id: number; stage: string }>()
    assert.equal(project.stage, 'delivery')
    const gates = (await t.api(token, 'GET', `/api/v1/projects/${project.id}/gates`)).json<{
      items: Array<{ gateId: number; status: string; passedOn: string | null; decisionId: number | null }>
    }>().items
    const passed = gates.find((g) => g.gateId === deliveryGate.id)!
    assert.equal(passed.status, 'before_oversight')
    assert.equal(passed.passedOn, '2019-03-14')
    const decision = (await t.api(token, 'GET', `/api/v1/decisions/${passed.decisionId}`)).json<{
      kind: string
      reasons: string
      decidedByName: string
      decidedOn: string
    }>()
    assert.equal(decision.kind, 'gate_before_oversight')
    assert.equal(decision.reasons, 'Passed before Oversight')
    assert.equal(decision.decidedByName, 'Cabinet')
    assert.equal(decision.decidedOn, '2019-03-14')
    assert.equal(await count('notifications'), notificationsBefore, 'no override alert')
    const health = await t.signIn(t.orgs.a.users.viewer)
    const page = await health.get('/governance?rule=delivery-without-gate')
    assert.doesNotMatch(page.text, /ICT-01 Website/, 'not a project in delivery without its gate')
  })

  it('who and when may be not recorded; a gate not on the way, or bad input, is a 400 and writes nothing', async () => {
    const before = await Promise.all([count('projects'), count('decisions'), count('project_gates')])
    const notOnTheWay = await t.api(token, 'POST', '/api/v1/projects', {
      programmeId,
      reference: 'ICT-02',
      name: 'Intranet',
      stage: 'delivery',
      gatesPassedBeforeOversight: [
        { gateId: deliveryGate.id, approvedBy: null, approvedOn: null },
        { gateId: otherGate.id, approvedBy: null, approvedOn: null },
      ],
    })
    assert.equal(notOnTheWay.statusCode, 400)
    assert.match(notOnTheWay.body, /not a gate on the way/)
    const future = await t.api(token, 'POST', '/api/v1/projects', {
      programmeId,
      reference: 'ICT-02',
      name: 'Intranet',
      stage: 'delivery',
      gatesPassedBeforeOversight: [{ gateId: deliveryGate.id, approvedBy: null, approvedOn: '2999-01-01' }],
    })
    assert.equal(future.statusCode, 400)
    assert.deepEqual(
      await Promise.all([count('projects'), count('decisions'), count('project_gates')]),
      before,
    )

    const ok = await t.api(token, 'POST', '/api/v1/projects', {
      programmeId,
      reference: 'ICT-02',
      name: 'Intranet',
      stage: 'delivery',
      gatesPassedBeforeOversight: [{ gateId: deliveryGate.id, approvedBy: null, approvedOn: null }],
    })
    assert.equal(ok.statusCode, 201, ok.body)
    const gates = (await t.api(token, 'GET', `/api/v1/projects/${ok.json<{ id: number }>().id}/gates`)).json<{
      items: Array<{ gateId: number; decisionId: number }>
    }>().items
    const decision = (
      await t.api(
        token,
        'GET',
        `/api/v1/decisions/${gates.find((g) => g.gateId === deliveryGate.id)!.decisionId}`,
      )
    ).json<{ decidedByName: string; decidedOn: string | null }>()
    assert.equal(decision.decidedByName, 'Not recorded')
    assert.equal(decision.decidedOn, null)
  })

  it('the form asks for each gate on the way and records them with the project', async () => {
    const pm = await t.signIn(t.orgs.a.users.project_manager)
    await pm.get('/projects/new')
    const fields = {
      reference: 'ICT-03',
      name: 'Telephony',
      programmeId: String(programmeId),
      stage: 'delivery',
    }
    const asked = await pm.post('/projects', fields)
    assert.equal(asked.status, 409, asked.document.querySelector('.govuk-error-summary')?.textContent ?? '')
    assert.ok(
      asked.document.querySelector(`input[name="gate-${deliveryGate.id}-approvedBy"]`),
      'the form asks who approved the gate',
    )
    assert.match(asked.text, new RegExp(`${deliveryGate.name}`))
    assert.match(asked.text, /passed before Oversight/i)
    const badDate = await pm.post('/projects', {
      ...fields,
      passedBeforeOversight: 'yes',
      [`gate-${deliveryGate.id}-approvedBy`]: 'Portfolio Holder',
      [`gate-${deliveryGate.id}-approvedOn-day`]: '31',
      [`gate-${deliveryGate.id}-approvedOn-month`]: '2',
      [`gate-${deliveryGate.id}-approvedOn-year`]: '2020',
    })
    assert.equal(badDate.status, 400)
    assert.ok(badDate.document.querySelector('.govuk-error-summary'))
    const created = await pm.post('/projects', {
      ...fields,
      passedBeforeOversight: 'yes',
      [`gate-${deliveryGate.id}-approvedBy`]: 'Portfolio Holder',
      [`gate-${deliveryGate.id}-approvedOn-day`]: '2',
      [`gate-${deliveryGate.id}-approvedOn-month`]: '3',
      [`gate-${deliveryGate.id}-approvedOn-year`]: '2020',
    })
    assert.equal(created.status, 303, created.text.slice(0, 400))
    const project = await pm.get(created.location!)
    assert.match(project.text, /Delivery/)
    const gatesPage = await pm.get(`${created.location!}/gates`)
    assert.match(gatesPage.text, /Passed before Oversight/)
  })
})
