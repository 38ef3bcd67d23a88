import { wherePartnerVisible, whereProjectVisible } from '../../../auth/visibility.ts'
import { sql, type Kysely, type Transaction } from 'kysely'
import type { Scope } from '../../../auth/actor.ts'
import type { DB } from '../../../db/schema.ts'

type Db = Kysely<DB> | Transaction<DB>

/** Projects within the scope: the organisation's, and for a partner officer only those shared with the partner. */
export function scopedProjects(db: Db, scope: Scope) {
  let q = db.selectFrom('projects').where('projects.organisation_id', '=', scope.organisationId)
  q = whereProjectVisible(q, scope, 'projects.id')
  return q
}

/** Sums arrive as strings or numbers depending on the dialect; both hold whole pence. */
export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v))

export function createFinanceRepository(db: Kysely<DB>) {
  return {
    async budgetLines(scope: Scope, projectIds: number[], financialYear?: string) {
      if (projectIds.length === 0) return []
      let q = db
        .selectFrom('budget_lines')
        .innerJoin('funding_streams', 'funding_streams.id', 'budget_lines.funding_stream_id')
        .selectAll('budget_lines')
        .select(['funding_streams.name as stream_name', 'funding_streams.kind as stream_kind'])
        .where('budget_lines.organisation_id', '=', scope.organisationId)
        .where('budget_lines.project_id', 'in', projectIds)
      if (financialYear) q = q.where('budget_lines.financial_year', '=', financialYear)
      return q.orderBy('budget_lines.financial_year').orderBy('budget_lines.id').execute()
    },

    /** Profiled budget per project and period, within the periods given. */
    async profileByPeriod(scope: Scope, projectIds: number[], from: string, to: string) {
      if (projectIds.length === 0) return []
      const rows = await db
        .selectFrom('budget_line_periods')
        .innerJoin('budget_lines', 'budget_lines.id', 'budget_line_periods.budget_line_id')
        .select([
          'budget_lines.project_id as project_id',
          'budget_line_periods.period as period',
          sql<number>`sum(budget_line_periods.amount_pence)`.as('amount'),
        ])
        .where('budget_lines.organisation_id', '=', scope.organisationId)
        .where('budget_lines.project_id', 'in', projectIds)
        .where('budget_line_periods.period', '>=', from)
        .where('budget_line_periods.period', '<=', to)
        .groupBy(['budget_lines.project_id', 'budget_line_periods.period'])
        .execute()
      return rows.map((r) => ({ ...r, amount: num(r.amount) }))
    },

    /** Ledger actuals per project and period (suspense rows have no project and are not counted). */
    async actualsByPeriod(scope: Scope, projectIds: number[], from: string, to: string) {
      if (projectIds.length === 0) return []
      const rows = await db
        .selectFrom('ledger_transactions')
        .select(['project_id', 'period', sql<number>`sum(amount_pence)`.as('amount')])
        // The project ids come from a scoped query, so they are the organisation's already; filtering on
        // organisation_id as well led SQLite to the (organisation_id, period) index and a scan of the
        // whole year's ledger instead of each project's rows (bench/finance-summary.ts).
        .where('project_id', 'in', projectIds)
        .where('period', '>=', from)
        .where('period', '<=', to)
        .groupBy(['project_id', 'period'])
        .execute()
      return rows.map((r) => ({ project_id: r.project_id!, period: r.period, amount: num(r.amount) }))
    },

    /** Ledger actuals per project and supplier, for reconciling partner recharges. */
    async actualsBySupplier(scope: Scope, projectIds: number[], from: string, to: string) {
      if (projectIds.length === 0) return []
      const rows = await db
        .selectFrom('ledger_transactions')
        .select([
          'project_id',
          sql<string>`lower(supplier_name)`.as('supplier'),
          sql<number>`sum(amount_pence)`.as('amount'),
        ])
        .where('project_id', 'in', projectIds)
        .where('period', '>=', from)
        .where('period', '<=', to)
        .groupBy(['project_id', sql`lower(supplier_name)`])
        .execute()
      return rows.map((r) => ({ project_id: r.project_id!, supplier: r.supplier, amount: num(r.amount) }))
    },

    async openCommitments(scope: Scope, projectIds: number[]) {
      if (projectIds.length === 0) return []
      return db
        .selectFrom('commitments')
        .selectAll()
        .where('organisation_id', '=', scope.organisationId)
        .where('project_id', 'in', projectIds)
        .where('status', '=', 'open')
        .orderBy('raised_on')
        .execute()
    },

    /** Every commitment raised on or before `date`, whatever its status now (a paper asks what was open then). */
    async commitmentsRaisedBy(scope: Scope, projectIds: number[], date: string) {
      if (projectIds.length === 0) return []
      return db
        .selectFrom('commitments')
        .selectAll()
        .where('organisation_id', '=', scope.organisationId)
        .where('project_id', 'in', projectIds)
        .where('raised_on', '<=', date)
        .orderBy('raised_on')
        .execute()
    },

    async forecasts(scope: Scope, projectIds: number[], financialYear: string) {
      if (projectIds.length === 0) return []
      return db
        .selectFrom('forecasts')
        .selectAll()
        .where('organisation_id', '=', scope.organisationId)
        .where('project_id', 'in', projectIds)
        .where('financial_year', '=', financialYear)
        .orderBy('period', 'desc')
        .execute()
    },

    async monitoring(scope: Scope, projectIds: number[]) {
      if (projectIds.length === 0) return []
      return db
        .selectFrom('budget_monitoring')
        .selectAll()
        .where('organisation_id', '=', scope.organisationId)
        .where('project_id', 'in', projectIds)
        .orderBy('period', 'desc')
        .execute()
    },

    async recharges(scope: Scope, projectIds: number[], from: string, to: string) {
      if (projectIds.length === 0) return []
      const q = db
        .selectFrom('partner_recharges')
        .innerJoin('partners', 'partners.id', 'partner_recharges.partner_id')
        // The partner's person it is for: one of the partner's own staff, so whoever sees the recharge may.
        .leftJoin('people', 'people.id', 'partner_recharges.person_id')
        .selectAll('partner_recharges')
        .select(['partners.name as partner_name', 'people.name as person_name'])
        .where('partner_recharges.organisation_id', '=', scope.organisationId)
        .where('partner_recharges.project_id', 'in', projectIds)
        .where('partner_recharges.period', '>=', from)
        .where('partner_recharges.period', '<=', to)
        .orderBy('partner_recharges.period')
      return wherePartnerVisible(q, scope, 'partner_recharges.partner_id').execute()
    },

    async partners(scope: Scope) {
      const q = db
        .selectFrom('partners')
        .selectAll()
        .where('organisation_id', '=', scope.organisationId)
        .orderBy('name')
      return wherePartnerVisible(q, scope, 'partners.id').execute()
    },

    async fundingStreams(scope: Scope) {
      return db
        .selectFrom('funding_streams')
        .selectAll()
        .where('organisation_id', '=', scope.organisationId)
        .orderBy('name')
        .execute()
    },

    async fundingStream(scope: Scope, id: number, trx?: Transaction<DB>) {
      return (trx ?? db)
        .selectFrom('funding_streams')
        .selectAll()
        .where('organisation_id', '=', scope.organisationId)
        .where('id', '=', id)
        .executeTakeFirst()
    },

    /** Claims within the scope: a partner officer sees only claims for shared projects. */
    async claims(scope: Scope, opts: { projectIds?: number[]; streamIds?: number[] } = {}) {
      let q = db
        .selectFrom('claims')
        .innerJoin('funding_streams', 'funding_streams.id', 'claims.funding_stream_id')
        .leftJoin('projects', 'projects.id', 'claims.project_id')
        .selectAll('claims')
        .select(['funding_streams.name as stream_name', 'projects.name as project_name'])
        .where('claims.organisation_id', '=', scope.organisationId)
      q = whereProjectVisible(q, scope, 'projects.id')
      const { projectIds, streamIds } = opts
      if (projectIds && streamIds) {
        q = q.where((eb) =>
          eb.or([
            projectIds.length ? eb('claims.project_id', 'in', projectIds) : sql<boolean>`1 = 0`,
            streamIds.length
              ? eb.and([eb('claims.project_id', 'is', null), eb('claims.funding_stream_id', 'in', streamIds)])
              : sql<boolean>`1 = 0`,
          ]),
        )
      } else if (projectIds) {
        if (projectIds.length === 0) return []
        q = q.where('claims.project_id', 'in', projectIds)
      }
      return q.orderBy('claims.submitted_on').orderBy('claims.id').execute()
    },

    async claimItems(scope: Scope, claimIds: number[]) {
      if (claimIds.length === 0) return []
      return db
        .selectFrom('claim_items')
        .selectAll()
        .where('organisation_id', '=', scope.organisationId)
        .where('claim_id', 'in', claimIds)
        .orderBy('id')
        .execute()
    },
  }
}

export type FinanceRepository = ReturnType<typeof createFinanceRepository>
