import { sql, type Kysely, type RawBuilder } from 'kysely'
import type { Scope } from '../../auth/actor.ts'
import { whereSearchEntryVisible } from '../../auth/visibility.ts'
import { isPostgres } from '../../db/migrations/helpers.ts'
import type { DB } from '../../db/schema.ts'
import { searchDocument } from './search-index.ts'
import { postgresTsQuery, sqliteMatch } from './search.rules.ts'
import { SEARCH_TYPES } from './search.sources.ts'

// The SQL of search (issue 13). Every read goes through `matching`: the organisation, the full-text match
// and the one visibility rule, so no result can skip any of them.

export interface SearchRow {
  recordType: string
  recordId: number
  projectId: number | null
  title: string
  body: string
}

// Groups in the registry's order; the types are the registry's own constants, never the user's.
const TYPE_ORDER = sql.raw(
  `case e.record_type ${SEARCH_TYPES.map((t, i) => `when '${t}' then ${i}`).join(' ')} else ${SEARCH_TYPES.length} end`,
)

export function createSearchRepository(db: Kysely<DB>) {
  const postgres = isPostgres(db as unknown as Kysely<unknown>)

  /**
   * Entries the scope may see that hold every term; with `ranked`, `rank` ascending is best first on both
   * dialects (a count needs no rank, and ranking every match is most of a broad query's cost on SQLite).
   */
  function matching(scope: Scope, terms: readonly string[], type: string | undefined, ranked: boolean) {
    let rank: RawBuilder<number>
    let q
    if (postgres) {
      const document = sql.raw(searchDocument('e.'))
      const query = sql`to_tsquery('simple', ${postgresTsQuery(terms)})`
      rank = sql<number>`-ts_rank(${document}, ${query})`
      q = db.selectFrom('search_entries as e').where(sql<boolean>`${document} @@ ${query}`)
    } else {
      // bm25 is lower for a better match; a word in the title counts ten times one in the body.
      const score = ranked ? sql`bm25(search_fts, 10.0, 1.0)` : sql`0`
      rank = sql<number>`m.rank`
      q = db.selectFrom('search_entries as e').innerJoin(
        sql<{
          id: number
          rank: number
        }>`(select rowid as id, ${score} as rank from search_fts where search_fts match ${sqliteMatch(terms)})`.as(
          'm',
        ),
        'm.id',
        'e.id',
      )
    }
    q = q.where('e.organisation_id', '=', scope.organisationId)
    if (type !== undefined) q = q.where('e.record_type', '=', type)
    return { q: whereSearchEntryVisible(q, scope, 'e'), rank }
  }

  return {
    /** How many results of each type the scope may see. */
    async counts(scope: Scope, terms: readonly string[]): Promise<Map<string, number>> {
      const { q } = matching(scope, terms, undefined, false)
      const rows = await q
        .select(['e.record_type', (eb) => eb.fn.countAll<number | string>().as('n')])
        .groupBy('e.record_type')
        .execute()
      return new Map(rows.map((r) => [r.record_type, Number(r.n)]))
    },

    /** One window of results, grouped by type in the registry's order, best match first in each. */
    async page(
      scope: Scope,
      terms: readonly string[],
      window: { type?: string; offset: number; limit: number },
    ): Promise<SearchRow[]> {
      const { q, rank } = matching(scope, terms, window.type, true)
      return q
        .select([
          'e.record_type as recordType',
          'e.record_id as recordId',
          'e.project_id as projectId',
          'e.title',
          'e.body',
        ])
        .orderBy(TYPE_ORDER)
        .orderBy(rank)
        .orderBy('e.id')
        .offset(window.offset)
        .limit(window.limit)
        .execute()
    },
  }
}

export type SearchRepository = ReturnType<typeof createSearchRepository>
