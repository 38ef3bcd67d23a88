import type { FastifyInstance } from 'fastify'
import type { Config } from '../../config.ts'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'
import type { ImportGates } from './portfolio-import.apply.ts'
import { portfolioImportApi } from './portfolio-import.api.ts'
import { portfolioImportRoutes } from './portfolio-import.routes.ts'
import { createPortfolioImportService } from './portfolio-import.service.ts'

export { createPortfolioImportService, type PortfolioImportService } from './portfolio-import.service.ts'

/** The portfolio import's service, as the composition root makes it. */
export const createPortfolioImports = (db: Kysely<DB>, config: Config, gates: ImportGates) =>
  createPortfolioImportService(db, {
    uploadLimitMb: config.uploadLimitMb,
    leaseSeconds: config.importLeaseSeconds,
    gates,
  })

/** Bringing the existing portfolio in (issue 13): its pages and its API. */
export async function portfolioImportSlice(app: FastifyInstance) {
  await app.register(portfolioImportRoutes)
  await app.register(portfolioImportApi)
}
