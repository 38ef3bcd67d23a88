import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf, type Actor } from '../../auth/actor.ts'
import type { PanelReport } from '../../db/schema.ts'
import { CONTENT_TYPES, fileName, renderOne } from '../../documents/render.ts'
import { currentPeriod } from '../../domain/periods.ts'
import { notFound, ValidationError } from '../../errors.ts'
import { errorList, optionalInt } from '../../web/forms.ts'
import { changeKindLabel, compareReports, comparisonDocument } from './report-compare.rules.ts'
import { periodLabel } from './reports.rules.ts'

const CompareQuery = Type.Object({
  from: Type.Optional(Type.String({ maxLength: 20 })),
  to: Type.Optional(Type.String({ maxLength: 20, description: 'A report id, or "today" for the live data' })),
})
type CompareQuery = { from?: string; to?: string }

const TODAY = 'today'

/**
 * "What changed since the panel last met" (issue 12): two submitted reports of one programme, or one and
 * today's data gathered the same way as a report, compared as a page and as a DOCX or PDF appendix.
 */
export async function reportCompareRoutes(app: FastifyInstance) {
  const { reports, programmes } = app.services

  const submittedOf = async (actor: Actor) =>
    (await reports.list(scopeOf(actor), { limit: 500 })).filter((r) => r.status === 'submitted')

  const label = (r: PanelReport) => `${r.title} (${periodLabel(r.period_from, r.period_to)})`

  /** The two reports in order, earlier first: a field error for a choice that cannot be compared. */
  async function pair(actor: Actor, q: CompareQuery) {
    const errors: Record<string, string> = {}
    const fromId = optionalInt(q.from ?? '')
    const toId = q.to === TODAY ? null : optionalInt(q.to ?? '')
    if (fromId === null) errors.from = 'Select the report to compare from'
    if (toId === null && q.to !== TODAY) errors.to = 'Select the report to compare with, or today'
    if (Object.keys(errors).length > 0) throw new ValidationError(errors)
    const load = async (id: number, field: string) => {
      const r = await reports.get(scopeOf(actor), id)
      if (!r) throw notFound('Report')
      if (r.status !== 'submitted') errors[field] = 'Select a submitted report: a draft has not been frozen'
      return r
    }
    let from = await load(fromId!, 'from')
    let to = toId === null ? null : await load(toId, 'to')
    if (to && to.id === from.id) errors.to = 'Select two different reports'
    else if (to && to.programme_id !== from.programme_id)
      errors.to = 'Select a report of the same programme as the first'
    if (Object.keys(errors).length > 0) throw new ValidationError(errors)
    // The earlier paper first, whichever way round they were chosen: by period, then by when it was frozen.
    const order = (r: PanelReport) => `${r.period_to} ${r.submitted_at ?? ''}`
    if (to && order(to) < order(from)) [from, to] = [to, from]
    return { from, to }
  }

  async function compare(actor: Actor, q: CompareQuery) {
    const { from, to } = await pair(actor, q)
    const period = currentPeriod()
    // Today: the programme's live data gathered as a report for this month would gather it, never frozen.
    const today: PanelReport = {
      ...from,
      id: 0,
      status: 'draft',
      snapshot_json: null,
      meeting_id: null,
      period_from: period,
      period_to: period,
      title: 'Today',
    }
    const [before, after, programme] = await Promise.all([
      reports.document(actor, from),
      reports.document(actor, to ?? today),
      programmes.get(scopeOf(actor), from.programme_id),
    ])
    const sections = compareReports(before, after)
    const toTitle = to ? label(to) : 'today’s data'
    return {
      from,
      to,
      sections,
      doc: comparisonDocument({
        fromTitle: label(from),
        toTitle,
        programmeName: programme ? `${programme.reference} ${programme.name}` : '',
        author: actor.organisationName,
        sections,
      }),
    }
  }

  async function page(reply: FastifyReply, q: CompareQuery) {
    const actor = reply.request.actor!
    const submitted = await submittedOf(actor)
    const items = (selected: string | undefined, withToday: boolean) => [
      { value: '', text: 'Select a report' },
      ...submitted.map((r) => ({ value: String(r.id), text: label(r), selected: String(r.id) === selected })),
      ...(withToday ? [{ value: TODAY, text: 'Today’s data', selected: selected === TODAY }] : []),
    ]
    const base = {
      title: 'What changed since the panel last met',
      breadcrumbs: [{ text: 'Reports', href: '/reports' }],
      fromItems: items(q.from, false),
      toItems: items(q.to, true),
    }
    if (q.from === undefined && q.to === undefined)
      return reply.render('reports/views/compare.njk', { ...base, errors: {} })
    try {
      const result = await compare(actor, q)
      const query = `from=${result.from.id}&to=${result.to ? result.to.id : TODAY}`
      return reply.render('reports/views/compare.njk', {
        ...base,
        errors: {},
        subtitle: result.doc.subtitle,
        query,
        sections: result.sections.map((s) => ({
          ...s,
          rows: s.rows.map((r) => ({ ...r, kindLabel: changeKindLabel(r.kind) })),
        })),
      })
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err
      const errors = err.fields ?? {}
      return reply.render(
        'reports/views/compare.njk',
        { ...base, errors, errorList: errorList(errors, ['from', 'to']) },
        400,
      )
    }
  }

  app.get<{ Querystring: CompareQuery }>(
    '/reports/compare',
    { config: { policy: 'portfolio.read' }, schema: { querystring: CompareQuery } },
    async (request, reply) => page(reply, request.query),
  )

  for (const format of ['docx', 'pdf'] as const) {
    app.get<{ Querystring: CompareQuery }>(
      `/reports/compare.${format}`,
      { config: { policy: 'portfolio.read' }, schema: { querystring: CompareQuery } },
      async (request, reply) => {
        const { doc } = await compare(request.actor!, request.query)
        return reply
          .type(CONTENT_TYPES[format])
          .header('content-disposition', `attachment; filename="${fileName(doc.title, format)}"`)
          .send(await renderOne(doc, format))
      },
    )
  }
}
