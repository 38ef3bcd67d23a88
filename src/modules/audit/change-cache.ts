import type { Kysely } from 'kysely'
import type { Scope } from '../../auth/actor.ts'
import type { DB } from '../../db/schema.ts'
import { todayInLondon } from '../../domain/dates.ts'
import { changeCounter } from './audit.service.ts'

/**
 * Views computed from the portfolio (the dashboard, the governance headline, the project list API),
 * remembered until something changes. Keyed by the reader's whole scope (`scope.key`: the organisation and,
 * for a partner officer, the partner), the caller's own variant,
 * the organisation's change counter and today's date in London (lateness and the current period move
 * with the calendar). Every saved change bumps the counter in its own transaction, so a remembered view
 * is never stale, on any instance, and costs one primary-key lookup to confirm. A caller that has already
 * read the counter in this request, before anything it computes from (`Actor.changeSeq`), passes it as
 * `seenSeq` and saves that lookup.
 */
export function createChangeCache<T>(db: Kysely<DB>, limit = 200) {
  const cache = new Map<string, T>()
  return async function cached(
    scope: Scope,
    variant: string,
    compute: () => Promise<T>,
    seenSeq?: number,
  ): Promise<T> {
    const seq = seenSeq ?? (await changeCounter(db, scope.organisationId))
    const key = `${scope.key}:${variant}:${seq}:${todayInLondon()}`
    const hit = cache.get(key)
    if (hit !== undefined) return hit
    const fresh = await compute()
    // Oldest first out: keys of superseded counters are never asked for again.
    if (cache.size >= limit) cache.delete(cache.keys().next().value!)
    cache.set(key, fresh)
    return fresh
  }
}
