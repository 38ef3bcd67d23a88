import { sql, type Kysely, type SqlBool, type Transaction } from 'kysely'
import { auditActorOf, type Actor, type AuditActor } from '../../auth/actor.ts'
import { sha256 } from '../../auth/digest.ts'
import type { DB } from '../../db/schema.ts'
import { notFound, ValidationError } from '../../errors.ts'
import { verifyPassword } from '../../auth/passwords.ts'
import type { SecretKey } from '../../auth/secret-box.ts'
import { secondFactorSealing } from './second-factor-secrets.ts'
import { recordAudit } from '../audit/audit.service.ts'
import { updateOrganisation } from '../organisation/organisation.service.ts'
import { isSecondFactorPolicy } from './second-factor-policy.ts'
import { createSignInThrottle, secondFactorKeys } from './sign-in-throttle.ts'
import {
  looksLikeRecoveryCode,
  matchingStep,
  newRecoveryCodes,
  newSecret,
  normaliseRecoveryCode,
} from './totp.rules.ts'

/** Where the change is recorded: the organisation the person is working in (or signing in to). */
export interface SecondFactorWho {
  userId: number
  organisationId: number
  audit: AuditActor
}

/**
 * `unreadable`: the stored secret does not open with this server's OVERSIGHT_SECRET_KEY (the key changed or is
 * missing), so no authenticator code can be checked; recovery codes, kept as hashes, still work.
 */
export type CodeCheck =
  { ok: true; usedRecoveryCode: boolean; recoveryCodesLeft: number } | { ok: false; unreadable?: true }
export type Attempt = CodeCheck | { ok: false; retryAfterSeconds: number }

const recoveryHash = (code: string): string => sha256(`recovery:${normaliseRecoveryCode(code)}`)

/**
 * Whether a person must have a second factor: one of their organisations (that they have not left) asks it
 * of everyone, or of administrators and they are one there. Asked of the account, not of one membership:
 * the factor guards the sign-in, and one sign-in reaches every organisation the person belongs to.
 */
export async function secondFactorRequired(
  db: Kysely<DB> | Transaction<DB>,
  userId: number,
): Promise<boolean> {
  const row = await db
    .selectFrom('memberships as m')
    .innerJoin('organisations as o', 'o.id', 'm.organisation_id')
    .select('m.id')
    .where('m.user_id', '=', userId)
    .where('m.left_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb('o.second_factor_required', '=', 'everyone'),
        eb.and([eb('o.second_factor_required', '=', 'administrators'), eb('m.role', '=', 'administrator')]),
      ]),
    )
    .executeTakeFirst()
  return row !== undefined
}

export async function secondFactorEnrolled(
  db: Kysely<DB> | Transaction<DB>,
  userId: number,
): Promise<boolean> {
  const row = await db
    .selectFrom('second_factors')
    .select('user_id')
    .where('user_id', '=', userId)
    .where('confirmed_at', 'is not', null)
    .executeTakeFirst()
  return row !== undefined
}

