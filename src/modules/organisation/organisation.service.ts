import { checkForeignIds } from '../../db/foreign-ids.ts'
import { PostgresAdapter, type Kysely, type Transaction } from 'kysely'
import { auditActorOf, type Actor } from '../../auth/actor.ts'
import { isRole, ROLE_LABELS, type Role } from '../../auth/roles.ts'
import { isRatingScaleId, type RatingScaleId } from '../../domain/dca.ts'
import type { DB, Organisation } from '../../db/schema.ts'
import { ConflictError, notFound, ValidationError } from '../../errors.ts'
import { recordAudit } from '../audit/audit.service.ts'

export interface MemberView {
  userId: number
  membershipId: number
  name: string
  email: string
  role: Role
  roleLabel: string
  isActive: boolean
  /** The person has left this organisation: they cannot act in it until an administrator reinstates them. */
  hasLeft: boolean
  /** For a partner officer, the partner they work for: they see the projects shared with it. */
  partnerId: number | null
}

export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

/**
 * Changes organisation-wide settings made against `version`, inside the caller's transaction: a stale
 * version changes nothing and raises ConflictError with the current record. The caller records the audit
 * event, naming the setting in the council's words.
 */
export async function updateOrganisation(
  trx: Transaction<DB>,
  actor: Actor,
  version: number,
  changes: Partial<
    Pick<
      Organisation,
      | 'rating_scale'
      | 'risk_escalation_threshold'
      | 'holiday_region'
      | 'data_protection_contact'
      | 'call_in_working_days'
      | 'second_factor_required'
      | 'display_name'
      | 'header_colour'
      | 'header_text'
      | 'logo_sha256'
    >
  >,
): Promise<{ current: Organisation; updated: Organisation }> {
  const current = await trx
    .selectFrom('organisations')
    .selectAll()
    .where('id', '=', actor.organisationId)
    .executeTakeFirstOrThrow()
  if (current.version !== version) throw new ConflictError(current)
  const updated = await trx
    .updateTable('organisations')
    // Not updateVersioned: the organisation is the one versioned row that is not owned by an organisation (it has
    // no organisation_id to scope by). The same stale-version check; the callers record the audit event in the
    // council's words for the setting.
    // eslint-disable-next-line no-restricted-syntax -- see above
    .set({ ...changes, version: version + 1, updated_at: new Date().toISOString() })
    .where('id', '=', actor.organisationId)
    .where('version', '=', version)
    .returningAll()
    .executeTakeFirst()
  if (!updated) throw new ConflictError(current)
  return { current, updated }
}

