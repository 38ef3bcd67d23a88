import type { FastifyInstance } from 'fastify'
import { correctionsApi } from './corrections.api.ts'
import { correctionsRoutes } from './corrections.routes.ts'
import { partnersRechargesApi } from './partners-recharges.api.ts'
import { partnersRechargesRoutes } from './partners-recharges.routes.ts'

export { partnersRechargesHistory } from './partners-recharges.history.ts'

/** Partners and recharges: shared-service partners, what they charge to projects, and corrections. */
export async function partnersRechargesSlice(app: FastifyInstance) {
  await app.register(partnersRechargesRoutes)
  await app.register(correctionsRoutes)
  await app.register(partnersRechargesApi)
  await app.register(correctionsApi)
}
