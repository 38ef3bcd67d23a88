import type { HistoryTarget } from '../audit/history.routes.ts'
import type { GatesService } from './gates.service.ts'

/** Business cases have a history page; the record's own page is its project's business case. */
export function gatesHistory(s: { gates: GatesService }): Record<string, HistoryTarget> {
  return {
    business_case: {
      label: 'Business case',
      find: async (scope, id) => {
        const bc = await s.gates.businessCaseById(scope, id)
        return (
          bc && {
            title: `Business case for ${bc.projectName}`,
            url: `/projects/${bc.projectId}/business-case`,
          }
        )
      },
    },
  }
}
