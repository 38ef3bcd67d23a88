import type { HistoryTarget } from '../../audit/history.routes.ts'
import type { BenefitsService } from './benefits.service.ts'

/** Benefits have a history page, found within the reader's scope (a partner officer: shared projects only). */
export function benefitsHistoryTargets(benefits: BenefitsService): Record<string, HistoryTarget> {
  return {
    benefit: {
      label: 'Benefit',
      find: async (scope, id) => {
        const b = await benefits.get(scope, id)
        return b && { title: b.title, url: `/benefits/${b.id}` }
      },
    },
  }
}
