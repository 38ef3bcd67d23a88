import type { Kysely } from 'kysely'
import { wherePartnerVisible } from '../../../auth/visibility.ts'
import { auditActorOf, scopeOf, type Actor, type Scope } from '../../../auth/actor.ts'
import type { DB, Partner, PartnerRecharge } from '../../../db/schema.ts'
import { ConflictError, HttpError, notFound, ValidationError } from '../../../errors.ts'
import { recordAudit } from '../../audit/audit.service.ts'
import { updateVersioned } from '../../audit/versioned-update.ts'
import { check, nameTaken } from '../shared/finance.service-helpers.ts'
import {
  partnerRow,
  rechargePartner,
  rechargePerson,
  rechargeRow,
  type PartnersRechargesService,
} from './partners-recharges.service.ts'
import {
  validatePartner,
  validateRecharge,
  type PartnerInput,
  type RechargeInput,
} from '../shared/finance.rules.ts'

/** A recharge a claim relies on: removing it would leave the claim claiming for nothing. */
export class RechargeInUseError extends HttpError {
  constructor(public readonly claims: string[]) {
    super(
      409,
      `This recharge cannot be removed because it is claimed for in ${claims.map((c) => `‘${c}’`).join(', ')}. Remove it from the claim first, or change the recharge instead.`,
    )
  }
}

async function claimsRelyingOn(db: Kysely<DB>, scope: Scope, rechargeId: number) {
  const rows = await db
    .selectFrom('claim_items')
    .innerJoin('claims', 'claims.id', 'claim_items.claim_id')
    .select('claims.title')
    .distinct()
    .where('claim_items.organisation_id', '=', scope.organisationId)
    .where('claim_items.partner_recharge_id', '=', rechargeId)
    .orderBy('claims.title')
    .execute()
  return rows.map((r) => r.title)
}

/**
 * Correcting what finance entered: a partner's name or base contract, a recharge line's amount — and
 * removing a recharge entered in error (funding streams: funding-streams.service.ts). Every change is made
 * against the version read and recorded in the audit trail, so a correction is never a silent overwrite.
 */
export function createFinanceCorrections(db: Kysely<DB>, records: PartnersRechargesService) {
  // The council's staff read every partner; a partner officer only their own (visibility.ts).
  const partnerIn = (scope: Scope, id: number, trx: Kysely<DB> = db) =>
    wherePartnerVisible(
      trx
        .selectFrom('partners')
        .selectAll()
        .where('organisation_id', '=', scope.organisationId)
        .where('id', '=', id),
      scope,
      'partners.id',
    ).executeTakeFirst()

  return {
    partner: (scope: Scope, id: number) => partnerIn(scope, id),

    async updatePartner(actor: Actor, id: number, version: number, input: PartnerInput): Promise<Partner> {
      return db.transaction().execute(async (trx) => {
        const current = await partnerIn(scopeOf(actor), id, trx)
        if (!current) throw notFound('Partner')
        check(validatePartner(input))
        if (current.version !== version) throw new ConflictError(current)
        if (await nameTaken(trx, 'partners', actor, input.name, id))
          throw new ValidationError({ name: 'A partner with this name already exists' })
        return updateVersioned(trx, {
          table: 'partners',
          entityType: 'partner',
          actor,
          current,
          version,
          changes: partnerRow(input),
        })
      })
    },

    /** Corrects a recharge line; it stays on its project (a recharge for another project is a new line). */
    async updateRecharge(
      actor: Actor,
      id: number,
      version: number,
      input: RechargeInput,
    ): Promise<PartnerRecharge> {
      return db.transaction().execute(async (trx) => {
        const current = await records.recharge(scopeOf(actor), id, trx)
        if (!current) throw notFound('Partner recharge')
        check(validateRecharge(input))
        if (current.version !== version) throw new ConflictError(current)
        const partnerId = await rechargePartner(trx, actor, input.partnerId!, input.period)
        // A recharge moved to another partner cannot stay for the first partner's person.
        await rechargePerson(
          trx,
          actor,
          partnerId,
          input.personId === undefined ? current.person_id : input.personId,
        )
        return updateVersioned(trx, {
          table: 'partner_recharges',
          entityType: 'partner_recharge',
          actor,
          current,
          version,
          changes: { ...rechargeRow(input), partner_id: partnerId },
        })
      })
    },

    /** The claims that claim for a recharge, by title: while there are any, it cannot be removed. */
    claimsRelyingOn: (scope: Scope, rechargeId: number) => claimsRelyingOn(db, scope, rechargeId),

    /**
     * Removes a recharge line entered in error. Refused if it changed since it was read (ConflictError)
     * or while a claim item claims for it (RechargeInUseError); the removed line stays in the audit trail.
     */
    async removeRecharge(actor: Actor, id: number, version: number): Promise<PartnerRecharge> {
      return db.transaction().execute(async (trx) => {
        const current = await records.recharge(scopeOf(actor), id, trx)
        if (!current) throw notFound('Partner recharge')
        if (current.version !== version) throw new ConflictError(current)
        const claims = await claimsRelyingOn(trx, scopeOf(actor), id)
        if (claims.length > 0) throw new RechargeInUseError(claims)
        await trx
          .deleteFrom('partner_recharges')
          .where('id', '=', id)
          .where('organisation_id', '=', actor.organisationId)
          .where('version', '=', version)
          .execute()
        await recordAudit(trx, {
          organisationId: actor.organisationId,
          actor: auditActorOf(actor),
          action: 'delete',
          entityType: 'partner_recharge',
          entityId: id,
          before: current,
        })
        return current
      })
    },
  }
}
