import type { HistoryTarget } from '../audit/history.routes.ts'
import type { AreaActionsService } from './area-actions.service.ts'

/** An area for consideration's action has a history page, found through its report within the reader's scope. */
export function areaActionsHistory(s: { areaActions: AreaActionsService }): Record<string, HistoryTarget> {
  return {
    report_area: {
      label: 'Area for consideration',
      find: async (scope, id) => {
        const row = await s.areaActions.find(scope, id)
        return row && { title: row.text, url: `/reports/${row.report_id}/areas/${row.id}` }
      },
    },
  }
}
