import type { Kysely, Transaction } from 'kysely'
import { wherePartnerVisible } from '../../../auth/visibility.ts'
import { scopeOf, type Actor, type Scope } from '../../../auth/actor.ts'
import type { DB, Partner, PartnerRecharge } from '../../../db/schema.ts'
import { formatDate } from '../../../domain/dates.ts'
import { formatPeriod, periodOf } from '../../../domain/periods.ts'
import { notFound, ValidationError } from '../../../errors.ts'
import { rechargeAfterEnd } from '../../partnerships/separation.rules.ts'
import { insertAudited } from '../../audit/versioned-update.ts'
import { check, nameTaken, projectVisible } from '../shared/finance.service-helpers.ts'
import {
  validatePartner,
  validateRecharge,
  type PartnerInput,
  type RechargeInput,
} from '../shared/finance.rules.ts'

/**
 * The recharged partner, which must be the organisation's own; once its partnership has ended, a recharge
 * for a month after the end is refused (the end date's own month may still be charged).
 */
export async function rechargePartner(trx: Transaction<DB>, actor: Actor, partnerId: number, period: string) {
  const partner = await trx
    .selectFrom('partners')
    .select(['id', 'name', 'ended_on'])
    .where('organisation_id', '=', actor.organisationId)
    .where('id', '=', partnerId)
    .executeTakeFirst()
  if (!partner) throw new ValidationError({ partnerId: 'Select the partner' })
  if (rechargeAfterEnd(period, partner.ended_on))
    throw new ValidationError({
      period: `The partnership with ${partner.name} ended on ${formatDate(partner.ended_on)}: enter a month up to ${formatPeriod(periodOf(partner.ended_on!))}`,
    })
  return partner.id
}

/**
 * The person a recharge is for (issue 10: "the web developer supplied by PSPS, whose recharge links to that
 * person"): one of the recharged partner's own staff in the people register, or a field error.
 */
export async function rechargePerson(
  trx: Transaction<DB>,
  actor: Actor,
  partnerId: number,
  personId: number | null | undefined,
) {
  if (personId == null) return
  const person = await trx
    .selectFrom('people')
    .select('partner_id')
    .where('organisation_id', '=', actor.organisationId)
    .where('id', '=', personId)
    .executeTakeFirst()
  if (person?.partner_id !== partnerId)
    throw new ValidationError({ personId: 'Choose a person employed by the partner, or no one' })
}

/** A recharge's columns from the form or API, the partner apart (checked against the organisation). */
export const rechargeRow = (input: RechargeInput) => ({
  description: input.description.trim(),
  period: input.period,
  amount_pence: input.amountPence!,
  cost_basis: input.costBasis,
  ...(input.personId !== undefined && { person_id: input.personId }),
})

/** A partner's columns from the form or API. */
export const partnerRow = (input: PartnerInput) => ({
  name: input.name.trim(),
  base_contract: input.baseContract.trim(),
  annual_base_contract_pence: input.annualBaseContractPence ?? 0,
  kind: input.kind,
  agreement_starts_on: input.agreementStartsOn,
  agreement_ends_on: input.agreementEndsOn,
  services: input.services
    .map((x) => x.trim())
    .filter((x) => x !== '')
    .join('\n'),
})

/** Partners and their recharges: each write audited in its own transaction. */
export function createPartnersRechargesService(db: Kysely<DB>) {
  async function rechargeIn(scope: Scope, id: number, trx?: Transaction<DB>) {
    const q = (trx ?? db)
      .selectFrom('partner_recharges')
      .selectAll()
      .where('organisation_id', '=', scope.organisationId)
      .where('id', '=', id)
    const r = await wherePartnerVisible(q, scope, 'partner_recharges.partner_id').executeTakeFirst()
    return r && (await projectVisible(trx ?? db, scope, r.project_id)) ? r : undefined
  }

  return {
    /** A partner recharge, if its project is within the scope. */
    recharge: (scope: Scope, id: number, trx?: Transaction<DB>) => rechargeIn(scope, id, trx),

    /** A project's partner recharges, all periods; undefined when the project is not visible. */
    async projectRecharges(scope: Scope, projectId: number) {
      if (!(await projectVisible(db, scope, projectId))) return undefined
      const q = db
        .selectFrom('partner_recharges')
        .selectAll()
        .where('organisation_id', '=', scope.organisationId)
        .where('project_id', '=', projectId)
        .orderBy('period')
        .orderBy('id')
      return wherePartnerVisible(q, scope, 'partner_recharges.partner_id').execute()
    },

    async createPartner(actor: Actor, input: PartnerInput): Promise<Partner> {
      check(validatePartner(input))
      return db.transaction().execute(async (trx) => {
        if (await nameTaken(trx, 'partners', actor, input.name))
          throw new ValidationError({ name: 'A partner with this name already exists' })
        return insertAudited(trx, {
          table: 'partners',
          entityType: 'partner',
          actor,
          values: partnerRow(input),
        })
      })
    },

    async createRecharge(actor: Actor, projectId: number, input: RechargeInput): Promise<PartnerRecharge> {
      return db.transaction().execute(async (trx) => {
        if (!(await projectVisible(trx, scopeOf(actor), projectId))) throw notFound('Project')
        check(validateRecharge(input))
        const partnerId = await rechargePartner(trx, actor, input.partnerId!, input.period)
        await rechargePerson(trx, actor, partnerId, input.personId)
        return insertAudited(trx, {
          table: 'partner_recharges',
          entityType: 'partner_recharge',
          actor,
          values: { ...rechargeRow(input), partner_id: partnerId, project_id: projectId },
        })
      })
    },
  }
}

export type PartnersRechargesService = ReturnType<typeof createPartnersRechargesService>
