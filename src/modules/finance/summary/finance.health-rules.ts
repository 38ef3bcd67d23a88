import { sql } from 'kysely'
import { formatMoney } from '../../../domain/money.ts'
import {
  financialYearOf,
  formatPeriod,
  periodOf,
  periodsBetween,
  previousPeriod,
} from '../../../domain/periods.ts'
import type { HealthRule } from '../../governance/health.rules.ts'
import { num } from '../shared/finance.repository.ts'
import { latestForecastOutturns } from '../shared/latest-forecasts.ts'

/**
 * The finance rules of the governance health check. They give the same answers as `finance.flags`
 * (`monitoring_not_signed_off`, `forecast_over_budget`) but read the whole organisation with a few
 * grouped queries, because the health check runs over every project at once and must stay quick.
 */
export const FINANCE_HEALTH_RULES: HealthRule[] = [
  {
    id: 'budget-monitoring-not-signed-off',
    title: 'Budget monitoring not signed off',
    why: 'Each month finance and the project manager sign off the budget monitoring and confirm the forecast; months without sign-off mean nobody is checking spend against the budget.',
    lesson:
      'The panel heard the budget had been spent and "investigations were needed to understand why a monitoring process had not been in place".',
    threshold: {
      label: 'Months without sign-off before it counts',
      hint: 'Completed months in a row without both sign-offs that the rule allows',
      default: 1,
      min: 0,
      max: 12,
    },
    async evaluate({ db, organisationId, today, threshold }) {
      const allowed = threshold ?? 1
      const lastComplete = previousPeriod(periodOf(today))
      // The first profiled month of each project: monitoring is due from then on.
      const firsts = await db
        .selectFrom('budget_line_periods as blp')
        .innerJoin('budget_lines as bl', 'bl.id', 'blp.budget_line_id')
        .innerJoin('projects as p', 'p.id', 'bl.project_id')
        .select(['p.id', 'p.programme_id', 'p.reference', 'p.name', sql<string>`min(blp.period)`.as('first')])
        .where('bl.organisation_id', '=', organisationId)
        .groupBy(['p.id', 'p.programme_id', 'p.reference', 'p.name'])
        .orderBy('p.reference')
        .execute()
      if (firsts.length === 0) return []
      // Only the latest fully signed-off month matters: the run of unsigned months ends there.
      const signed = new Map(
        (
          await db
            .selectFrom('budget_monitoring')
            .select(['project_id', sql<string>`max(period)`.as('last')])
            .where('organisation_id', '=', organisationId)
            .where('finance_signed_off_at', 'is not', null)
            .where('pm_signed_off_at', 'is not', null)
            .where('forecast_confirmed', '=', 1)
            .where('period', '<=', lastComplete)
            .groupBy('project_id')
            .execute()
        ).map((r) => [r.project_id, r.last]),
      )
      return firsts.flatMap((p) => {
        if (p.first > lastComplete) return []
        const last = signed.get(p.id)
        const from = last && last >= p.first ? last : null
        const months = periodsBetween(p.first, lastComplete)
        const run = from ? months.filter((m) => m > from).length : months.length
        if (run <= allowed) return []
        const since = months[months.length - run]!
        return [
          {
            recordType: 'project',
            recordId: p.id,
            title: `${p.reference} ${p.name}`,
            detail: `Budget monitoring not signed off for ${run} months, since ${formatPeriod(since)}`,
            url: `/projects/${p.id}/finance`,
            programmeId: p.programme_id,
            projectId: p.id,
          },
        ]
      })
    },
  },
  {
    id: 'forecast-over-budget',
    title: 'Forecast over budget',
    why: "A forecast outturn above the year's budget must be explained and brought to the board before the money is spent, not found afterwards.",
    lesson: 'Members "expressed disappointment that ... the budget had been spent" before the work was done.',
    async evaluate({ db, organisationId, today }) {
      const fy = financialYearOf(today).label
      const budgets = await db
        .selectFrom('budget_lines as bl')
        .innerJoin('projects as p', 'p.id', 'bl.project_id')
        .select([
          'p.id',
          'p.programme_id',
          'p.reference',
          'p.name',
          sql<number>`coalesce(sum(case when bl.financial_year = ${fy} then bl.amount_pence else 0 end), 0)`.as(
            'budget',
          ),
        ])
        .where('bl.organisation_id', '=', organisationId)
        .groupBy(['p.id', 'p.programme_id', 'p.reference', 'p.name'])
        .orderBy('p.reference')
        .execute()
      if (budgets.length === 0) return []
      // The latest forecast of the year is the one that counts, as on the project's finance page.
      const latest = await latestForecastOutturns(db, organisationId, fy)
      return budgets.flatMap((p) => {
        const forecast = latest.get(p.id)
        const budget = num(p.budget)
        if (forecast === undefined || forecast <= budget) return []
        return [
          {
            recordType: 'project',
            recordId: p.id,
            title: `${p.reference} ${p.name}`,
            detail: `Forecast outturn ${formatMoney(forecast)} against a ${fy} budget of ${formatMoney(budget)}`,
            url: `/projects/${p.id}/finance`,
            programmeId: p.programme_id,
            projectId: p.id,
          },
        ]
      })
    },
  },
]
