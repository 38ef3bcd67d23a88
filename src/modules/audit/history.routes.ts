import { Type } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf, type Actor, type Scope } from '../../auth/actor.ts'
import { ownValue } from '../../domain/own-key.ts'
import { notFound } from '../../errors.ts'
import { historyOf } from './audit.service.ts'

/** A kind of record that has a history page, and how to find it within the reader's scope. */
export interface HistoryTarget {
  label: string
  find(scope: Scope, id: number): Promise<{ title: string; url: string } | undefined>
  /** Fields this reader may not see (personal data, costs): left out of the changes shown. */
  hiddenFields?(actor: Actor): readonly string[]
}

function diff(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
  withheld: readonly string[],
) {
  const hidden = new Set(['id', 'organisation_id', 'created_at', 'updated_at', 'version', ...withheld])
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})])
  const rows: Array<{ field: string; before: string; after: string }> = []
  for (const k of keys) {
    // An owner's person id changes with the copy of their name beside it (issue 10): the name says who.
    if (hidden.has(k) || k.endsWith('_person_id')) continue
    const b = before?.[k]
    const a = after?.[k]
    const show = (v: unknown): string =>
      v === null || v === undefined || v === '' ? '—' : typeof v === 'string' ? v : JSON.stringify(v)
    if (before === null || after === null || JSON.stringify(a) !== JSON.stringify(b)) {
      rows.push({ field: k.replace(/_/g, ' '), before: before ? show(b) : '', after: after ? show(a) : '' })
    }
  }
  return rows
}

export async function historyRoutes(app: FastifyInstance) {
  app.get<{ Params: { type: string; id: number } }>(
    '/history/:type/:id',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        params: Type.Object({ type: Type.String({ maxLength: 40 }), id: Type.Integer({ minimum: 1 }) }),
      },
    },
    async (request, reply) => {
      const actor = request.actor!
      const target = ownValue(app.services.historyTargets, request.params.type)
      if (!target) throw notFound()
      const record = await target.find(scopeOf(actor), request.params.id)
      if (!record) throw notFound(target.label)
      const withheld = target.hiddenFields?.(actor) ?? []
      const events = await historyOf(
        app.database.db,
        actor.organisationId,
        request.params.type,
        request.params.id,
      )
      return reply.render('audit/views/history.njk', {
        title: `Change history: ${record.title}`,
        backLink: record.url,
        record,
        targetLabel: target.label,
        events: events.map((e) => ({
          ...e,
          changes: diff(
            e.before_json ? (JSON.parse(e.before_json) as Record<string, unknown>) : null,
            e.after_json ? (JSON.parse(e.after_json) as Record<string, unknown>) : null,
            withheld,
          ),
        })),
      })
    },
  )
}
