/**
 * The "Documents" section of a parent record's page (a project, business case, meeting, agenda item,
 * decision, panel report or status report): what the partial `attachments/views/section.njk` shows.
 */
import type { FastifyInstance } from 'fastify'
import { scopeOf, type Actor } from '../../auth/actor.ts'
import type { ParentKind } from './attachments.rules.ts'
import { canAttach } from './attachments.routes.ts'

export async function documentsSection(app: FastifyInstance, actor: Actor, kind: ParentKind, id: number) {
  const listed = await app.services.attachments.list(scopeOf(actor), kind, id)
  if (!listed) return null
  return {
    attachUrl: canAttach(actor, listed.parent) ? `/documents/new?parentType=${kind}&parentId=${id}` : null,
    documents: listed.documents.map((d) => ({
      id: d.id,
      title: d.title,
      fileName: d.file_name,
      latestVersion: d.latest_version,
      removedAt: d.removed_at,
      removedBy: d.removed_by_name,
      removedReason: d.removed_reason,
    })),
  }
}
