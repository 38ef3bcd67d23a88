import { randomBytes } from 'node:crypto'
import type { Kysely, Transaction } from 'kysely'
import { auditActorOf, type Actor } from '../../auth/actor.ts'
import { passwordProblem } from '../../auth/password-rules.ts'
import { hashPassword } from '../../auth/passwords.ts'
import { isRole, ROLE_LABELS, type Role } from '../../auth/roles.ts'
import type { DB, Invitation } from '../../db/schema.ts'
import { notFound, ValidationError } from '../../errors.ts'
import type { Mailer } from '../../mail/mailer.ts'
import { renderMail } from '../../mail/templates.ts'
import { recordAudit } from '../audit/audit.service.ts'
import { sha256, type AuthService, type SessionOrigin } from '../auth/auth.service.ts'
import { EMAIL } from './organisation.service.ts'

export const INVITATION_DAYS = 7
const DAY_MS = 24 * 60 * 60 * 1000

export interface PendingInvitation {
  id: number
  email: string
  name: string
  roleLabel: string
  expiresAt: string
}

/** What a person holding an invitation link sees. */
export type InvitationLookup =
  | {
      ok: true
      invitation: Invitation
      organisationName: string
      roleLabel: string
      /** Whether the invited address has an account: then the person signs in to accept. */
      hasAccount: boolean
    }
  | { ok: false; reason: 'unknown' | 'expired' | 'accepted' | 'withdrawn' }

export type AcceptResult =
  | { ok: true; organisationId: number; organisationName: string; sessionToken?: string }
  | { ok: false; reason: 'unknown' | 'expired' | 'accepted' | 'withdrawn' | 'wrong_person' }

function stateOf(inv: Invitation, now = Date.now()): 'pending' | 'expired' | 'accepted' | 'withdrawn' {
  if (inv.accepted_at) return 'accepted'
  if (inv.withdrawn_at) return 'withdrawn'
  if (Date.parse(inv.expires_at) <= now) return 'expired'
  return 'pending'
}

/**
 * Adding a person is an invitation, whether or not their email address already has an account: the
 * administrator gets the same answer either way, so the People page cannot be used to learn who has an
 * account, nor their name or job elsewhere. The membership is made only when the person who controls
 * that email address accepts: signed in as it, or by setting a password for a new account.
 */
