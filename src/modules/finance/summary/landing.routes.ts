import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../../auth/actor.ts'
import { allows } from '../../../auth/policy.ts'
import { sumPence } from '../../../domain/money.ts'
import { todayInLondon } from '../../../domain/dates.ts'
import { financialYearOf } from '../../../domain/periods.ts'
import type { FinanceFlagRule } from './figures.service.ts'
import { num } from '../shared/finance.repository.ts'
import { moneyHelpers } from '../shared/finance.view-model.ts'

/** The budget-monitoring rules the panel asked for, in the words the finance flags page uses. */
const FLAG_TITLES: Record<FinanceFlagRule, string> = {
  monitoring_not_signed_off: 'Monitoring not signed off',
  actuals_beyond_profile: 'Spend ahead of the profiled budget',
  forecast_over_budget: 'Forecast over budget',
  budget_spent_work_outstanding: 'Budget spent with work outstanding',
}

/** `/finance`: one front door to the programme's money, so monitoring gaps are seen in one place. */
export async function landingRoutes(app: FastifyInstance) {
  const { finance, ledger, programmes } = app.services

  app.get('/finance', { config: { policy: 'portfolio.read' } }, async (request, reply) => {
    const actor = request.actor!
    const scope = scopeOf(actor)
    const today = todayInLondon()
    const canWrite = allows('finance.write', actor.role)
    const claims = await finance.claims(scope)
    const total = (k: 'eligible_pence' | 'claimed_pence' | 'received_pence') =>
      sumPence(claims.map((c) => num(c[k])))
    const flags = await finance.flags(scope, today)
    return reply.render('finance/views/finance-home.njk', {
      ...moneyHelpers,
      title: 'Finance',
      financialYear: financialYearOf(today).label,
      programmes: await programmes.list(scope, { limit: 200 }),
      claimsPosition: {
        count: claims.length,
        eligible: total('eligible_pence'),
        claimed: total('claimed_pence'),
        received: total('received_pence'),
        atRisk: claims.filter((c) => c.status === 'at_risk' || c.status === 'rejected').length,
      },
      flags: flags.map((f) => ({ ...f, title: FLAG_TITLES[f.rule] ?? f.rule })),
      canWrite,
      suspense: canWrite ? await ledger.suspenseTotals(scope) : null,
    })
  })
}
