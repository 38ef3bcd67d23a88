import type { FastifyInstance } from 'fastify'
import { budgetsApi } from './budgets.api.ts'
import { budgetLinesRoutes } from './budgets.routes.ts'

export { budgetsHistory } from './budgets.history.ts'

/** Budgets: a project's budget lines and their monthly profiles, as pages and over the API. */
export async function budgetsSlice(app: FastifyInstance) {
  await app.register(budgetLinesRoutes)
  await app.register(budgetsApi)
}
