import type { HistoryTarget } from '../audit/history.routes.ts'
import type { DefinitionsService } from './definitions.service.ts'

/** Programme definitions have a history page, found within the reader's scope. */
export function definitionsHistory(s: { definitions: DefinitionsService }): Record<string, HistoryTarget> {
  return {
    programme_definition: {
      label: 'Programme definition',
      find: async (scope, id) => {
        const d = await s.definitions.get(scope, id)
        return d && { title: d.title, url: `/programme-definitions/${d.id}` }
      },
    },
  }
}
