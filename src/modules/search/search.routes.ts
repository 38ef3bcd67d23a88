import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { errorList } from '../../web/forms.ts'
import { decodeCursor, encodeCursor } from '../../web/pagination.ts'
import type { SearchResult } from './search.service.ts'
import { searchSource } from './search.sources.ts'

// The /search page (issue 13), which the search box in every signed-in page's header sends its GET form to.

const PAGE_SIZE = 20

// A GET form sends what it sends: the page reads it leniently and explains, rather than refusing it.
const Query = Type.Object({
  q: Type.Optional(Type.String()),
  type: Type.Optional(Type.String()),
  cursor: Type.Optional(Type.String()),
})

/** The page's results as headed groups: a group continues across pages under its heading. */
function grouped(results: SearchResult[]) {
  const groups: Array<{ heading: string; results: SearchResult[] }> = []
  for (const r of results) {
    const heading = searchSource(r.type)?.plural ?? r.type
    const last = groups.at(-1)
    if (last && last.heading === heading) last.results.push(r)
    else groups.push({ heading, results: [r] })
  }
  return groups
}

export async function searchRoutes(app: FastifyInstance) {
  const { search } = app.services

  app.get<{ Querystring: Static<typeof Query> }>(
    '/search',
    { config: { policy: 'portfolio.read' }, schema: { querystring: Query } },
    async (request, reply) => {
      const { q } = request.query
      // The page opened without a query (not sent empty) is a search box to fill in, not an error.
      if (q === undefined) return reply.render('search/views/search.njk', { title: 'Search', query: '' })
      const type = searchSource(request.query.type ?? '')?.type
      const offset = decodeCursor(request.query.cursor) ?? 0
      const answer = await search.search(scopeOf(request.actor!), q, {
        type,
        offset,
        limit: PAGE_SIZE + 1,
      })
      if ('error' in answer)
        return reply.render(
          'search/views/search.njk',
          { title: 'Search', query: q, error: answer.error, errorList: errorList({ q: answer.error }) },
          400,
        )
      const pageUrl = (o: number, t: string | undefined) => {
        const params = new URLSearchParams({ q })
        if (t) params.set('type', t)
        if (o > 0) params.set('cursor', encodeCursor(o))
        return `/search?${params.toString()}`
      }
      return reply.render('search/views/search.njk', {
        title: `Search results for ‘${q.trim()}’`,
        query: q,
        type,
        total: answer.total,
        shown: type ? (answer.groups.find((g) => g.type === type)?.count ?? 0) : answer.total,
        groupLinks: answer.groups.map((g) => ({ ...g, href: pageUrl(0, g.type), current: g.type === type })),
        allHref: pageUrl(0, undefined),
        groups: grouped(answer.results.slice(0, PAGE_SIZE)),
        previousUrl: offset > 0 ? pageUrl(Math.max(0, offset - PAGE_SIZE), type) : null,
        nextUrl: answer.results.length > PAGE_SIZE ? pageUrl(offset + PAGE_SIZE, type) : null,
      })
    },
  )
}
