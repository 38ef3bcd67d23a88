import type { HistoryTarget } from '../audit/history.routes.ts'
import type { ResponsibilitiesService } from './responsibilities.service.ts'

/** Services and assets have a history page, found within the reader's scope. */
export function responsibilitiesHistoryTargets(
  responsibilities: ResponsibilitiesService,
): Record<string, HistoryTarget> {
  return {
    service_asset: {
      label: 'Service or asset',
      find: async (scope, id) => {
        const a = await responsibilities.get(scope, id)
        return a && { title: a.name, url: `/responsibilities/${a.id}` }
      },
      // The matrix and links as they stood name parties and projects a partner officer may not see.
      hiddenFields: (actor) => (actor.role === 'partner_officer' ? ['matrix', 'projects', 'risks'] : []),
    },
  }
}