export function createOrganisationService(db: Kysely<DB>) {
  /** A person's membership of the actor's organisation, for changing it; another organisation's is not found. */
  async function membershipIn(trx: Transaction<DB>, actor: Actor, userId: number) {
    const member = await trx
      .selectFrom('memberships')
      .selectAll()
      .where('organisation_id', '=', actor.organisationId)
      .where('user_id', '=', userId)
      .executeTakeFirst()
    if (!member) throw notFound('Person')
    return member
  }
  /**
   * An organisation always keeps an administrator who has not left. The administrators' rows are locked on
   * PostgreSQL (SQLite runs one writer at a time), so two administrators marking each other as leavers at
   * the same moment cannot both succeed.
   */
  async function mustKeepAnAdministrator(trx: Transaction<DB>, actor: Actor, leavingMembershipId: number) {
    let q = trx
      .selectFrom('memberships')
      .select('id')
      .where('organisation_id', '=', actor.organisationId)
      .where('role', '=', 'administrator')
      .where('left_at', 'is', null)
    if (trx.getExecutor().adapter instanceof PostgresAdapter) q = q.forUpdate()
    const admins = await q.execute()
    if (!admins.some((a) => a.id !== leavingMembershipId)) {
      throw new ValidationError({
        leaver: 'This is the organisation’s last administrator. Make someone else an administrator first.',
      })
    }
  }

  return {
    async get(organisationId: number): Promise<Organisation> {
      return db
        .selectFrom('organisations')
        .selectAll()
        .where('id', '=', organisationId)
        .executeTakeFirstOrThrow()
    },

    /** The delivery confidence scale: IPA five-point by default, three-point as central government uses since 2021. */
    async setRatingScale(actor: Actor, scale: string, version: number): Promise<Organisation> {
      if (!isRatingScaleId(scale)) throw new ValidationError({ ratingScale: 'Select a rating scale' })
      return db.transaction().execute(async (trx) => {
        const { current, updated } = await updateOrganisation(trx, actor, version, {
          rating_scale: scale satisfies RatingScaleId,
        })
        await recordAudit(trx, {
          organisationId: actor.organisationId,
          actor: auditActorOf(actor),
          action: 'update',
          entityType: 'organisation',
          entityId: actor.organisationId,
          before: { rating_scale: current.rating_scale },
          after: { rating_scale: updated.rating_scale },
        })
        return updated
      })
    },

    async members(organisationId: number): Promise<MemberView[]> {
      const rows = await db
        .selectFrom('memberships as m')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .select([
          'u.id as userId',
          'm.id as membershipId',
          'u.name',
          'u.email',
          'm.role',
          'm.partner_id',
          'u.is_active',
          'm.left_at',
        ])
        .where('m.organisation_id', '=', organisationId)
        .orderBy('u.name')
        .execute()
      return rows
        .filter((r) => isRole(r.role))
        .map((r) => ({
          userId: r.userId,
          membershipId: r.membershipId,
          name: r.name,
          email: r.email,
          role: r.role as Role,
          roleLabel: ROLE_LABELS[r.role as Role],
          isActive: r.is_active === 1,
          hasLeft: r.left_at !== null,
          partnerId: r.partner_id,
        }))
    },

    /**
     * Names the partner a partner officer works for (or none): they see the projects shared with it, from
     * their next request. Only a partner officer works for a partner; the partner must be the council's.
     */
    async setPartner(actor: Actor, userId: number, partnerId: number | null): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const member = await membershipIn(trx, actor, userId)
        if (member.role !== 'partner_officer')
          throw new ValidationError({ partnerId: 'Only a partner officer works for a partner' })
        await checkForeignIds(trx, actor, [
          { field: 'partnerId', table: 'partners', id: partnerId, message: 'Select a partner from the list' },
        ])
        if (member.partner_id === partnerId) return
        await trx
          .updateTable('memberships')
          .set({ partner_id: partnerId })
          .where('id', '=', member.id)
          .execute()
        await recordAudit(trx, {
          organisationId: actor.organisationId,
          actor: auditActorOf(actor),
          action: 'update',
          entityType: 'membership',
          entityId: member.id,
          before: { user_id: userId, partner_id: member.partner_id },
          after: { user_id: userId, partner_id: partnerId },
        })
      })
    },

    /**
     * Issue 10's leaver rule: the person's membership of this organisation ends, and with it, at once and
     * for every instance (it is all database state), their sessions and API tokens here. Per membership, not
     * per account: an administrator speaks for their own organisation only, and a person may also work for
     * another council that still needs them. Reversible with `reinstate`; ended tokens stay ended.
     */
    async markLeaver(actor: Actor, userId: number): Promise<void> {
      if (userId === actor.userId) {
        throw new ValidationError({
          leaver: 'You cannot mark yourself as a leaver. Ask another administrator.',
        })
      }
      await db.transaction().execute(async (trx) => {
        const member = await membershipIn(trx, actor, userId)
        if (member.left_at !== null) return
        if (member.role === 'administrator') await mustKeepAnAdministrator(trx, actor, member.id)
        const at = new Date().toISOString()
        await trx.updateTable('memberships').set({ left_at: at }).where('id', '=', member.id).execute()
        await trx
          .deleteFrom('sessions')
          .where('user_id', '=', userId)
          .where('organisation_id', '=', actor.organisationId)
          .execute()
        await trx
          .updateTable('api_tokens')
          .set({ revoked_at: at })
          .where('user_id', '=', userId)
          .where('organisation_id', '=', actor.organisationId)
          .where('revoked_at', 'is', null)
          .execute()
        await recordAudit(trx, {
          organisationId: actor.organisationId,
          actor: auditActorOf(actor),
          action: 'leave',
          entityType: 'membership',
          entityId: member.id,
          before: { user_id: userId, left_at: null },
          after: { user_id: userId, left_at: at },
        })
      })
    },

    /** ASVS V7.4.5: an administrator ends every session a member has in this organisation. */
    async endSessions(actor: Actor, userId: number): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const member = await membershipIn(trx, actor, userId)
        const ended = await trx
          .deleteFrom('sessions')
          .where('user_id', '=', userId)
          .where('organisation_id', '=', actor.organisationId)
          .executeTakeFirst()
        await recordAudit(trx, {
          organisationId: actor.organisationId,
          actor: auditActorOf(actor),
          action: 'end-sessions',
          entityType: 'membership',
          entityId: member.id,
          after: { user_id: userId, sessions_ended: Number(ended.numDeletedRows) },
        })
      })
    },

    /** Undoes `markLeaver`: the person can sign in and act here again (with new API tokens). */
    async reinstate(actor: Actor, userId: number): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const member = await membershipIn(trx, actor, userId)
        if (member.left_at === null) return
        await trx.updateTable('memberships').set({ left_at: null }).where('id', '=', member.id).execute()
        await recordAudit(trx, {
          organisationId: actor.organisationId,
          actor: auditActorOf(actor),
          action: 'reinstate',
          entityType: 'membership',
          entityId: member.id,
          before: { user_id: userId, left_at: member.left_at },
          after: { user_id: userId, left_at: null },
        })
      })
    },

    async changeRole(actor: Actor, userId: number, role: string): Promise<void> {
      if (!isRole(role)) throw new ValidationError({ role: 'Select a role' })
      if (userId === actor.userId && role !== 'administrator') {
        // An administrator cannot demote themselves: that could leave the organisation with nobody to run it.
        throw new ValidationError({
          role: 'You cannot remove your own administrator role. Ask another administrator.',
        })
      }
      await db.transaction().execute(async (trx) => {
        const member = await membershipIn(trx, actor, userId)
        if (member.role === role) return
        await trx.updateTable('memberships').set({ role }).where('id', '=', member.id).execute()
        await recordAudit(trx, {
          organisationId: actor.organisationId,
          actor: auditActorOf(actor),
          action: 'update',
          entityType: 'membership',
          entityId: member.id,
          before: { user_id: userId, role: member.role },
          after: { user_id: userId, role },
        })
        // A changed role takes effect at once: the person's sessions in this organisation end.
        await trx
          .deleteFrom('sessions')
          .where('user_id', '=', userId)
          .where('organisation_id', '=', actor.organisationId)
          .execute()
      })
    },
  }
}

export type OrganisationService = ReturnType<typeof createOrganisationService>
