import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'
import { sha256 } from '../auth/auth.service.ts'
import { TOKEN_DEFAULT_DAYS } from './tokens.rules.ts'

const DAY_MS = 24 * 60 * 60 * 1000

export const TOKEN_PREFIX = 'ovt_'

export interface TokenSummary {
  id: number
  name: string
  tokenPrefix: string
  createdAt: string
  lastUsedAt: string | null
  revokedAt: string | null
  expiresAt: string | null
  expired: boolean
}

export function createTokensService(db: Kysely<DB>) {
  return {
    /**
     * Returns the token once; only its hash is stored, so it can never be shown again. `days` has been
     * checked by `readTokenDays` (tokens.rules.ts).
     */
    async create(
      organisationId: number,
      userId: number,
      name: string,
      days: number = TOKEN_DEFAULT_DAYS,
    ): Promise<{ id: number; token: string }> {
      const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`
      const now = Date.now()
      const row = await db
        .insertInto('api_tokens')
        .values({
          organisation_id: organisationId,
          user_id: userId,
          name,
          token_hash: sha256(token),
          token_prefix: token.slice(0, 12),
          created_at: new Date(now).toISOString(),
          last_used_at: null,
          revoked_at: null,
          expires_at: new Date(now + days * DAY_MS).toISOString(),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      return { id: row.id, token }
    },

    async list(organisationId: number, userId: number): Promise<TokenSummary[]> {
      const rows = await db
        .selectFrom('api_tokens')
        .select(['id', 'name', 'token_prefix', 'created_at', 'last_used_at', 'revoked_at', 'expires_at'])
        .where('organisation_id', '=', organisationId)
        .where('user_id', '=', userId)
        .orderBy('id', 'desc')
        .execute()
      const now = new Date().toISOString()
      return rows.map((r) => ({
        id: r.id,
        name: r.name,
        tokenPrefix: r.token_prefix,
        createdAt: r.created_at,
        lastUsedAt: r.last_used_at,
        revokedAt: r.revoked_at,
        expiresAt: r.expires_at,
        expired: r.expires_at === null || r.expires_at <= now,
      }))
    },

    /** A user revokes only their own tokens; anything else is "not found". */
    async revoke(organisationId: number, userId: number, id: number): Promise<boolean> {
      const result = await db
        .updateTable('api_tokens')
        .set({ revoked_at: new Date().toISOString() })
        .where('id', '=', id)
        .where('organisation_id', '=', organisationId)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst()
      return Number(result.numUpdatedRows) === 1
    },
  }
}

export type TokensService = ReturnType<typeof createTokensService>
