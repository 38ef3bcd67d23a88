import type { FastifyInstance } from 'fastify'
import { attachmentsApi } from './attachments.api.ts'
import { attachmentsRoutes } from './attachments.routes.ts'

export { createAttachmentsService } from './attachments.service.ts'
export { attachmentsHistoryTargets } from './attachments.history.ts'

/** Documents attached to records (issue 13): their pages and their API, each taking file bodies. */
export async function attachmentsSlice(app: FastifyInstance) {
  await app.register(attachmentsRoutes)
  await app.register(attachmentsApi)
}
