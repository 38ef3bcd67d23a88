import type { FastifyInstance } from 'fastify'
import { indicatorsApi } from './indicators.api.ts'
import { indicatorsRoutes } from './indicators.routes.ts'
import { indicatorImportApi } from './indicator-import.api.ts'
import { indicatorImportRoutes } from './indicator-import.routes.ts'

export { createIndicatorsService, type IndicatorsService, type IndicatorView } from './indicators.service.ts'
export { indicatorsHistoryTargets } from './indicators.history.ts'
export { createIndicatorImportService, type IndicatorImportService } from './indicator-import.service.ts'
export { indicatorHealthRules } from './indicators.health-rules.ts'
export {
  indicatorReportRows,
  indicatorsReportSection,
  type IndicatorReportRow,
} from './indicators.report-section.ts'
export { indicatorsMeasuring } from './indicators.measuring.ts'

/** Performance indicators (issue 11): their pages and their API. */
export async function indicatorsSlice(app: FastifyInstance) {
  await app.register(indicatorsRoutes)
  await app.register(indicatorsApi)
  await app.register(indicatorImportRoutes)
  await app.register(indicatorImportApi)
}
