import { sharedPartnersColumn, whereProjectVisible } from '../../auth/visibility.ts'
import { PostgresAdapter, sql, type Expression, type Kysely, type RawBuilder, type Transaction } from 'kysely'
import type { Scope } from '../../auth/actor.ts'
import type { DB, Project } from '../../db/schema.ts'
import { RATINGS, severity } from '../../domain/dca.ts'
import type { Period } from '../../domain/periods.ts'
import { PROJECT_STAGES } from './projects.rules.ts'

export type ProjectSort = 'reference' | 'name' | 'stage' | 'forecast_end' | 'slippage' | 'rating'

export const PROJECT_SORTS: readonly ProjectSort[] = [
  'reference',
  'name',
  'stage',
  'forecast_end',
  'slippage',
  'rating',
]

export interface ProjectListFilter {
  programmeId?: number
  stage?: string
  /** A rating code, or `none` for projects with no status report at all. */
  rating?: string
  q?: string
  /** Rated Amber/Red or Red, in delivery without a report for the current period, or finishing late. */
  attention?: boolean
  sort?: ProjectSort
  order?: 'asc' | 'desc'
  offset?: number
  limit?: number
}

/**
 * A project with its latest status report's rating and period, and the partners it is shared with
 * (`sharedPartnersColumn`), as read from the database.
 */
export type ProjectWithLatest = Project & {
  latest_rating: string | null
  latest_period: string | null
  shared_partners: string | null
}

/** Every query is confined to the scope's organisation; a partner officer sees only shared projects. */
function scoped(db: Kysely<DB> | Transaction<DB>, scope: Scope) {
  let q = db.selectFrom('projects').where('projects.organisation_id', '=', scope.organisationId)
  q = whereProjectVisible(q, scope, 'projects.id')
  return q
}

/**
 * The latest status report's column, as a correlated subquery: one backwards step on the unique
 * (project_id, period) index per project, so the list costs the same however many months are reported.
 */
function latest(column: 'rating' | 'period'): RawBuilder<string | null> {
  return sql<string | null>`(select ${sql.ref(`status_reports.${column}`)} from status_reports
    where status_reports.project_id = projects.id order by status_reports.period desc limit 1)`
}

/** The date the project finishes or is forecast to finish: the fact once there is one. */
const endDate = sql<string | null>`coalesce(projects.actual_end, projects.forecast_end)`

function caseOrder(subject: Expression<unknown>, codes: ReadonlyArray<[string, number]>): RawBuilder<number> {
  const whens = codes.map(([code, n]) => sql`when ${sql.lit(code)} then ${sql.lit(n)}`)
  return sql<number>`case ${subject} ${sql.join(whens, sql` `)} end`
}

export function createProjectsRepository(db: Kysely<DB>) {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter
  const latestRating = latest('rating')
  const latestPeriod = latest('period')
  // End slippage in days, only for ordering: the figure shown is always projectSlippage's.
  const endSlippage = isPostgres
    ? sql<number | null>`(${endDate}::date - projects.baseline_end::date)`
    : sql<number | null>`cast(julianday(${endDate}) - julianday(projects.baseline_end) as integer)`
  const ratingSeverity = caseOrder(
    latestRating,
    RATINGS.map((r) => [r, severity(r)]),
  )
  const stagePosition = caseOrder(
    sql.ref('projects.stage'),
    PROJECT_STAGES.map((s, i) => [s.value, i]),
  )
  const sortExpressions: Record<ProjectSort, Expression<unknown>> = {
    reference: sql.ref('projects.reference'),
    name: sql.ref('projects.name'),
    stage: stagePosition,
    forecast_end: sql.ref('projects.forecast_end'),
    slippage: endSlippage,
    rating: ratingSeverity,
  }

  return {
    /**
     * Projects with their latest report and partners, filtered, sorted and paged in SQL, in one statement. On
     * PostgreSQL each statement is a round trip and a plan, and the partners were read in another after this
     * one (bench/pg-vs-sqlite.ts).
     */
    async listWithLatest(
      scope: Scope,
      f: ProjectListFilter & { id?: number },
      current: Period,
    ): Promise<ProjectWithLatest[]> {
      let q = scoped(db, scope)
        .selectAll('projects')
        .select([
          latestRating.as('latest_rating'),
          latestPeriod.as('latest_period'),
          sharedPartnersColumn(db, scope, 'projects.id').as('shared_partners'),
        ])
      if (f.id !== undefined) q = q.where('projects.id', '=', f.id)
      if (f.programmeId !== undefined) q = q.where('projects.programme_id', '=', f.programmeId)
      if (f.stage) q = q.where('projects.stage', '=', f.stage)
      if (f.rating === 'none') q = q.where(latestRating, 'is', null)
      else if (f.rating) q = q.where(latestRating, '=', f.rating)
      if (f.q) {
        const like = `%${f.q.toLowerCase()}%`
        q = q.where((eb) =>
          eb.or([
            eb(eb.fn('lower', ['projects.name']), 'like', like),
            eb(eb.fn('lower', ['projects.reference']), 'like', like),
          ]),
        )
      }
      if (f.attention) {
        q = q.where((eb) =>
          eb.or([
            eb(latestRating, 'in', ['amber_red', 'red']),
            eb.and([
              eb('projects.stage', '=', 'delivery'),
              eb.or([eb(latestPeriod, 'is', null), eb(latestPeriod, '!=', current)]),
            ]),
            // ISO dates compare as text, so "finishing after baseline" needs no date arithmetic.
            eb.and([
              eb('projects.baseline_end', 'is not', null),
              eb(endDate, '>', eb.ref('projects.baseline_end')),
            ]),
          ]),
        )
      }
      const sort = f.sort ?? 'reference'
      const order = f.order ?? 'asc'
      const by = sortExpressions[sort]
      // Unknown values (no forecast, no report) sort last either way, not first on one dialect only. The
      // rating is a subquery, so it gets an out-of-range stand-in rather than being evaluated twice per row.
      if (sort === 'rating') q = q.orderBy(sql`coalesce(${by}, ${sql.lit(order === 'asc' ? 99 : -1)})`, order)
      else if (sort === 'forecast_end' || sort === 'slippage')
        q = q.orderBy(sql`case when ${by} is null then 1 else 0 end`).orderBy(by, order)
      else q = q.orderBy(by, order)
      // References are unique, so that order is already total; the others need a tie-break to page stably.
      if (sort !== 'reference') q = q.orderBy('projects.reference', 'asc')
      return q
        .limit(f.limit ?? 100)
        .offset(f.offset ?? 0)
        .execute()
    },

    async get(scope: Scope, id: number, trx?: Transaction<DB>): Promise<Project | undefined> {
      return scoped(trx ?? db, scope)
        .selectAll('projects')
        .where('projects.id', '=', id)
        .executeTakeFirst()
    },

    async referenceTaken(trx: Transaction<DB>, organisationId: number, reference: string, exceptId?: number) {
      let q = trx
        .selectFrom('projects')
        .select('id')
        .where('organisation_id', '=', organisationId)
        .where((eb) => eb(eb.fn('lower', ['reference']), '=', reference.toLowerCase()))
      if (exceptId !== undefined) q = q.where('id', '!=', exceptId)
      return (await q.executeTakeFirst()) !== undefined
    },
  }
}
