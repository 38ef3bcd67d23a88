import type { HistoryTarget } from '../audit/history.routes.ts'
import { formatPeriod } from '../../domain/periods.ts'
import type { StatusReportsService } from './status-reports.service.ts'

/** Status reports have a history page, named by the month they report on. */
export function statusReportsHistory(s: {
  statusReports: StatusReportsService
}): Record<string, HistoryTarget> {
  return {
    status_report: {
      label: 'Status report',
      find: async (scope, id) => {
        const r = await s.statusReports.get(scope, id)
        return r && { title: `Status report for ${formatPeriod(r.period)}`, url: `/status-reports/${r.id}` }
      },
    },
  }
}
