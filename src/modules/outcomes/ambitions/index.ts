import type { FastifyInstance } from 'fastify'
import { ambitionsApi } from './ambitions.api.ts'
import { ambitionsRoutes } from './ambitions.routes.ts'

export { createAmbitionsService } from './ambitions.service.ts'
export { ambitionsHistoryTargets } from './ambitions.history.ts'

/** Strategic ambitions (issue 11): their pages and their API. */
export async function ambitionsSlice(app: FastifyInstance) {
  await app.register(ambitionsRoutes)
  await app.register(ambitionsApi)
}
