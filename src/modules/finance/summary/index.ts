import type { FastifyInstance } from 'fastify'
import { financeFlagsApi } from './finance-flags.api.ts'
import { landingRoutes } from './landing.routes.ts'
import { monitoringRoutes } from './monitoring.routes.ts'
import { programmeFinanceRoutes } from './programme-finance.routes.ts'
import { projectFinanceRoutes } from './project-finance.routes.ts'
import { financeSummaryApi } from './summary.api.ts'

export { FINANCE_HEALTH_RULES } from './finance.health-rules.ts'

/** The finance summary: the landing page, project and programme finance, the monthly round, and flags. */
export async function financeSummarySlice(app: FastifyInstance) {
  await app.register(landingRoutes)
  await app.register(projectFinanceRoutes)
  await app.register(programmeFinanceRoutes)
  await app.register(monitoringRoutes)
  await app.register(financeSummaryApi)
  await app.register(financeFlagsApi)
}
