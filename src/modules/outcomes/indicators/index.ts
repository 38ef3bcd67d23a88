import type { FastifyInstance } from 'fastify'
import { indicatorsApi } from './indicators.api.ts'
import { indicatorsRoutes } from './indicators.routes.ts'

export { createIndicatorsService, type IndicatorsService, type IndicatorView } from './indicators.service.ts'
export { indicatorsHistoryTargets } from './indicators.history.ts'
export { indicatorHealthRules } from './indicators.health-rules.ts'
export { indicatorsMeasuring } from './indicators.measuring.ts'

/** Performance indicators (issue 11): their pages and their API. */
export async function indicatorsSlice(app: FastifyInstance) {
  await app.register(indicatorsRoutes)
  await app.register(indicatorsApi)
}
