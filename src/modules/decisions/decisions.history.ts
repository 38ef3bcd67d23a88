import type { HistoryTarget } from '../audit/history.routes.ts'
import type { BoardsService } from './boards.service.ts'
import type { DecisionsService } from './decisions.service.ts'

/** Decisions and the boards that take them have history pages. */
export function decisionsHistory(s: {
  decisions: DecisionsService
  boards: BoardsService
}): Record<string, HistoryTarget> {
  return {
    decision: {
      label: 'Decision',
      find: async (scope, id) => {
        const d = await s.decisions.get(scope, id)
        return d && { title: d.title, url: `/decisions/${d.id}` }
      },
    },
    board: {
      label: 'Board',
      find: async (scope, id) => {
        const b = await s.boards.get(scope, id)
        return b && { title: b.name, url: `/boards/${b.id}` }
      },
    },
  }
}
