import type { Kysely, Transaction } from 'kysely'
import type { Scope } from '../../auth/actor.ts'
import type { DB, Programme } from '../../db/schema.ts'
import { whereProgrammeVisible } from '../../auth/visibility.ts'

export type ProgrammeSort = 'reference' | 'name' | 'start_date' | 'end_date' | 'updated_at'

export interface ProgrammeFilter {
  status?: string
  q?: string
  sort?: ProgrammeSort
  order?: 'asc' | 'desc'
  offset?: number
  limit?: number
}

/** Every query is confined to the scope's organisation; a partner officer sees programmes with shared projects. */
function scoped(db: Kysely<DB> | Transaction<DB>, scope: Scope) {
  let q = db.selectFrom('programmes').where('programmes.organisation_id', '=', scope.organisationId)
  q = whereProgrammeVisible(q, scope, 'programmes.id')
  return q
}

export function createProgrammesRepository(db: Kysely<DB>) {
  return {
    async list(scope: Scope, f: ProgrammeFilter): Promise<Programme[]> {
      let q = scoped(db, scope).selectAll('programmes')
      if (f.status) q = q.where('programmes.status', '=', f.status)
      if (f.q) {
        const like = `%${f.q.toLowerCase()}%`
        q = q.where((eb) =>
          eb.or([
            eb(eb.fn('lower', ['programmes.name']), 'like', like),
            eb(eb.fn('lower', ['programmes.reference']), 'like', like),
          ]),
        )
      }
      const order = f.order ?? 'asc'
      q = q.orderBy(`programmes.${f.sort ?? 'reference'}`, order).orderBy('programmes.id', order)
      return q
        .limit(f.limit ?? 100)
        .offset(f.offset ?? 0)
        .execute()
    },

    async get(scope: Scope, id: number, trx?: Transaction<DB>): Promise<Programme | undefined> {
      return scoped(trx ?? db, scope)
        .selectAll('programmes')
        .where('programmes.id', '=', id)
        .executeTakeFirst()
    },

    async referenceTaken(trx: Transaction<DB>, organisationId: number, reference: string, exceptId?: number) {
      let q = trx
        .selectFrom('programmes')
        .select('id')
        .where('organisation_id', '=', organisationId)
        .where((eb) => eb(eb.fn('lower', ['reference']), '=', reference.toLowerCase()))
      if (exceptId !== undefined) q = q.where('id', '!=', exceptId)
      return (await q.executeTakeFirst()) !== undefined
    },

    async options(scope: Scope): Promise<Array<{ id: number; reference: string; name: string }>> {
      return scoped(db, scope)
        .select(['programmes.id', 'programmes.reference', 'programmes.name'])
        .orderBy('programmes.reference')
        .execute()
    },
  }
}