export function createSecondFactorService(db: Kysely<DB>, opts: { secretKey: SecretKey | null }) {
  const throttle = createSignInThrottle(db)

  const { seal, open, isSealed } = secondFactorSealing(opts.secretKey)

  /**
   * One try at the second factor, throttled as sign-in is (sign-in-throttle.ts): refused unchecked while
   * the account or the address must wait, counted when wrong, the account's count cleared when right.
   */
  async function throttled(
    userId: number,
    address: string,
    check: () => Promise<boolean>,
  ): Promise<Attempt | null> {
    const keys = secondFactorKeys(userId, address)
    const retryAfterSeconds = await throttle.retryAfterSeconds(keys, Date.now())
    if (retryAfterSeconds > 0) return { ok: false, retryAfterSeconds }
    if (!(await check())) {
      await throttle.recordFailure(keys, Date.now())
      return { ok: false }
    }
    await throttle.clear(keys[0]!)
    return null
  }

  async function replaceRecoveryCodes(trx: Transaction<DB>, userId: number): Promise<string[]> {
    const codes = newRecoveryCodes()
    await trx.deleteFrom('recovery_codes').where('user_id', '=', userId).execute()
    await trx
      .insertInto('recovery_codes')
      .values(codes.map((code) => ({ user_id: userId, code_hash: recoveryHash(code), used_at: null })))
      .execute()
    return codes
  }

  async function recoveryCodesLeft(trx: Kysely<DB> | Transaction<DB>, userId: number): Promise<number> {
    const row = await trx
      .selectFrom('recovery_codes')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('user_id', '=', userId)
      .where('used_at', 'is', null)
      .executeTakeFirstOrThrow()
    return Number(row.n)
  }

  /**
   * An authenticator code, used once: the accepted step is written only if it is later than the last one,
   * in one statement, so the same code sent twice at once is accepted once. A recovery code is marked used
   * in one statement too.
   */
  async function useCode(
    trx: Kysely<DB> | Transaction<DB>,
    userId: number,
    typed: string,
    now: number,
  ): Promise<CodeCheck> {
    if (looksLikeRecoveryCode(typed)) {
      const used = await trx
        .updateTable('recovery_codes')
        .set({ used_at: new Date(now).toISOString() })
        .where('user_id', '=', userId)
        .where('code_hash', '=', recoveryHash(typed))
        .where('used_at', 'is', null)
        .executeTakeFirst()
      if (Number(used.numUpdatedRows) !== 1) return { ok: false }
      return { ok: true, usedRecoveryCode: true, recoveryCodesLeft: await recoveryCodesLeft(trx, userId) }
    }
    const factor = await trx
      .selectFrom('second_factors')
      .select(['secret', 'last_step'])
      .where('user_id', '=', userId)
      .where('confirmed_at', 'is not', null)
      .executeTakeFirst()
    if (!factor) return { ok: false }
    const secret = open(userId, factor.secret)
    if (secret === null) return { ok: false, unreadable: true }
    const step = matchingStep(secret, typed, now, factor.last_step)
    if (step === null) return { ok: false }
    const taken = await trx
      .updateTable('second_factors')
      .set({ last_step: step })
      .where('user_id', '=', userId)
      .where(sql<SqlBool>`(last_step is null or last_step < ${step})`)
      .executeTakeFirst()
    if (Number(taken.numUpdatedRows) !== 1) return { ok: false }
    return { ok: true, usedRecoveryCode: false, recoveryCodesLeft: await recoveryCodesLeft(trx, userId) }
  }

  return {
    /** The second step of signing in: an authenticator code or a recovery code, each usable once. */
    async attempt(userId: number, address: string, typed: string): Promise<Attempt> {
      let result: CodeCheck = { ok: false }
      const refused = await throttled(userId, address, async () => {
        result = await useCode(db, userId, typed, Date.now())
        // The server's fault, not a guess: not counted against the person.
        return result.ok || result.unreadable === true
      })
      return refused ?? result
    },

    /**
     * Proof for turning the second factor off: a current authenticator code (used up like any other) or the
     * account's password; throttled the same way, so a borrowed session cannot guess either.
     */
    async checkProof(
      userId: number,
      address: string,
      typed: string,
    ): Promise<Attempt & { proof?: 'code' | 'password' }> {
      let proof: 'code' | 'password' = 'code'
      const refused = await throttled(userId, address, async () => {
        if (/^\d{6}$/.test(typed.replace(/[\s-]/g, ''))) {
          if ((await useCode(db, userId, typed, Date.now())).ok) return true
        }
        proof = 'password'
        const user = await db
          .selectFrom('users')
          .select('password_hash')
          .where('id', '=', userId)
          .executeTakeFirst()
        return user !== undefined && (await verifyPassword(typed, user.password_hash))
      })
      return refused ?? { ok: true, usedRecoveryCode: false, recoveryCodesLeft: 0, proof }
    },

    async status(
      userId: number,
    ): Promise<{ enrolled: boolean; required: boolean; recoveryCodesLeft: number }> {
      return {
        enrolled: await secondFactorEnrolled(db, userId),
        required: await secondFactorRequired(db, userId),
        recoveryCodesLeft: await recoveryCodesLeft(db, userId),
      }
    },

    /**
     * The secret to show while setting up: the one already waiting to be confirmed (a reloaded page shows
     * the same), or a new one; null if a second factor is already on.
     */
    async pendingSecret(userId: number): Promise<string | null> {
      await db
        .insertInto('second_factors')
        .values({ user_id: userId, secret: seal(userId, newSecret()), created_at: new Date().toISOString() })
        .onConflict((oc) => oc.column('user_id').doNothing())
        .execute()
      const row = await db
        .selectFrom('second_factors')
        .select(['secret', 'confirmed_at'])
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow()
      if (row.confirmed_at !== null) return null
      const secret = open(userId, row.secret)
      if (secret !== null) return secret
      // One waiting under a key since changed was never in use: a new one replaces it.
      const fresh = newSecret()
      await db
        .updateTable('second_factors')
        .set({ secret: seal(userId, fresh) })
        .where('user_id', '=', userId)
        .where('confirmed_at', 'is', null)
        .execute()
      return fresh
    },

    /**
     * At start-up (server.ts): secrets stored while the server had no key are sealed now that it has one, and
     * those that do not open with it are counted, so that whoever runs Oversight is told at once.
     */
    async sealStoredSecrets(): Promise<{ sealed: number; unreadable: number }> {
      const rows = await db.selectFrom('second_factors').select(['user_id', 'secret']).execute()
      let sealed = 0
      let unreadable = 0
      for (const row of rows) {
        if (isSealed(row.secret)) {
          if (open(row.user_id, row.secret) === null) unreadable++
          continue
        }
        if (!opts.secretKey) continue
        const done = await db
          .updateTable('second_factors')
          .set({ secret: seal(row.user_id, row.secret) })
          .where('user_id', '=', row.user_id)
          .where('secret', '=', row.secret)
          .executeTakeFirst()
        sealed += Number(done.numUpdatedRows)
      }
      return { sealed, unreadable }
    },

    /** Turns the second factor on once the app shows a right code; returns the recovery codes, shown once. */
    async confirm(who: SecondFactorWho, typed: string, now = Date.now()): Promise<string[]> {
      return db.transaction().execute(async (trx) => {
        const factor = await trx
          .selectFrom('second_factors')
          .select(['secret', 'confirmed_at'])
          .where('user_id', '=', who.userId)
          .executeTakeFirst()
        if (!factor || factor.confirmed_at !== null)
          throw new ValidationError({ code: 'Your second factor is already set up' })
        const secret = open(who.userId, factor.secret)
        if (secret === null) throw new ValidationError({ code: 'Start setting up your second factor again' })
        const step = matchingStep(secret, typed, now, null)
        if (step === null)
          throw new ValidationError({ code: 'Enter the 6-digit code your authenticator app shows now' })
        const at = new Date(now).toISOString()
        await trx
          .updateTable('second_factors')
          .set({ confirmed_at: at, last_step: step })
          .where('user_id', '=', who.userId)
          .where('confirmed_at', 'is', null)
          .execute()
        const codes = await replaceRecoveryCodes(trx, who.userId)
        await recordAudit(trx, {
          organisationId: who.organisationId,
          actor: who.audit,
          action: 'second-factor-on',
          entityType: 'user',
          entityId: who.userId,
          after: { second_factor: 'authenticator app', recovery_codes: codes.length },
        })
        return codes
      })
    },

    /**
     * The organisation's rule (issue 13). It applies from each person's next sign-in: whoever must have a
     * second factor and has none sets one up straight after their password.
     */
    async setPolicy(actor: Actor, policy: string, version: number) {
      if (!isSecondFactorPolicy(policy))
        throw new ValidationError({ secondFactorRequired: 'Select who must sign in with a second factor' })
      return db.transaction().execute(async (trx) => {
        const { current, updated } = await updateOrganisation(trx, actor, version, {
          second_factor_required: policy,
        })
        if (current.second_factor_required !== updated.second_factor_required)
          await recordAudit(trx, {
            organisationId: actor.organisationId,
            actor: auditActorOf(actor),
            action: 'update',
            entityType: 'organisation',
            entityId: actor.organisationId,
            before: { second_factor_required: current.second_factor_required },
            after: { second_factor_required: updated.second_factor_required },
          })
        return updated
      })
    },

    /** New recovery codes; the old ones stop working. */
    async regenerateRecoveryCodes(who: SecondFactorWho): Promise<string[]> {
      return db.transaction().execute(async (trx) => {
        if (!(await secondFactorEnrolled(trx, who.userId)))
          throw new ValidationError({ code: 'Set up a second factor first' })
        const codes = await replaceRecoveryCodes(trx, who.userId)
        await recordAudit(trx, {
          organisationId: who.organisationId,
          actor: who.audit,
          action: 'recovery-codes-replaced',
          entityType: 'user',
          entityId: who.userId,
          after: { recovery_codes: codes.length },
        })
        return codes
      })
    },

    /** Turns it off; the caller has checked a current code or the password (`proof`). */
    async turnOff(who: SecondFactorWho, proof: 'code' | 'password'): Promise<void> {
      await db.transaction().execute((trx) => removeFactor(trx, who, proof))
    },

    /**
     * A member who has lost their phone and their recovery codes: an administrator of one of their
     * organisations turns the second factor off, audited. Where it is required they set up a new one at
     * their next sign-in. Someone who is not a member of the administrator's organisation is not found.
     */
    async turnOffForMember(actor: Actor, userId: number): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const member = await trx
          .selectFrom('memberships')
          .select('id')
          .where('organisation_id', '=', actor.organisationId)
          .where('user_id', '=', userId)
          .executeTakeFirst()
        if (!member) throw notFound('Person')
        if (!(await secondFactorEnrolled(trx, userId)))
          throw new ValidationError({ secondFactor: 'Their second factor is already off' })
        await removeFactor(
          trx,
          { userId, organisationId: actor.organisationId, audit: auditActorOf(actor) },
          'administrator',
        )
      })
    },
  }
}

async function removeFactor(
  trx: Transaction<DB>,
  who: SecondFactorWho,
  confirmedWith: 'code' | 'password' | 'administrator',
): Promise<void> {
  await trx.deleteFrom('second_factors').where('user_id', '=', who.userId).execute()
  await trx.deleteFrom('recovery_codes').where('user_id', '=', who.userId).execute()
  await recordAudit(trx, {
    organisationId: who.organisationId,
    actor: who.audit,
    action: 'second-factor-off',
    entityType: 'user',
    entityId: who.userId,
    after: { second_factor: null, confirmed_with: confirmedWith },
  })
}

export type SecondFactorService = ReturnType<typeof createSecondFactorService>
