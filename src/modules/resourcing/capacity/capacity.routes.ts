import type { FastifyInstance } from 'fastify'

/** The capacity page, a project's roles and allocations, and their exports. */
export async function capacityRoutes(_app: FastifyInstance) {}
