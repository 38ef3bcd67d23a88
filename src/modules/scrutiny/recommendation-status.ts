import type { Recommendation } from '../../db/schema.ts'
import type { IsoDate } from '../../domain/dates.ts'
import { isResponseOverdue } from '../../domain/due-dates.ts'
import type { RecommendationListRow } from './recommendations.service.ts'

// A recommendation's status as readers see it: "response overdue" is worked out from today, never stored.

/** The status a reader sees: an unanswered recommendation past its due date is "response overdue". */
export function effectiveStatus(
  r: Pick<Recommendation, 'status' | 'response_due_on' | 'responded_on'>,
  today: IsoDate,
) {
  return r.status === 'awaiting_response' && isResponseOverdue(r.response_due_on, r.responded_on, today)
    ? 'response_overdue'
    : r.status
}

/**
 * The tracker's rows as its page shows them: each with its status as of today ("response overdue" is worked
 * out, never stored), narrowed to the status asked for. The page and its downloads both use it.
 */
export function trackerRows(rows: RecommendationListRow[], today: IsoDate, wanted: string) {
  return rows
    .map((r) => ({ ...r, status: effectiveStatus(r, today) }))
    .filter((r) => !wanted || r.status === wanted)
}
