import type { FastifyInstance } from 'fastify'
import { outputsApi } from './outputs.api.ts'
import { outputsRoutes } from './outputs.routes.ts'

export { createOutputsService } from './outputs.service.ts'
export { outputsHistoryTargets } from './outputs.history.ts'
export { outputRow } from './outputs.routes.ts'

/** Projects' outputs (issue 11): their pages and their API. */
export async function outputsSlice(app: FastifyInstance) {
  await app.register(outputsRoutes)
  await app.register(outputsApi)
}
