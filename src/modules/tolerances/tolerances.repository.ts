import { whereProjectVisible } from '../../auth/visibility.ts'
import { sql, type Kysely, type Transaction } from 'kysely'
import type { Scope } from '../../auth/actor.ts'
import type { DB, ToleranceException, ToleranceSettings } from '../../db/schema.ts'
import { todayInLondon, type IsoDate } from '../../domain/dates.ts'
import { financialYearOf } from '../../domain/periods.ts'
import { latestForecastOutturns } from '../finance/shared/latest-forecasts.ts'
import type { ProjectFacts } from './tolerances.rules.ts'

type Db = Kysely<DB> | Transaction<DB>

export interface ExceptionRow extends ToleranceException {
  project_reference: string
  project_name: string
  programme_reference: string
  programme_name: string
}

export interface ExceptionFilter {
  status?: string
  projectId?: number
  programmeId?: number
  open?: boolean
  offset?: number
  limit?: number
}

export interface ProjectUnderTolerance {
  id: number
  programme_id: number
  reference: string
  name: string
  project_manager: string
  baseline_end: string | null
  forecast_end: string | null
  actual_end: string | null
}

/** Exceptions hang off projects: a partner officer sees only those on projects shared with the partner. */
function scopedExceptions(db: Db, scope: Scope) {
  let q = db
    .selectFrom('tolerance_exceptions as e')
    .innerJoin('projects as p', 'p.id', 'e.project_id')
    .innerJoin('programmes as g', 'g.id', 'e.programme_id')
    .where('e.organisation_id', '=', scope.organisationId)
  q = whereProjectVisible(q, scope, 'p.id')
  return q
    .selectAll('e')
    .select([
      'p.reference as project_reference',
      'p.name as project_name',
      'g.reference as programme_reference',
      'g.name as programme_name',
    ])
}

const LIVE_STAGES = ['idea', 'business_case', 'approved', 'delivery', 'closure']

export function createTolerancesRepository(db: Kysely<DB>) {
  return {
    listExceptions(scope: Scope, f: ExceptionFilter, trx?: Transaction<DB>): Promise<ExceptionRow[]> {
      let q = scopedExceptions(trx ?? db, scope)
      if (f.status) q = q.where('e.status', '=', f.status)
      if (f.projectId) q = q.where('e.project_id', '=', f.projectId)
      if (f.programmeId) q = q.where('e.programme_id', '=', f.programmeId)
      if (f.open) q = q.where('e.status', '!=', 'decided')
      return q
        .orderBy('e.raised_at', 'desc')
        .orderBy('e.id', 'desc')
        .limit(f.limit ?? 100)
        .offset(f.offset ?? 0)
        .execute()
    },

    getException(scope: Scope, id: number, trx?: Transaction<DB>): Promise<ExceptionRow | undefined> {
      return scopedExceptions(trx ?? db, scope)
        .where('e.id', '=', id)
        .executeTakeFirst()
    },

    settingsFor(db2: Db, organisationId: number, programmeId: number): Promise<ToleranceSettings[]> {
      return db2
        .selectFrom('tolerance_settings')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('programme_id', '=', programmeId)
        .execute()
    },

    /** Everything the evaluation needs for the given projects (all live ones when ids is null), in seven queries. */
    async loadForEvaluation(
      trx: Db,
      organisationId: number,
      ids: number[] | null,
      today: IsoDate = todayInLondon(),
    ) {
      let pq = trx
        .selectFrom('projects')
        .select([
          'id',
          'programme_id',
          'reference',
          'name',
          'project_manager',
          'baseline_end',
          'forecast_end',
          'actual_end',
        ])
        .where('organisation_id', '=', organisationId)
        .where('stage', 'in', LIVE_STAGES)
      if (ids) pq = pq.where('id', 'in', ids.length > 0 ? ids : [0])
      const projects: ProjectUnderTolerance[] = await pq.execute()
      const settings = await trx
        .selectFrom('tolerance_settings')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .execute()
      let mq = trx
        .selectFrom('milestones')
        .select(['id', 'project_id', 'name', 'baseline_date', 'forecast_date', 'actual_date', 'status'])
        .where('organisation_id', '=', organisationId)
        .where('is_key', '=', 1)
      if (ids) mq = mq.where('project_id', 'in', ids.length > 0 ? ids : [0])
      const milestones = await mq.execute()
      let rq = trx
        .selectFrom('risks')
        .select(['id', 'project_id', 'title', 'inherent_score', 'residual_score'])
        .where('organisation_id', '=', organisationId)
        .where('status', '=', 'open')
      if (ids) rq = rq.where('project_id', 'in', ids.length > 0 ? ids : [0])
      const risks = await rq.execute()
      let eq = trx
        .selectFrom('tolerance_exceptions')
        // The whole row: clearing one goes through the audited update, which records it as it was.
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('source', '=', 'forecast')
        .where('cleared_at', 'is', null)
      if (ids) eq = eq.where('project_id', 'in', ids.length > 0 ? ids : [0])
      const open = await eq.execute()
      // Cost is measured for the current financial year: the budget is what has been approved (a line
      // with an approval date), the forecast is the latest outturn entered. Without both, cost is not
      // evaluated rather than guessed.
      const fy = financialYearOf(today).label
      let bq = trx
        .selectFrom('budget_lines')
        .select(['project_id', sql<number>`sum(amount_pence)`.as('total')])
        .where('organisation_id', '=', organisationId)
        .where('financial_year', '=', fy)
        .where('approved_on', 'is not', null)
        .groupBy('project_id')
      if (ids) bq = bq.where('project_id', 'in', ids.length > 0 ? ids : [0])
      const budgets = new Map((await bq.execute()).map((b) => [b.project_id, Number(b.total)]))
      const forecasts = await latestForecastOutturns(trx, organisationId, fy, ids ?? undefined)

      const facts = new Map<number, ProjectFacts>()
      for (const p of projects)
        facts.set(p.id, {
          baselineEnd: p.baseline_end,
          forecastEnd: p.forecast_end,
          actualEnd: p.actual_end,
          keyMilestones: [],
          budgetPence: budgets.get(p.id) ?? null,
          forecastPence: forecasts.get(p.id) ?? null,
          risks: [],
        })
      for (const m of milestones)
        facts.get(m.project_id)?.keyMilestones.push({
          id: m.id,
          name: m.name,
          baselineDate: m.baseline_date,
          forecastDate: m.forecast_date,
          actualDate: m.actual_date,
          status: m.status,
        })
      for (const r of risks)
        facts.get(r.project_id)?.risks.push({
          id: r.id,
          title: r.title,
          score: r.residual_score ?? r.inherent_score,
        })
      return { projects, settings, facts, open }
    },
  }
}
