import type { HistoryTarget } from '../../audit/history.routes.ts'
import type { AmbitionsService } from './ambitions.service.ts'

/** Ambitions have a history page; everyone in the organisation reads them. */
export function ambitionsHistoryTargets(ambitions: AmbitionsService): Record<string, HistoryTarget> {
  return {
    ambition: {
      label: 'Strategic ambition',
      find: async (scope, id) => {
        const a = await ambitions.get(scope, id)
        return a && { title: a.title, url: `/ambitions/${a.id}` }
      },
      // The links as they stood name programmes and projects a partner officer may not see.
      hiddenFields: (actor) => (actor.role === 'partner_officer' ? ['programmes', 'projects'] : []),
    },
  }
}
