import type { HistoryTarget } from '../audit/history.routes.ts'
import type { ProgrammesService } from './programmes.service.ts'

/** Programmes have a history page, found within the reader's scope. */
export function programmesHistory(s: { programmes: ProgrammesService }): Record<string, HistoryTarget> {
  return {
    programme: {
      label: 'Programme',
      find: async (scope, id) => {
        const p = await s.programmes.get(scope, id)
        return p && { title: p.name, url: `/programmes/${p.id}` }
      },
    },
  }
}
