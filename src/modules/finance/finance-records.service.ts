import type { Kysely, Transaction } from 'kysely'
import { auditActorOf, scopeOf, type Actor, type Scope } from '../../auth/actor.ts'
import type { Claim, ClaimItem, DB, Partner, PartnerRecharge } from '../../db/schema.ts'
import { notFound, ValidationError } from '../../errors.ts'
import { recordAudit } from '../audit/audit.service.ts'
import { scopedProjects } from './finance.repository.ts'
import {
  validateClaim,
  validateClaimItem,
  validatePartner,
  validateRecharge,
  type ClaimInput,
  type ClaimItemInput,
  type PartnerInput,
  type RechargeInput,
} from './finance.rules.ts'

const check = (errors: Record<string, string>) => {
  if (Object.keys(errors).length > 0) throw new ValidationError(errors)
}

/** Partners and their recharges, claims and their items: each write audited in its own transaction. */
export function createFinanceRecords(db: Kysely<DB>) {
  const audit = (trx: Transaction<DB>, actor: Actor, type: string, id: number, after: unknown) =>
    recordAudit(trx, {
      organisationId: actor.organisationId,
      actor: auditActorOf(actor),
      action: 'create',
      entityType: type,
      entityId: id,
      after,
    })

  async function projectVisible(trx: Transaction<DB>, actor: Actor, projectId: number) {
    const p = await scopedProjects(trx, scopeOf(actor))
      .select('projects.id')
      .where('projects.id', '=', projectId)
      .executeTakeFirst()
    return p !== undefined
  }

  async function claimIn(scope: Scope, id: number, trx?: Transaction<DB>) {
    const q = (trx ?? db)
      .selectFrom('claims')
      .innerJoin('funding_streams', 'funding_streams.id', 'claims.funding_stream_id')
      .leftJoin('projects', 'projects.id', 'claims.project_id')
      .selectAll('claims')
      .select(['funding_streams.name as stream_name', 'projects.name as project_name'])
      .where('claims.organisation_id', '=', scope.organisationId)
      .where('claims.id', '=', id)
    return (scope.partnerOnly ? q.where('projects.shared_with_partner', '=', 1) : q).executeTakeFirst()
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

    async recharge(scope: Scope, id: number) {
      const r = await db
        .selectFrom('partner_recharges')
        .selectAll()
        .where('organisation_id', '=', scope.organisationId)
        .where('id', '=', id)
        .executeTakeFirst()
      if (!r) return undefined
      const visible = await scopedProjects(db, scope)
        .select('projects.id')
        .where('projects.id', '=', r.project_id)
        .executeTakeFirst()
      return visible ? r : undefined
    },

    async createPartner(actor: Actor, input: PartnerInput): Promise<Partner> {
      check(validatePartner(input))
      return db.transaction().execute(async (trx) => {
        const taken = await trx
          .selectFrom('partners')
          .select('id')
          .where('organisation_id', '=', actor.organisationId)
          .where('name', '=', input.name.trim())
          .executeTakeFirst()
        if (taken) throw new ValidationError({ name: 'A partner with this name already exists' })
        const at = new Date().toISOString()
        const p = await trx
          .insertInto('partners')
          .values({
            organisation_id: actor.organisationId,
            name: input.name.trim(),
            base_contract: input.baseContract.trim(),
            annual_base_contract_pence: input.annualBaseContractPence ?? 0,
            created_at: at,
            updated_at: at,
          })
          .returningAll()
          .executeTakeFirstOrThrow()
        await audit(trx, actor, 'partner', p.id, p)
        return p
      })
    },

    async createRecharge(actor: Actor, projectId: number, input: RechargeInput): Promise<PartnerRecharge> {
      check(validateRecharge(input))
      return db.transaction().execute(async (trx) => {
        if (!(await projectVisible(trx, actor, projectId))) throw notFound('Project')
        const partner = await trx
          .selectFrom('partners')
          .select('id')
          .where('organisation_id', '=', actor.organisationId)
          .where('id', '=', input.partnerId!)
          .executeTakeFirst()
        if (!partner) throw new ValidationError({ partnerId: 'Select the partner' })
        const at = new Date().toISOString()
        const r = await trx
          .insertInto('partner_recharges')
          .values({
            organisation_id: actor.organisationId,
            partner_id: partner.id,
            project_id: projectId,
            description: input.description.trim(),
            period: input.period,
            amount_pence: input.amountPence!,
            cost_basis: input.costBasis,
            created_at: at,
            updated_at: at,
          })
          .returningAll()
          .executeTakeFirstOrThrow()
        await audit(trx, actor, 'partner_recharge', r.id, r)
        return r
      })
    },

    async createClaim(actor: Actor, input: ClaimInput): Promise<Claim> {
      check(validateClaim(input))
      return db.transaction().execute(async (trx) => {
        const stream = await trx
          .selectFrom('funding_streams')
          .select('id')
          .where('organisation_id', '=', actor.organisationId)
          .where('id', '=', input.fundingStreamId!)
          .executeTakeFirst()
        if (!stream)
          throw new ValidationError({ fundingStreamId: 'Select the funding stream claimed against' })
        if (input.projectId !== null && !(await projectVisible(trx, actor, input.projectId)))
          throw new ValidationError({ projectId: 'Select a project, or none' })
        const at = new Date().toISOString()
        const c = await trx
          .insertInto('claims')
          .values({
            organisation_id: actor.organisationId,
            funding_stream_id: stream.id,
            project_id: input.projectId,
            title: input.title.trim(),
            eligible_pence: input.eligiblePence ?? 0,
            claimed_pence: input.claimedPence ?? 0,
            received_pence: input.receivedPence ?? 0,
            submitted_on: input.submittedOn,
            received_on: input.receivedOn,
            status: input.status,
            created_at: at,
            updated_at: at,
          })
          .returningAll()
          .executeTakeFirstOrThrow()
        await audit(trx, actor, 'claim', c.id, c)
        return c
      })
    },

    async addClaimItem(actor: Actor, claimId: number, input: ClaimItemInput): Promise<ClaimItem> {
      check(validateClaimItem(input))
      return db.transaction().execute(async (trx) => {
        if (!(await claimIn(scopeOf(actor), claimId, trx))) throw notFound('Claim')
        const item = await trx
          .insertInto('claim_items')
          .values({
            organisation_id: actor.organisationId,
            claim_id: claimId,
            description: input.description.trim(),
            amount_pence: input.amountPence!,
            eligible: input.eligible ? 1 : 0,
            ineligible_reason: input.eligible ? '' : input.ineligibleReason.trim(),
          })
          .returningAll()
          .executeTakeFirstOrThrow()
        await audit(trx, actor, 'claim_item', item.id, item)
        return item
      })
    },
  }
}
