import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'
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
  return {
    /** Live sessions only: one past its idle or absolute limit is already ended, whether or not deleted yet. */
    async list(userId: number, currentId: string | null): Promise<SessionSummary[]> {
      const now = new Date()
      const rows = await db
        .selectFrom('sessions as s')
        .innerJoin('organisations as o', 'o.id', 's.organisation_id')
        .select(['s.id', 's.device', 's.address', 's.created_at', 's.last_seen_at', 'o.name'])
        .where('s.user_id', '=', userId)
        .where('s.expires_at', '>', now.toISOString())
        .where('s.created_at', '>', new Date(now.getTime() - SESSION_MAX_MS).toISOString())
        .orderBy('s.last_seen_at', 'desc')
        .execute()
      return rows.map((r) => ({
        id: r.id,
        device: r.device ?? 'Unknown browser',
        address: r.address,
        organisationName: r.name,
        createdAt: r.created_at,
        lastSeenAt: r.last_seen_at,
        current: r.id === currentId,
      }))
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
