import type { HistoryTarget } from '../audit/history.routes.ts'
import type { ForwardPlanService } from './forward-plan.service.ts'

/** Forward plan entries have a history page, found within the reader's scope (none for a partner officer). */
export function forwardPlanHistoryTargets(forwardPlan: ForwardPlanService): Record<string, HistoryTarget> {
  return {
    forward_plan_entry: {
      label: 'Forward plan entry',
      find: async (scope, id) => {
        const e = await forwardPlan.view(scope, id)
        return e && { title: e.title, url: `/forward-plan/${e.id}` }
      },
    },
  }
}
