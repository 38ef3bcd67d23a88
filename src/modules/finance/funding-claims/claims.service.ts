import type { Kysely, Transaction } from 'kysely'
import { auditActorOf, scopeOf, type Actor, type Scope } from '../../../auth/actor.ts'
import { whereProjectVisible } from '../../../auth/visibility.ts'
import type { Claim, ClaimItem, DB, PartnerRecharge } from '../../../db/schema.ts'
import { ConflictError, notFound, ValidationError } from '../../../errors.ts'
import { recordAudit } from '../../audit/audit.service.ts'
import { insertAudited, updateVersioned } from '../../audit/versioned-update.ts'
import {
  validateClaim,
  validateClaimItem,
  type ClaimInput,
  type ClaimItemInput,
} from '../shared/finance.rules.ts'
import { check, projectVisible } from '../shared/finance.service-helpers.ts'

/** A claim's columns from the form or API, the funding stream apart (checked against the organisation). */
const claimRow = (input: ClaimInput) => ({
  project_id: input.projectId,
  title: input.title.trim(),
  eligible_pence: input.eligiblePence ?? 0,
  claimed_pence: input.claimedPence ?? 0,
  received_pence: input.receivedPence ?? 0,
  submitted_on: input.submittedOn,
  received_on: input.receivedOn,
  status: input.status,
})

/** The stream a claim is against and the project it is for must both be within the actor's reach. */
async function claimStream(trx: Transaction<DB>, actor: Actor, input: ClaimInput) {
  const stream = await trx
    .selectFrom('funding_streams')
    .select('id')
    .where('organisation_id', '=', actor.organisationId)
    .where('id', '=', input.fundingStreamId!)
    .executeTakeFirst()
  if (!stream) throw new ValidationError({ fundingStreamId: 'Select the funding stream claimed against' })
  if (input.projectId !== null && !(await projectVisible(trx, scopeOf(actor), input.projectId)))
    throw new ValidationError({ projectId: 'Select a project, or none' })
  return stream.id
}

/** Claims against funding streams and the items in them: each write audited in its own transaction. */
export function createClaimsService(
  db: Kysely<DB>,
  recharges: {
    recharge(scope: Scope, id: number, trx?: Transaction<DB>): Promise<PartnerRecharge | undefined>
  },
) {
  async function claimIn(scope: Scope, id: number, trx?: Transaction<DB>) {
    const q = (trx ?? db)
      .selectFrom('claims')
      .innerJoin('funding_streams', 'funding_streams.id', 'claims.funding_stream_id')
      .leftJoin('projects', 'projects.id', 'claims.project_id')
      .selectAll('claims')
      .select(['funding_streams.name as stream_name', 'projects.name as project_name'])
      .where('claims.organisation_id', '=', scope.organisationId)
      .where('claims.id', '=', id)
    return whereProjectVisible(q, scope, 'claims.project_id').executeTakeFirst()
  }

  return {
    claim: (scope: Scope, id: number) => claimIn(scope, id),

    async claimWithItems(scope: Scope, id: number) {
      const claim = await claimIn(scope, id)
      if (!claim) return undefined
      const items = await db
        .selectFrom('claim_items')
        .selectAll()
        .where('claim_id', '=', id)
        .orderBy('id')
        .execute()
      return { ...claim, items }
    },

    async createClaim(actor: Actor, input: ClaimInput): Promise<Claim> {
      check(validateClaim(input))
      return db.transaction().execute(async (trx) => {
        const streamId = await claimStream(trx, actor, input)
        return insertAudited(trx, {
          table: 'claims',
          entityType: 'claim',
          actor,
          values: { ...claimRow(input), funding_stream_id: streamId },
        })
      })
    },

    /** Changes a claim (status, dates, amounts received); a stale version is refused, never overwritten. */
    async updateClaim(actor: Actor, id: number, version: number, input: ClaimInput): Promise<Claim> {
      return db.transaction().execute(async (trx) => {
        const found = await claimIn(scopeOf(actor), id, trx)
        if (!found) throw notFound('Claim')
        check(validateClaim(input))
        const { stream_name: _s, project_name: _p, ...current } = found
        // Stale before anything else: the person must see the saved claim, not a complaint about it.
        if (current.version !== version) throw new ConflictError(current)
        const streamId = await claimStream(trx, actor, input)
        return updateVersioned(trx, {
          table: 'claims',
          entityType: 'claim',
          actor,
          current,
          version,
          changes: { ...claimRow(input), funding_stream_id: streamId },
        })
      })
    },

    /**
     * Adds an item to a claim. An item may name the partner recharge it claims for; that recharge must be
     * for the claim's project (when the claim has one), and cannot then be removed while the item stands.
     */
    async addClaimItem(actor: Actor, claimId: number, input: ClaimItemInput): Promise<ClaimItem> {
      return db.transaction().execute(async (trx) => {
        const claim = await claimIn(scopeOf(actor), claimId, trx)
        if (!claim) throw notFound('Claim')
        check(validateClaimItem(input))
        const rechargeId = input.partnerRechargeId ?? null
        if (rechargeId !== null) {
          const r = await recharges.recharge(scopeOf(actor), rechargeId, trx)
          if (!r || (claim.project_id !== null && r.project_id !== claim.project_id))
            throw new ValidationError({
              partnerRechargeId: "Select a recharge for the claim's project, or none",
            })
        }
        const item = await trx
          .insertInto('claim_items')
          .values({
            organisation_id: actor.organisationId,
            claim_id: claimId,
            description: input.description.trim(),
            amount_pence: input.amountPence!,
            eligible: input.eligible ? 1 : 0,
            ineligible_reason: input.eligible ? '' : input.ineligibleReason.trim(),
            partner_recharge_id: rechargeId,
          })
          .returningAll()
          .executeTakeFirstOrThrow()
        // Claim items carry no version (they are added, not edited), so their audit is written here.
        await recordAudit(trx, {
          organisationId: actor.organisationId,
          actor: auditActorOf(actor),
          action: 'create',
          entityType: 'claim_item',
          entityId: item.id,
          after: item,
        })
        return item
      })
    },
  }
}
