import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../../db/schema.ts'
import { addDays, todayInLondon, type IsoDate } from '../../domain/dates.ts'
import { showErased } from './erased-values.ts'

/**
 * A moment a paper describes: the London calendar day it is "as at", and the instant that day ended (the
 * first moment of the next day in London), which the audit trail's UTC timestamps are compared with.
 */
export interface AsAt {
  date: IsoDate
  /** ISO timestamp (UTC): changes recorded at or after it happened after the day. */
  instant: string
}

/** The end of `date` in London, whether it falls in GMT or BST. */
export function asAtEndOf(date: IsoDate): AsAt {
  const next = addDays(date, 1)
  const utcMidnight = Date.parse(`${next}T00:00:00.000Z`)
  const hourBefore = new Date(utcMidnight - 3_600_000)
  // In British Summer Time, 23:00 UTC is already the next day in London.
  const instant = todayInLondon(hourBefore) === next ? hourBefore : new Date(utcMidnight)
  return { date, instant: instant.toISOString() }
}

interface Row {
  id: number
}

/** The audit trail's ids are text; one query a slice keeps the parameter count low on both dialects. */
const CHUNK = 500

/**
 * Records as they stood at `at`: each row's fields are put back as they were before every audited change
 * made at or after the instant, newest first, from the `before` each change recorded. Only the row's own
 * fields are restored (a joined column such as a project reference is left as it is), and fields no change
 * recorded keep their current value. Rows are never added or removed: whether a record belongs in a paper
 * is the caller's rule, by the record's own dates.
 */
export async function asItStood<R extends Row>(
  db: Kysely<DB> | Transaction<DB>,
  organisationId: number,
  entityType: string,
  rows: readonly R[],
  at: AsAt,
): Promise<Array<R & { changedSince: boolean }>> {
  const ids = [...new Set(rows.map((r) => String(r.id)))]
  const later = new Map<string, string[]>()
  for (let i = 0; i < ids.length; i += CHUNK) {
    const events = await db
      .selectFrom('audit_events')
      .select(['entity_type', 'entity_id', 'before_json'])
      .where('organisation_id', '=', organisationId)
      .where('entity_type', '=', entityType)
      .where('entity_id', 'in', ids.slice(i, i + CHUNK))
      .where('occurred_at', '>=', at.instant)
      .where('before_json', 'is not', null)
      .orderBy('seq', 'desc')
      .execute()
    for (const e of await showErased(db, organisationId, events))
      later.set(e.entity_id, [...(later.get(e.entity_id) ?? []), e.before_json!])
  }
  return rows.map((row) => {
    const befores = later.get(String(row.id))
    if (!befores) return { ...row, changedSince: false }
    const then = { ...row } as Record<string, unknown>
    for (const json of befores) {
      const before = JSON.parse(json) as Record<string, unknown>
      for (const key of Object.keys(before)) if (Object.hasOwn(row, key)) then[key] = before[key]
    }
    return { ...(then as R), changedSince: true }
  })
}
