import type { HistoryTarget } from '../audit/history.routes.ts'
import type { TolerancesService } from './tolerances.service.ts'

/** Tolerance exceptions have a history page, found within the reader's scope. */
export function exceptionsHistory(s: { tolerances: TolerancesService }): Record<string, HistoryTarget> {
  return {
    exception: {
      label: 'Tolerance exception',
      find: async (scope, id) => {
        const e = await s.tolerances.getException(scope, id)
        return e && { title: `${e.project_reference}: ${e.summary}`, url: `/exceptions/${e.id}` }
      },
    },
  }
}
