import type { Kysely } from 'kysely'
import type { DB } from '../db/schema.ts'

export interface HousekeepingResult {
  jobRuns: number
  sessions: number
  throttle: number
  mail: number
}

/** How long the record of a scheduled run, and a sent message, is kept (the outbox keeps unsent mail). */
const KEEP_DAYS = 30

// A sign-in throttle row counts for nothing once the failure window (an hour, in auth.service) has
// passed since its last failure; a day's margin keeps this independent of that setting.
const THROTTLE_STALE_MS = 24 * 60 * 60 * 1000

/**
 * Deletes in batches until nothing is left, so one run never holds a long lock on a table the app is
 * using. `select` names one batch of keys; the delete takes exactly those.
 */
async function inBatches(step: () => Promise<number>, batchSize: number): Promise<number> {
  let total = 0
  for (;;) {
    const n = await step()
    total += n
    if (n < batchSize) return total
  }
}

/**
 * Prunes what the service piles up and nobody reads: old job runs (a few a minute), expired sessions,
 * stale sign-in throttle rows and old sent mail. Idempotent: a second run finds nothing.
 */
export async function housekeep(
  db: Kysely<DB>,
  now: Date,
  opts: { batchSize?: number; keepDays?: number } = {},
): Promise<HousekeepingResult> {
  const batchSize = opts.batchSize ?? 1000
  const cutoff = new Date(now.getTime() - (opts.keepDays ?? KEEP_DAYS) * 24 * 60 * 60 * 1000).toISOString()
  const nowIso = now.toISOString()
  const throttleCutoff = new Date(now.getTime() - THROTTLE_STALE_MS).toISOString()
  const deleted = (r: { numDeletedRows: bigint }[]) => Number(r[0]?.numDeletedRows ?? 0)

  const jobRuns = await inBatches(async () => {
    // The (job, slot) key is what the scheduler claims; old slots never come round again.
    const keys = db
      .selectFrom('job_runs')
      .select(['job', 'slot'])
      .where('started_at', '<', cutoff)
      .limit(batchSize)
    return deleted(
      await db
        .deleteFrom('job_runs')
        .where((eb) => eb(eb.refTuple('job', 'slot'), 'in', keys.$asTuple('job', 'slot')))
        .execute(),
    )
  }, batchSize)

  const sessions = await inBatches(async () => {
    const ids = db.selectFrom('sessions').select('id').where('expires_at', '<', nowIso).limit(batchSize)
    return deleted(await db.deleteFrom('sessions').where('id', 'in', ids).execute())
  }, batchSize)

  const throttle = await inBatches(async () => {
    const keys = db
      .selectFrom('sign_in_throttle')
      .select('key')
      .where('last_failure_at', '<', throttleCutoff)
      .limit(batchSize)
    return deleted(await db.deleteFrom('sign_in_throttle').where('key', 'in', keys).execute())
  }, batchSize)

  const mail = await inBatches(async () => {
    const ids = db
      .selectFrom('mail_outbox')
      .select('id')
      .where('status', '=', 'sent')
      .where('sent_at', '<', cutoff)
      .limit(batchSize)
    return deleted(await db.deleteFrom('mail_outbox').where('id', 'in', ids).execute())
  }, batchSize)

  return { jobRuns, sessions, throttle, mail }
}
