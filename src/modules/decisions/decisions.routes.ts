import { Type } from '@sinclair/typebox'
import { EXPORT_FORMATS, exportLinks, inBatches, sendExport } from '../../web/exports.ts'
import { decisionsExport } from './decisions.export.ts'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf, type Actor } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import type { Decision } from '../../db/schema.ts'
import { ConflictError, HttpError, notFound } from '../../errors.ts'
import { renderConflict, resubmitFields, handleForm, whenStale } from '../../web/form-pages.ts'
import { field, FormBody, optionalInt } from '../../web/forms.ts'
import { decisionFormContext, decisionRow, readDecisionForm } from './decisions.forms.ts'
import { DECISION_STATUSES, emptyDecision, validateDecision, type DecisionInput } from './decisions.rules.ts'
import { toDecisionInput } from './decisions.service.ts'
import { documentsSection } from '../attachments/attachments.section.ts'

const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) })

/** A linked record in words, with a link where its page is known (exceptions are the governance area's). */
function linkView(
  type: string,
  id: number,
  projectId: number | undefined,
): { text: string; href: string | null } {
  if (type === 'business_case' && projectId)
    return { text: 'The project’s business case', href: `/projects/${projectId}/business-case` }
  if (type === 'gate' && projectId)
    return { text: 'The project’s gate', href: `/projects/${projectId}/gates` }
  if (type === 'risk') return { text: `Risk ${id}`, href: `/risks/${id}` }
  if (type === 'exception') return { text: `Exception ${id}`, href: `/exceptions/${id}` }
  return { text: `${type.replace('_', ' ')} ${id}`, href: null }
}
const FORM = 'decisions/views/form.njk'

