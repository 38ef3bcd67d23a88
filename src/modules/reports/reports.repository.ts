import type { Kysely, Transaction } from 'kysely'
import type { Scope } from '../../auth/actor.ts'
import type { DB, PanelReport, ReportArea } from '../../db/schema.ts'
import { wherePaperVisible } from '../../auth/visibility.ts'

type Conn = Kysely<DB> | Transaction<DB>

/** Reports belong to one organisation; what a partner officer sees of them is decided in auth/visibility.ts. */
function scoped(db: Conn, scope: Scope) {
  let q = db.selectFrom('panel_reports').where('panel_reports.organisation_id', '=', scope.organisationId)
  q = wherePaperVisible(q, scope)
  return q
}

export interface MeetingSummary {
  id: number
  committeeId: number
  committeeName: string
  meetingDate: string
  place: string
  status: string
}

export interface MonitorRow {
  id: number
  reference: string
  text: string
  madeOn: string
  responseDueOn: string
  response: string | null
  respondedOn: string | null
  status: string
}

export function createReportsRepository(db: Kysely<DB>) {
  return {
    list(scope: Scope, f: { programmeId?: number; meetingId?: number; offset?: number; limit?: number }) {
      let q = scoped(db, scope).selectAll('panel_reports')
      if (f.programmeId !== undefined) q = q.where('panel_reports.programme_id', '=', f.programmeId)
      if (f.meetingId !== undefined) q = q.where('panel_reports.meeting_id', '=', f.meetingId)
      return q
        .orderBy('panel_reports.period_to', 'desc')
        .orderBy('panel_reports.id', 'desc')
        .limit(f.limit ?? 100)
        .offset(f.offset ?? 0)
        .execute()
    },

    get(scope: Scope, id: number, trx?: Conn): Promise<PanelReport | undefined> {
      return scoped(trx ?? db, scope)
        .selectAll('panel_reports')
        .where('panel_reports.id', '=', id)
        .executeTakeFirst()
    },

    areas(organisationId: number, reportId: number, trx?: Conn): Promise<ReportArea[]> {
      return (trx ?? db)
        .selectFrom('report_areas')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('report_id', '=', reportId)
        .orderBy('position')
        .orderBy('id')
        .execute()
    },

    async file(organisationId: number, reportId: number, format: string) {
      return db
        .selectFrom('panel_report_files')
        .select(['content_base64', 'sha256', 'bytes'])
        .where('organisation_id', '=', organisationId)
        .where('report_id', '=', reportId)
        .where('format', '=', format)
        .executeTakeFirst()
    },

    /** Meetings of the organisation's committees, newest first, for choosing where a paper goes. */
    meetings(organisationId: number, id?: number): Promise<MeetingSummary[]> {
      let q = db
        .selectFrom('meetings as m')
        .innerJoin('committees as c', 'c.id', 'm.committee_id')
        .select([
          'm.id',
          'm.committee_id as committeeId',
          'c.name as committeeName',
          'm.meeting_date as meetingDate',
          'm.place',
          'm.status',
        ])
        .where('m.organisation_id', '=', organisationId)
      if (id !== undefined) q = q.where('m.id', '=', id)
      return q.orderBy('m.meeting_date', 'desc').orderBy('m.id', 'desc').limit(500).execute()
    },

    /**
     * The recommendations a panel has made about this programme: those raised at an agenda item linked to
     * the programme or one of its projects, or with an action against them, made on or before `asOf`.
     */
    recommendationsFor(organisationId: number, programmeId: number, asOf: string): Promise<MonitorRow[]> {
      return db
        .selectFrom('recommendations as r')
        .select([
          'r.id',
          'r.reference',
          'r.text',
          'r.made_on as madeOn',
          'r.response_due_on as responseDueOn',
          'r.response',
          'r.responded_on as respondedOn',
          'r.status',
        ])
        .where('r.organisation_id', '=', organisationId)
        .where('r.made_on', '<=', asOf)
        .where((eb) =>
          eb.or([
            eb.exists(
              eb
                .selectFrom('agenda_item_links as l')
                .leftJoin('projects as p', 'p.id', 'l.project_id')
                .select('l.id')
                .whereRef('l.agenda_item_id', '=', 'r.agenda_item_id')
                .where((e) =>
                  e.or([e('l.programme_id', '=', programmeId), e('p.programme_id', '=', programmeId)]),
                ),
            ),
            eb.exists(
              eb
                .selectFrom('recommendation_actions as a')
                .leftJoin('projects as p', 'p.id', 'a.project_id')
                .select('a.id')
                .whereRef('a.recommendation_id', '=', 'r.id')
                .where((e) =>
                  e.or([e('a.programme_id', '=', programmeId), e('p.programme_id', '=', programmeId)]),
                ),
            ),
          ]),
        )
        .orderBy('r.made_on')
        .orderBy('r.reference')
        .execute()
    },
  }
}

export type ReportsRepository = ReturnType<typeof createReportsRepository>
