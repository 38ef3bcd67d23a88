import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { EXPORT_FORMATS, inBatches, sendExport } from '../../web/exports.ts'
import { optionalInt } from '../../web/forms.ts'
import { issuesExport, risksExport } from './raid.export.ts'
import type { RaidFilter } from './raid.service.ts'

// A GET link sends what the page put in it; values that do not fit are ignored, as on the list pages.
const ExportQuery = Type.Object({
  projectId: Type.Optional(Type.String()),
  programmeId: Type.Optional(Type.String()),
  status: Type.Optional(Type.String()),
  escalated: Type.Optional(Type.String()),
})

/** The RAID page's risks and issues as downloads, through the same lists (and visibility) as the page. */
export async function raidExportRoutes(app: FastifyInstance) {
  const { raid } = app.services

  const exportFilter = (q: Static<typeof ExportQuery>): RaidFilter => ({
    projectId: optionalInt(q.projectId ?? '') ?? undefined,
    programmeId: optionalInt(q.programmeId ?? '') ?? undefined,
    status: q.status || undefined,
    escalated: q.escalated === 'yes',
  })
  for (const format of EXPORT_FORMATS) {
    const opts = { config: { policy: 'portfolio.read' as const }, schema: { querystring: ExportQuery } }
    app.get<{ Querystring: Static<typeof ExportQuery> }>(
      `/risks/export.${format}`,
      opts,
      (request, reply) => {
        const actor = request.actor!
        const filter = exportFilter(request.query)
        const rows = inBatches((w) => raid.listRisks(scopeOf(actor), { ...filter, ...w }))
        return sendExport(reply, format, actor.organisationSlug, risksExport, rows)
      },
    )
    app.get<{ Querystring: Static<typeof ExportQuery> }>(
      `/issues/export.${format}`,
      opts,
      (request, reply) => {
        const actor = request.actor!
        const filter = exportFilter(request.query)
        const rows = inBatches((w) => raid.listIssues(scopeOf(actor), { ...filter, ...w }))
        return sendExport(reply, format, actor.organisationSlug, issuesExport, rows)
      },
    )
  }
}
