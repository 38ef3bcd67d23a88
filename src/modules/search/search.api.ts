import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { HttpError } from '../../errors.ts'
import { Nullable, Paging, STANDARD_ERRORS } from '../../web/api-schemas.ts'
import { apiList } from '../../web/pagination.ts'
import type { SearchGroup } from './search.service.ts'
import { MAX_QUERY_LENGTH } from './search.rules.ts'
import { SEARCH_TYPES } from './search.sources.ts'

// Search through the API (issue 13): the same answer as the /search page.

const RecordType = Type.Union(
  SEARCH_TYPES.map((t) => Type.Literal(t)),
  { description: 'A kind of record search finds' },
)

const Query = Type.Object({
  q: Type.String({
    maxLength: MAX_QUERY_LENGTH,
    description:
      'Words to find: every word must match the start of a word in the record. Punctuation, quotes and operators are not syntax.',
  }),
  type: Type.Optional(RecordType),
  limit: Paging.limit,
  cursor: Paging.cursor,
})

const Result = Type.Object({
  type: RecordType,
  id: Type.Integer(),
  href: Type.String({ description: 'The page of the record' }),
  title: Type.String(),
  titleHtml: Type.String({ description: 'The title, HTML-escaped, with matched words in <mark>' }),
  snippetHtml: Type.String({
    description: 'A passage of the text, HTML-escaped, with matched words in <mark>',
  }),
})

const Answer = Type.Object({
  groups: Type.Array(Type.Object({ type: RecordType, heading: Type.String(), count: Type.Integer() }), {
    description: 'Every type with results the reader may see, with how many',
  }),
  items: Type.Array(Result, { description: 'Grouped by type in the order of `groups`, best match first' }),
  next: Nullable(Type.String({ description: 'Cursor for the next page, or null on the last' })),
})

export async function searchApi(app: FastifyInstance) {
  const { search } = app.services

  app.get<{ Querystring: Static<typeof Query> }>(
    '/api/v1/search',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags: ['Search'],
        summary:
          'Search projects, milestones, risks, issues, decisions, recommendations, meetings and reports',
        querystring: Query,
        response: { 200: Answer, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      let groups: SearchGroup[] = []
      const page = await apiList(
        request.query,
        async (window) => {
          const answer = await search.search(scopeOf(request.actor!), request.query.q, {
            type: request.query.type,
            ...window,
          })
          if ('error' in answer) throw new HttpError(400, answer.error, { q: answer.error })
          groups = answer.groups
          return answer.results
        },
        (r) => ({
          type: r.type,
          id: r.id,
          href: r.href,
          title: r.title,
          titleHtml: r.titleHtml,
          snippetHtml: r.snippetHtml,
        }),
      )
      return { groups, ...page }
    },
  )
}
