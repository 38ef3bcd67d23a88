import type { HistoryTarget } from '../../audit/history.routes.ts'
import type { OutputsService } from './outputs.service.ts'

/** Outputs have a history page, found within the reader's scope (a partner officer: shared projects only). */
export function outputsHistoryTargets(outputs: OutputsService): Record<string, HistoryTarget> {
  return {
    output: {
      label: 'Output',
      find: async (scope, id) => {
        const o = await outputs.get(scope, id)
        return o && { title: `${o.project_reference}: ${o.title}`, url: `/outputs/${o.id}` }
      },
    },
  }
}
