import type { FastifyInstance } from 'fastify'
import { benefitsApi } from './benefits.api.ts'
import { benefitsRoutes } from './benefits.routes.ts'
import { benefitsRealisedRoutes } from './benefits-realised.routes.ts'

export { createBenefitsService } from './benefits.service.ts'
export { benefitsHistoryTargets } from './benefits.history.ts'

/** The benefits register (issue 11): its pages and its API. */
export async function benefitsSlice(app: FastifyInstance) {
  await app.register(benefitsRoutes)
  await app.register(benefitsApi)
  await app.register(benefitsRealisedRoutes)
}
