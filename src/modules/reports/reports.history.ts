import type { HistoryTarget } from '../audit/history.routes.ts'
import type { ReportsService } from './reports.service.ts'

/** Panel progress reports have a history page, found within the reader's scope. */
export function reportsHistory(s: { reports: ReportsService }): Record<string, HistoryTarget> {
  return {
    panel_report: {
      label: 'Panel progress report',
      find: async (scope, id) => {
        const r = await s.reports.get(scope, id)
        return r && { title: r.title, url: `/reports/${r.id}` }
      },
    },
  }
}
