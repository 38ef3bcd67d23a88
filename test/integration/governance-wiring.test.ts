import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { addDays, todayInLondon } from '../../src/domain/dates.ts'
import { financialYearOf, financialYearPeriods, periodOf } from '../../src/domain/periods.ts'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

interface Check {
  id: string
  count: number
  findings: Array<{ recordType: string; recordId: number; url: string; detail: string }>
}

/** Governance wired to finance and scrutiny: health rules, cost tolerance, the gate's budget, risk saves. */
describe(`governance wired to finance and scrutiny (${dialectName()})`, () => {
  let t: TestApp
  let token: string
  let programmeId: number
  let overId: number
  let withinId: number
  let streamId: number
  const today = todayInLondon()
  const fy = financialYearOf(today)
  const at = new Date().toISOString()

  const create = async (url: string, body: Record<string, unknown>) => {
    const res = await t.api(token, 'POST', url, body)
    assert.equal(res.statusCode, 201, `${url}: ${res.body}`)
    return res.json<{ id: number }>().id
  }

  /** An approved (or not) budget line for this financial year, profiled flat from its first month. */
  const budget = async (projectId: number, pounds: number, approved = true) => {
    const line = await t.database.db
      .insertInto('budget_lines')
      .values({
        organisation_id: t.orgs.a.id,
        project_id: projectId,
        financial_year: fy.label,
        category: 'revenue',
        funding_stream_id: streamId,
        cost_type: 'supplier',
        description: '',
        amount_pence: pounds * 100,
        profile_method: 'flat',
        approved_by: approved ? 'Cabinet' : '',
        approved_by_user_id: null,
        approved_on: approved ? `${fy.label.slice(0, 4)}-04-01` : null,
        approval_reference: '',
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const periods = financialYearPeriods(fy)
    await t.database.db
      .insertInto('budget_line_periods')
      .values(
        periods.map((period) => ({
          organisation_id: t.orgs.a.id,
          budget_line_id: line.id,
          period,
          amount_pence: Math.floor((pounds * 100) / periods.length),
        })),
      )
      .execute()
  }

  const forecast = async (projectId: number, period: string, pounds: number) =>
    t.database.db
      .insertInto('forecasts')
      .values({
        organisation_id: t.orgs.a.id,
        project_id: projectId,
        financial_year: fy.label,
        period,
        forecast_outturn_pence: pounds * 100,
        note: '',
        entered_by: null,
        entered_by_name: 'Finance',
        created_at: at,
        updated_at: at,
      })
      .execute()

  const checks = async () => {
    const res = await t.api(await t.tokenFor(t.orgs.a.users.viewer), 'GET', '/api/v1/governance/checks')
    assert.equal(res.statusCode, 200, res.body)
    return new Map(res.json<{ items: Check[] }>().items.map((c) => [c.id, c]))
  }

  before(async () => {
    t = await buildTestApp()
    token = await t.tokenFor(t.orgs.a.users.programme_manager)
    programmeId = await create('/api/v1/programmes', { reference: 'WIRE', name: 'Wired programme' })
    const project = (reference: string) =>
      create('/api/v1/projects', {
        reference,
        name: `Project ${reference}`,
        programmeId,
        stage: 'approved',
        baselineEnd: '2099-03-31',
        forecastEnd: '2099-03-31',
      })
    overId = await project('WIRE-1')
    withinId = await project('WIRE-2')
    streamId = (
      await t.database.db
        .insertInto('funding_streams')
        .values({
          organisation_id: t.orgs.a.id,
          name: 'Core revenue',
          kind: 'core_revenue',
          eligibility: '',
          base_costs_eligible: 1,
          created_at: at,
          updated_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id
    const first = financialYearPeriods(fy)[0]!
    // WIRE-1: £100,000 approved, forecast £130,000 (an earlier £90,000 forecast no longer counts).
    await budget(overId, 100000)
    await forecast(overId, first, 90000)
    await forecast(overId, periodOf(today), 130000)
    // WIRE-2: £100,000 approved, forecast £105,000 — over budget but within a 10% tolerance.
    await budget(withinId, 100000)
    await forecast(withinId, periodOf(today), 105000)
  })
  after(() => t.close())

  it('the health check finds forecasts over budget and monitoring not signed off, linking to finance', async () => {
    const c = await checks()
    const over = c.get('forecast-over-budget')!
    assert.deepEqual(over.findings.map((f) => f.recordId).sort(), [overId, withinId].sort())
    const wire1 = over.findings.find((f) => f.recordId === overId)!
    assert.equal(wire1.url, `/projects/${overId}/finance`)
    assert.match(wire1.detail, /£130,000/)
    assert.match(wire1.detail, /£100,000/)
    const months = financialYearPeriods(fy).filter((p) => p < periodOf(today)).length
    const monitoring = c.get('budget-monitoring-not-signed-off')!
    if (months > 1) {
      // Nobody has signed off any month of this year's monitoring for either project.
      assert.deepEqual(monitoring.findings.map((f) => f.recordId).sort(), [overId, withinId].sort())
      // Signing off the last completed month clears WIRE-1.
      await t.database.db
        .insertInto('budget_monitoring')
        .values({
          organisation_id: t.orgs.a.id,
          project_id: overId,
          period: financialYearPeriods(fy)
            .filter((p) => p < periodOf(today))
            .at(-1)!,
          finance_signed_off_by: null,
          finance_signed_off_by_name: 'Finance',
          finance_signed_off_at: at,
          pm_signed_off_by: null,
          pm_signed_off_by_name: 'PM',
          pm_signed_off_at: at,
          forecast_confirmed: 1,
          variance_explanation: '',
          created_at: at,
          updated_at: at,
        })
        .execute()
      const after = await checks()
      assert.deepEqual(
        after.get('budget-monitoring-not-signed-off')!.findings.map((f) => f.recordId),
        [withinId],
      )
    }
    const page = await (await t.signIn(t.orgs.a.users.viewer)).get('/governance')
    assert.match(page.text, /Forecast over budget/)
    assert.match(page.text, /Budget monitoring not signed off/)
    assert.match(page.text, /Scrutiny response overdue/)
  })

  it('the health check finds a scrutiny recommendation with its response overdue', async () => {
    const db = t.database.db
    const org = t.orgs.a.id
    const committee = await db
      .insertInto('committees')
      .values({
        organisation_id: org,
        name: 'Performance Monitoring Panel',
        code: 'PMP',
        kind: 'scrutiny',
        description: '',
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const meeting = await db
      .insertInto('meetings')
      .values({
        organisation_id: org,
        committee_id: committee.id,
        meeting_date: addDays(today, -90),
        start_time: null,
        place: '',
        status: 'held',
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const item = await db
      .insertInto('agenda_items')
      .values({
        organisation_id: org,
        meeting_id: meeting.id,
        number: '1',
        title: 'ICT programme',
        purpose: '',
        reports_presented: '',
        presenters: '',
        minutes: '',
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const rec = (reference: string, due: string) =>
      db
        .insertInto('recommendations')
        .values({
          organisation_id: org,
          committee_id: committee.id,
          agenda_item_id: item.id,
          reference,
          kind: 'recommendation',
          text: 'Report monitoring monthly',
          addressed_to: 'Portfolio Holder',
          addressee_user_id: null,
          lead_officer_user_id: null,
          made_on: addDays(today, -90),
          response_due_on: due,
          response: null,
          response_reasons: '',
          responded_on: null,
          responded_by_user_id: null,
          responded_by_name: '',
          status: 'awaiting_response',
          evidence: '',
          follow_up_item_id: null,
          created_at: at,
          updated_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    const late = await rec('PMP/1', addDays(today, -1))
    await rec('PMP/2', addDays(today, 10))
    const c = await checks()
    const overdue = c.get('scrutiny-response-overdue')!
    assert.deepEqual(
      overdue.findings.map((f) => f.recordId),
      [late.id],
    )
    assert.equal(overdue.findings[0]!.url, `/recommendations/${late.id}`)
  })

  it('raises a cost exception when the forecast exceeds the approved budget by more than the tolerance', async () => {
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const saved = await pm.post(`/programmes/${programmeId}/tolerances`, { version: '', costPercent: '10' })
    assert.equal(saved.status, 303, saved.text)
    const list = await t.api(token, 'GET', '/api/v1/exceptions')
    const items = list.json<{ items: Array<{ projectId: number; kind: string }> }>().items
    assert.deepEqual(
      items.filter((e) => e.kind === 'cost').map((e) => e.projectId),
      [overId],
      'WIRE-1 is 30% over; WIRE-2 is 5% over, within tolerance',
    )
    // The project page links to its tolerances and its exceptions, narrowed to the project.
    const show = await pm.get(`/projects/${overId}`)
    assert.ok(show.document.querySelector(`a[href="/projects/${overId}/tolerances"]`))
    const link = show.document.querySelector(`a[href="/exceptions?project=${overId}"]`)
    assert.ok(link, 'link to the project exceptions')
    const mine = await pm.get(`/exceptions?project=${overId}`)
    assert.equal(mine.status, 200)
    assert.match(mine.text, /WIRE-1/)
    assert.match(mine.text, /1 exception\b/)
    assert.equal((await pm.get('/exceptions?project=abc')).status, 400)
    const other = await pm.get(`/exceptions?project=${withinId}`)
    assert.match(other.text, /There are no exceptions/)
    const programme = await pm.get(`/programmes/${programmeId}`)
    assert.ok(programme.document.querySelector(`a[href="/programmes/${programmeId}/tolerances"]`))
    assert.ok(programme.document.querySelector(`a[href="/exceptions?programme=${programmeId}"]`))
  })

  it('does not evaluate cost where the budget lines are not approved', async () => {
    const unapproved = await create('/api/v1/projects', {
      reference: 'WIRE-3',
      name: 'Unapproved budget',
      programmeId,
      stage: 'approved',
      baselineEnd: '2099-03-31',
    })
    await budget(unapproved, 10000, false)
    await forecast(unapproved, periodOf(today), 50000)
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const page = await pm.get(`/programmes/${programmeId}/tolerances`)
    const version = page.document.querySelector<HTMLInputElement>('input[name="version"]')!.value
    assert.equal(
      (await pm.post(`/programmes/${programmeId}/tolerances`, { version, costPercent: '10' })).status,
      303,
    )
    const items = (await t.api(token, 'GET', '/api/v1/exceptions')).json<{
      items: Array<{ projectId: number; kind: string }>
    }>().items
    assert.equal(items.filter((e) => e.projectId === unapproved).length, 0)
  })

  it('saving a risk above the risk tolerance raises a risk exception at once', async () => {
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const page = await pm.get(`/programmes/${programmeId}/tolerances`)
    const version = page.document.querySelector<HTMLInputElement>('input[name="version"]')!.value
    const saved = await pm.post(`/programmes/${programmeId}/tolerances`, {
      version,
      costPercent: '10',
      riskScore: '15',
    })
    assert.equal(saved.status, 303, saved.text)
    const riskExceptions = async () =>
      (await t.api(token, 'GET', '/api/v1/exceptions'))
        .json<{ items: Array<{ projectId: number; kind: string }> }>()
        .items.filter((e) => e.kind === 'risk' && e.projectId === withinId)
    assert.equal((await riskExceptions()).length, 0)
    const risk = await t.api(token, 'POST', '/api/v1/risks', {
      projectId: withinId,
      title: 'Supplier failure',
      event: 'The supplier goes out of business',
      category: 'commercial',
      likelihood: 4,
      impact: 5,
      owner: 'ICT manager',
    })
    assert.equal(risk.statusCode, 201, risk.body)
    assert.equal((await riskExceptions()).length, 1, 'raised by the save, without waiting for the sweep')
  })
})
