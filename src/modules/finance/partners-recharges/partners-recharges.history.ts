import { formatPeriod } from '../../../domain/periods.ts'
import type { HistoryTarget } from '../../audit/history.routes.ts'
import type { createFinanceCorrections } from './corrections.service.ts'
import type { PartnersRechargesService } from './partners-recharges.service.ts'
import { rechargeUrl } from './record.forms.ts'

type Finds = Pick<ReturnType<typeof createFinanceCorrections>, 'partner'> &
  Pick<PartnersRechargesService, 'recharge'>

/** Partners and their recharges have history pages. */
export function partnersRechargesHistory(s: { finance: Finds }): Record<string, HistoryTarget> {
  return {
    partner: {
      label: 'Partner',
      find: async (scope, id) => {
        const p = await s.finance.partner(scope, id)
        return p && { title: p.name, url: `/partners/${p.id}` }
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
