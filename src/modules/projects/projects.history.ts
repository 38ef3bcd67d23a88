import type { HistoryTarget } from '../audit/history.routes.ts'
import type { ProjectsService } from './projects.service.ts'

/** Projects have a history page, found within the reader's scope. */
export function projectsHistory(s: { projects: ProjectsService }): Record<string, HistoryTarget> {
  return {
    project: {
      label: 'Project',
      find: async (scope, id) => {
        const p = await s.projects.get(scope, id)
        return p && { title: p.name, url: `/projects/${p.id}` }
      },
    },
  }
}
