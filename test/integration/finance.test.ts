import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import ExcelJS from 'exceljs'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { actorOf, pay, tableText } from './finance-helpers.ts'
import { dialectName } from '../helpers/database.ts'
import { wholeOrganisation } from '../../src/auth/visibility.ts'
import { inOrganisation } from '../helpers/tenant-scope.ts'

describe(`finance (${dialectName()})`, () => {
  let t: TestApp
  let programmeId: number
  let website: number
  let grants: number
  let core: number
  before(async () => {
    t = await buildTestApp()
    const token = await t.tokenFor(t.orgs.a.users.administrator)
    const make = async (url: string, body: unknown) => {
      const res = await t.api(token, 'POST', url, body)
      assert.equal(res.statusCode, 201, res.body)
      return res.json<{ id: number }>().id
    }
    programmeId = await make('/api/v1/programmes', {
      reference: 'ICT',
      name: 'ICT and Digital Work Programme',
    })
    website = await make('/api/v1/projects', {
      reference: 'ICT-01',
      name: 'Website content and accessibility',
      programmeId,
      partnerIds: [await t.partner(t.orgs.a)],
    })
    grants = await make('/api/v1/projects', {
      reference: 'ICT-04',
      name: 'Business grants content',
      programmeId,
    })
    core = (
      await inOrganisation(t.orgs.a, () =>
        t.app.services.finance.createFundingStream(actorOf(t.orgs.a.users.finance_officer), {
          name: 'Core revenue budget',
          kind: 'core_revenue',
          eligibility: '',
          baseCostsEligible: true,
        }),
      )
    ).id
  })
  after(() => t.close())

  const line = (over: Record<string, string> = {}) => ({
    financialYear: '2025/26',
    category: 'revenue',
    fundingStreamId: String(core),
    costType: 'staff',
    description: 'Digital officer post',
    amount: '£12,000.00',
    profileMethod: 'flat',
    approvedBy: 'Cabinet',
    'approvedOn-day': '27',
    'approvedOn-month': '2',
    'approvedOn-year': '2025',
    approvalReference: 'CAB/2025/14',
    ...over,
  })

  it('a finance officer adds a budget line through the form and sees it profiled across the year', async () => {
    const fo = await t.signIn(t.orgs.a.users.finance_officer)
    assert.equal((await fo.get(`/projects/${website}/budget-lines/new`)).status, 200)
    const saved = await fo.post(`/projects/${website}/budget-lines`, line())
    assert.equal(saved.status, 303, saved.text)
    const page = await fo.get(saved.location!)
    assert.equal(page.status, 200)
    assert.match(page.text, /Budget line of £12,000\.00 added/)
    assert.match(page.text, /Digital officer post/)
    assert.match(page.text, /Cabinet, 27 February 2025 \(CAB\/2025\/14\)/)
    const profile = tableText(page.document.querySelector('#profile-table'))
    assert.match(profile, /P1 April 2025 £1,000/)
    assert.match(profile, /P12 March 2026 £1,000 £0 £12,000 £0/)
    assert.ok(page.document.querySelector('svg.app-chart title'), 'the chart has a title')
  })

  it('apportions an awkward amount so the months add back to the line exactly', async () => {
    const fo = await t.signIn(t.orgs.a.users.finance_officer)
    const saved = await fo.post(
      `/projects/${grants}/budget-lines`,
      line({ amount: '100.00', costType: 'licences', profileMethod: 'front_loaded' }),
    )
    assert.equal(saved.status, 303)
    const periods = await t.database.db
      .selectFrom('budget_line_periods')
      .innerJoin('budget_lines', 'budget_lines.id', 'budget_line_periods.budget_line_id')
      .select('budget_line_periods.amount_pence')
      .where('budget_lines.project_id', '=', grants)
      .execute()
    assert.equal(periods.length, 12)
    assert.equal(
      periods.reduce((s, p) => s + Number(p.amount_pence), 0),
      10000,
    )
  })

  it('refuses bad input with the GOV.UK error summary and saves nothing', async () => {
    const fo = await t.signIn(t.orgs.a.users.finance_officer)
    const before = await t.database.db
      .selectFrom('budget_lines')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow()
    const bad = await fo.post(
      `/projects/${website}/budget-lines`,
      line({ amount: 'twelve', financialYear: '2025/27' }),
    )
    assert.equal(bad.status, 400)
    assert.match(bad.text, /There is a problem/)
    assert.match(bad.text, /Budget amount must be an amount of money/)
    assert.match(bad.text, /Enter a financial year, like 2025\/26/)
    const manual = await fo.post(
      `/projects/${website}/budget-lines`,
      line({ amount: '100', profileMethod: 'manual', 'month-1': '60', 'month-2': '30' }),
    )
    assert.equal(manual.status, 400)
    assert.match(manual.text, /The monthly amounts must add up to the budget amount/)
    const afterCount = await t.database.db
      .selectFrom('budget_lines')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow()
    assert.equal(Number(afterCount.n), Number(before.n))
  })

  it('a manual profile is kept as entered', async () => {
    const fo = await t.signIn(t.orgs.a.users.finance_officer)
    const months = Object.fromEntries(
      Array.from({ length: 12 }, (_, i) => [`month-${i + 1}`, i === 0 ? '70' : i === 1 ? '30' : '']),
    )
    const saved = await fo.post(
      `/projects/${grants}/budget-lines`,
      line({ amount: '100', profileMethod: 'manual', costType: 'other', ...months }),
    )
    assert.equal(saved.status, 303, saved.text)
  })

  it('shows actuals from the ledger, and only to those who may see the project', async () => {
    await pay(t, t.orgs.a.id, website, '2025-04-20', 150000)
    await pay(t, t.orgs.a.id, website, '2025-05-20', 50000)
    await pay(t, t.orgs.a.id, null, '2025-05-20', 999999) // suspense: counts for no project
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    const page = await viewer.get(`/projects/${website}/finance?year=2025-26`)
    assert.equal(page.status, 200)
    const totals = tableText(page.document.querySelector('#finance-totals'))
    assert.match(totals, /Actual spend £2,000\.00/)
    assert.match(totals, /Budget £12,000\.00/)
    assert.doesNotMatch(page.text, /Add a budget line/, 'a viewer is not offered writes')
    const partner = await t.signIn(t.orgs.a.users.partner_officer)
    assert.equal((await partner.get(`/projects/${website}/finance?year=2025-26`)).status, 200)
    assert.equal((await partner.get(`/projects/${grants}/finance?year=2025-26`)).status, 404)
    const foreign = await t.signIn(t.orgs.b.users.administrator)
    assert.equal((await foreign.get(`/projects/${website}/finance`)).status, 404)
    assert.equal((await foreign.get(`/programmes/${programmeId}/finance`)).status, 404)
    assert.equal((await viewer.post(`/projects/${website}/budget-lines`, line())).status, 403)
  })

  it('raises the four finance flags, and clears monitoring once both sign off', async () => {
    const finance = t.app.services.finance
    const scope = wholeOrganisation(t.orgs.a.id)
    // Website: £12,000 budget, £2,000 spent by May. In November: 8 months profiled = £8,000.
    await pay(t, t.orgs.a.id, website, '2025-10-10', 700000) // £9,000 spent > £8,000 profiled
    await inOrganisation(t.orgs.a, () =>
      finance.recordForecast(actorOf(t.orgs.a.users.finance_officer), website, {
        financialYear: '2025/26',
        period: '2025-10',
        forecastPence: 1300000,
        note: 'Developer recharge over',
      }),
    )
    await pay(t, t.orgs.a.id, website, '2025-11-01', 400000) // £13,000 ≥ £12,000 budget
    await t.database.db
      .insertInto('milestones')
      .values({
        organisation_id: t.orgs.a.id,
        project_id: website,
        name: 'Accessibility audit',
        description: '',
        baseline_date: '2026-01-31',
        forecast_date: null,
        actual_date: null,
        status: 'in_progress',
        is_key: 0,
        created_at: '2025-04-01T00:00:00Z',
        updated_at: '2025-04-01T00:00:00Z',
      })
      .execute()
    const flags = await inOrganisation(t.orgs.a, () => finance.flags(scope, '2025-11-15'))
    const mine = flags
      .filter((f) => f.projectId === website)
      .map((f) => f.rule)
      .sort()
    assert.deepEqual(mine, [
      'actuals_beyond_profile',
      'budget_spent_work_outstanding',
      'forecast_over_budget',
      'monitoring_not_signed_off',
    ])
    const monitoring = flags.find((f) => f.projectId === website && f.rule === 'monitoring_not_signed_off')!
    assert.match(monitoring.detail, /7 months, since April 2025/)

    // A forecast £1,000 over budget needs its variance explained before signing.
    const fo = await t.signIn(t.orgs.a.users.finance_officer)
    const unexplained = await fo.post(`/projects/${website}/finance/sign-off`, {
      period: '2025-10',
      as: 'finance',
      forecastConfirmed: 'yes',
      financialYear: '2025-26',
    })
    assert.equal(unexplained.status, 400)
    assert.match(unexplained.text, /Explain the variance between the forecast and the budget/)
    const signed = await fo.post(`/projects/${website}/finance/sign-off`, {
      period: '2025-10',
      as: 'finance',
      forecastConfirmed: 'yes',
      varianceExplanation: 'Web developer recharge extended by two months',
      financialYear: '2025-26',
    })
    assert.equal(signed.status, 303, signed.text)
    // Half signed is not signed: the flag stays until the project manager signs too.
    assert.ok(
      (await inOrganisation(t.orgs.a, () => finance.flags(scope, '2025-11-15'))).some(
        (f) => f.projectId === website && f.rule === 'monitoring_not_signed_off',
      ),
    )
    const pm = await t.signIn(t.orgs.a.users.project_manager)
    const asFinance = await pm.post(`/projects/${website}/finance/sign-off`, {
      period: '2025-10',
      as: 'finance',
      forecastConfirmed: 'yes',
      varianceExplanation: 'x',
    })
    assert.equal(asFinance.status, 400)
    assert.match(asFinance.text, /Only a finance officer can sign off for finance/)
    const pmSigned = await pm.post(`/projects/${website}/finance/sign-off`, {
      period: '2025-10',
      as: 'project',
      forecastConfirmed: 'yes',
    })
    assert.equal(pmSigned.status, 303, pmSigned.text)
    const after = await inOrganisation(t.orgs.a, () => finance.flags(scope, '2025-11-15'))
    assert.ok(!after.some((f) => f.projectId === website && f.rule === 'monitoring_not_signed_off'))
    const page = await pm.get(`/projects/${website}/finance?year=2025-26`)
    assert.match(page.text, /October 2025 .*Signed off/)
    assert.match(page.text, /Web developer recharge extended by two months/)
  })

  it('records a forecast through the form and shows the variance', async () => {
    const pm = await t.signIn(t.orgs.a.users.project_manager)
    assert.equal((await pm.get(`/projects/${grants}/finance/forecast?year=2025-26`)).status, 200)
    const bad = await pm.post(`/projects/${grants}/finance/forecast`, {
      financialYear: '2025/26',
      period: '2025-09',
      forecast: 'lots',
    })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /Forecast outturn must be an amount of money/)
    const ok = await pm.post(`/projects/${grants}/finance/forecast`, {
      financialYear: '2025/26',
      period: '2025-09',
      forecast: '150',
      note: '',
    })
    assert.equal(ok.status, 303, ok.text)
    const page = await pm.get(ok.location!)
    const totals = tableText(page.document.querySelector('#finance-totals'))
    // £200 budget (two £100 lines), £150 forecast.
    assert.match(totals, /Forecast outturn £150\.00/)
    assert.match(totals, /Variance \(forecast − budget\) -£50\.00/)
  })

  it('summarises the programme as Appendix A, reconciles the partner recharge and exports XLSX safely', async () => {
    const db = t.database.db
    const at = new Date().toISOString()
    const org = t.orgs.a.id
    const partner = await db
      .insertInto('partners')
      .values({
        organisation_id: org,
        name: 'PSPS',
        base_contract: 'ICT shared service',
        annual_base_contract_pence: 50000000,
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db
      .insertInto('partner_recharges')
      .values([
        {
          organisation_id: org,
          partner_id: partner.id,
          project_id: website,
          description: '=HYPERLINK("http://evil")',
          period: '2025-06',
          amount_pence: 300000,
          cost_basis: 'non_base',
          created_at: at,
          updated_at: at,
        },
        {
          organisation_id: org,
          partner_id: partner.id,
          project_id: website,
          description: 'Web developer',
          period: '2025-07',
          amount_pence: 300000,
          cost_basis: 'non_base',
          created_at: at,
          updated_at: at,
        },
      ])
      .execute()
    await pay(t, org, website, '2025-06-30', 300000, 'PSPS')
    const covid = await inOrganisation(t.orgs.a, () =>
      t.app.services.finance.createFundingStream(actorOf(t.orgs.a.users.finance_officer), {
        name: 'Covid-19 — costs above core budgets',
        kind: 'named',
        eligibility: 'Costs above core budgets only',
        baseCostsEligible: false,
      }),
    )
    const claim = await db
      .insertInto('claims')
      .values({
        organisation_id: org,
        funding_stream_id: covid.id,
        project_id: grants,
        title: 'Grants team overtime',
        eligible_pence: 800000,
        claimed_pence: 800000,
        received_pence: 500000,
        submitted_on: '2025-09-01',
        received_on: null,
        status: 'submitted',
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db
      .insertInto('claim_items')
      .values({
        organisation_id: org,
        claim_id: claim.id,
        description: 'Digital officer salary',
        amount_pence: 200000,
        eligible: 0,
        ineligible_reason: 'base cost already in the budget',
      })
      .execute()

    const viewer = await t.signIn(t.orgs.a.users.viewer)
    const page = await viewer.get(`/programmes/${programmeId}/finance?year=2025-26`)
    assert.equal(page.status, 200)
    const table = tableText(page.document.querySelector('#by-project-table'))
    assert.match(
      table,
      /ICT-01 Website content and accessibility £12,000 £0 £0 £0 £0 £12,000 £16,000 £0 £13,000 £1,000/,
    )
    assert.match(table, /Total £12,000 £0 £0 £100 £100 £12,200 £16,000 £0 £13,150 £950/)
    const partnerList = [...page.document.querySelectorAll('.govuk-summary-list__row')]
      .map((r) => (r.textContent ?? '').replace(/\s+/g, ' ').trim())
      .join('\n')
    assert.match(partnerList, /Non-base costs recharged ?£6,000\.00/)
    assert.match(partnerList, /Paid to PSPS per the ledger ?£3,000\.00/)
    assert.match(partnerList, /Does not reconcile The ledger shows £3,000\.00 less than the recharges/)
    assert.match(
      page.text,
      /Not eligible: Digital officer salary \(£2,000\.00\) — base cost already in the budget/,
    )
    assert.match(page.text, /£3,000\.00 still to be received/)

    const partnerOfficer = await t.signIn(t.orgs.a.users.partner_officer)
    const shared = await partnerOfficer.get(`/programmes/${programmeId}/finance?year=2025-26`)
    assert.equal(shared.status, 200)
    assert.doesNotMatch(
      shared.text,
      /Business grants content|Grants team overtime/,
      'unshared project and its claim hidden',
    )

    const res = await t.app.inject({
      method: 'GET',
      url: `/programmes/${programmeId}/finance/summary.xlsx?year=2025-26`,
      headers: { cookie: (viewer as unknown as { cookieHeader(): string }).cookieHeader() },
    })
    assert.equal(res.statusCode, 200)
    assert.match(
      String(res.headers['content-disposition']),
      /"[a-z0-9-]+-ICT-finance-2025-26-\d{4}-\d{2}-\d{2}\.xlsx"/,
    )
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
    const byProject = wb.getWorksheet('By project')!
    assert.equal(byProject.getRow(3).getCell(2).text, 'Website content and accessibility')
    assert.equal(byProject.getRow(3).getCell(8).value, 12000)
    const partnerSheet = wb.getWorksheet('Partner costs')!
    const cells: ExcelJS.Cell[] = []
    partnerSheet.getColumn(3).eachCell((c) => cells.push(c))
    // A text cell is an inline string, which a spreadsheet never runs: the supplier's text as typed.
    const evil = cells.find((c) => c.text === '=HYPERLINK("http://evil")')
    assert.ok(evil, 'the text kept')
    assert.equal(evil.type, ExcelJS.ValueType.RichText, 'written as a string, not a formula')
    assert.ok(!cells.some((c) => c.type === ExcelJS.ValueType.Formula))
  })
})
