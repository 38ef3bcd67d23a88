import { createHash, randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { Actor } from '../../auth/actor.ts'
import { DUMMY_HASH, hashPassword, passwordProblems, verifyPassword } from '../../auth/passwords.ts'
import { isRole } from '../../auth/roles.ts'
import type { RatingScaleId } from '../../domain/dca.ts'
import type { DB } from '../../db/schema.ts'

export const SESSION_IDLE_MS = 8 * 60 * 60 * 1000
export const SESSION_MAX_MS = 7 * 24 * 60 * 60 * 1000
const SESSION_TOUCH_MS = 5 * 60 * 1000

// Throttling: after FREE_FAILURES wrong passwords for one email, each further try must wait, doubling
// from 30 s to 15 minutes. Keyed on a hash of the email typed, so it behaves the same whether or not
// the account exists (no account enumeration), and no address is stored.
const FREE_FAILURES = 5
const FAILURE_WINDOW_MS = 60 * 60 * 1000

export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex')
}

function nowIso(): string {
  return new Date().toISOString()
}

export type SignInResult =
  | { ok: true; sessionToken: string; actor: Actor }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number }

export function lockoutMs(failures: number): number {
  if (failures < FREE_FAILURES) return 0
  return Math.min(30_000 * 2 ** (failures - FREE_FAILURES), 15 * 60 * 1000)
}

export function createAuthService(db: Kysely<DB>) {
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
        'u.id as userId',
        'u.name',
        'u.email',
        'u.is_active',
        'm.role',
        'o.id as organisationId',
        'o.name as organisationName',
        'o.slug as organisationSlug',
        'o.rating_scale',
        'o.is_demo',
      ])
      .where('u.id', '=', userId)
      .orderBy('o.id')
    if (organisationId !== null) q = q.where('o.id', '=', organisationId)
    const row = await q.executeTakeFirst()
    if (!row || row.is_active !== 1 || !isRole(row.role)) return null
    const actor: Actor = {
      userId: row.userId,
      name: row.name,
      email: row.email,
      role: row.role,
      organisationId: row.organisationId,
      organisationName: row.organisationName,
      organisationSlug: row.organisationSlug,
      ratingScale: row.rating_scale as RatingScaleId,
      isDemo: row.is_demo === 1,
      via,
      sessionId,
    }
    return actor
  }

  async function throttleState(key: string, now: number): Promise<{ failures: number; waitMs: number }> {
    const row = await db.selectFrom('sign_in_throttle').selectAll().where('key', '=', key).executeTakeFirst()
    if (!row) return { failures: 0, waitMs: 0 }
    if (now - Date.parse(row.last_failure_at) > FAILURE_WINDOW_MS) return { failures: 0, waitMs: 0 }
    const until = Date.parse(row.last_failure_at) + lockoutMs(row.failures)
    return { failures: row.failures, waitMs: Math.max(0, until - now) }
  }

  async function recordFailure(key: string, previous: number): Promise<void> {
    const at = nowIso()
    const failures = previous + 1
    await db
      .insertInto('sign_in_throttle')
      .values({ key, failures, first_failure_at: at, last_failure_at: at })
      .onConflict((oc) => oc.column('key').doUpdateSet({ failures, last_failure_at: at }))
      .execute()
  }

  return {
    actorFor,

    async signIn(email: string, password: string): Promise<SignInResult> {
      const normalised = email.trim().toLowerCase()
      const key = sha256(`email:${normalised}`)
      const now = Date.now()
      const state = await throttleState(key, now)
      if (state.waitMs > 0)
        return { ok: false, reason: 'throttled', retryAfterSeconds: Math.ceil(state.waitMs / 1000) }
      const user = await db
        .selectFrom('users')
        .select(['id', 'password_hash', 'is_active'])
        .where('email', '=', normalised)
        .executeTakeFirst()
      const matches = await verifyPassword(password, user?.password_hash ?? DUMMY_HASH)
      const actor =
        user && matches && user.is_active === 1 ? await actorFor(user.id, null, 'session', null) : null
      if (!actor) {
        await recordFailure(key, state.failures)
        return { ok: false, reason: 'invalid' }
      }
      await db.deleteFrom('sign_in_throttle').where('key', '=', key).execute()
      const token = randomBytes(32).toString('base64url')
      const id = sha256(token)
      const at = nowIso()
      await db
        .insertInto('sessions')
        .values({
          id,
          user_id: actor.userId,
          organisation_id: actor.organisationId,
          created_at: at,
          last_seen_at: at,
          expires_at: new Date(now + SESSION_IDLE_MS).toISOString(),
        })
        .execute()
      return { ok: true, sessionToken: token, actor: { ...actor, sessionId: id } }
    },

    async actorForSession(token: string): Promise<Actor | null> {
      const id = sha256(token)
      const session = await db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst()
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
      return actorFor(session.user_id, session.organisation_id, 'session', id)
    },

    async signOut(sessionId: string): Promise<void> {
      await db.deleteFrom('sessions').where('id', '=', sessionId).execute()
    },

    async actorForToken(token: string): Promise<Actor | null> {
      const row = await db
        .selectFrom('api_tokens')
        .select(['id', 'user_id', 'organisation_id', 'revoked_at', 'last_used_at'])
        .where('token_hash', '=', sha256(token))
        .executeTakeFirst()
      if (!row || row.revoked_at !== null) return null
      const now = Date.now()
      if (row.last_used_at === null || now - Date.parse(row.last_used_at) > 60_000) {
        await db
          .updateTable('api_tokens')
          .set({ last_used_at: new Date(now).toISOString() })
          .where('id', '=', row.id)
          .execute()
      }
      return actorFor(row.user_id, row.organisation_id, 'token', null)
    },

    /** The organisations a person belongs to, for choosing which one to work in. */
    async organisationsOf(userId: number): Promise<Array<{ id: number; name: string; role: string }>> {
      return db
        .selectFrom('memberships as m')
        .innerJoin('organisations as o', 'o.id', 'm.organisation_id')
        .select(['o.id', 'o.name', 'm.role'])
        .where('m.user_id', '=', userId)
        .orderBy('o.name')
        .execute()
    },

    /** Moves the session to another organisation the person belongs to; false if they do not. */
    async switchOrganisation(actor: Actor, organisationId: number): Promise<boolean> {
      if (!actor.sessionId) return false
      const member = await actorFor(actor.userId, organisationId, 'session', actor.sessionId)
      if (!member) return false
      await db.updateTable('sessions').set({ organisation_id: organisationId }).where('id', '=', actor.sessionId).execute()
      return true
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
      const problem = passwordProblems(next)
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
