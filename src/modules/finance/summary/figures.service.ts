import { sql, type Kysely, type Transaction } from 'kysely'
import type { Scope } from '../../../auth/actor.ts'
import type { DB } from '../../../db/schema.ts'
import { todayInLondon, type IsoDate } from '../../../domain/dates.ts'
import { formatMoney, sumPence } from '../../../domain/money.ts'
import {
  financialYearOf,
  financialYearPeriods,
  formatPeriod,
  parseFinancialYear,
  periodOf,
  periodsBetween,
  previousPeriod,
  type Period,
} from '../../../domain/periods.ts'
import { num, scopedProjects, type FinanceRepository } from '../shared/finance.repository.ts'

export type FinanceFlagRule =
  | 'monitoring_not_signed_off'
  | 'actuals_beyond_profile'
  | 'forecast_over_budget'
  | 'budget_spent_work_outstanding'

export interface FinanceFlag {
  rule: FinanceFlagRule
  projectId: number
  projectName: string
  detail: string
}

const CLOSED_STAGES = ['closed', 'cancelled']

function groupSum<T>(rows: T[], key: (r: T) => string | number, value: (r: T) => number) {
  const out = new Map<string | number, number>()
  for (const r of rows) out.set(key(r), (out.get(key(r)) ?? 0) + value(r))
  return out
}

/** The financial year's periods, and the last of them that has begun by `today`. */
export function yearWindow(financialYear: string, today: IsoDate) {
  const fy = parseFinancialYear(financialYear)
  if (!fy) return null
  const periods = financialYearPeriods(fy)
  const first = periods[0]!
  const last = periods[periods.length - 1]!
  const now = periodOf(today)
  const toDate = now < first ? null : now > last ? last : now
  return { label: fy.label, periods, first, last, toDate }
}

