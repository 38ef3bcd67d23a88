import type { Kysely } from 'kysely'
import { scopeOf, type Actor, type Scope } from '../../../auth/actor.ts'
import type { DB, FundingStream } from '../../../db/schema.ts'
import { ConflictError, notFound, ValidationError } from '../../../errors.ts'
import { insertAudited, updateVersioned } from '../../audit/versioned-update.ts'
import type { FinanceRepository } from '../shared/finance.repository.ts'
import { validateFundingStream, type FundingStreamInput } from '../shared/finance.rules.ts'
import { check, nameTaken } from '../shared/finance.service-helpers.ts'

/** The funding streams budget lines are paid from and claims are made against: added and corrected. */
export function createFundingStreamsService(db: Kysely<DB>, repo: FinanceRepository) {
  return {
    fundingStreams: (scope: Scope) => repo.fundingStreams(scope),
    fundingStream: (scope: Scope, id: number) => repo.fundingStream(scope, id),

    async createFundingStream(actor: Actor, input: FundingStreamInput): Promise<FundingStream> {
      check(validateFundingStream(input))
      return db.transaction().execute(async (trx) => {
        const taken = await trx
          .selectFrom('funding_streams')
          .select('id')
          .where('organisation_id', '=', actor.organisationId)
          .where('name', '=', input.name.trim())
          .executeTakeFirst()
        if (taken) throw new ValidationError({ name: 'A funding stream with this name already exists' })
        return insertAudited(trx, {
          table: 'funding_streams',
          entityType: 'funding_stream',
          actor,
          values: {
            name: input.name.trim(),
            kind: input.kind,
            eligibility: input.eligibility.trim(),
            base_costs_eligible: input.baseCostsEligible ? 1 : 0,
          },
        })
      })
    },

    async updateFundingStream(
      actor: Actor,
      id: number,
      version: number,
      input: FundingStreamInput,
    ): Promise<FundingStream> {
      return db.transaction().execute(async (trx) => {
        const current = await repo.fundingStream(scopeOf(actor), id, trx)
        if (!current) throw notFound('Funding stream')
        check(validateFundingStream(input))
        if (current.version !== version) throw new ConflictError(current)
        if (await nameTaken(trx, 'funding_streams', actor, input.name, id))
          throw new ValidationError({ name: 'A funding stream with this name already exists' })
        return updateVersioned(trx, {
          table: 'funding_streams',
          entityType: 'funding_stream',
          actor,
          current,
          version,
          changes: {
            name: input.name.trim(),
            kind: input.kind,
            eligibility: input.eligibility.trim(),
            base_costs_eligible: input.baseCostsEligible ? 1 : 0,
          },
        })
      })
    },
  }
}
