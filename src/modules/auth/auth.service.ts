import { randomBytes } from 'node:crypto'
import { PostgresAdapter, sql, type Kysely, type RawBuilder, type SqlBool, type Transaction } from 'kysely'
import { actorFromRow, type Actor, type ActorRow } from '../../auth/actor.ts'
import { sha256 } from '../../auth/digest.ts'
import { passwordProblem } from '../../auth/password-rules.ts'
import { DUMMY_HASH, hashPassword, needsRehash, verifyPassword } from '../../auth/passwords.ts'
import { todayInLondon } from '../../domain/dates.ts'
import { gatheredReads } from '../../db/gathered-reads.ts'
import { crossOrganisation } from '../../db/tenant-context.ts'
import type { DB } from '../../db/schema.ts'
import { describeDevice } from './device.rules.ts'
import { createPendingSignIn, findPendingSignIn, takePendingSignIn } from './pending-sign-in.ts'
import { secondFactorEnrolled, secondFactorRequired } from './second-factor.service.ts'
import { createSignInThrottle, knownDeviceFor, normaliseEmail, throttleKeys } from './sign-in-throttle.ts'

type SessionRow = ActorRow & {
  session_id: string
  created_at: string
  last_seen_at: string
  expires_at: string
  unread: number | string
  change_seq: number | string | null
}

export const SESSION_IDLE_MS = 8 * 60 * 60 * 1000
export const SESSION_MAX_MS = 7 * 24 * 60 * 60 * 1000
const SESSION_TOUCH_MS = 5 * 60 * 1000

export { sha256 }

/**
 * A partner officer's membership ends with the partnership (issue 10's separation): from the end date, in
 * the council's own calendar, their sign-in, sessions and API tokens are refused, as a leaver's are.
 */
function partnershipOver(membership: string): RawBuilder<SqlBool> {
  return sql<SqlBool>`exists (select 1 from partners ended_partner where ended_partner.id = ${sql.ref(`${membership}.partner_id`)} and ended_partner.ended_on <= ${todayInLondon()})`
}

function nowIso(): string {
  return new Date().toISOString()
}

export type SignInResult =
  | { ok: true; sessionToken: string; actor: Actor; knownDevice: string }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'left' }
  /** The right password, but the person's organisation signs in only through its identity provider. */
  | { ok: false; reason: 'passwords-off' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number }
  /** The password was right; the second factor (or setting one up: `mustEnrol`) is still to come. */
  | { ok: false; reason: 'second-factor'; pendingToken: string; mustEnrol: boolean; userId: number }

export interface SignInFrom {
  address: string
  knownDevice: string | null
  /** The browser's User-Agent header: only a summary of it is kept with the session (device.rules.ts). */
  userAgent?: string
}

/** Where a session was started from, shown to its owner on "Your sessions". */
export interface SessionOrigin {
  address?: string
  userAgent?: string
  /** The organisation whose identity provider signed the person in; none for a password. */
  signedInThrough?: number
}

/** Why a session may not move into an organisation yet, and what would let it (modules/sso decides). */
export interface SwitchRefused {
  needs: 'own-provider' | 'sign-in-again' | 'unrecorded'
  organisationName: string
  provider: { slug: string; name: string } | null
}

export interface AuthOptions {
  /** Whether the person may sign in with a password (modules/sso: an organisation can turn passwords off). */
  passwordSignInAllowed?: (userId: number) => Promise<boolean>
  /** Whether a session signed in as it was may move into the organisation (modules/sso: a session keeps to its sign-in). */
  switchRefusal?: (
    userId: number,
    session: { signedInThrough: number | null; recorded: boolean },
    organisationId: number,
  ) => Promise<SwitchRefused | null>
}

export type SwitchResult = { ok: true } | { ok: false; refused?: SwitchRefused }

