import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

interface ErrorJson {
  error: string
  message: string
  fields: Record<string, string>
}
interface GateJson {
  gateId: number
  code: string
  name: string
  status: string
  decisionId: number | null
  conditions: { key: string; met: boolean; problem: string }[]
}

const COMPLETE_CASES = {
  strategicCase: 'Residents expect to do business online; the council website is out of date.',
  economicCase: 'Three options appraised; the shared platform offers the best value.',
  commercialCase: 'Procured through the G-Cloud framework.',
  financialCase: 'Funded from the ICT capital programme.',
  managementCase: 'Digital Programme Board governs; monthly reports to the panel.',
}

describe(`stage gates and the business case (${dialectName()})`, () => {
  let t: TestApp
  let pmToken: string
  let phToken: string
  let programmeId: number

  async function addProject(reference: string, stage = 'approved'): Promise<{ id: number; version: number }> {
    const res = await t.api(pmToken, 'POST', '/api/v1/projects', {
      programmeId,
      reference,
      name: `Website replacement ${reference}`,
      stage,
    })
    assert.equal(res.statusCode, 201, res.body)
    return res.json()
  }

  async function addRisk(projectId: number) {
    const at = new Date().toISOString()
    await t.database.db
      .insertInto('risks')
      .values({
        organisation_id: t.orgs.a.id,
        project_id: projectId,
        title: 'Network failure',
        cause: 'Single network link',
        event: 'The link fails',
        effect: 'Online services are unavailable',
        category: 'resilience',
        likelihood: 3,
        impact: 4,
        inherent_score: 12,
        residual_likelihood: null,
        residual_impact: null,
        residual_score: null,
        review_date: null,
        escalated: 0,
        proximity: '',
        owner: 'ICT manager',
        status: 'open',
        created_at: at,
        updated_at: at,
      })
      .execute()
  }

  function businessCaseForm(extra: Record<string, string> = {}): Record<string, string> {
    return {
      version: '',
      ...COMPLETE_CASES,
      strategicState: 'complete',
      economicState: 'complete',
      commercialState: 'complete',
      financialState: 'complete',
      managementState: 'complete',
      scopeIn: 'Website, online forms and payments',
      scopeOut: 'Back-office systems',
      optionsAppraised: 'Do nothing; upgrade; replace',
      'resources-1-role': 'Web developer',
      'resources-1-fte': '1.5',
      'resources-1-months': '12',
      budgetRequested: '250,000',
      ...extra,
    }
  }

  before(async () => {
    t = await buildTestApp()
    pmToken = await t.tokenFor(t.orgs.a.users.programme_manager)
    phToken = await t.tokenFor(t.orgs.a.users.portfolio_holder)
    const res = await t.api(pmToken, 'POST', '/api/v1/programmes', {
      reference: 'ICT-2019',
      name: 'ICT and Digital',
    })
    programmeId = res.json<{ id: number }>().id
  })
  after(() => t.close())

  it('refuses a move into delivery through the API with 409 naming each unmet condition', async () => {
    const p = await addProject('GATE-1')
    const res = await t.api(pmToken, 'PATCH', `/api/v1/projects/${p.id}`, {
      version: p.version,
      stage: 'delivery',
    })
    assert.equal(res.statusCode, 409, res.body)
    const body = res.json<ErrorJson>()
    assert.match(body.message, /cannot move from Approved to Delivery/)
    for (const problem of [
      /There is no business case/i,
      /scope in and out of the project is not stated/i,
      /resource requirement is not stated/i,
      /budget requested has not been approved/i,
      /no risks are identified/i,
      /Full business case gate has not been approved/i,
    ])
      assert.match(body.fields.stage ?? '', problem)
    const still = await t.api(pmToken, 'GET', `/api/v1/projects/${p.id}`)
    assert.equal(still.json<{ stage: string }>().stage, 'approved')
  })

  it('passes the gate through the pages: business case, risk, approval decision, then delivery', async () => {
    const p = await addProject('GATE-2')
    const pm = await t.signIn(t.orgs.a.users.programme_manager)

    // The edit form is refused the same way, with the conditions in the error summary.
    const edit = await pm.get(`/projects/${p.id}/edit`)
    assert.equal(edit.status, 200)
    const refused = await pm.post(`/projects/${p.id}/edit`, {
      version: String(p.version),
      reference: 'GATE-2',
      name: 'Website replacement GATE-2',
      programmeId: String(programmeId),
      stage: 'delivery',
    })
    assert.equal(refused.status, 409)
    assert.match(
      refused.document.querySelector('.govuk-error-summary')?.textContent ?? '',
      /There is no business case/,
    )

    // An empty case marked complete is refused: "complete" must mean written.
    const blank = await pm.post(`/projects/${p.id}/business-case`, businessCaseForm({ economicCase: '' }))
    assert.equal(blank.status, 400)
    assert.match(
      blank.document.querySelector('.govuk-error-summary')?.textContent ?? '',
      /Write the economic case before marking it complete/,
    )

    const bcPage = await pm.get(`/projects/${p.id}/business-case`)
    assert.match(bcPage.text, /Is the proposal affordable/)
    const saved = await pm.post(`/projects/${p.id}/business-case`, businessCaseForm())
    assert.equal(saved.status, 303, saved.text)
    assert.equal(saved.location, `/projects/${p.id}/gates`)

    const gatesPage = await pm.get(`/projects/${p.id}/gates`)
    const conditions = gatesPage.document.querySelector('#conditions')?.textContent ?? ''
    assert.match(conditions, /Met\s+Business case complete/)
    assert.match(conditions, /Not met\s+Risks identified/)
    const gateId = gatesPage.document.querySelector('input[name="gateId"]')?.getAttribute('value') ?? ''
    assert.ok(gateId)
    // SOC and OBC come first; they need only their decision.
    const approve = (extra: Record<string, string>) =>
      pm.post(`/projects/${p.id}/gates`, {
        gateId,
        title: 'Gate approved',
        decisionText: 'Proceed',
        capacity: 'board',
        decidedByName: 'Chair',
        'decidedOn-day': '14',
        'decidedOn-month': '6',
        'decidedOn-year': '2021',
        reasons: 'The case is made',
        ...extra,
      })
    const noBoard = await approve({})
    assert.equal(noBoard.status, 400)
    assert.match(noBoard.text, /Select the board that decided/)
    const passSoc = await approve({ capacity: 'portfolio_holder' })
    assert.equal(passSoc.status, 303, passSoc.text)

    const gates = await t.api(pmToken, 'GET', `/api/v1/projects/${p.id}/gates`)
    const items = gates.json<{ items: GateJson[] }>().items
    assert.deepEqual(
      items.map((g) => [g.code, g.status]),
      [
        ['SOC', 'passed'],
        ['OBC', 'not_passed'],
        ['FBC', 'not_passed'],
        ['RFS', 'not_passed'],
        ['BR', 'not_passed'],
      ],
    )
    const obc = items[1]!
    const fbc = items[2]!
    assert.equal((await approve({ gateId: String(obc.gateId), capacity: 'portfolio_holder' })).status, 303)

    // The delivery gate: risks missing and budget unapproved → 409 naming both.
    const notReady = await approve({ gateId: String(fbc.gateId), capacity: 'portfolio_holder' })
    assert.equal(notReady.status, 409)
    assert.match(notReady.text, /no risks are identified in the RAID log/)
    assert.match(notReady.text, /budget requested has not been approved/)

    await addRisk(p.id)
    // An approved budget below the sum requested does not approve it.
    const tooLittle = await approve({
      gateId: String(fbc.gateId),
      capacity: 'portfolio_holder',
      approvedBudget: '200000',
    })
    assert.equal(tooLittle.status, 409)
    const passed = await approve({
      gateId: String(fbc.gateId),
      capacity: 'portfolio_holder',
      approvedBudget: '250000',
    })
    assert.equal(passed.status, 303, passed.text)
    const after = await pm.get(`/projects/${p.id}/gates`)
    assert.match(after.text, /Full business case approved/)

    const project = await t.api(pmToken, 'GET', `/api/v1/projects/${p.id}`)
    const moved = await t.api(pmToken, 'PATCH', `/api/v1/projects/${p.id}`, {
      version: project.json<{ version: number }>().version,
      stage: 'delivery',
    })
    assert.equal(moved.statusCode, 200, moved.body)
  })

  it('lets a Portfolio Holder override a gate only with a reason, recorded in the decision log', async () => {
    const p = await addProject('GATE-3')
    const gates = (await t.api(phToken, 'GET', `/api/v1/projects/${p.id}/gates`)).json<{
      items: GateJson[]
    }>()
    const fbc = gates.items.find((g) => g.code === 'FBC')!
    const decision = {
      title: 'Start delivery before the full business case',
      decisionText: 'Proceed to delivery',
      decidedOn: '2021-07-01',
      decidedByName: 'Cllr Patel',
      capacity: 'portfolio_holder',
    }
    const refused = await t.api(phToken, 'POST', `/api/v1/projects/${p.id}/gates`, {
      gateId: fbc.gateId,
      decision,
    })
    assert.equal(refused.statusCode, 409)
    assert.match(refused.json<ErrorJson>().message, /there is no business case/)

    const noReason = await t.api(phToken, 'POST', `/api/v1/projects/${p.id}/gates`, {
      gateId: fbc.gateId,
      override: true,
      decision,
    })
    assert.equal(noReason.statusCode, 400)
    assert.ok(noReason.json<ErrorJson>().fields.reasons)

    const overridden = await t.api(phToken, 'POST', `/api/v1/projects/${p.id}/gates`, {
      gateId: fbc.gateId,
      override: true,
      decision: {
        ...decision,
        reasons: 'Contract deadline with the supplier; business case to follow by September',
      },
    })
    assert.equal(overridden.statusCode, 201, overridden.body)
    assert.equal(overridden.json<GateJson>().status, 'overridden')

    const moved = await t.api(pmToken, 'PATCH', `/api/v1/projects/${p.id}`, {
      version: p.version,
      stage: 'delivery',
    })
    assert.equal(moved.statusCode, 200, moved.body)

    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const log = await pm.get(`/decisions/${overridden.json<GateJson>().decisionId}`)
    assert.equal(log.status, 200)
    assert.match(log.text, /Gate override/)
    assert.match(log.text, /Contract deadline with the supplier/)
  })

  it('allows only decision-makers to approve, and hides another organisation’s project', async () => {
    const p = await addProject('GATE-4')
    const pmOnly = await t.tokenFor(t.orgs.a.users.project_manager)
    const gates = (await t.api(pmToken, 'GET', `/api/v1/projects/${p.id}/gates`)).json<{
      items: GateJson[]
    }>()
    const res = await t.api(pmOnly, 'POST', `/api/v1/projects/${p.id}/gates`, {
      gateId: gates.items[0]!.gateId,
      decision: { title: 'x', capacity: 'board' },
    })
    assert.equal(res.statusCode, 403)
    const other = await t.signIn(t.orgs.b.users.administrator)
    assert.equal((await other.get(`/projects/${p.id}/business-case`)).status, 404)
    assert.equal((await other.get(`/projects/${p.id}/gates`)).status, 404)
  })
  it('counts the budget approved once approved budget lines cover the sum requested, without a decision', async () => {
    const p = await addProject('GATE-LINES')
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    assert.equal((await pm.post(`/projects/${p.id}/business-case`, businessCaseForm())).status, 303)
    const at = new Date().toISOString()
    const stream = await t.database.db
      .insertInto('funding_streams')
      .values({
        organisation_id: t.orgs.a.id,
        name: 'ICT capital',
        kind: 'capital',
        eligibility: '',
        base_costs_eligible: 1,
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const line = (year: string, pounds: number, approvedOn: string | null) =>
      t.database.db
        .insertInto('budget_lines')
        .values({
          organisation_id: t.orgs.a.id,
          project_id: p.id,
          financial_year: year,
          category: 'capital',
          funding_stream_id: stream.id,
          cost_type: 'supplier',
          description: '',
          amount_pence: pounds * 100,
          profile_method: 'flat',
          approved_by: approvedOn ? 'Cabinet' : '',
          approved_by_user_id: null,
          approved_on: approvedOn,
          approval_reference: '',
          created_at: at,
          updated_at: at,
        })
        .execute()
    const budgetMet = async () => {
      const gates = await t.api(pmToken, 'GET', `/api/v1/projects/${p.id}/gates`)
      const fbc = gates.json<{ items: GateJson[] }>().items.find((g) => g.code === 'FBC')!
      return fbc.conditions.find((c) => c.key === 'budget')!.met
    }
    // £250,000 requested: £150,000 approved plus £100,000 not yet approved falls short.
    await line('2021/22', 150000, '2021-03-01')
    await line('2022/23', 100000, null)
    assert.equal(await budgetMet(), false)
    // Approving the second year's line makes up the sum across the years.
    await line('2022/23', 100000, '2021-03-01')
    assert.equal(await budgetMet(), true)
    const page = await pm.get(`/projects/${p.id}/gates`)
    assert.match(page.document.querySelector('#conditions')?.textContent ?? '', /Met\s+Budget approved/)
  })
})
