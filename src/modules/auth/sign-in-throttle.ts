import { randomBytes } from 'node:crypto'
import { sql, type Kysely } from 'kysely'
import { sha256 } from '../../auth/digest.ts'
import type { DB } from '../../db/schema.ts'

/**
 * Sign-in throttling, counted in the database so that every instance behind a load balancer sees the
 * same counts. Two counters are kept for each try:
 *
 * - the account: a hash of the email as typed (normalised), so the answer is the same whether or not
 *   the account exists and no email is stored;
 * - the client address (request.ip: X-Forwarded-For only from a configured proxy), so one address
 *   cannot try a few passwords on each of many accounts. An office behind one address shares it,
 *   hence the larger allowance.
 *
 * After the free failures, each further failure stores a not-before time that doubles from 30 seconds
 * and stops at 15 minutes. A try before that time is answered at once with 429 and is neither checked
 * nor counted: it costs no password hashing, and hammering during a lockout cannot lengthen it. So that
 * someone guessing every 15 minutes cannot keep an account's owner out of it, a browser that has signed
 * in to the account before is counted on a key of its own instead of the account's (throttleKeys).
 */
const ACCOUNT_FREE_FAILURES = 5
const ADDRESS_FREE_FAILURES = 20
const FIRST_DELAY_MS = 30_000
export const MAX_DELAY_MS = 15 * 60 * 1000
/** Failures older than this are forgotten: the next one starts the count again. */
const FAILURE_WINDOW_MS = 60 * 60 * 1000

interface ThrottleKey {
  key: string
  freeFailures: number
}

export const normaliseEmail = (email: string): string => email.trim().toLowerCase()
export const accountKey = (email: string): string => sha256(`email:${normaliseEmail(email)}`)
export const addressKey = (address: string): string => sha256(`address:${clientNetwork(address)}`)

/**
 * What one client address means for counting: an IPv4 address as it is (also when written IPv4-mapped,
 * ::ffff:a.b.c.d), an IPv6 address by its /64, since one subscriber is given a whole /64 and could
 * otherwise take a fresh address for every try.
 */
export function clientNetwork(address: string): string {
  const plain = address.replace(/%.*$/, '').toLowerCase()
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(plain)
  if (mapped) return mapped[1]!
  if (!plain.includes(':')) return plain
  const [head = '', tail] = plain.split('::')
  const left = head === '' ? [] : head.split(':')
  const right = tail === undefined || tail === '' ? [] : tail.split(':')
  const groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`
}

/**
 * The keys one try counts against. A browser that has signed in to this account before (its signed
 * known-device cookie names the account) is counted on its own key instead of the account's, so
 * someone else's wrong guesses, which lock the account, cannot keep its owner out of it; the address
 * is counted either way.
 */
export function throttleKeys(email: string, address: string, knownDevice: string | null): ThrottleKey[] {
  const account = accountKey(email)
  const [boundTo, nonce] = knownDevice?.split('.') ?? []
  const first = boundTo === account && nonce ? sha256(`device:${nonce}`) : account
  return [
    { key: first, freeFailures: ACCOUNT_FREE_FAILURES },
    { key: addressKey(address), freeFailures: ADDRESS_FREE_FAILURES },
  ]
}

/**
 * The second step of signing in, and turning the second factor off (issue 13): counted like passwords, per
 * account (its own key, so a wrong code does not add to the password's count) and per client address.
 */
export function secondFactorKeys(userId: number, address: string): ThrottleKey[] {
  return [
    { key: sha256(`second-factor:${userId}`), freeFailures: ACCOUNT_FREE_FAILURES },
    { key: addressKey(address), freeFailures: ADDRESS_FREE_FAILURES },
  ]
}

/** A new known-device cookie value for a browser that has just signed in to this account. */
export function knownDeviceFor(email: string): string {
  return `${accountKey(email)}.${randomBytes(16).toString('base64url')}`
}

/** How long to wait after `failures` failures: none while free, then doubling, never over the cap. */
export function lockoutMs(failures: number, freeFailures: number): number {
  if (failures < freeFailures) return 0
  return Math.min(FIRST_DELAY_MS * 2 ** (failures - freeFailures), MAX_DELAY_MS)
}

export function createSignInThrottle(db: Kysely<DB>) {
  return {
    /** Seconds until these keys may try again; 0 when they may try now. One read, before any hashing. */
    async retryAfterSeconds(keys: ThrottleKey[], now: number): Promise<number> {
      const rows = await db
        .selectFrom('sign_in_throttle')
        .select('not_before')
        .where(
          'key',
          'in',
          keys.map((k) => k.key),
        )
        .execute()
      const waitMs = Math.max(0, ...rows.map((r) => (r.not_before ? Date.parse(r.not_before) - now : 0)))
      return Math.ceil(waitMs / 1000)
    },

    /**
     * Adds one failure to each key in a single statement per key (insert, or add one on conflict), so
     * concurrent failures on any number of instances are each counted; the not-before time is worked
     * out in the same statement from the new count.
     */
    async recordFailure(keys: ThrottleKey[], now: number): Promise<void> {
      const at = new Date(now).toISOString()
      const forgetBefore = new Date(now - FAILURE_WINDOW_MS).toISOString()
      for (const { key, freeFailures } of keys) {
        const notBeforeAfter = (failures: number): string | null => {
          const ms = lockoutMs(failures, freeFailures)
          return ms === 0 ? null : new Date(now + ms).toISOString()
        }
        const count = sql<number>`(case when sign_in_throttle.last_failure_at < ${forgetBefore} then 1 else sign_in_throttle.failures + 1 end)`
        // The delay only grows until the cap, so the counts in between are listed and the rest share it.
        const steps: Array<[number, string | null]> = []
        for (let n = 1; lockoutMs(n - 1, freeFailures) < MAX_DELAY_MS; n++) steps.push([n, notBeforeAfter(n)])
        const notBefore = sql<string | null>`(case ${count} ${sql.join(
          steps.map(([n, time]) => sql`when ${n} then ${time}`),
          sql` `,
        )} else ${notBeforeAfter(Number.MAX_SAFE_INTEGER)} end)`
        await db
          .insertInto('sign_in_throttle')
          .values({
            key,
            failures: 1,
            first_failure_at: at,
            last_failure_at: at,
            not_before: notBeforeAfter(1),
          })
          .onConflict((oc) =>
            oc.column('key').doUpdateSet({
              failures: count,
              first_failure_at: sql<string>`(case when sign_in_throttle.last_failure_at < ${forgetBefore} then ${at} else sign_in_throttle.first_failure_at end)`,
              last_failure_at: at,
              not_before: notBefore,
            }),
          )
          .execute()
      }
    },

    /**
     * A correct password clears the count of the key it was tried under (the account's, or a known
     * browser's); the address keeps its count until it lapses.
     */
    async clear(key: ThrottleKey, trx: Kysely<DB> = db): Promise<void> {
      await trx.deleteFrom('sign_in_throttle').where('key', '=', key.key).execute()
    },
  }
}
