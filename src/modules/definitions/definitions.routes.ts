import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import type { ProgrammeDefinition } from '../../db/schema.ts'
import { renderHtmlFragment } from '../../documents/html.renderer.ts'
import { CONTENT_TYPES, fileName } from '../../documents/render.ts'
import { formatDate, formatDateTime } from '../../domain/dates.ts'
import { notFound } from '../../errors.ts'
import { escapeHtml } from '../../web/escape.ts'
import { renderConflict, resubmitFields, handleForm, whenStale } from '../../web/form-pages.ts'
import { field, FormBody, optionalInt } from '../../web/forms.ts'
import { definitionPaper } from './definitions.paper.ts'
import { definitionFormContext, emptyDefinition, readDefinitionForm } from './definitions.forms.ts'
import { validateDefinition, type DefinitionInput } from './definitions.rules.ts'
import { toDefinitionInput } from './definitions.service.ts'

const Params = Type.Object({ definitionId: Type.Integer({ minimum: 1 }) })
type Params = { definitionId: number }

export async function definitionsRoutes(app: FastifyInstance) {
  const { definitions, programmes } = app.services
  const FORM = 'definitions/views/form.njk'

  const formPage = async (
    reply: FastifyReply,
    opts: { title: string; action: string; backLink: string; version?: number },
    values: DefinitionInput,
    body: FormBody | null,
    errors: Record<string, string>,
    status = 200,
  ) =>
    reply.render(
      FORM,
      {
        ...opts,
        ...(await definitionFormContext(app.services, scopeOf(reply.request.actor!), values, body, errors)),
      },
      status,
    )

  async function load(reply: FastifyReply, id: number): Promise<ProgrammeDefinition> {
    const d = await definitions.get(scopeOf(reply.request.actor!), id)
    if (!d) throw notFound('Programme definition')
    return d
  }

  app.get('/programme-definitions', { config: { policy: 'portfolio.read' } }, async (request, reply) => {
    const actor = request.actor!
    const rows = await definitions.list(scopeOf(actor), { limit: 500 })
    const names = new Map(
      (await programmes.options(scopeOf(actor))).map((p) => [p.id, `${p.reference} ${p.name}`]),
    )
    const withGaps = await Promise.all(
      rows.map(async (d) => ({ d, data: await definitions.paperData(actor, d) })),
    )
    return reply.render('definitions/views/list.njk', {
      title: 'Programme definition papers',
      canWrite: allows('reports.write', actor.role),
      rows: withGaps.map(({ d, data }) => [
        { html: `<a class="govuk-link" href="/programme-definitions/${d.id}">${escapeHtml(d.title)}</a>` },
        { text: names.get(d.programme_id) ?? '' },
        {
          html:
            data.gaps.length === 0
              ? '<strong class="govuk-tag govuk-tag--green">Complete</strong>'
              : `<strong class="govuk-tag govuk-tag--yellow">${data.gaps.length} missing</strong>`,
        },
        { text: formatDateTime(d.updated_at) },
      ]),
    })
  })

  const NEW = {
    title: 'Start a programme definition',
    action: '/programme-definitions',
    backLink: '/programme-definitions',
  }

  app.get('/programme-definitions/new', { config: { policy: 'reports.write' } }, async (_request, reply) =>
    formPage(reply, NEW, emptyDefinition(), null, {}),
  )

  app.post<{ Body: FormBody }>(
    '/programme-definitions',
    { config: { policy: 'reports.write' }, schema: { body: FormBody } },
    async (request, reply) => {
      const errors: Record<string, string> = {}
      const values = readDefinitionForm(request.body, errors)
      const invalid = (errs: Record<string, string>) => formPage(reply, NEW, values, request.body, errs, 400)
      if (Object.keys(errors).length > 0) return invalid({ ...validateDefinition(values), ...errors })
      return handleForm(reply, {
        save: () => definitions.create(request.actor!, values),
        onInvalid: (errs) => invalid({ ...errs, ...errors }),
        onConflict: whenStale(() => invalid({})),
        onSaved: (saved) => {
          reply.flash('Programme definition saved')
          return reply.redirect(`/programme-definitions/${saved.id}`, 303)
        },
      })
    },
  )

  app.get<{ Params: Params }>(
    '/programme-definitions/:definitionId',
    { config: { policy: 'portfolio.read' }, schema: { params: Params } },
    async (request, reply) => {
      const actor = request.actor!
      const d = await load(reply, request.params.definitionId)
      const data = await definitions.paperData(actor, d)
      const summaryRows = [
        { key: { text: 'Programme' }, value: { text: `${data.programme.reference} ${data.programme.name}` } },
        {
          key: { text: 'Asked for by' },
          value: data.recommendation
            ? {
                html: `<a class="govuk-link" href="/recommendations/${data.recommendation.id}">Recommendation ${escapeHtml(data.recommendation.reference)}</a>`,
              }
            : { text: 'No recommendation linked' },
        },
        {
          key: { text: 'Strategic ambitions it serves' },
          value: data.ambitions.length
            ? {
                html: `<ul class="govuk-list">${data.ambitions
                  .map(
                    (a) =>
                      `<li><a class="govuk-link" href="/ambitions/${a.id}">${escapeHtml(a.title)}</a></li>`,
                  )
                  .join('')}</ul>`,
              }
            : { text: 'None linked yet' },
        },
        {
          key: { text: 'Responsible for the paper' },
          value: { text: data.responsibleName ?? 'Not yet named' },
        },
        {
          key: { text: 'Paper due' },
          value: { text: d.paper_due_on ? formatDate(d.paper_due_on) : 'Not yet set' },
        },
      ]
      return reply.render('definitions/views/show.njk', {
        title: d.title,
        breadcrumbs: [
          { text: 'Dashboard', href: '/' },
          { text: 'Programme definitions', href: '/programme-definitions' },
        ],
        definition: d,
        summaryRows,
        gaps: data.gaps,
        gapRows: data.gaps.map((g) => [
          { text: g.sectionTitle },
          allows('reports.write', actor.role)
            ? {
                html: `<a class="govuk-link" href="/programme-definitions/${d.id}/edit#${g.field}">${escapeHtml(g.missing)}</a>`,
              }
            : { text: g.missing },
        ]),
        canWrite: allows('reports.write', actor.role),
        paperHtml: renderHtmlFragment(definitionPaper(data), { shift: 1 }),
      })
    },
  )

  app.get<{ Params: Params }>(
    '/programme-definitions/:definitionId/edit',
    { config: { policy: 'reports.write' }, schema: { params: Params } },
    async (request, reply) => {
      const d = await load(reply, request.params.definitionId)
      return formPage(
        reply,
        {
          title: `Edit ${d.title}`,
          action: `/programme-definitions/${d.id}/edit`,
          backLink: `/programme-definitions/${d.id}`,
          version: d.version,
        },
        toDefinitionInput(d),
        null,
        {},
      )
    },
  )

  app.post<{ Params: Params; Body: FormBody }>(
    '/programme-definitions/:definitionId/edit',
    { config: { policy: 'reports.write' }, schema: { params: Params, body: FormBody } },
    async (request, reply) => {
      const id = request.params.definitionId
      const errors: Record<string, string> = {}
      const values = readDefinitionForm(request.body, errors)
      const version = optionalInt(field(request.body, 'version')) ?? 0
      const opts = {
        title: 'Edit programme definition',
        action: `/programme-definitions/${id}/edit`,
        backLink: `/programme-definitions/${id}`,
        version,
      }
      const invalid = (errs: Record<string, string>) => formPage(reply, opts, values, request.body, errs, 400)
      if (Object.keys(errors).length > 0) return invalid({ ...validateDefinition(values), ...errors })
      return handleForm(reply, {
        save: () => definitions.update(request.actor!, id, version, values),
        onInvalid: invalid,
        onConflict: whenStale((conflict) => {
          const saved = conflict.current as ProgrammeDefinition
          return renderConflict(reply, {
            title: saved.title,
            recordUrl: `/programme-definitions/${id}`,
            action: `/programme-definitions/${id}/edit`,
            rows: [{ label: 'Title', yours: values.title, saved: saved.title }],
            resubmit: resubmitFields(request.body),
            savedVersion: saved.version,
          })
        }),
        onSaved: () => {
          reply.flash('Programme definition updated')
          return reply.redirect(`/programme-definitions/${id}`, 303)
        },
      })
    },
  )

  for (const format of ['docx', 'pdf'] as const) {
    app.get<{ Params: Params }>(
      `/programme-definitions/:definitionId/paper.${format}`,
      { config: { policy: 'portfolio.read' }, schema: { params: Params } },
      async (request, reply) => {
        const d = await load(reply, request.params.definitionId)
        const bytes = await definitions.paper(request.actor!, d, format)
        return reply
          .type(CONTENT_TYPES[format])
          .header('content-disposition', `attachment; filename="${fileName(d.title, format)}"`)
          .send(bytes)
      },
    )
  }
}
