import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import type { DB } from '../../../db/schema.ts'
import { capacityApi } from './capacity.api.ts'
import { capacityRoutes } from './capacity.routes.ts'
import { createCapacityService } from './capacity.service.ts'
import { createDemandService } from './demand.service.ts'

export { capacityHistory } from './capacity.history.ts'
export { CAPACITY_HEALTH_RULES } from './capacity.health-rules.ts'
export { createEarlyWarningService } from './early-warning.service.ts'

/** Demand, allocation and capacity (issue 10): the services, for resourcing's service to hold. */
export function createCapacityArea(db: Kysely<DB>) {
  return { demand: createDemandService(db), capacity: createCapacityService(db) }
}

/** Demand, allocation and capacity as pages and over the API. */
export async function capacitySlice(app: FastifyInstance) {
  await app.register(capacityRoutes)
  await app.register(capacityApi)
}
