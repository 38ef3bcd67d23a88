import { whereProjectVisible } from '../../auth/visibility.ts'
import type { Kysely, Transaction } from 'kysely'
import type { Scope } from '../../auth/actor.ts'
import type { DB, StatusReport } from '../../db/schema.ts'

export interface StatusReportFilter {
  projectId?: number
  period?: string
  rating?: string
  offset?: number
  limit?: number
}

/**
 * Reports hang off projects: every query is confined to the organisation, and a partner officer sees only
 * reports of projects shared with the partner.
 */
function scoped(db: Kysely<DB> | Transaction<DB>, scope: Scope) {
  let q = db
    .selectFrom('status_reports')
    .innerJoin('projects', 'projects.id', 'status_reports.project_id')
    .where('status_reports.organisation_id', '=', scope.organisationId)
    .where('projects.organisation_id', '=', scope.organisationId)
  q = whereProjectVisible(q, scope, 'projects.id')
  return q
}

export function createStatusReportsRepository(db: Kysely<DB>) {
  return {
    /** Newest period first, as a history is read. */
    async list(scope: Scope, f: StatusReportFilter): Promise<StatusReport[]> {
      let q = scoped(db, scope).selectAll('status_reports')
      if (f.projectId !== undefined) q = q.where('status_reports.project_id', '=', f.projectId)
      if (f.period) q = q.where('status_reports.period', '=', f.period)
      if (f.rating) q = q.where('status_reports.rating', '=', f.rating)
      return q
        .orderBy('status_reports.period', 'desc')
        .orderBy('status_reports.project_id')
        .orderBy('status_reports.id', 'desc')
        .limit(f.limit ?? 1000)
        .offset(f.offset ?? 0)
        .execute()
    },

    async get(scope: Scope, id: number, trx?: Transaction<DB>): Promise<StatusReport | undefined> {
      return scoped(trx ?? db, scope)
        .selectAll('status_reports')
        .where('status_reports.id', '=', id)
        .executeTakeFirst()
    },

    async forPeriod(
      scope: Scope,
      projectId: number,
      period: string,
      trx?: Transaction<DB>,
    ): Promise<StatusReport | undefined> {
      return scoped(trx ?? db, scope)
        .selectAll('status_reports')
        .where('status_reports.project_id', '=', projectId)
        .where('status_reports.period', '=', period)
        .executeTakeFirst()
    },
  }
}
