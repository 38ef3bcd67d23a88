import type { HistoryTarget } from '../../audit/history.routes.ts'
import type { createFinanceCommitments } from './commitments.service.ts'

/** Commitments (purchase orders) have a history page; their own page is the project's finance. */
export function commitmentsHistory(s: {
  finance: Pick<ReturnType<typeof createFinanceCommitments>, 'commitment'>
}): Record<string, HistoryTarget> {
  return {
    commitment: {
      label: 'Commitment',
      find: async (scope, id) => {
        const c = await s.finance.commitment(scope, id)
        return (
          c && {
            title: `Order ${c.reference}: ${c.supplier_name}`,
            url: `/projects/${c.project_id}/finance#commitments`,
          }
        )
      },
    },
  }
}
