import { formatPeriod } from '../../../domain/periods.ts'
import type { HistoryTarget } from '../../audit/history.routes.ts'
import type { FinanceService } from '../finance.service.ts'
import { rechargeUrl } from './record.forms.ts'

/** Partners and their recharges have history pages. */
export function partnersRechargesHistory(s: { finance: FinanceService }): Record<string, HistoryTarget> {
  return {
    partner: {
      label: 'Partner',
      find: async (scope, id) => {
        const p = await s.finance.partner(scope, id)
        return p && { title: p.name, url: '/partners' }
      },
    },
    partner_recharge: {
      label: 'Partner recharge',
      find: async (scope, id) => {
        const r = await s.finance.recharge(scope, id)
        return (
          r && {
            title: `Recharge for ${formatPeriod(r.period)}: ${r.description}`,
            url: rechargeUrl(r),
          }
        )
      },
    },
  }
}
