import { CompiledQuery } from 'kysely'
import { actorFromRow, type Actor, type ActorRow } from '../../auth/actor.ts'
import { sha256 } from '../../auth/digest.ts'
import type { Database } from '../../db/database.ts'
import { todayInLondon } from '../../domain/dates.ts'
import { viewValidity } from '../audit/change-cache.ts'
import { gatheredReads } from '../../db/gathered-reads.ts'
import { crossOrganisation } from '../../db/tenant-context.ts'

type TokenActorRow = ActorRow & { token_id: number; change_seq: number }
type LiveTokenRow = { token_id: number; last_used_at: string | null; change_seq: number }
type GatheredLiveTokenRow = LiveTokenRow & { token_hash: string }

/** Last use is kept to the minute: writing it on every call would turn each API read into a write. */
const LAST_USED_GRAIN_MS = 60_000
/** Tokens whose actor is remembered; past this the least recently resolved goes first. */
const REMEMBERED_TOKENS = 1_000

/**
 * Whether a token is live, read on every API call: the token itself (not revoked, not expired) and its
 * organisation's change counter, two primary-key or unique reads in one statement. `param(n)` writes the
 * dialect's n-th placeholder.
 */
function liveTokenSql(param: (n: number) => string): string {
  return `select t.id as token_id, t.last_used_at,
      coalesce((select h.seq from audit_heads h where h.organisation_id = t.organisation_id), 0) as change_seq
    from api_tokens t
    where t.token_hash = ${param(1)} and t.revoked_at is null and t.expires_at > ${param(2)}`
}

/**
 * The same read for several tokens at once, on PostgreSQL (`gatheredReads`): the calls that arrive while one
 * read is on its way share the next.
 */
const GATHERED_LIVE_TOKENS_SQL = `select t.token_hash, t.id as token_id, t.last_used_at,
      coalesce((select h.seq from audit_heads h where h.organisation_id = t.organisation_id), 0) as change_seq
    from api_tokens t
    where t.token_hash = any($1::text[]) and t.revoked_at is null and t.expires_at > $2`

/**
 * Who a live token acts for: its person, their role in the token's organisation, and that organisation, with the
 * change counter read in the same statement. A partner officer's membership ends with the partnership: from its end
 * date (today in the council's calendar, parameter 2) their tokens act for nobody, as a leaver's do.
 */
function tokenActorSql(param: (n: number) => string): string {
  return `select t.id as token_id, u.id as user_id, u.name, u.email, u.is_active, m.role,
      m.partner_id, o.id as organisation_id, o.name as organisation_name, o.slug as organisation_slug,
      o.rating_scale, o.is_demo, coalesce(h.seq, 0) as change_seq
    from api_tokens t
    join users u on u.id = t.user_id
    join memberships m on m.user_id = t.user_id and m.organisation_id = t.organisation_id and m.left_at is null
    join organisations o on o.id = t.organisation_id
    left join audit_heads h on h.organisation_id = t.organisation_id
    where t.id = ${param(1)}
      and not exists (select 1 from partners ended_partner
        where ended_partner.id = m.partner_id and ended_partner.ended_on <= ${param(2)})`
}

/**
 * Who an API token acts for, read on every API request: a revoked or expired token, or one whose person has
 * left the organisation or been deactivated, is nobody, from that moment, on every instance.
 *
 * Each call reads whether the token is live and its organisation's change counter (one statement, two key reads).
 * Who it acts for is remembered per token for one value of that counter and one London date (`viewValidity`, as
 * remembered views are): every change to a membership, a partnership or the organisation is a saved change that
 * moves the counter in its own transaction, an erased person's tokens are revoked, and a partnership's end date
 * turns with the date; then the person, membership and organisation are read again (bench/profile-list.ts: the
 * five-way read was a sixth of a remembered project list's CPU, and on PostgreSQL took longer to plan than to run).
 *
 * On SQLite the reads are better-sqlite3 statements prepared once and run directly. Kysely's SQLite driver
 * shares this one connection, so while a Kysely transaction is open on it a direct read would see that
 * transaction's uncommitted writes (a change counter that may yet roll back): then the queries go through
 * Kysely, which waits its turn. On PostgreSQL the liveness reads of calls made at the same time are gathered
 * into one (`gatheredReads`), which starts after each of them arrived.
 */
