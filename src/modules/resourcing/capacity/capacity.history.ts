import type { HistoryTarget } from '../../audit/history.routes.ts'
import type { ResourcingService } from '../resourcing.service.ts'

/** Roles and allocations have history pages, each found within the reader's scope. */
export function capacityHistory(resourcing: ResourcingService): Record<string, HistoryTarget> {
  const { demand } = resourcing.capacity
  return {
    project_role: {
      label: 'Project role',
      find: async (scope, id) => {
        const r = await demand.role(scope, id)
        return r && { title: `${r.project_reference}: ${r.title}`, url: `/projects/${r.project_id}/roles` }
      },
    },
    allocation: {
      label: 'Allocation',
      find: async (scope, id) => {
        const a = await demand.allocation(scope, id)
        return (
          a && {
            title: `${a.person_name ?? a.post_title ?? 'Allocation'} to ${a.project_reference}: ${a.role_title}`,
            url: `/projects/${a.project_id}/roles`,
          }
        )
      },
    },
  }
}
