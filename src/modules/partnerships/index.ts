import type { FastifyInstance } from 'fastify'
import { separationApi } from './separation.api.ts'
import { separationRoutes } from './separation.routes.ts'

export { createSeparationService, type SeparationService } from './separation.service.ts'

/** Partnerships (issue 10): ending one through the separation process, and the record it leaves. */
export async function partnershipsSlice(app: FastifyInstance) {
  await app.register(separationRoutes)
  await app.register(separationApi)
}
