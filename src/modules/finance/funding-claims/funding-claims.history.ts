import type { HistoryTarget } from '../../audit/history.routes.ts'
import type { createClaimsService } from './claims.service.ts'
import type { createFundingStreamsService } from './funding-streams.service.ts'

type Finds = Pick<ReturnType<typeof createClaimsService>, 'claim'> &
  Pick<ReturnType<typeof createFundingStreamsService>, 'fundingStream'>

/** Claims and the funding streams they are made against have history pages. */
export function fundingClaimsHistory(s: { finance: Finds }): Record<string, HistoryTarget> {
  return {
    claim: {
      label: 'Claim',
      find: async (scope, id) => {
        const c = await s.finance.claim(scope, id)
        return c && { title: c.title, url: `/claims/${c.id}` }
      },
    },
    funding_stream: {
      label: 'Funding stream',
      find: async (scope, id) => {
        const f = await s.finance.fundingStream(scope, id)
        return f && { title: f.name, url: '/funding-streams' }
      },
    },
  }
}