export function createAuthService(db: Kysely<DB>, options: AuthOptions = {}) {
  const throttle = createSignInThrottle(db)

  /** Sessions by id with who they are for, their organisation, unread notifications and change counter. */
  async function sessionRows(ids: readonly string[]): Promise<SessionRow[]> {
    const { rows } = await sql<SessionRow>`
      select s.id as session_id, s.created_at, s.last_seen_at, s.expires_at, u.id as user_id, u.name, u.email,
        u.is_active, m.role, m.partner_id,
        o.id as organisation_id, o.name as organisation_name, o.slug as organisation_slug, o.rating_scale, o.is_demo,
        o.display_name, o.header_colour, o.header_text, o.logo_sha256,
        (select count(*) from notifications n
          where n.organisation_id = s.organisation_id and n.user_id = s.user_id and n.read_at is null) as unread,
        (select h.seq from audit_heads h where h.organisation_id = s.organisation_id) as change_seq
      from sessions s
      join users u on u.id = s.user_id
      join memberships m on m.user_id = s.user_id and m.organisation_id = s.organisation_id and m.left_at is null
        and not ${partnershipOver('m')}
      join organisations o on o.id = s.organisation_id
      where s.id in (${sql.join(ids)})`.execute(db)
    return rows
  }
  const gatheredSessions =
    db.getExecutor().adapter instanceof PostgresAdapter
      ? gatheredReads<string, SessionRow>((ids) =>
          crossOrganisation('session lookup', () =>
            sessionRows(ids).then((rows) => new Map(rows.map((row) => [row.session_id, row]))),
          ),
        )
      : null

  async function actorFor(
    userId: number,
    organisationId: number | null,
    via: Actor['via'],
    sessionId: string | null,
  ) {
    let q = db
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .innerJoin('organisations as o', 'o.id', 'm.organisation_id')
      .select([
        'u.id as user_id',
        'u.name',
        'u.email',
        'u.is_active',
        'm.role',
        'm.partner_id',
        'o.id as organisation_id',
        'o.name as organisation_name',
        'o.slug as organisation_slug',
        'o.rating_scale',
        'o.is_demo',
        'o.display_name',
        'o.header_colour',
        'o.header_text',
        'o.logo_sha256',
      ])
      .where('u.id', '=', userId)
      .where('m.left_at', 'is', null)
      .where(sql<SqlBool>`not ${partnershipOver('m')}`)
      .orderBy('o.id')
    if (organisationId !== null) q = q.where('o.id', '=', organisationId)
    const row = await q.executeTakeFirst()
    return row ? actorFromRow(row, via, sessionId) : null
  }

  /** A new session for a person in one of their organisations; returns the token for the cookie. */
  async function createSession(
    trx: Kysely<DB> | Transaction<DB>,
    userId: number,
    organisationId: number,
    origin: SessionOrigin = {},
  ): Promise<{ token: string; id: string }> {
    const token = randomBytes(32).toString('base64url')
    const id = sha256(token)
    const at = nowIso()
    await trx
      .insertInto('sessions')
      .values({
        id,
        user_id: userId,
        organisation_id: organisationId,
        created_at: at,
        last_seen_at: at,
        expires_at: new Date(Date.now() + SESSION_IDLE_MS).toISOString(),
        device: describeDevice(origin.userAgent),
        address: origin.address ?? null,
        signed_in_through: origin.signedInThrough ?? null,
        sign_in_recorded: 1,
      })
      .execute()
    return { token, id }
  }

  return {
    actorFor,
    createSession,

    /**
     * `from.address` is the client's (request.ip); `from.knownDevice` the verified value of the browser's
     * known-device cookie, if it has one. Both decide which throttle counts apply (sign-in-throttle.ts).
     */
    async signIn(email: string, password: string, from: SignInFrom): Promise<SignInResult> {
      const normalised = normaliseEmail(email)
      const keys = throttleKeys(normalised, from.address, from.knownDevice)
      const now = Date.now()
      // Answered before the password is hashed, and the same whether or not the account exists.
      const retryAfterSeconds = await throttle.retryAfterSeconds(keys, now)
      if (retryAfterSeconds > 0) return { ok: false, reason: 'throttled', retryAfterSeconds }
      const user = await db
        .selectFrom('users')
        .select(['id', 'password_hash', 'is_active'])
        .where('email', '=', normalised)
        .executeTakeFirst()
      const matches = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH)
      const actor =
        user && matches && user.is_active === 1 ? await actorFor(user.id, null, 'session', null) : null
      if (!actor || !user) {
        // The right password for an active account that has left every organisation: saying so tells
        // nobody anything they did not know, since only the person (or whoever has their password) sees it.
        if (user && matches && user.is_active === 1) return { ok: false, reason: 'left' }
        await throttle.recordFailure(keys, Date.now())
        return { ok: false, reason: 'invalid' }
      }
      if (options.passwordSignInAllowed && !(await options.passwordSignInAllowed(user.id)))
        return { ok: false, reason: 'passwords-off' }
      // A hash made with older scrypt settings is replaced now, while the password is at hand. Written with
      // the session, and only if the stored hash is still the one checked (a password changed meanwhile wins).
      const rehashed = needsRehash(user.password_hash) ? await hashPassword(password) : null
      // Issue 13: with a second factor on (or required and not yet set up) the password opens no session.
      // merge: oidc — a sign-in through the organisation's OpenID provider is that provider's to secure with its
      // own MFA; if Oversight's second factor should apply there too, the callback does as here
      // (secondFactorEnrolled / secondFactorRequired, then createPendingSignIn and the /sign-in/code page).
      const enrolled = await secondFactorEnrolled(db, user.id)
      const mustEnrol = !enrolled && (await secondFactorRequired(db, user.id))
      const started = await db.transaction().execute(async (trx) => {
        await throttle.clear(keys[0]!, trx)
        if (rehashed)
          await trx
            .updateTable('users')
            .set({ password_hash: rehashed })
            .where('id', '=', user.id)
            .where('password_hash', '=', user.password_hash)
            .execute()
        if (enrolled || mustEnrol)
          return { pending: await createPendingSignIn(trx, actor.userId, actor.organisationId, mustEnrol) }
        return createSession(trx, actor.userId, actor.organisationId, {
          address: from.address,
          ...(from.userAgent === undefined ? {} : { userAgent: from.userAgent }),
        })
      })
      if ('pending' in started)
        return {
          ok: false,
          reason: 'second-factor',
          pendingToken: started.pending,
          mustEnrol,
          userId: user.id,
        }
      const { token, id } = started
      return {
        ok: true,
        sessionToken: token,
        actor: { ...actor, sessionId: id },
        knownDevice: knownDeviceFor(normalised),
      }
    },

    /**
     * The second step done (second-factor.routes.ts): the pending sign-in is used up and the session starts,
     * in one transaction; null if the pending sign-in was already used or has lapsed.
     */
    async completeSignIn(
      pendingToken: string,
      userId: number,
      from: SessionOrigin,
    ): Promise<{ sessionToken: string; actor: Actor; knownDevice: string } | null> {
      const row = await db.selectFrom('users').select('email').where('id', '=', userId).executeTakeFirst()
      const pending = await findPendingSignIn(db, pendingToken)
      if (!row || pending?.user_id !== userId) return null
      const actor = await actorFor(userId, pending.organisation_id, 'session', null)
      if (!actor) return null
      const started = await db
        .transaction()
        .execute(async (trx) =>
          (await takePendingSignIn(trx, pendingToken))
            ? createSession(trx, userId, actor.organisationId, from)
            : null,
        )
      if (!started) return null
      return {
        sessionToken: started.token,
        actor: { ...actor, sessionId: started.id },
        knownDevice: knownDeviceFor(row.email),
      }
    },

    /**
     * Every page request starts here, so it is one hand-written query (session, person, role,
     * organisation) rather than built ones: the query builder's cost was most of a page's overhead
     * in bench/run.ts. The SQL is plain and portable; Kysely binds the parameters for each dialect.
     * On PostgreSQL the reads of requests made at the same time are gathered into one (`gatheredReads`).
     */
    async actorForSession(token: string): Promise<Actor | null> {
      const id = sha256(token)
      const session = gatheredSessions ? await gatheredSessions(id) : (await sessionRows([id]))[0]
      if (!session) return null
      const now = Date.now()
      if (Date.parse(session.expires_at) <= now || now - Date.parse(session.created_at) > SESSION_MAX_MS) {
        await db.deleteFrom('sessions').where('id', '=', id).execute()
        return null
      }
      if (now - Date.parse(session.last_seen_at) > SESSION_TOUCH_MS) {
        await db
          .updateTable('sessions')
          .set({
            last_seen_at: new Date(now).toISOString(),
            expires_at: new Date(now + SESSION_IDLE_MS).toISOString(),
          })
          .where('id', '=', id)
          .execute()
      }
      const actor = actorFromRow(session, 'session', id)
      // PostgreSQL counts as bigint, which the driver hands over as a string. The change counter comes in the
      // same query, so a page answered from a remembered view (the dashboard) makes no second lookup.
      return (
        actor && {
          ...actor,
          unreadNotifications: Number(session.unread),
          changeSeq: Number(session.change_seq ?? 0),
        }
      )
    },

    async signOut(sessionId: string): Promise<void> {
      await db.deleteFrom('sessions').where('id', '=', sessionId).execute()
    },

    /** The organisations a person belongs to, for choosing which one to work in. */
    async organisationsOf(userId: number): Promise<Array<{ id: number; name: string; role: string }>> {
      return db
        .selectFrom('memberships as m')
        .innerJoin('organisations as o', 'o.id', 'm.organisation_id')
        .select(['o.id', 'o.name', 'm.role'])
        .where('m.user_id', '=', userId)
        .where('m.left_at', 'is', null)
        .where(sql<SqlBool>`not ${partnershipOver('m')}`)
        .orderBy('o.name')
        .execute()
    },

    /**
     * Moves the session to another organisation the person belongs to, if the way the session was signed in
     * counts there (issue 13); refused with what would let it, or without a reason if they do not belong.
     */
    async switchOrganisation(actor: Actor, organisationId: number): Promise<SwitchResult> {
      if (!actor.sessionId) return { ok: false }
      const member = await actorFor(actor.userId, organisationId, 'session', actor.sessionId)
      const session = await db
        .selectFrom('sessions')
        .select(['signed_in_through', 'sign_in_recorded'])
        .where('id', '=', actor.sessionId)
        .executeTakeFirst()
      if (!member || !session) return { ok: false }
      const refused = options.switchRefusal
        ? await options.switchRefusal(
            actor.userId,
            { signedInThrough: session.signed_in_through, recorded: session.sign_in_recorded === 1 },
            organisationId,
          )
        : null
      if (refused) return { ok: false, refused }
      await db
        .updateTable('sessions')
        .set({ organisation_id: organisationId })
        .where('id', '=', actor.sessionId)
        .execute()
      return { ok: true }
    },

    async changePassword(
      actor: Actor,
      current: string,
      next: string,
    ): Promise<{ ok: true } | { ok: false; fields: Record<string, string> }> {
      const user = await db
        .selectFrom('users')
        .select('password_hash')
        .where('id', '=', actor.userId)
        .executeTakeFirstOrThrow()
      if (!(await verifyPassword(current, user.password_hash))) {
        return { ok: false, fields: { currentPassword: 'Your current password is not correct' } }
      }
      const problem = passwordProblem(next, { email: actor.email, name: actor.name })
      if (problem) return { ok: false, fields: { newPassword: problem } }
      const hash = await hashPassword(next)
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('users')
          .set({ password_hash: hash, updated_at: nowIso() })
          .where('id', '=', actor.userId)
          .execute()
        // A changed password ends every other session: whoever knew the old one is signed out.
        let del = trx.deleteFrom('sessions').where('user_id', '=', actor.userId)
        if (actor.sessionId) del = del.where('id', '!=', actor.sessionId)
        await del.execute()
      })
      return { ok: true }
    },
  }
}

export type AuthService = ReturnType<typeof createAuthService>
