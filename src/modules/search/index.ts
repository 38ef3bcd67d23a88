import type { FastifyInstance } from 'fastify'
import { searchApi } from './search.api.ts'
import { searchRoutes } from './search.routes.ts'

export { createSearchService } from './search.service.ts'

/** Search (issue 13): the /search page and its API. The header's search box is in src/views/layout.njk. */
export async function searchSlice(app: FastifyInstance) {
  await app.register(searchRoutes)
  await app.register(searchApi)
}
