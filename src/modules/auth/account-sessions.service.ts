import type { Kysely } from 'kysely'
import { auditActorOf, type Actor } from '../../auth/actor.ts'
import type { DB } from '../../db/schema.ts'
import { notFound } from '../../errors.ts'
import { recordAudit } from '../audit/audit.service.ts'
import { SESSION_MAX_MS } from './auth.service.ts'

export interface SessionSummary {
  /** The session's key (the SHA-256 of its token): names it in the "End" form, and is no use as a token. */
  id: string
  device: string
  address: string | null
  organisationName: string
  createdAt: string
  lastSeenAt: string
  current: boolean
}

/** "Your sessions" (ASVS V7.5.2): a person sees and ends their own sessions, in every organisation. */
export function createAccountSessionsService(db: Kysely<DB>) {
  /** Live sessions only: one past its idle or absolute limit is already ended, whether or not deleted yet. */
  async function live(
    userId: number,
    currentId: string | null,
    organisationId?: number,
  ): Promise<SessionSummary[]> {
    const now = new Date()
    let q = db
      .selectFrom('sessions as s')
      .innerJoin('organisations as o', 'o.id', 's.organisation_id')
      .select(['s.id', 's.device', 's.address', 's.created_at', 's.last_seen_at', 'o.name'])
      .where('s.user_id', '=', userId)
      .where('s.expires_at', '>', now.toISOString())
      .where('s.created_at', '>', new Date(now.getTime() - SESSION_MAX_MS).toISOString())
    if (organisationId !== undefined) q = q.where('s.organisation_id', '=', organisationId)
    const rows = await q.orderBy('s.last_seen_at', 'desc').execute()
    return rows.map((r) => ({
      id: r.id,
      device: r.device ?? 'Unknown browser',
      address: r.address,
      organisationName: r.name,
      createdAt: r.created_at,
      lastSeenAt: r.last_seen_at,
      current: r.id === currentId,
    }))
  }

  /** A member of the administrator's organisation, by account; anyone else's is "not found". */
  async function memberOf(actor: Actor, userId: number) {
    const member = await db
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select(['m.id', 'u.name'])
      .where('m.organisation_id', '=', actor.organisationId)
      .where('m.user_id', '=', userId)
      .executeTakeFirst()
    if (!member) throw notFound('Person')
    return member
  }

  return {
    list: (userId: number, currentId: string | null) => live(userId, currentId),

    /**
     * Issue 13: an administrator sees a member's sessions in their own organisation only. A session works in
     * one organisation at a time, so one in another organisation is that organisation's business.
     */
    async listMember(actor: Actor, userId: number): Promise<{ name: string; sessions: SessionSummary[] }> {
      const member = await memberOf(actor, userId)
      return { name: member.name, sessions: await live(userId, actor.sessionId, actor.organisationId) }
    },

    /** Ends one of a member's sessions in the administrator's organisation, audited; false if there is none. */
    async endMember(actor: Actor, userId: number, sessionId: string): Promise<boolean> {
      const member = await memberOf(actor, userId)
      return db.transaction().execute(async (trx) => {
        const ended = await trx
          .deleteFrom('sessions')
          .where('id', '=', sessionId)
          .where('user_id', '=', userId)
          .where('organisation_id', '=', actor.organisationId)
          .executeTakeFirst()
        if (Number(ended.numDeletedRows) !== 1) return false
        await recordAudit(trx, {
          organisationId: actor.organisationId,
          actor: auditActorOf(actor),
          action: 'end-sessions',
          entityType: 'membership',
          entityId: member.id,
          after: { user_id: userId, sessions_ended: 1 },
        })
        return true
      })
    },

    /** Ends one of the person's own sessions; another person's is "not found". */
    async end(userId: number, sessionId: string): Promise<boolean> {
      const result = await db
        .deleteFrom('sessions')
        .where('id', '=', sessionId)
        .where('user_id', '=', userId)
        .executeTakeFirst()
      return Number(result.numDeletedRows) === 1
    },

    /** Every session of the person but the one they are using. */
    async endOthers(userId: number, currentId: string): Promise<void> {
      await db.deleteFrom('sessions').where('user_id', '=', userId).where('id', '!=', currentId).execute()
    },
  }
}

export type AccountSessionsService = ReturnType<typeof createAccountSessionsService>
