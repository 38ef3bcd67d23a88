import type { Kysely, Transaction } from 'kysely'
import { scopeOf, type Actor, type Scope } from '../../auth/actor.ts'
import type { DB, Programme } from '../../db/schema.ts'
import { ConflictError, notFound, ValidationError } from '../../errors.ts'
import { insertAudited, updateVersioned } from '../audit/versioned-update.ts'
import { namedOnly, resolvePeople } from '../resourcing/person-refs.ts'
import { createProgrammesRepository, type ProgrammeFilter } from './programmes.repository.ts'
import { validateProgramme, type ProgrammeInput } from './programmes.rules.ts'

export function toProgrammeInput(p: Programme): ProgrammeInput {
  return {
    reference: p.reference,
    name: p.name,
    purpose: p.purpose,
    sro: p.sro,
    portfolioHolderPersonId: p.portfolio_holder_person_id,
    portfolioHolder: p.portfolio_holder,
    startDate: p.start_date,
    endDate: p.end_date,
    status: p.status,
  }
}

/** The Portfolio Holder as a person of the register, found or added in the write's transaction. */
async function holder(trx: Transaction<DB>, actor: Actor, input: ProgrammeInput) {
  const [person] = await resolvePeople(trx, actor, [
    {
      field: 'portfolioHolderPersonId',
      personId: input.portfolioHolderPersonId,
      name: input.portfolioHolder,
    },
  ])
  return { portfolio_holder_person_id: person!.id, portfolio_holder: person!.name }
}

function toRow(input: ProgrammeInput) {
  return {
    reference: input.reference.trim(),
    name: input.name.trim(),
    purpose: input.purpose.trim(),
    sro: input.sro.trim(),
    start_date: input.startDate,
    end_date: input.endDate,
    status: input.status,
  }
}

export function createProgrammesService(db: Kysely<DB>) {
  const repo = createProgrammesRepository(db)

  return {
    list: (scope: Scope, filter: ProgrammeFilter) => repo.list(scope, filter),
    get: (scope: Scope, id: number) => repo.get(scope, id),
    options: (scope: Scope) => repo.options(scope),

    async create(actor: Actor, input: ProgrammeInput): Promise<Programme> {
      const errors = validateProgramme(input)
      if (Object.keys(errors).length > 0) throw new ValidationError(errors)
      return db.transaction().execute(async (trx) => {
        if (await repo.referenceTaken(trx, actor.organisationId, input.reference.trim())) {
          throw new ValidationError({ reference: 'A programme with this reference already exists' })
        }
        return insertAudited(trx, {
          table: 'programmes',
          entityType: 'programme',
          actor,
          values: { ...toRow(input), ...(await holder(trx, actor, input)) },
        })
      })
    },

    /**
     * Applies a change made against `version`. If someone saved in between, nothing is written and the
     * caller gets a ConflictError carrying the current record, so both versions can be shown.
     */
    async update(
      actor: Actor,
      id: number,
      version: number,
      patch: Partial<ProgrammeInput>,
    ): Promise<Programme> {
      return db.transaction().execute(async (trx) => {
        const current = await repo.get(scopeOf(actor), id, trx)
        if (!current) throw notFound('Programme')
        if (current.version !== version) throw new ConflictError(current)
        // A Portfolio Holder given by name only (the API's old field) is that name's person.
        const byName = namedOnly(patch, 'portfolioHolder', 'portfolioHolderPersonId')
        const merged: ProgrammeInput = {
          ...toProgrammeInput(current),
          ...(byName && { portfolioHolderPersonId: null }),
          ...patch,
        }
        const errors = validateProgramme(merged)
        if (Object.keys(errors).length > 0) throw new ValidationError(errors)
        if (await repo.referenceTaken(trx, actor.organisationId, merged.reference.trim(), id)) {
          throw new ValidationError({ reference: 'A programme with this reference already exists' })
        }
        return updateVersioned(trx, {
          table: 'programmes',
          entityType: 'programme',
          actor,
          current,
          version,
          changes: { ...toRow(merged), ...(await holder(trx, actor, merged)) },
        })
      })
    },
  }
}

export type ProgrammesService = ReturnType<typeof createProgrammesService>
