import type { Kysely, Transaction } from 'kysely'
import type { Scope } from '../../auth/actor.ts'
import type { DB, ProgrammeDefinition } from '../../db/schema.ts'
import { wherePaperVisible } from '../../auth/visibility.ts'

type Conn = Kysely<DB> | Transaction<DB>

/** Definitions belong to one organisation; what a partner officer sees of them is decided in auth/visibility.ts. */
function scoped(db: Conn, scope: Scope) {
  let q = db
    .selectFrom('programme_definitions')
    .where('programme_definitions.organisation_id', '=', scope.organisationId)
  q = wherePaperVisible(q, scope)
  return q
}

export interface RecommendationOption {
  id: number
  reference: string
  text: string
}

export function createDefinitionsRepository(db: Kysely<DB>) {
  return {
    list(scope: Scope, f: { programmeId?: number; offset?: number; limit?: number }) {
      let q = scoped(db, scope).selectAll('programme_definitions')
      if (f.programmeId !== undefined) q = q.where('programme_definitions.programme_id', '=', f.programmeId)
      return q
        .orderBy('programme_definitions.updated_at', 'desc')
        .orderBy('programme_definitions.id', 'desc')
        .limit(f.limit ?? 100)
        .offset(f.offset ?? 0)
        .execute()
    },

    get(scope: Scope, id: number, trx?: Conn): Promise<ProgrammeDefinition | undefined> {
      return scoped(trx ?? db, scope)
        .selectAll('programme_definitions')
        .where('programme_definitions.id', '=', id)
        .executeTakeFirst()
    },

    /** The panel's recommendations, to say which one asked for the paper. */
    recommendations(organisationId: number, id?: number): Promise<RecommendationOption[]> {
      let q = db
        .selectFrom('recommendations')
        .select(['id', 'reference', 'text'])
        .where('organisation_id', '=', organisationId)
      if (id !== undefined) q = q.where('id', '=', id)
      return q.orderBy('made_on', 'desc').orderBy('reference').limit(500).execute()
    },
  }
}
