import type { FastifyInstance } from 'fastify'
import { commitmentsApi } from './commitments.api.ts'
import { commitmentsRoutes } from './commitments.routes.ts'

export { commitmentsHistory } from './commitments.history.ts'

/** Commitments: purchase orders raised but not yet invoiced, as pages and over the API. */
export async function commitmentsSlice(app: FastifyInstance) {
  await app.register(commitmentsRoutes)
  await app.register(commitmentsApi)
}
