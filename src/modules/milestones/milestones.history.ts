import type { HistoryTarget } from '../audit/history.routes.ts'
import type { MilestonesService } from './milestones.service.ts'

/** Milestones have a history page; the record's own page is its project's milestones. */
export function milestonesHistory(s: { milestones: MilestonesService }): Record<string, HistoryTarget> {
  return {
    milestone: {
      label: 'Milestone',
      find: async (scope, id) => {
        const m = await s.milestones.get(scope, id)
        return m && { title: m.name, url: `/projects/${m.project_id}#milestones` }
      },
    },
  }
}
