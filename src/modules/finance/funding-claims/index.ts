import type { FastifyInstance } from 'fastify'
import { claimEditRoutes } from './claim-edit.routes.ts'
import { claimItemsApi } from './claim-items.api.ts'
import { claimsApi } from './claims.api.ts'
import { claimsRoutes } from './claims.routes.ts'
import { fundingStreamsApi } from './funding-streams.api.ts'
import { fundingStreamsRoutes } from './funding-streams.routes.ts'

export { fundingClaimsHistory } from './funding-claims.history.ts'

/** Funding and claims: the funding streams, and the claims made against them with their items. */
export async function fundingClaimsSlice(app: FastifyInstance) {
  await app.register(fundingStreamsRoutes)
  await app.register(claimsRoutes)
  await app.register(claimEditRoutes)
  await app.register(fundingStreamsApi)
  await app.register(claimsApi)
  await app.register(claimItemsApi)
}
