import type { Kysely, Transaction } from 'kysely'
import type { Scope } from '../../auth/actor.ts'
import { wherePaperVisible } from '../../auth/visibility.ts'
import type { DB, ReportArea, ReportAreaNote } from '../../db/schema.ts'

type Conn = Kysely<DB> | Transaction<DB>

export interface OwnedAreaAction extends ReportArea {
  reportTitle: string
}

/** Areas for consideration as tracked actions: found through their report, so a paper's visibility is theirs. */
export function createAreaActionsRepository(db: Kysely<DB>) {
  return {
    /** The area, of the report if one is named; undefined if the reader cannot see its report. */
    get(scope: Scope, areaId: number, reportId?: number, trx?: Conn): Promise<ReportArea | undefined> {
      let q = (trx ?? db)
        .selectFrom('report_areas as a')
        .innerJoin('panel_reports', 'panel_reports.id', 'a.report_id')
        .selectAll('a')
        .where('a.organisation_id', '=', scope.organisationId)
        .where('panel_reports.organisation_id', '=', scope.organisationId)
        .where('a.id', '=', areaId)
      if (reportId !== undefined) q = q.where('a.report_id', '=', reportId)
      return wherePaperVisible(q, scope).executeTakeFirst()
    },

    notes(organisationId: number, areaIds: readonly number[]): Promise<ReportAreaNote[]> {
      if (areaIds.length === 0) return Promise.resolve([])
      return db
        .selectFrom('report_area_notes')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('area_id', 'in', areaIds)
        .orderBy('noted_on', 'desc')
        .orderBy('id', 'desc')
        .execute()
    },

    /** The actions a person owns, soonest due first (those with no due date last), with their report's title. */
    forOwner(scope: Scope, userId: number): Promise<OwnedAreaAction[]> {
      return wherePaperVisible(
        db
          .selectFrom('report_areas as a')
          .innerJoin('panel_reports', 'panel_reports.id', 'a.report_id')
          .selectAll('a')
          .select('panel_reports.title as reportTitle')
          .where('a.organisation_id', '=', scope.organisationId)
          .where('panel_reports.organisation_id', '=', scope.organisationId)
          .where('a.owner_user_id', '=', userId),
        scope,
      )
        .orderBy((eb) => eb.case().when('a.due_on', 'is', null).then(1).else(0).end())
        .orderBy('a.due_on')
        .orderBy('a.id')
        .limit(500)
        .execute()
    },

    addNote(trx: Transaction<DB>, note: Omit<ReportAreaNote, 'id'>): Promise<ReportAreaNote> {
      return trx.insertInto('report_area_notes').values(note).returningAll().executeTakeFirstOrThrow()
    },
  }
}
