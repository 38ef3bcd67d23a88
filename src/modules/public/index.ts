import type { FastifyInstance } from 'fastify'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'
import { createPublicationService } from './publication.service.ts'
import { publicationRoutes } from './publication.routes.ts'
import { createPublicSiteService } from './public-site.service.ts'
import { publicSiteRoutes } from './public-site.routes.ts'

/** The publication settings and the public site they govern (issue 12). */
export function createPublicArea(db: Kysely<DB>, secret: string) {
  const publication = createPublicationService(db)
  return { publication, site: createPublicSiteService(db, publication, secret) }
}

/**
 * The public site read on a given connection: a transaction that is telling public subscribers of a change
 * asks through it whether the record is still on the site, without waiting on a second connection.
 */
export function publicSiteOn(db: Kysely<DB>) {
  return createPublicSiteService(db, createPublicationService(db), '')
}

/** The administrator's settings page and the public site itself, under PUBLIC_BASE_PATH. */
export async function publicSlice(app: FastifyInstance) {
  await app.register(publicationRoutes)
  await app.register(publicSiteRoutes, { prefix: app.config.publicBasePath })
}
