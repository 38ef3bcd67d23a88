import type { HistoryTarget } from '../../audit/history.routes.ts'
import type { createBudgetsService } from './budgets.service.ts'

/** Budget lines have a history page; the record's own page is its project's finance for that year. */
export function budgetsHistory(s: {
  finance: Pick<ReturnType<typeof createBudgetsService>, 'budgetLine'>
}): Record<string, HistoryTarget> {
  return {
    budget_line: {
      label: 'Budget line',
      find: async (scope, id) => {
        const l = await s.finance.budgetLine(scope, id)
        return (
          l && {
            title: `Budget line ${l.financial_year}${l.description ? `: ${l.description}` : ''}`,
            url: `/projects/${l.project_id}/finance?year=${l.financial_year.replace('/', '-')}`,
          }
        )
      },
    },
  }
}