export function createTokenActorLookup(database: Database) {
  const { db, sqlite } = database
  const dialectParam = sqlite ? () => '?' : (n: number) => `$${n}`
  const liveSql = liveTokenSql(dialectParam)
  const actorSql = tokenActorSql(dialectParam)
  const preparedLive = sqlite?.prepare<[string, string], LiveTokenRow>(liveSql) ?? null
  const preparedActor = sqlite?.prepare<[number, string], TokenActorRow>(actorSql) ?? null
  const remembered = new Map<number, { validity: string; actor: Actor }>()
  const gatheredLive = sqlite
    ? null
    : gatheredReads<string, LiveTokenRow>((hashes) =>
        crossOrganisation('session lookup', () =>
          db
            .executeQuery<GatheredLiveTokenRow>(
              CompiledQuery.raw(GATHERED_LIVE_TOKENS_SQL, [hashes, new Date().toISOString()]),
            )
            .then(({ rows }) => new Map(rows.map((row) => [row.token_hash, row]))),
        ),
      )

  const direct = () => sqlite !== null && !sqlite.inTransaction
  function query<R>(text: string, parameters: unknown[]): Promise<R | undefined> {
    return db.executeQuery<R>(CompiledQuery.raw(text, parameters)).then(({ rows }) => rows[0])
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

  /** The actor of a live token, remembered while `validity` holds; null for a leaver or an ended partnership. */
  function actorOf(live: LiveTokenRow): Actor | null | Promise<Actor | null> {
    const validity = viewValidity(Number(live.change_seq))
    const known = remembered.get(live.token_id)
    if (known !== undefined && known.validity === validity) return known.actor
    const keep = (row: TokenActorRow | undefined): Actor | null => {
      const actor = row ? actorFromRow(row, 'token', null) : null
      if (!row || !actor) return null
      // PostgreSQL reads the counter as bigint, which the driver hands over as a number (db/database.ts).
      const changeSeq = Number(row.change_seq)
      const kept = { ...actor, changeSeq }
      remembered.delete(live.token_id)
      if (remembered.size >= REMEMBERED_TOKENS) remembered.delete(remembered.keys().next().value!)
      remembered.set(live.token_id, { validity: viewValidity(changeSeq), actor: kept })
      return kept
    }
    if (preparedActor && direct()) return keep(preparedActor.get(live.token_id, today))
    return query<TokenActorRow>(actorSql, [live.token_id, today]).then(keep)
  }

  function settle(live: LiveTokenRow | undefined, now: number, nowIso: string): Actor | null | Promise<Actor | null> {
    if (!live) return null
    if (live.last_used_at !== lastUsedText) {
      lastUsedText = live.last_used_at
      lastUsedMs = lastUsedText === null ? NaN : Date.parse(lastUsedText)
    }
    if (live.last_used_at === null || now - lastUsedMs > LAST_USED_GRAIN_MS) {
      return db
        .updateTable('api_tokens')
        .set({ last_used_at: nowIso })
        .where('id', '=', live.token_id)
        .execute()
        .then(() => actorOf(live))
    }
    return actorOf(live)
  }

  /**
   * The actor, answered at once (not a promise) when the reads are the prepared statements' and no last use is
   * due to be written: the auth hook then goes on without a turn of the microtask queue (bench/profile-list.ts).
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
    if (preparedLive && direct()) return settle(preparedLive.get(lastHash, nowIso), now, nowIso)
    if (gatheredLive) return gatheredLive(lastHash).then((live) => settle(live, now, nowIso))
    return query<LiveTokenRow>(liveSql, [lastHash, nowIso]).then((live) => settle(live, now, nowIso))
  }
}