export function createFinanceFigures(db: Kysely<DB>, repo: FinanceRepository) {
  async function latestForecasts(scope: Scope, projectIds: number[], financialYear: string) {
    const rows = await repo.forecasts(scope, projectIds, financialYear)
    const latest = new Map<number, (typeof rows)[number]>()
    for (const f of rows) if (!latest.has(f.project_id)) latest.set(f.project_id, f)
    return latest
  }

  return {
    /** Forecast − budget for the year of `period`, from the latest forecast up to that month; null without one. */
    async varianceFor(trx: Transaction<DB>, scope: Scope, projectId: number, period: Period) {
      const fy = financialYearOf(`${period}-01`).label
      const forecast = await trx
        .selectFrom('forecasts')
        .select('forecast_outturn_pence')
        .where('organisation_id', '=', scope.organisationId)
        .where('project_id', '=', projectId)
        .where('financial_year', '=', fy)
        .where('period', '<=', period)
        .orderBy('period', 'desc')
        .executeTakeFirst()
      if (!forecast) return null
      const budget = await trx
        .selectFrom('budget_lines')
        .select(sql<number>`coalesce(sum(amount_pence), 0)`.as('total'))
        .where('project_id', '=', projectId)
        .where('financial_year', '=', fy)
        .executeTakeFirstOrThrow()
      return num(forecast.forecast_outturn_pence) - num(budget.total)
    },

    /**
     * The finance flags the governance health check reads, for the financial year containing `today`:
     * monitoring not signed off for more than one completed month; actuals beyond the budget profiled to
     * date; forecast outturn over budget; the budget spent while work is still outstanding.
     */
    async flags(scope: Scope, today: IsoDate = todayInLondon()): Promise<FinanceFlag[]> {
      const fy = financialYearOf(today).label
      const win = yearWindow(fy, today)!
      const now = periodOf(today)
      const projects = await scopedProjects(db, scope)
        .select(['projects.id', 'projects.name', 'projects.stage', 'projects.actual_end'])
        .where((eb) =>
          eb.exists(
            eb
              .selectFrom('budget_lines')
              .select('budget_lines.id')
              .whereRef('budget_lines.project_id', '=', 'projects.id'),
          ),
        )
        // A project closed (or cancelled) before this financial year has nothing left to monitor: flagging
        // it for years of unsigned months would bury the flags that still need someone to act.
        .where((eb) =>
          eb.not(
            eb.and([
              eb('projects.stage', 'in', ['closed', 'cancelled']),
              eb.or([
                eb('projects.actual_end', 'is', null),
                eb('projects.actual_end', '<', `${win.first}-01`),
              ]),
            ]),
          ),
        )
        .orderBy('projects.reference')
        .execute()
      if (projects.length === 0) return []
      const ids = projects.map((p) => p.id)
      const lines = await repo.budgetLines(scope, ids, fy)
      const budget = groupSum(
        lines,
        (l) => l.project_id,
        (l) => num(l.amount_pence),
      )
      const profiled = groupSum(
        await repo.profileByPeriod(scope, ids, win.first, now),
        (r) => r.project_id,
        (r) => r.amount,
      )
      const actuals = groupSum(
        await repo.actualsByPeriod(scope, ids, win.first, win.last),
        (r) => r.project_id,
        (r) => r.amount,
      )
      const forecasts = await latestForecasts(scope, ids, fy)
      const firstProfiled = new Map(
        (
          await db
            .selectFrom('budget_line_periods')
            .innerJoin('budget_lines', 'budget_lines.id', 'budget_line_periods.budget_line_id')
            .select([
              'budget_lines.project_id as project_id',
              sql<string>`min(budget_line_periods.period)`.as('first'),
            ])
            .where('budget_lines.project_id', 'in', ids)
            .groupBy('budget_lines.project_id')
            .execute()
        ).map((r) => [r.project_id, r.first]),
      )
      const signed = new Map<number, Set<string>>()
      for (const m of await repo.monitoring(scope, ids)) {
        if (m.finance_signed_off_at && m.pm_signed_off_at && m.forecast_confirmed)
          (signed.get(m.project_id) ?? signed.set(m.project_id, new Set()).get(m.project_id)!).add(m.period)
      }
      const outstanding = new Map(
        (
          await db
            .selectFrom('milestones')
            .select(['project_id', sql<number>`count(*)`.as('n')])
            .where('project_id', 'in', ids)
            .where('status', 'in', ['not_started', 'in_progress'])
            .groupBy('project_id')
            .execute()
        ).map((r) => [r.project_id, num(r.n)]),
      )

      const flags: FinanceFlag[] = []
      for (const p of projects) {
        const flag = (rule: FinanceFlagRule, detail: string) =>
          flags.push({ rule, projectId: p.id, projectName: p.name, detail })
        const first = firstProfiled.get(p.id)
        const lastComplete = previousPeriod(now)
        if (first && first <= lastComplete) {
          const months = periodsBetween(first, lastComplete)
          const done = signed.get(p.id) ?? new Set()
          let run = 0
          for (let i = months.length - 1; i >= 0 && !done.has(months[i]!); i--) run++
          if (run > 1) {
            const since = months[months.length - run]!
            flag(
              'monitoring_not_signed_off',
              `Budget monitoring not signed off for ${run} months, since ${formatPeriod(since)}`,
            )
          }
        }
        const b = budget.get(p.id) ?? 0
        const a = actuals.get(p.id) ?? 0
        const pr = profiled.get(p.id) ?? 0
        if (a > pr)
          flag(
            'actuals_beyond_profile',
            `${formatMoney(a)} spent in ${fy} against ${formatMoney(pr)} profiled to ${formatPeriod(now)}`,
          )
        const f = forecasts.get(p.id)
        if (f && num(f.forecast_outturn_pence) > b)
          flag(
            'forecast_over_budget',
            `Forecast outturn ${formatMoney(num(f.forecast_outturn_pence))} against a ${fy} budget of ${formatMoney(b)}`,
          )
        const workLeft = outstanding.get(p.id) ?? 0
        if (b > 0 && a >= b && !CLOSED_STAGES.includes(p.stage) && (workLeft > 0 || p.actual_end === null))
          flag(
            'budget_spent_work_outstanding',
            `${formatMoney(a)} spent of a ${formatMoney(b)} budget with ${workLeft === 1 ? '1 milestone' : `${workLeft} milestones`} outstanding`,
          )
      }
      return flags
    },

    /** One project's money for a financial year; undefined when the project is not in the scope. */
    async projectFinance(
      scope: Scope,
      projectId: number,
      financialYear: string,
      today: IsoDate = todayInLondon(),
    ) {
      const project = await scopedProjects(db, scope)
        .selectAll('projects')
        .where('projects.id', '=', projectId)
        .executeTakeFirst()
      if (!project) return undefined
      const win = yearWindow(financialYear, today)
      if (!win) return undefined
      const ids = [projectId]
      const allLines = await repo.budgetLines(scope, ids)
      const lines = allLines.filter((l) => l.financial_year === win.label)
      const profile = new Map(
        (await repo.profileByPeriod(scope, ids, win.first, win.last)).map((r) => [r.period, r.amount]),
      )
      const actual = new Map(
        (await repo.actualsByPeriod(scope, ids, win.first, win.last)).map((r) => [r.period, r.amount]),
      )
      let cumP = 0
      let cumA = 0
      const periods = win.periods.map((period, i) => {
        const profiled = profile.get(period) ?? 0
        const spent = actual.get(period) ?? 0
        cumP += profiled
        cumA += spent
        const started = win.toDate !== null && period <= win.toDate
        return {
          period,
          number: i + 1,
          label: formatPeriod(period),
          profiled,
          actual: started ? spent : null,
          cumulativeProfiled: cumP,
          cumulativeActual: started ? cumA : null,
        }
      })
      const budget = sumPence(lines.map((l) => num(l.amount_pence)))
      const actuals = sumPence([...actual.values()])
      const commitmentRows = await repo.openCommitments(scope, ids)
      const commitments = sumPence(commitmentRows.map((c) => num(c.amount_pence)))
      const forecastRows = await repo.forecasts(scope, ids, win.label)
      const forecast = forecastRows[0] ? num(forecastRows[0].forecast_outturn_pence) : null
      const toDate = periods.filter((p) => p.actual !== null)
      const byStream = [
        ...groupSum(
          lines,
          (l) => l.stream_name,
          (l) => num(l.amount_pence),
        ),
      ].map(([name, amount]) => ({ name: String(name), budget: amount }))
      const yearActuals = await db
        .selectFrom('ledger_transactions')
        .select(['financial_year', sql<number>`sum(amount_pence)`.as('amount')])
        .where('organisation_id', '=', scope.organisationId)
        .where('project_id', '=', projectId)
        .groupBy('financial_year')
        .execute()
      const yearBudgets = groupSum(
        allLines,
        (l) => l.financial_year,
        (l) => num(l.amount_pence),
      )
      const yearSet = new Set<string>([...yearBudgets.keys()].map(String))
      for (const y of yearActuals) yearSet.add(y.financial_year)
      yearSet.add(win.label)
      const byYear = [...yearSet].sort().map((y) => ({
        financialYear: y,
        budget: yearBudgets.get(y) ?? 0,
        actuals: num(yearActuals.find((r) => r.financial_year === y)?.amount),
      }))
      const recharges = await repo.recharges(scope, ids, win.first, win.last)
      const monitoring = (await repo.monitoring(scope, ids)).filter(
        (m) => m.period >= win.first && m.period <= win.last,
      )
      const claims = await repo.claims(scope, { projectIds: ids })
      return {
        project,
        financialYear: win.label,
        years: byYear.map((y) => y.financialYear),
        totals: {
          budget,
          actuals,
          commitments,
          forecast,
          variance: forecast === null ? null : forecast - budget,
          profiledToDate: toDate.at(-1)?.cumulativeProfiled ?? 0,
          actualsToDate: toDate.at(-1)?.cumulativeActual ?? 0,
          remaining: budget - actuals - commitments,
        },
        lines,
        byStream,
        byYear,
        periods,
        forecasts: forecastRows,
        monitoring,
        commitments: commitmentRows,
        recharges,
        claims,
      }
    },
  }
}
