import type { FastifyInstance } from 'fastify'
import { responsibilitiesApi } from './responsibilities.api.ts'
import { responsibilitiesRoutes } from './responsibilities.routes.ts'

export { createResponsibilitiesService } from './responsibilities.service.ts'
export { responsibilitiesHistoryTargets } from './responsibilities.history.ts'
export { responsibilityHealthRules } from './responsibilities.health-rules.ts'

/** The responsibility matrix (issue 10): its pages and its API. */
export async function responsibilitiesSlice(app: FastifyInstance) {
  await app.register(responsibilitiesRoutes)
  await app.register(responsibilitiesApi)
}
