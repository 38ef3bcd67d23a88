import type { Kysely } from 'kysely'
import type { Scope } from '../../auth/actor.ts'
import type { DB } from '../../db/schema.ts'
import { createSearchRepository, type SearchRow } from './search.repository.ts'
import { highlight, parseQuery, snippet } from './search.rules.ts'
import { SEARCH_SOURCES, searchSource } from './search.sources.ts'

/** One result as the page and the API show it: the HTML parts are escaped text with <mark>s only. */
export interface SearchResult {
  type: string
  typeName: string
  id: number
  href: string
  title: string
  titleHtml: string
  snippetHtml: string
}

export interface SearchGroup {
  type: string
  heading: string
  count: number
}

export type SearchAnswer =
  | { error: string }
  | {
      terms: string[]
      /** Every type with a result the reader may see, in the registry's order, with its count. */
      groups: SearchGroup[]
      total: number
      /** The window asked for (plus one row, if there is one, to say a next page exists). */
      results: SearchResult[]
    }

function resultOf(row: SearchRow, terms: readonly string[]): SearchResult {
  const source = searchSource(row.recordType)
  return {
    type: row.recordType,
    typeName: source?.singular ?? row.recordType,
    id: row.recordId,
    href: source?.link({ recordId: row.recordId, projectId: row.projectId }) ?? '/',
    title: row.title,
    titleHtml: highlight(row.title, terms),
    snippetHtml: snippet(row.body, terms),
  }
}

export function createSearchService(db: Kysely<DB>) {
  const repo = createSearchRepository(db)
  return {
    /**
     * Records of the scope's organisation the scope may see that hold every word of the query, grouped by
     * type. A query with no words is answered with the message to show, not searched.
     */
    async search(
      scope: Scope,
      query: string | undefined,
      window: { type?: string; offset: number; limit: number },
    ): Promise<SearchAnswer> {
      const parsed = parseQuery(query)
      if ('error' in parsed) return parsed
      const { terms } = parsed
      const counts = await repo.counts(scope, terms)
      const groups = SEARCH_SOURCES.filter((s) => counts.has(s.type)).map((s) => ({
        type: s.type,
        heading: s.plural,
        count: counts.get(s.type) ?? 0,
      }))
      const total = groups.reduce((n, g) => n + g.count, 0)
      const rows = total === 0 ? [] : await repo.page(scope, terms, window)
      return { terms, groups, total, results: rows.map((r) => resultOf(r, terms)) }
    },
  }
}

export type SearchService = ReturnType<typeof createSearchService>
