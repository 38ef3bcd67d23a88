import type { FastifyInstance } from 'fastify'

/** The resourcing pages: the people register, the establishment and the skills catalogue. */
export async function resourcingRoutes(app: FastifyInstance) {
  void app
}