export function createInvitationsService(
  db: Kysely<DB>,
  deps: { mailer: Mailer; baseUrl: string; auth: AuthService },
) {
  async function byToken(
    trx: Kysely<DB> | Transaction<DB>,
    token: string,
  ): Promise<(Invitation & { organisation_name: string }) | undefined> {
    return trx
      .selectFrom('invitations as i')
      .innerJoin('organisations as o', 'o.id', 'i.organisation_id')
      .selectAll('i')
      .select('o.name as organisation_name')
      .where('i.token_hash', '=', sha256(token))
      .executeTakeFirst()
  }

  /** Marks the invitation accepted unless someone got there first; false if it is no longer open. */
  async function claim(trx: Transaction<DB>, inv: Invitation, userId: number): Promise<boolean> {
    const at = new Date().toISOString()
    const result = await trx
      .updateTable('invitations')
      .set({ accepted_at: at, accepted_by: userId })
      .where('id', '=', inv.id)
      .where('accepted_at', 'is', null)
      .where('withdrawn_at', 'is', null)
      .where('expires_at', '>', at)
      .executeTakeFirst()
    return Number(result.numUpdatedRows) === 1
  }

  async function join(
    trx: Transaction<DB>,
    inv: Invitation,
    person: { userId: number; name: string },
  ): Promise<void> {
    const member = await trx
      .selectFrom('memberships')
      .select('id')
      .where('organisation_id', '=', inv.organisation_id)
      .where('user_id', '=', person.userId)
      .executeTakeFirst()
    const membershipId =
      member?.id ??
      (
        await trx
          .insertInto('memberships')
          .values({
            organisation_id: inv.organisation_id,
            user_id: person.userId,
            role: inv.role,
            created_at: new Date().toISOString(),
          })
          .returning('id')
          .executeTakeFirstOrThrow()
      ).id
    await recordAudit(trx, {
      organisationId: inv.organisation_id,
      actor: { userId: person.userId, label: person.name },
      action: 'accept',
      entityType: 'invitation',
      entityId: inv.id,
      after: { membership_id: membershipId, user_id: person.userId, name: person.name, role: inv.role },
    })
  }

  return {
    async invite(actor: Actor, input: { name: string; email: string; role: string }): Promise<void> {
      const errors: Record<string, string> = {}
      const name = input.name.trim()
      const email = input.email.trim().toLowerCase()
      if (name === '') errors.name = 'Enter the person’s full name'
      else if (name.length > 200) errors.name = 'Full name must be 200 characters or fewer'
      if (email === '') errors.email = 'Enter an email address'
      else if (!EMAIL.test(email) || email.length > 254)
        errors.email = 'Enter an email address in the correct format, like name@example.gov.uk'
      if (!isRole(input.role)) errors.role = 'Select a role'
      if (Object.keys(errors).length > 0) throw new ValidationError(errors)
      const token = randomBytes(32).toString('base64url')
      const now = Date.now()
      const expiresAt = new Date(now + INVITATION_DAYS * DAY_MS).toISOString()
      await db.transaction().execute(async (trx) => {
        // Members are listed on the People page already, so saying so reveals nothing new.
        const member = await trx
          .selectFrom('memberships as m')
          .innerJoin('users as u', 'u.id', 'm.user_id')
          .select('m.id')
          .where('m.organisation_id', '=', actor.organisationId)
          .where('u.email', '=', email)
          .executeTakeFirst()
        if (member)
          throw new ValidationError({ email: 'This person is already a member of your organisation' })
        const open = await trx
          .selectFrom('invitations')
          .select('id')
          .where('organisation_id', '=', actor.organisationId)
          .where('email', '=', email)
          .where('accepted_at', 'is', null)
          .where('withdrawn_at', 'is', null)
          .where('expires_at', '>', new Date(now).toISOString())
          .executeTakeFirst()
        if (open)
          throw new ValidationError({
            email:
              'An invitation to this email address is waiting to be accepted. Withdraw it to send a new one',
          })
        const created = await trx
          .insertInto('invitations')
          .values({
            organisation_id: actor.organisationId,
            email,
            name,
            role: input.role,
            token_hash: sha256(token),
            invited_by: actor.userId,
            created_at: new Date(now).toISOString(),
            expires_at: expiresAt,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
        await recordAudit(trx, {
          organisationId: actor.organisationId,
          actor: auditActorOf(actor),
          action: 'invite',
          entityType: 'invitation',
          entityId: created.id,
          after: { email, name, role: input.role, expires_at: expiresAt },
        })
        const mail = renderMail({
          heading: `You have been invited to join ${actor.organisationName} on Oversight`,
          paragraphs: [
            `${actor.name} has invited you to join ${actor.organisationName} as ${ROLE_LABELS[input.role as Role]}.`,
            `The invitation lasts ${INVITATION_DAYS} days. If you already use Oversight, sign in with this email address to accept it; if not, you can set a password.`,
          ],
          link: { text: 'Accept the invitation', url: `${deps.baseUrl}/invitations/${token}` },
          footer: 'If you were not expecting this invitation, you can ignore this email.',
        })
        await deps.mailer.queue(trx, {
          organisationId: actor.organisationId,
          to: [email],
          subject: `Invitation to join ${actor.organisationName} on Oversight`,
          ...mail,
        })
      })
      deps.mailer.flushSoon()
    },

    /** Invitations of the organisation not yet accepted, withdrawn or expired. */
    async pending(organisationId: number): Promise<PendingInvitation[]> {
      const rows = await db
        .selectFrom('invitations')
        .select(['id', 'email', 'name', 'role', 'expires_at'])
        .where('organisation_id', '=', organisationId)
        .where('accepted_at', 'is', null)
        .where('withdrawn_at', 'is', null)
        .where('expires_at', '>', new Date().toISOString())
        .orderBy('created_at')
        .orderBy('id')
        .execute()
      return rows.map((r) => ({
        id: r.id,
        email: r.email,
        name: r.name,
        roleLabel: isRole(r.role) ? ROLE_LABELS[r.role] : r.role,
        expiresAt: r.expires_at,
      }))
    },

    async withdraw(actor: Actor, id: number): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const inv = await trx
          .selectFrom('invitations')
          .selectAll()
          .where('id', '=', id)
          .where('organisation_id', '=', actor.organisationId)
          .executeTakeFirst()
        if (!inv || stateOf(inv) !== 'pending') throw notFound('Invitation')
        await trx
          .updateTable('invitations')
          .set({ withdrawn_at: new Date().toISOString() })
          .where('id', '=', inv.id)
          .where('accepted_at', 'is', null)
          .execute()
        await recordAudit(trx, {
          organisationId: actor.organisationId,
          actor: auditActorOf(actor),
          action: 'withdraw',
          entityType: 'invitation',
          entityId: inv.id,
          before: { email: inv.email, name: inv.name, role: inv.role },
        })
      })
    },

    async lookup(token: string): Promise<InvitationLookup> {
      const inv = await byToken(db, token)
      if (!inv) return { ok: false, reason: 'unknown' }
      const state = stateOf(inv)
      if (state !== 'pending') return { ok: false, reason: state }
      const account = await db
        .selectFrom('users')
        .select('id')
        .where('email', '=', inv.email)
        .executeTakeFirst()
      return {
        ok: true,
        invitation: inv,
        organisationName: inv.organisation_name,
        roleLabel: isRole(inv.role) ? ROLE_LABELS[inv.role] : inv.role,
        hasAccount: account !== undefined,
      }
    },

    /** Accepted by someone signed in: only as the email address the invitation was sent to. */
    async acceptSignedIn(actor: Actor, token: string): Promise<AcceptResult> {
      const result = await db.transaction().execute(async (trx): Promise<AcceptResult> => {
        const inv = await byToken(trx, token)
        if (!inv) return { ok: false, reason: 'unknown' }
        const state = stateOf(inv)
        if (state !== 'pending') return { ok: false, reason: state }
        if (actor.email.toLowerCase() !== inv.email) return { ok: false, reason: 'wrong_person' }
        if (!(await claim(trx, inv, actor.userId))) return { ok: false, reason: 'accepted' }
        await join(trx, inv, { userId: actor.userId, name: actor.name })
        return { ok: true, organisationId: inv.organisation_id, organisationName: inv.organisation_name }
      })
      // The person starts working in the organisation they have just joined.
      if (result.ok) await deps.auth.switchOrganisation(actor, result.organisationId)
      return result
    },

    /** Accepted by someone new: they choose their name and a password, and are signed in. */
    async acceptAsNewPerson(
      token: string,
      input: { name: string; password: string; confirmPassword: string },
      origin: SessionOrigin = {},
    ): Promise<AcceptResult> {
      const found = await byToken(db, token)
      if (!found) return { ok: false, reason: 'unknown' }
      const before = stateOf(found)
      if (before !== 'pending') return { ok: false, reason: before }
      const errors: Record<string, string> = {}
      const name = input.name.trim()
      if (name === '') errors.name = 'Enter your full name'
      else if (name.length > 200) errors.name = 'Full name must be 200 characters or fewer'
      if (input.password === '') errors.password = 'Enter a password'
      else {
        const problem = passwordProblem(input.password, { email: found.email, name })
        if (problem) errors.password = problem
        else if (input.confirmPassword !== input.password)
          errors.confirmPassword = 'The passwords do not match'
      }
      if (Object.keys(errors).length > 0) throw new ValidationError(errors)
      const hash = await hashPassword(input.password)
      return db.transaction().execute(async (trx): Promise<AcceptResult> => {
        const inv = await byToken(trx, token)
        if (!inv) return { ok: false, reason: 'unknown' }
        const state = stateOf(inv)
        if (state !== 'pending') return { ok: false, reason: state }
        const existing = await trx
          .selectFrom('users')
          .select('id')
          .where('email', '=', inv.email)
          .executeTakeFirst()
        // An account made since the page was shown: its owner signs in to accept instead.
        if (existing) return { ok: false, reason: 'wrong_person' }
        const at = new Date().toISOString()
        const user = await trx
          .insertInto('users')
          .values({
            email: inv.email,
            name,
            password_hash: hash,
            is_active: 1,
            created_at: at,
            updated_at: at,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
        if (!(await claim(trx, inv, user.id)))
          throw new ValidationError({ name: 'This invitation has already been used' })
        await join(trx, inv, { userId: user.id, name })
        const session = await deps.auth.createSession(trx, user.id, inv.organisation_id, origin)
        return {
          ok: true,
          organisationId: inv.organisation_id,
          organisationName: inv.organisation_name,
          sessionToken: session.token,
        }
      })
    },
  }
}

export type InvitationsService = ReturnType<typeof createInvitationsService>
