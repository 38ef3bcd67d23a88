import { CompiledQuery } from 'kysely'
import { actorFromRow, type Actor, type ActorRow } from '../../auth/actor.ts'
import { sha256 } from '../../auth/digest.ts'
import type { Database } from '../../db/database.ts'
import { todayInLondon } from '../../domain/dates.ts'

type TokenActorRow = ActorRow & { token_id: number; last_used_at: string | null; change_seq: number }

/** Last use is kept to the minute: writing it on every call would turn each API read into a write. */
const LAST_USED_GRAIN_MS = 60_000

/**
 * One query, each part a unique or primary-key read: the token, its person, their role in the token's
 * organisation, and that organisation's change counter (for remembered answers). A partner officer's
 * membership ends with the partnership: from its end date (today in the council's calendar, parameter 3) their
 * tokens act for nobody, as a leaver's do. `param(n)` writes the dialect's n-th placeholder (SQLite's `?`
 * bind in the order written, so the parameters appear in order).
 */
function tokenActorSql(param: (n: number) => string): string {
  return `select t.id as token_id, t.last_used_at, u.id as user_id, u.name, u.email, u.is_active, m.role,
      m.partner_id, o.id as organisation_id, o.name as organisation_name, o.slug as organisation_slug,
      o.rating_scale, o.is_demo, coalesce(h.seq, 0) as change_seq
    from api_tokens t
    join users u on u.id = t.user_id
    join memberships m on m.user_id = t.user_id and m.organisation_id = t.organisation_id and m.left_at is null
    join organisations o on o.id = t.organisation_id
    left join audit_heads h on h.organisation_id = t.organisation_id
    where t.token_hash = ${param(1)} and t.revoked_at is null and t.expires_at > ${param(2)}
      and not exists (select 1 from partners ended_partner
        where ended_partner.id = m.partner_id and ended_partner.ended_on <= ${param(3)})`
}

/**
 * Who an API token acts for, read on every API request: a revoked or expired token, or one whose person has
 * left the organisation or been deactivated, is nobody, from that moment, on every instance.
 *
 * It runs on every API call, so on SQLite it is one better-sqlite3 statement prepared once and run
 * directly: through Kysely (compiling the query, its connection mutex and promise hops) it was about a
 * tenth of a remembered project list's CPU under load (bench/profile-list.ts). Kysely's SQLite driver shares
 * this one connection, so while a Kysely transaction is open on it the direct read would see that
 * transaction's uncommitted writes (a change counter that may yet roll back): then, and on PostgreSQL, the
 * query goes through Kysely, which waits its turn.
 */
export function createTokenActorLookup(database: Database) {
  const { db, sqlite } = database
  const prepared = sqlite?.prepare<[string, string, string], TokenActorRow>(tokenActorSql(() => '?')) ?? null
  const viaKysely = tokenActorSql(sqlite ? () => '?' : (n) => `$${n}`)

  function readViaKysely(tokenHash: string, nowIso: string, today: string): Promise<TokenActorRow | undefined> {
    return db
      .executeQuery<TokenActorRow>(CompiledQuery.raw(viaKysely, [tokenHash, nowIso, today]))
      .then(({ rows }) => rows[0])
  }

  // Formatting and parsing dates showed in the profile: the clock is formatted once per millisecond, and the
  // last token's last use parsed once per change (a busy integration polls with one token).
  let isoAt = NaN
  let iso = ''
  // The London date is worked out once a minute: it changes at midnight, and formatting it each call showed.
  let todayAt = NaN
  let today = ''
  let lastUsedText: string | null = null
  let lastUsedMs = NaN

  // A busy integration sends one token again and again: its digest is worked out once, not on every call.
  let lastToken = ''
  let lastHash = ''

  function actorOf(row: TokenActorRow): Actor | null {
    const actor = actorFromRow(row, 'token', null)
    // PostgreSQL reads the counter as bigint, which the driver hands over as a number (db/database.ts).
    return actor && { ...actor, changeSeq: Number(row.change_seq) }
  }

  function settle(row: TokenActorRow | undefined, now: number, nowIso: string): Actor | null | Promise<Actor | null> {
    if (!row) return null
    if (row.last_used_at !== lastUsedText) {
      lastUsedText = row.last_used_at
      lastUsedMs = lastUsedText === null ? NaN : Date.parse(lastUsedText)
    }
    if (row.last_used_at === null || now - lastUsedMs > LAST_USED_GRAIN_MS) {
      return db
        .updateTable('api_tokens')
        .set({ last_used_at: nowIso })
        .where('id', '=', row.token_id)
        .execute()
        .then(() => actorOf(row))
    }
    return actorOf(row)
  }

  /**
   * The actor, answered at once (not a promise) when the read is the prepared statement's and no last use is due
   * to be written: the auth hook then goes on without a turn of the microtask queue (bench/profile-list.ts).
   */
  return function actorForToken(token: string): Actor | null | Promise<Actor | null> {
    const now = Date.now()
    if (now !== isoAt) {
      isoAt = now
      iso = new Date(now).toISOString()
    }
    const nowIso = iso
    if (!(now - todayAt < 60_000)) {
      todayAt = now
      today = todayInLondon(new Date(now))
    }
    if (token !== lastToken) {
      lastToken = token
      lastHash = sha256(token)
    }
    if (prepared && !sqlite!.inTransaction) return settle(prepared.get(lastHash, nowIso, today), now, nowIso)
    return readViaKysely(lastHash, nowIso, today).then((row) => settle(row, now, nowIso))
  }
}
