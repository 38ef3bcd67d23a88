import { randomBytes } from 'node:crypto'
import type { FastifyReply } from 'fastify'
import type { Kysely, Transaction } from 'kysely'
import { sha256 } from '../../auth/digest.ts'
import type { DB, PendingSignInTable } from '../../db/schema.ts'

/**
 * Between a right password and a right second factor there is no session, only this: a row keyed by the
 * hash of a random token that only the browser's cookie holds (so it is bound to that browser), good for
 * ten minutes, deleted when the sign-in completes (so it is used once).
 */
export const PENDING_SIGN_IN_MS = 10 * 60 * 1000

type Db = Kysely<DB> | Transaction<DB>

export async function createPendingSignIn(
  trx: Db,
  userId: number,
  organisationId: number,
  mustEnrol: boolean,
  now = Date.now(),
): Promise<string> {
  const token = randomBytes(32).toString('base64url')
  // Abandoned ones are cleared as new ones are made: nothing else needs them.
  await trx.deleteFrom('pending_sign_ins').where('expires_at', '<=', new Date(now).toISOString()).execute()
  await trx
    .insertInto('pending_sign_ins')
    .values({
      id: sha256(token),
      user_id: userId,
      organisation_id: organisationId,
      must_enrol: mustEnrol ? 1 : 0,
      expires_at: new Date(now + PENDING_SIGN_IN_MS).toISOString(),
    })
    .execute()
  return token
}

export async function findPendingSignIn(
  db: Db,
  token: string,
  now = Date.now(),
): Promise<PendingSignInTable | null> {
  const row = await db
    .selectFrom('pending_sign_ins')
    .selectAll()
    .where('id', '=', sha256(token))
    .where('expires_at', '>', new Date(now).toISOString())
    .executeTakeFirst()
  return row ?? null
}

/** Deletes it; true only for the one caller that did (a second use of the same cookie gets false). */
export async function takePendingSignIn(trx: Db, token: string, now = Date.now()): Promise<boolean> {
  const taken = await trx
    .deleteFrom('pending_sign_ins')
    .where('id', '=', sha256(token))
    .where('expires_at', '>', new Date(now).toISOString())
    .executeTakeFirst()
  return Number(taken.numDeletedRows) === 1
}

/** Holds the pending sign-in's token between the password and the second factor; sent to /sign-in only. */
export const PENDING_COOKIE = 'oversight_pending_sign_in'

export function setPendingCookie(reply: FastifyReply, token: string, secure: boolean): void {
  reply.setCookie(PENDING_COOKIE, token, {
    path: '/sign-in',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    signed: true,
    maxAge: PENDING_SIGN_IN_MS / 1000,
  })
}

export function clearPendingCookie(reply: FastifyReply, secure: boolean): void {
  reply.clearCookie(PENDING_COOKIE, { path: '/sign-in', httpOnly: true, sameSite: 'lax', secure })
}
