import type { Kysely } from 'kysely'
import type { Scope } from '../../auth/actor.ts'
import type { DB } from '../../db/schema.ts'
import { todayInLondon } from '../../domain/dates.ts'
import { changeCounter } from './audit.service.ts'

/**
 * Views computed from the portfolio (the dashboard, the governance headline, the project list API),
 * remembered until something changes. Keyed by the reader's whole scope (`scope.key`: the organisation and,
 * for a partner officer, the partner) and the caller's own variant, and valid for one value of the
 * organisation's change counter and one date in London (lateness and the current period move with the
 * calendar). Every saved change bumps the counter in its own transaction, so a remembered view
 * is never stale, on any instance, and costs one primary-key lookup to confirm. A caller that has already
 * read the counter in this request, before anything it computes from (`Actor.changeSeq`), passes it as
 * `seenSeq` and saves that lookup. With `enabled` false (config CHANGE_CACHE=false) every view is computed
 * afresh, so a benchmark can measure the database's own share.
 */
/**
 * What a remembered view (or page: web/page-store.ts) is valid for: one value of the organisation's change
 * counter and one date in London.
 */
export function viewValidity(seq: number): string {
  return `${seq}@${todayInLondon()}`
}

/**
 * `limit` bounds what is remembered: by default the number of views; with `weigh`, the sum of their weights (the
 * project list API weighs its answers in bytes, so it holds as many councils' lists as fit rather than a count
 * that a hundred organisations on one instance outgrow). A view heavier than the whole limit is answered, not kept.
 */
export function createChangeCache<T>(
  db: Kysely<DB>,
  limit = 200,
  enabled = true,
  weigh: (view: T) => number = () => 1,
) {
  // One entry per reader's scope and variant: a view superseded by a change is replaced, not kept until
  // `limit` newer ones push it out (each saved change would otherwise leave a dashboard behind in memory).
  const cache = new Map<string, { seq: number; validity: string; view: T; weight: number }>()
  let held = 0
  async function cached(
    scope: Scope,
    variant: string,
    compute: () => Promise<T>,
    seenSeq?: number,
  ): Promise<T> {
    if (!enabled) return compute()
    const seq = seenSeq ?? (await changeCounter(db, scope.organisationId))
    const validity = viewValidity(seq)
    const key = `${scope.key}:${variant}`
    const hit = cache.get(key)
    if (hit !== undefined && hit.validity === validity) return hit.view
    const view = await compute()
    // A slower request that read an older counter does not replace a newer view.
    const current = cache.get(key)
    if (current === undefined || current.seq <= seq) {
      if (current !== undefined) {
        cache.delete(key)
        held -= current.weight
      }
      const weight = weigh(view)
      if (weight > limit) return view
      // Oldest first out, when more readers and variants than `limit` allows are remembered.
      for (const [oldest, entry] of cache) {
        if (held + weight <= limit) break
        cache.delete(oldest)
        held -= entry.weight
      }
      cache.set(key, { seq, validity, view, weight })
      held += weight
    }
    return view
  }
  /** How many views are remembered. */
  return Object.defineProperty(cached as typeof cached & { readonly size: number }, 'size', {
    get: () => cache.size,
  })
}