export async function decisionsRoutes(app: FastifyInstance) {
  const { decisions, boards, projects } = app.services

  async function options(actor: Actor) {
    const scope = scopeOf(actor)
    const [boardList, projectList] = await Promise.all([
      boards.list(scope),
      projects.listProjects(scope, { limit: 1000 }),
    ])
    return { boards: boardList, projects: projectList }
  }

  async function renderForm(
    reply: FastifyReply,
    opts: { title: string; action: string; backLink: string; version?: number; intro?: string },
    values: DecisionInput,
    body: FormBody | null,
    errors: Record<string, string>,
    status = 200,
  ) {
    const o = await options(reply.request.actor!)
    return reply.render(
      FORM,
      { ...opts, ...decisionFormContext(values, body, errors, o.boards, o.projects) },
      status,
    )
  }

  app.get<{ Querystring: { status?: string } }>(
    '/decisions',
    {
      config: { policy: 'portfolio.read' },
      schema: { querystring: Type.Object({ status: Type.Optional(Type.String({ maxLength: 30 })) }) },
    },
    async (request, reply) => {
      const actor = request.actor!
      const status = DECISION_STATUSES.some((s) => s.value === request.query.status)
        ? request.query.status
        : undefined
      const rows = await decisions.list(scopeOf(actor), { status })
      const supersededIds = new Set(rows.map((d) => d.supersedes_id).filter((id) => id !== null))
      return reply.render('decisions/views/list.njk', {
        title: 'Decision log',
        decisions: rows.map((d) => ({ ...decisionRow(d), superseded: supersededIds.has(d.id) })),
        status: status ?? '',
        statusItems: [{ value: '', text: 'All' }, ...DECISION_STATUSES].map((s) => ({
          ...s,
          selected: s.value === (status ?? ''),
        })),
        canRecord: allows('decision.record', actor.role),
        exportLinks: exportLinks('/decisions/export', { status }),
      })
    },
  )

  for (const format of EXPORT_FORMATS)
    app.get<{ Querystring: { status?: string } }>(
      `/decisions/export.${format}`,
      {
        config: { policy: 'portfolio.read' },
        schema: { querystring: Type.Object({ status: Type.Optional(Type.String({ maxLength: 30 })) }) },
      },
      async (request, reply) => {
        const actor = request.actor!
        const status = DECISION_STATUSES.find((s) => s.value === request.query.status)?.value
        const rows = inBatches((w) => decisions.list(scopeOf(actor), { status, ...w }))
        return sendExport(reply, format, actor.organisationSlug, decisionsExport, rows)
      },
    )

  app.get('/decisions/new', { config: { policy: 'decision.record' } }, async (_request, reply) =>
    renderForm(
      reply,
      { title: 'Record a decision', action: '/decisions', backLink: '/decisions' },
      emptyDecision(),
      null,
      {},
    ),
  )

  app.post<{ Body: FormBody }>(
    '/decisions',
    { config: { policy: 'decision.record' }, schema: { body: FormBody } },
    async (request, reply) => {
      const errors: Record<string, string> = {}
      const values = readDecisionForm(request.body, errors)
      const opts = { title: 'Record a decision', action: '/decisions', backLink: '/decisions' }
      const invalid = (errs: Record<string, string>) =>
        renderForm(reply, opts, values, request.body, errs, 400)
      if (Object.keys(errors).length > 0) return invalid({ ...validateDecision(values), ...errors })
      return handleForm(reply, {
        save: () => decisions.create(request.actor!, values),
        onInvalid: invalid,
        onConflict: whenStale(() => invalid({})),
        onSaved: (saved) => {
          reply.flash(`Decision ‘${saved.title}’ recorded`)
          return reply.redirect(`/decisions/${saved.id}`, 303)
        },
      })
    },
  )

  async function find(actor: Actor, id: number): Promise<Decision> {
    const d = await decisions.get(scopeOf(actor), id)
    if (!d) throw notFound('Decision')
    return d
  }

  app.get<{ Params: { id: number } }>(
    '/decisions/:id',
    { config: { policy: 'portfolio.read' }, schema: { params: IdParams } },
    async (request, reply) => {
      const actor = request.actor!
      const scope = scopeOf(actor)
      const d = await find(actor, request.params.id)
      const [links, supersededBy, supersedes, board] = await Promise.all([
        decisions.links(actor.organisationId, d.id),
        decisions.supersededBy(scope, d.id),
        d.supersedes_id ? decisions.get(scope, d.supersedes_id) : undefined,
        d.board_id ? boards.get(scope, d.board_id) : undefined,
      ])
      const projectIds = links.filter((l) => l.record_type === 'project').map((l) => l.record_id)
      const linkedProjects = (await projects.listProjects(scope, { limit: 1000 })).filter((p) =>
        projectIds.includes(p.id),
      )
      const canRecord = allows('decision.record', actor.role)
      return reply.render('decisions/views/show.njk', {
        title: d.title,
        breadcrumbs: [
          { text: 'Dashboard', href: '/' },
          { text: 'Decision log', href: '/decisions' },
        ],
        decision: decisionRow(d),
        documentsSection: await documentsSection(app, actor, 'decision', d.id),
        board: board ?? null,
        linkedProjects,
        otherLinks: links
          .filter((l) => l.record_type !== 'project')
          .map((l) => linkView(l.record_type, l.record_id, linkedProjects[0]?.id)),
        supersededBy: supersededBy ? decisionRow(supersededBy) : null,
        supersedes: supersedes ? decisionRow(supersedes) : null,
        canEdit: canRecord && d.status !== 'published',
        canSupersede: canRecord && d.status === 'published' && !supersededBy,
      })
    },
  )

  app.get<{ Params: { id: number } }>(
    '/decisions/:id/edit',
    { config: { policy: 'decision.record' }, schema: { params: IdParams } },
    async (request, reply) => {
      const d = await find(request.actor!, request.params.id)
      if (d.status === 'published') return publishedPage(reply, d)
      const links = await decisions.links(request.actor!.organisationId, d.id)
      return renderForm(
        reply,
        {
          title: `Edit decision`,
          action: `/decisions/${d.id}/edit`,
          backLink: `/decisions/${d.id}`,
          version: d.version,
        },
        toDecisionInput(d, links),
        null,
        {},
      )
    },
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/decisions/:id/edit',
    { config: { policy: 'decision.record' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const d = await find(request.actor!, request.params.id)
      if (d.status === 'published') return publishedPage(reply, d)
      const errors: Record<string, string> = {}
      const values = readDecisionForm(request.body, errors)
      const version = optionalInt(field(request.body, 'version')) ?? 0
      const opts = {
        title: 'Edit decision',
        action: `/decisions/${d.id}/edit`,
        backLink: `/decisions/${d.id}`,
        version,
      }
      const invalid = (errs: Record<string, string>) =>
        renderForm(reply, opts, values, request.body, errs, 400)
      if (Object.keys(errors).length > 0) return invalid({ ...validateDecision(values), ...errors })
      const { links: _links, ...patch } = values
      return handleForm(reply, {
        save: () => decisions.update(request.actor!, d.id, version, patch),
        onInvalid: invalid,
        onConflict: (err) => {
          // Any other refusal (409) is the decision having been published meanwhile.
          if (!(err instanceof ConflictError)) return publishedPage(reply, d)
          const saved = err.current as Decision | null
          if (saved?.status === 'published') return publishedPage(reply, saved)
          return renderConflict(reply, {
            title: d.title,
            recordUrl: `/decisions/${d.id}`,
            action: `/decisions/${d.id}/edit`,
            rows: [
              { label: 'Title', yours: values.title, saved: saved?.title ?? '' },
              { label: 'What was decided', yours: values.decisionText, saved: saved?.decision_text ?? '' },
              { label: 'Status', yours: values.status, saved: saved?.status ?? '' },
            ],
            resubmit: resubmitFields(request.body),
            savedVersion: saved?.version ?? version,
          })
        },
        onSaved: () => {
          reply.flash('Decision updated')
          return reply.redirect(`/decisions/${d.id}`, 303)
        },
      })
    },
  )

  function publishedPage(reply: FastifyReply, d: Decision) {
    return reply.render(
      'decisions/views/published.njk',
      { title: 'A published decision cannot be changed', backLink: `/decisions/${d.id}`, decision: d },
      409,
    )
  }

  app.get<{ Params: { id: number } }>(
    '/decisions/:id/supersede',
    { config: { policy: 'decision.record' }, schema: { params: IdParams } },
    async (request, reply) => {
      const d = await find(request.actor!, request.params.id)
      const links = await decisions.links(request.actor!.organisationId, d.id)
      return renderForm(
        reply,
        {
          title: 'Record a correction',
          action: `/decisions/${d.id}/supersede`,
          backLink: `/decisions/${d.id}`,
          intro: `This correction supersedes ‘${d.title}’. Both stay in the decision log, each linking to the other.`,
        },
        { ...toDecisionInput(d, links), status: 'published', title: `${d.title} (corrected)` },
        null,
        {},
      )
    },
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/decisions/:id/supersede',
    { config: { policy: 'decision.record' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const d = await find(request.actor!, request.params.id)
      const errors: Record<string, string> = {}
      const values = { ...readDecisionForm(request.body, errors), status: 'published' }
      const opts = {
        title: 'Record a correction',
        action: `/decisions/${d.id}/supersede`,
        backLink: `/decisions/${d.id}`,
      }
      const invalid = (errs: Record<string, string>, status = 400) =>
        renderForm(reply, opts, values, request.body, errs, status)
      if (Object.keys(errors).length > 0) return invalid({ ...validateDecision(values), ...errors })
      try {
        const created = await decisions.supersede(request.actor!, d.id, values)
        reply.flash(`Correction recorded: it supersedes ‘${d.title}’`)
        return await reply.redirect(`/decisions/${created.id}`, 303)
      } catch (err) {
        if (err instanceof HttpError && (err.statusCode === 400 || err.statusCode === 409))
          return invalid(err.fields ?? { status: err.message }, err.statusCode)
        throw err
      }
    },
  )
}
