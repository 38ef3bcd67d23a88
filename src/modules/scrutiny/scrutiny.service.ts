import type { Kysely } from 'kysely'
import type { Scope } from '../../auth/actor.ts'
import type { DB } from '../../db/schema.ts'
import type { IsoDate } from '../../domain/dates.ts'
import {
  answeredOnTime,
  daysToResponse,
  isResponseOverdue,
  median,
  municipalYear,
  municipalYearOf,
  type MunicipalYear,
} from '../../domain/due-dates.ts'
import { createCommitteesService } from './committees.service.ts'
import { createMeetingsService } from './meetings.service.ts'
import type { WorkingCalendarService } from '../organisation/working-calendar.service.ts'
import { createRecommendationsService, type OverdueResponse } from './recommendations.service.ts'

export interface MonitorRow {
  committeeId: number
  committee: string
  year: MunicipalYear
  made: number
  answeredOnTime: number
  accepted: number
  implemented: number
  overdue: number
  /** Median whole days from the meeting to the response, over those answered; null when none are. */
  medianDaysToResponse: number | null
}

/**
 * The scrutiny loop as one service: committees and meetings, recommendations from panel to outcome, and the
 * recommendations monitor that shows whether the panel's comments have been influential.
 */
export function createScrutinyService(
  db: Kysely<DB>,
  workingCalendar: Pick<WorkingCalendarService, 'holidaysOf'>,
) {
  const committees = createCommitteesService(db)
  const meetings = createMeetingsService(db)
  const recommendations = createRecommendationsService(db, workingCalendar)

  /** The monitor per committee and municipal year (May–April), by the date each recommendation was made. */
  async function monitor(scope: Scope, today: IsoDate, f: { committeeId?: number; startYear?: number } = {}) {
    let q = db
      .selectFrom('recommendations')
      .innerJoin('committees', 'committees.id', 'recommendations.committee_id')
      .select([
        'recommendations.committee_id',
        'committees.name as committee_name',
        'recommendations.made_on',
        'recommendations.response_due_on',
        'recommendations.responded_on',
        'recommendations.response',
        'recommendations.status',
      ])
      .where('recommendations.organisation_id', '=', scope.organisationId)
    if (f.committeeId !== undefined) q = q.where('recommendations.committee_id', '=', f.committeeId)
    if (f.startYear !== undefined) {
      const my = municipalYear(f.startYear)
      q = q.where('recommendations.made_on', '>=', my.start).where('recommendations.made_on', '<=', my.end)
    }
    const rows = await q.execute()
    const groups = new Map<string, { row: MonitorRow; days: number[] }>()
    for (const r of rows) {
      const year = municipalYearOf(r.made_on)
      const key = `${r.committee_id}:${year.startYear}`
      let g = groups.get(key)
      if (!g) {
        g = {
          row: {
            committeeId: r.committee_id,
            committee: r.committee_name,
            year,
            made: 0,
            answeredOnTime: 0,
            accepted: 0,
            implemented: 0,
            overdue: 0,
            medianDaysToResponse: null,
          },
          days: [],
        }
        groups.set(key, g)
      }
      g.row.made++
      if (answeredOnTime(r.response_due_on, r.responded_on)) g.row.answeredOnTime++
      if (r.response === 'accepted' || r.response === 'partly_accepted') g.row.accepted++
      if (r.status === 'implemented') g.row.implemented++
      if (r.status === 'awaiting_response' && isResponseOverdue(r.response_due_on, r.responded_on, today))
        g.row.overdue++
      if (r.responded_on) g.days.push(daysToResponse(r.made_on, r.responded_on))
    }
    return [...groups.values()]
      .map((g) => ({ ...g.row, medianDaysToResponse: median(g.days) }))
      .sort((a, b) => b.year.startYear - a.year.startYear || a.committee.localeCompare(b.committee))
  }

  return {
    ...committees,
    ...meetings,
    recommendations,
    monitor,
    /** For the governance health check: every response past its due date and not yet given. */
    overdueResponses: (scope: Scope, today: IsoDate): Promise<OverdueResponse[]> =>
      recommendations.overdueResponses(scope, today),
  }
}

export type ScrutinyService = ReturnType<typeof createScrutinyService>
export type { OverdueResponse }
