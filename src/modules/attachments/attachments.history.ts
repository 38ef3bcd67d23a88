import type { HistoryTarget } from '../audit/history.routes.ts'
import type { AttachmentsService } from './attachments.service.ts'

/** A document's history page (attached, each version added, removed with its reason), within scope. */
export function attachmentsHistoryTargets(attachments: AttachmentsService): Record<string, HistoryTarget> {
  return {
    document: {
      label: 'Document',
      find: async (scope, id) => {
        const found = await attachments.get(scope, id)
        return found && { title: found.document.title, url: `/documents/${id}` }
      },
    },
  }
}
