import type { Transaction } from 'kysely'
import type { DB } from '../db/schema.ts'
import { recordAudit } from '../modules/audit/audit.service.ts'
import { budgetLineProfile } from '../modules/finance/budgets/budgets.service.ts'
import {
  financialYear,
  financialYearOf,
  financialYearPeriods,
  periodOf,
  type Period,
} from '../domain/periods.ts'
import { DEMO_ACTOR, type DemoPerson } from './demo-loader.ts'
import type { DemoExtension } from './extensions.ts'

/**
 * Marshland's money, as the panel found it: a core revenue budget spent with no monthly monitoring
 * sign-offs; two Covid-19 streams that would not pay for base costs, with claims made and received;
 * and PSPS's web developer recharged as a non-base cost that the ledger does not quite match.
 */
export const financeDemo: DemoExtension = async (ctx) => {
  const { trx, organisationId: org, now } = ctx
  const at = now.toISOString()
  const audit = (entityType: string, entityId: number, after: unknown) =>
    recordAudit(trx, {
      organisationId: org,
      actor: DEMO_ACTOR,
      action: 'create',
      entityType,
      entityId,
      after,
    })

  const projects = new Map(
    (
      await trx
        .selectFrom('projects')
        .select(['id', 'reference'])
        .where('organisation_id', '=', org)
        .execute()
    ).map((p) => [p.reference, p.id]),
  )
  const project = (ref: string) => {
    const id = projects.get(ref)
    if (id === undefined) throw new Error(`Demo finance: no project ${ref}`)
    return id
  }

  const stream = async (name: string, kind: string, eligibility: string, baseCostsEligible: boolean) => {
    const s = await trx
      .insertInto('funding_streams')
      .values({
        organisation_id: org,
        name,
        kind,
        eligibility,
        base_costs_eligible: baseCostsEligible ? 1 : 0,
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await audit('funding_stream', s.id, s)
    return s.id
  }
  const core = await stream(
    'Core revenue budget — ICT and Digital',
    'core_revenue',
    'The council budget for the programme and the digital post.',
    true,
  )
  const relieved = await stream(
    'Covid-19 — relieved cost pressures',
    'named',
    'Costs the pandemic response forced on the council, such as IT that enabled agile working. Not base costs already in council budgets.',
    false,
  )
  const above = await stream(
    'Covid-19 — costs above core budgets',
    'named',
    'Costs above core budgets, such as overtime paid to staff in the Grants team. Not base costs already in council budgets.',
    false,
  )

  const line = async (
    ref: string,
    fy: string,
    fundingStreamId: number,
    costType: string,
    description: string,
    pounds: number,
    profileMethod: 'flat' | 'front_loaded',
    approval: [string, string, string],
  ) => {
    const input = {
      financialYear: fy,
      category: 'revenue',
      fundingStreamId,
      costType,
      description,
      amountPence: pounds * 100,
      profileMethod,
      manualProfile: [],
      approvedBy: approval[0],
      approvedOn: approval[1],
      approvalReference: approval[2],
    }
    const l = await trx
      .insertInto('budget_lines')
      .values({
        organisation_id: org,
        project_id: project(ref),
        financial_year: fy,
        category: 'revenue',
        funding_stream_id: fundingStreamId,
        cost_type: costType,
        description,
        amount_pence: pounds * 100,
        profile_method: profileMethod,
        approved_by: approval[0],
        approved_by_user_id: null,
        approved_on: approval[1],
        approval_reference: approval[2],
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await trx
      .insertInto('budget_line_periods')
      .values(
        budgetLineProfile(input).map((p) => ({
          organisation_id: org,
          budget_line_id: l.id,
          period: p.period,
          amount_pence: p.amount,
        })),
      )
      .execute()
    await audit('budget_line', l.id, l)
  }

  let seq = 0
  const pay = async (ref: string, period: Period, pounds: number, supplier: string, description: string) => {
    const date = `${period}-20`
    const fy = financialYearOf(date).label
    const key = `demo:${++seq}`
    await trx
      .insertInto('ledger_transactions')
      .values({
        organisation_id: org,
        project_id: project(ref),
        import_id: null,
        transaction_ref: `MDC${String(100000 + seq)}`,
        dedupe_key: `ref:${key}`,
        content_hash: key,
        transaction_date: date,
        period,
        financial_year: fy,
        amount_pence: Math.round(pounds * 100),
        supplier_name: supplier,
        description,
        cost_centre: 'ICT100',
        account_code: '4100',
        expense_type: description,
        service_area: 'ICT and Digital',
        created_at: at,
      })
      .execute()
  }

  // 2020/21: the pandemic year, when the Covid streams paid for agile working and Grants overtime.
  const covidYear = financialYear(2020).label
  await line(
    'ICT-03',
    covidYear,
    relieved,
    'supplier',
    'Laptops and VPN licences for agile working',
    18500,
    'front_loaded',
    ['Section 151 officer', '2020-04-20', 'Urgent decision UD/2020/07'],
  )
  await line('ICT-04', covidYear, core, 'staff', 'Grants officer post (base)', 30000, 'flat', [
    'Cabinet',
    '2020-02-26',
    'CAB/2020/11',
  ])
  await line('ICT-04', covidYear, above, 'staff', 'Grants team overtime', 11200, 'front_loaded', [
    'Section 151 officer',
    '2020-05-04',
    'Urgent decision UD/2020/12',
  ])
  for (const [i, p] of financialYearPeriods(financialYear(2020)).entries()) {
    if (i < 3) await pay('ICT-03', p, 6100, 'Northgate Computers Ltd', 'Laptops for agile working')
    await pay('ICT-04', p, 2500, 'Marshland DC payroll', 'Grants officer salary')
    if (i < 6) await pay('ICT-04', p, 1850, 'Marshland DC payroll', 'Grants team overtime')
  }

  const claim = async (
    streamId: number,
    ref: string,
    title: string,
    amounts: [number, number, number],
    dates: [string, string | null],
    status: string,
    items: Array<[string, number, string]>,
  ) => {
    const c = await trx
      .insertInto('claims')
      .values({
        organisation_id: org,
        funding_stream_id: streamId,
        project_id: project(ref),
        title,
        eligible_pence: amounts[0] * 100,
        claimed_pence: amounts[1] * 100,
        received_pence: amounts[2] * 100,
        submitted_on: dates[0],
        received_on: dates[1],
        status,
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await trx
      .insertInto('claim_items')
      .values(
        items.map(([description, pounds, reason]) => ({
          organisation_id: org,
          claim_id: c.id,
          description,
          amount_pence: pounds * 100,
          eligible: reason === '' ? 1 : 0,
          ineligible_reason: reason,
        })),
      )
      .execute()
    await audit('claim', c.id, c)
  }
  const baseCost = 'base cost already in the budget'
  await claim(
    relieved,
    'ICT-03',
    'Agile working IT: laptops and VPN licences',
    [18300, 18300, 18300],
    ['2020-10-30', '2021-01-15'],
    'received',
    [
      ['Laptops for agile working', 14000, ''],
      ['VPN licences', 4300, ''],
      ['Digital officer post', 9000, baseCost],
    ],
  )
  await claim(
    above,
    'ICT-04',
    'Overtime in the Grants team',
    [11100, 11100, 8000],
    ['2021-02-12', null],
    'submitted',
    [
      ['Grants team overtime, April to September 2020', 11100, ''],
      ['Grants officer salary', 7500, baseCost],
    ],
  )

  // This year: the budget is being spent and nobody has signed off monitoring since the spring.
  const fy = financialYearOf(ctx.today)
  const periods = financialYearPeriods(fy)
  const nowPeriod = periodOf(ctx.today)
  const elapsed = periods.filter((p) => p <= nowPeriod)
  const approval: [string, string, string] = ['Cabinet', `${fy.startYear}-02-25`, `CAB/${fy.startYear}/09`]
  await line('ICT-06', fy.label, core, 'staff', 'Digital officer post', 42000, 'flat', approval)
  await line(
    'ICT-01',
    fy.label,
    core,
    'partner_recharge',
    'Web developer (PSPS non-base)',
    24000,
    'flat',
    approval,
  )
  await line(
    'ICT-01',
    fy.label,
    core,
    'licences',
    'Accessibility checking licence',
    3000,
    'front_loaded',
    approval,
  )
  await line(
    'ICT-05',
    fy.label,
    core,
    'supplier',
    'Northgate integration work',
    15000,
    'front_loaded',
    approval,
  )

  // PSPS is created with the organisation (scenario.ts), as its shared projects are shared with it.
  const partner = await trx
    .selectFrom('partners')
    .select('id')
    .where('organisation_id', '=', org)
    .where('name', '=', 'PSPS')
    .executeTakeFirstOrThrow()

  for (const [i, p] of elapsed.entries()) {
    await pay('ICT-06', p, 4200, 'Marshland DC payroll', 'Digital officer salary and on-costs')
    await trx
      .insertInto('partner_recharges')
      .values({
        organisation_id: org,
        partner_id: partner.id,
        project_id: project('ICT-01'),
        description: 'Web developer',
        period: p,
        amount_pence: 2000_00,
        cost_basis: 'non_base',
        created_at: at,
        updated_at: at,
      })
      .execute()
    // One month's invoice carried an uplift nobody recharged: the ledger does not reconcile.
    await pay('ICT-01', p, i === 2 ? 2400 : 2000, 'PSPS', 'Web developer recharge')
    if (i === 0) await pay('ICT-01', p, 2850, 'SiteMorse Ltd', 'Accessibility checking licence')
    if (i < 4) await pay('ICT-05', p, 3900, 'Northgate Public Services', 'Integration development')
  }
  await trx
    .insertInto('forecasts')
    .values({
      organisation_id: org,
      project_id: project('ICT-06'),
      financial_year: fy.label,
      period: elapsed.at(-1) ?? periods[0]!,
      forecast_outturn_pence: 50400_00,
      note: 'Post filled at a higher grade than budgeted',
      entered_by: null,
      entered_by_name: 'Demo loader',
      created_at: at,
      updated_at: at,
    })
    .execute()
  await signed(
    trx,
    org,
    project('ICT-05'),
    periods[0]!,
    ctx.people.finance_officer,
    ctx.people.project_manager,
    at,
  )
}

/** The one month anyone signed off: April, for the Northgate integration, before monitoring lapsed. */
async function signed(
  trx: Transaction<DB>,
  org: number,
  projectId: number,
  period: Period,
  finance: DemoPerson | undefined,
  pm: DemoPerson | undefined,
  at: string,
) {
  await trx
    .insertInto('budget_monitoring')
    .values({
      organisation_id: org,
      project_id: projectId,
      period,
      finance_signed_off_by: finance?.id ?? null,
      finance_signed_off_by_name: finance?.name ?? 'Finance officer',
      finance_signed_off_at: at,
      pm_signed_off_by: pm?.id ?? null,
      pm_signed_off_by_name: pm?.name ?? 'Project manager',
      pm_signed_off_at: at,
      forecast_confirmed: 1,
      variance_explanation: '',
      created_at: at,
      updated_at: at,
    })
    .execute()
}
