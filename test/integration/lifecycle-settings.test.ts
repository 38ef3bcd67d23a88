import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

interface GateJson {
  id: number
  version: number
  position: number
  code: string
  name: string
  requiredForStage: string | null
  passedCount?: number
}
interface LifecycleJson {
  version: number
  riskEscalationThreshold: number
  gates: GateJson[]
}
interface ErrorJson {
  message: string
  fields: Record<string, string>
}

const summary = (d: Document) => d.querySelector('.govuk-error-summary')?.textContent ?? ''
/** The gates table as a person reads it: name and the stage each guards, in order. */
const gateRows = (d: Document) =>
  [...d.querySelectorAll('#gate + .app-table-wrap tbody tr')].map((tr) => [
    tr.querySelector('th')?.firstChild?.textContent?.trim() ?? '',
    tr.querySelectorAll('td')[1]?.textContent?.trim() ?? '',
  ])

describe(`lifecycle gates and risk escalation settings (${dialectName()})`, () => {
  let t: TestApp
  let adminA: string
  let programmeId: number

  before(async () => {
    t = await buildTestApp()
    adminA = await t.tokenFor(t.orgs.a.users.administrator)
    const res = await t.api(adminA, 'POST', '/api/v1/programmes', { reference: 'ICT-2019', name: 'ICT' })
    programmeId = res.json<{ id: number }>().id
  })
  after(() => t.close())

  const lifecycleOf = async (token: string) =>
    (await t.api(token, 'GET', '/api/v1/governance/lifecycle')).json<LifecycleJson>()

  async function addProject(token: string, reference: string, stage: string) {
    const res = await t.api(token, 'POST', '/api/v1/projects', {
      programmeId,
      reference,
      name: reference,
      stage,
    })
    assert.equal(res.statusCode, 201, res.body)
    return res.json<{ id: number; version: number }>()
  }

  it('shows the Green Book lifecycle to those who configure it, and only to them', async () => {
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const health = await pm.get('/governance')
    assert.ok(health.document.querySelector('a[href="/governance/lifecycle"]'), 'linked from /governance')
    const page = await pm.get('/governance/lifecycle')
    assert.equal(page.status, 200)
    assert.deepEqual(gateRows(page.document), [
      ['Strategic outline case', 'None'],
      ['Outline business case', 'None'],
      ['Full business case', 'Delivery'],
      ['Readiness for service', 'None'],
      ['Benefits review', 'None'],
    ])
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    assert.equal((await viewer.get('/governance/lifecycle')).status, 403)
    assert.equal(
      (await viewer.get('/governance')).document.querySelector('a[href="/governance/lifecycle"]'),
      null,
    )
  })

  it('adds, changes, moves and removes gates through the pages, one gate to a stage', async () => {
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const clash = await pm.post('/governance/lifecycle/gates', {
      name: 'Investment review',
      code: 'IR',
      description: '',
      requiredForStage: 'delivery',
    })
    assert.equal(clash.status, 400)
    assert.match(summary(clash.document), /The Full business case gate already guards Delivery/)
    const badCode = await pm.post('/governance/lifecycle/gates', {
      name: '',
      code: 'FBC',
      requiredForStage: 'none',
    })
    assert.equal(badCode.status, 400)
    assert.match(summary(badCode.document), /Enter the name of the gate/)
    assert.match(summary(badCode.document), /Another gate already has this code/)

    const added = await pm.post('/governance/lifecycle/gates', {
      name: 'Closure review',
      code: 'CR',
      description: 'Lessons learned and handover are recorded.',
      requiredForStage: 'closed',
    })
    assert.equal(added.status, 303, added.text)
    let page = await pm.get('/governance/lifecycle')
    assert.deepEqual(gateRows(page.document).at(-1), ['Closure review', 'Closed'])

    // Move it above benefits review.
    const cr = (await lifecycleOf(adminA)).gates.find((g) => g.code === 'CR')!
    const moved = await pm.post(`/governance/lifecycle/gates/${cr.id}/move`, {
      version: String(cr.version),
      direction: 'up',
    })
    assert.equal(moved.status, 303, moved.text)
    page = await pm.get('/governance/lifecycle')
    assert.deepEqual(
      gateRows(page.document).map((r) => r[0]),
      [
        'Strategic outline case',
        'Outline business case',
        'Full business case',
        'Readiness for service',
        'Closure review',
        'Benefits review',
      ],
    )

    // Rename it; a save against the old version shows the conflict page and changes nothing.
    const now = (await lifecycleOf(adminA)).gates.find((g) => g.code === 'CR')!
    const edit = await pm.get(`/governance/lifecycle/gates/${now.id}/edit`)
    assert.equal(edit.status, 200)
    assert.equal(edit.document.querySelector('#name')?.getAttribute('value'), 'Closure review')
    const form = { name: 'Project closure review', code: 'CR', description: '', requiredForStage: 'closed' }
    const stale = await pm.post(`/governance/lifecycle/gates/${now.id}/edit`, {
      ...form,
      version: String(cr.version),
    })
    assert.equal(stale.status, 409)
    assert.match(stale.text, /changed by someone else/)
    const saved = await pm.post(`/governance/lifecycle/gates/${now.id}/edit`, {
      ...form,
      version: String(now.version),
    })
    assert.equal(saved.status, 303, saved.text)

    const removed = await pm.post(`/governance/lifecycle/gates/${now.id}/remove`, {
      version: String(now.version + 1),
    })
    assert.equal(removed.status, 303, removed.text)
    page = await pm.get('/governance/lifecycle')
    assert.equal(gateRows(page.document).length, 5)
    assert.ok(!gateRows(page.document).some(([name]) => /closure review/i.test(name ?? '')))
  })

  it('refuses to remove a gate a project has passed, on the page and through the API', async () => {
    const p = await addProject(adminA, 'PASSED-1', 'idea')
    const soc = (await lifecycleOf(adminA)).gates.find((g) => g.code === 'SOC')!
    const ph = await t.tokenFor(t.orgs.a.users.portfolio_holder)
    const approved = await t.api(ph, 'POST', `/api/v1/projects/${p.id}/gates`, {
      gateId: soc.id,
      decision: {
        title: 'Strategic outline case agreed',
        decisionText: 'Proceed to the outline business case',
        decidedOn: '2021-01-12',
        decidedByName: 'Cllr Patel',
        capacity: 'portfolio_holder',
        reasons: 'The case for change is made',
      },
    })
    assert.equal(approved.statusCode, 201, approved.body)

    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const refused = await pm.post(`/governance/lifecycle/gates/${soc.id}/remove`, {
      version: String(soc.version),
    })
    assert.equal(refused.status, 409)
    assert.match(
      summary(refused.document),
      /Strategic outline case gate cannot be removed: 1 project has passed it/,
    )
    const api = await t.api(adminA, 'DELETE', `/api/v1/governance/lifecycle/gates/${soc.id}`)
    assert.equal(api.statusCode, 409)
    assert.ok(api.json<ErrorJson>().fields.gate)
    const after = await lifecycleOf(adminA)
    assert.equal(after.gates.find((g) => g.code === 'SOC')?.passedCount, 1)
    // A partner officer counts only projects shared with the partner, and this one is not.
    const partner = await lifecycleOf(await t.tokenFor(t.orgs.a.users.partner_officer))
    assert.equal(partner.gates.find((g) => g.code === 'SOC')?.passedCount, 0)
  })

  it('sets the risk escalation threshold (1 to 25) and re-marks the open risks at once', async () => {
    const p = await addProject(adminA, 'RISKY-1', 'idea')
    const risk = await t.api(adminA, 'POST', '/api/v1/risks', {
      projectId: p.id,
      title: 'Network failure',
      event: 'The link to the data centre fails',
      category: 'resilience',
      likelihood: 3,
      impact: 4,
    })
    assert.equal(risk.statusCode, 201, risk.body)
    const riskId = risk.json<{ id: number; escalated: boolean }>().id
    assert.equal(risk.json<{ escalated: boolean }>().escalated, false, 'scored 12, below the default 15')

    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const { version } = await lifecycleOf(adminA)
    for (const bad of ['30', '0', 'twelve', '']) {
      const res = await pm.post('/governance/lifecycle/threshold', {
        version: String(version),
        riskEscalationThreshold: bad,
      })
      assert.equal(res.status, 400, `threshold ${bad}`)
      assert.match(summary(res.document), /whole number from 1 to 25/)
    }
    const saved = await pm.post('/governance/lifecycle/threshold', {
      version: String(version),
      riskEscalationThreshold: '12',
    })
    assert.equal(saved.status, 303, saved.text)
    const page = await pm.get('/governance/lifecycle')
    assert.equal(page.document.querySelector('#riskEscalationThreshold')?.getAttribute('value'), '12')
    const escalated = await t.api(adminA, 'GET', `/api/v1/risks/${riskId}`)
    assert.equal(escalated.json<{ escalated: boolean }>().escalated, true)

    // The API: out of range is a 400 naming the field; a stale version a 409.
    const outOfRange = await t.api(adminA, 'PATCH', '/api/v1/governance/lifecycle', {
      version: version + 1,
      riskEscalationThreshold: 26,
    })
    assert.equal(outOfRange.statusCode, 400)
    assert.ok(outOfRange.json<ErrorJson>().fields.riskEscalationThreshold)
    const stale = await t.api(adminA, 'PATCH', '/api/v1/governance/lifecycle', {
      version,
      riskEscalationThreshold: 20,
    })
    assert.equal(stale.statusCode, 409)
    const raised = await t.api(adminA, 'PATCH', '/api/v1/governance/lifecycle', {
      version: version + 1,
      riskEscalationThreshold: 20,
    })
    assert.equal(raised.statusCode, 200, raised.body)
    assert.equal(raised.json<LifecycleJson>().riskEscalationThreshold, 20)
    const lowered = await t.api(adminA, 'GET', `/api/v1/risks/${riskId}`)
    assert.equal(lowered.json<{ escalated: boolean }>().escalated, false)
  })

  it('configures gates through the API for those allowed, and hides them from other organisations', async () => {
    const viewer = await t.tokenFor(t.orgs.a.users.viewer)
    assert.equal((await lifecycleOf(viewer)).gates.length, 5)
    const refused = await t.api(viewer, 'POST', '/api/v1/governance/lifecycle/gates', {
      code: 'X',
      name: 'X',
    })
    assert.equal(refused.statusCode, 403)
    const bad = await t.api(adminA, 'POST', '/api/v1/governance/lifecycle/gates', {
      code: 'RFS',
      name: 'Second readiness',
      requiredForStage: 'delivery',
    })
    assert.equal(bad.statusCode, 400)
    const fields = bad.json<ErrorJson>().fields
    assert.match(fields.code ?? '', /already has this code/)
    assert.match(fields.requiredForStage ?? '', /already guards Delivery/)
    const idea = await t.api(adminA, 'POST', '/api/v1/governance/lifecycle/gates', {
      code: 'IDEA',
      name: 'Idea gate',
      requiredForStage: 'idea',
    })
    assert.equal(idea.statusCode, 400, 'no gate guards the first stage')

    const created = await t.api(adminA, 'POST', '/api/v1/governance/lifecycle/gates', {
      code: 'ALPHA',
      name: 'Alpha assessment',
    })
    assert.equal(created.statusCode, 201, created.body)
    const gate = created.json<GateJson>()
    assert.equal((await lifecycleOf(adminA)).gates.at(-1)?.code, 'ALPHA', 'added at the end')
    const otherOrg = await t.tokenFor(t.orgs.b.users.administrator)
    assert.equal(
      (await t.api(otherOrg, 'GET', `/api/v1/governance/lifecycle/gates/${gate.id}`)).statusCode,
      404,
    )
    assert.equal(
      (
        await t.api(otherOrg, 'PATCH', `/api/v1/governance/lifecycle/gates/${gate.id}`, {
          version: 1,
          name: 'Mine',
        })
      ).statusCode,
      404,
    )
    assert.equal(
      (await t.api(otherOrg, 'DELETE', `/api/v1/governance/lifecycle/gates/${gate.id}`)).statusCode,
      404,
    )
    assert.ok(!(await lifecycleOf(otherOrg)).gates.some((g) => g.code === 'ALPHA'))

    const up = await t.api(adminA, 'PATCH', `/api/v1/governance/lifecycle/gates/${gate.id}`, {
      version: gate.version,
      name: 'Alpha service assessment',
      position: 5,
    })
    assert.equal(up.statusCode, 200, up.body)
    assert.deepEqual(
      (await lifecycleOf(adminA)).gates.map((g) => g.code),
      ['SOC', 'OBC', 'FBC', 'RFS', 'ALPHA', 'BR'],
    )
    assert.deepEqual(
      (await lifecycleOf(adminA)).gates.map((g) => g.position),
      [1, 2, 3, 4, 5, 6],
    )
    assert.equal(up.json<GateJson>().name, 'Alpha service assessment')
    const gone = await t.api(adminA, 'DELETE', `/api/v1/governance/lifecycle/gates/${gate.id}`)
    assert.equal(gone.statusCode, 204)
    assert.equal((await lifecycleOf(adminA)).gates.length, 5)
  })

  it('enforces the gate where the organisation puts it, and the health check follows', async () => {
    // Organisation b moves its full business case gate to guard "approved" instead of "delivery".
    const adminB = await t.tokenFor(t.orgs.b.users.administrator)
    const fbc = (await lifecycleOf(adminB)).gates.find((g) => g.code === 'FBC')!
    const moved = await t.api(adminB, 'PATCH', `/api/v1/governance/lifecycle/gates/${fbc.id}`, {
      version: fbc.version,
      requiredForStage: 'approved',
    })
    assert.equal(moved.statusCode, 200, moved.body)
    const programme = await t.api(adminB, 'POST', '/api/v1/programmes', { reference: 'B-P', name: 'B' })
    const bProgramme = programme.json<{ id: number }>().id
    const create = (reference: string, stage: string) =>
      t.api(adminB, 'POST', '/api/v1/projects', {
        programmeId: bProgramme,
        reference,
        name: reference,
        stage,
      })

    const early = await create('B-1', 'business_case')
    assert.equal(early.statusCode, 201, early.body)
    const toApproved = await t.api(adminB, 'PATCH', `/api/v1/projects/${early.json<{ id: number }>().id}`, {
      version: 1,
      stage: 'approved',
    })
    assert.equal(toApproved.statusCode, 409)
    assert.match(
      toApproved.json<ErrorJson>().fields.stage ?? '',
      /Full business case gate has not been approved/,
    )
    const createdApproved = await create('B-2', 'approved')
    assert.equal(createdApproved.statusCode, 409, 'creating a project past the gate is refused too')

    // A project already in delivery without the gate is a health-check finding, named by the gate.
    const at = new Date().toISOString()
    const legacy = await t.database.db
      .insertInto('projects')
      .values({
        organisation_id: t.orgs.b.id,
        programme_id: bProgramme,
        reference: 'B-LEGACY',
        name: 'Legacy project',
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
      .returning('id')
      .executeTakeFirstOrThrow()
    const checks = await t.api(adminB, 'GET', '/api/v1/governance/checks')
    const rule = checks
      .json<{ items: { id: string; findings: { recordId: number; detail: string }[] }[] }>()
      .items.find((r) => r.id === 'delivery-without-gate')!
    const finding = rule.findings.find((f) => f.recordId === legacy.id)
    assert.ok(finding, JSON.stringify(rule))
    assert.match(finding.detail, /without passing the Full business case gate/)
  })

  it('refuses a move that skips a gate, through the API and the edit page; back and cancel stay open', async () => {
    const p = await addProject(adminA, 'SKIP-1', 'approved')
    const skip = await t.api(adminA, 'PATCH', `/api/v1/projects/${p.id}`, {
      version: p.version,
      stage: 'closure',
    })
    assert.equal(skip.statusCode, 409)
    const body = skip.json<ErrorJson>()
    assert.match(body.message, /cannot move from Approved to Closure/)
    assert.match(body.fields.stage ?? '', /Full business case gate has not been approved/)
    assert.match(body.fields.stage ?? '', /There is no business case/)

    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const page = await pm.post(`/projects/${p.id}/edit`, {
      version: String(p.version),
      reference: 'SKIP-1',
      name: 'SKIP-1',
      programmeId: String(programmeId),
      stage: 'closure',
    })
    assert.equal(page.status, 409)
    assert.match(summary(page.document), /Full business case gate has not been approved/)
    const still = await t.api(adminA, 'GET', `/api/v1/projects/${p.id}`)
    assert.equal(still.json<{ stage: string }>().stage, 'approved')

    const back = await t.api(adminA, 'PATCH', `/api/v1/projects/${p.id}`, {
      version: p.version,
      stage: 'idea',
    })
    assert.equal(back.statusCode, 200, back.body)
    const cancelled = await t.api(adminA, 'PATCH', `/api/v1/projects/${p.id}`, {
      version: p.version + 1,
      stage: 'cancelled',
    })
    assert.equal(cancelled.statusCode, 200, cancelled.body)
  })
})
