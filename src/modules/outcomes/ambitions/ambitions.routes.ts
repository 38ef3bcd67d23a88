import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf, type Actor } from '../../../auth/actor.ts'
import { allows } from '../../../auth/policy.ts'
import type { Ambition } from '../../../db/schema.ts'
import { formatDate } from '../../../domain/dates.ts'
import { notFound, type ConflictError } from '../../../errors.ts'
import { IdParams } from '../../../web/api-schemas.ts'
import { handleForm, renderConflict, whenStale } from '../../../web/form-pages.ts'
import { field, FormBody, optionalInt } from '../../../web/forms.ts'
import { download, type Table } from '../../../web/exports.ts'
import { personUrl } from '../../resourcing/person-refs.ts'
import {
  ambitionConflictRows,
  ambitionFormContext,
  blankAmbition,
  inputOf,
  readAmbitionForm,
  resubmitAmbition,
} from './ambitions.forms.ts'
import { AMBITION_STATUSES, labelOf, validateAmbition, type AmbitionInput } from './ambitions.rules.ts'
import type { AmbitionView } from './ambitions.service.ts'
import { indicatorsMeasuring } from '../indicators/index.ts'

const early = (input: AmbitionInput, dateErrors: Record<string, string>) =>
  Object.keys(dateErrors).length > 0 ? { ...validateAmbition(input), ...dateErrors } : {}

const HOME = { text: 'Strategic ambitions', href: '/ambitions' }
const refs = (list: ReadonlyArray<{ reference: string }>) => list.map((p) => p.reference).join(', ')

/** Ambitions as CSV and Excel show them: the links are those the reader may see. */
function ambitionsTable(views: AmbitionView[]): Table {
  return {
    name: 'Ambitions',
    header: [
      'Ambition',
      'Corporate plan theme',
      'Owner',
      'Horizon',
      'Status',
      'Programmes',
      'Projects',
      'Statement',
    ],
    rows: views.map((v) => [
      v.ambition.title,
      v.ambition.theme,
      v.ambition.owner,
      v.ambition.horizon_on ?? '',
      labelOf(AMBITION_STATUSES, v.ambition.status),
      refs(v.programmes),
      refs(v.projects),
      v.ambition.statement,
    ]),
    money: [],
  }
}

/** Strategic ambitions' pages (issue 11): the list, one ambition with its history link, the forms, exports. */
export async function ambitionsRoutes(app: FastifyInstance) {
  const service = app.services.ambitions
  const canWrite = (actor: Actor) => allows('programme.write', actor.role)

  app.get('/ambitions', { config: { policy: 'portfolio.read' } }, async (request, reply) => {
    const actor = request.actor!
    const views = await service.all(scopeOf(actor))
    return reply.render('outcomes/ambitions/views/list.njk', {
      title: 'Strategic ambitions',
      canWrite: canWrite(actor),
      rows: views.map((v) => ({
        id: v.ambition.id,
        title: v.ambition.title,
        theme: v.ambition.theme || 'Not stated',
        owner: v.ambition.owner || 'Nobody yet',
        horizon: formatDate(v.ambition.horizon_on) || 'Not set',
        status: labelOf(AMBITION_STATUSES, v.ambition.status),
        programmes: v.programmes,
        projects: v.projects,
      })),
    })
  })

  for (const format of ['csv', 'xlsx'] as const)
    app.get(`/ambitions/export.${format}`, { config: { policy: 'portfolio.read' } }, async (request, reply) =>
      download(reply, ambitionsTable(await service.all(scopeOf(request.actor!))), 'ambitions', format),
    )

  async function viewOr404(actor: Actor, id: number) {
    const v = await service.view(scopeOf(actor), id)
    if (!v) throw notFound('Ambition')
    return v
  }

  async function showForm(
    reply: FastifyReply,
    opts: { title: string; action: string; backLink: string; version: number | string | null },
    values: AmbitionInput,
    body: FormBody | null,
    errors: Record<string, string>,
  ) {
    const options = await service.options(reply.request.actor!, values.ownerPersonId)
    return reply.render(
      'outcomes/ambitions/views/form.njk',
      { ...opts, ...ambitionFormContext(values, body, options, errors) },
      Object.keys(errors).length > 0 ? 400 : 200,
    )
  }

  const NEW = { title: 'Add an ambition', action: '/ambitions/new', backLink: '/ambitions', version: null }

  app.get('/ambitions/new', { config: { policy: 'programme.write' } }, async (_request, reply) =>
    showForm(reply, NEW, blankAmbition(), null, {}),
  )

  app.post<{ Body: FormBody }>(
    '/ambitions/new',
    { config: { policy: 'programme.write' }, schema: { body: FormBody } },
    async (request, reply) => {
      const dateErrors: Record<string, string> = {}
      const input = readAmbitionForm(request.body, dateErrors)
      return handleForm(reply, {
        // Date boxes that could not be read are reported with the rest of the form's errors, not one at a time.
        errors: early(input, dateErrors),
        save: () => service.create(request.actor!, input),
        onInvalid: (errors) => showForm(reply, NEW, input, request.body, { ...errors, ...dateErrors }),
        onSaved: (a: Ambition) => {
          reply.flash(`${a.title} added`)
          return reply.redirect(`/ambitions/${a.id}`, 303)
        },
      })
    },
  )

  app.get<{ Params: { id: number } }>(
    '/ambitions/:id',
    { config: { policy: 'portfolio.read' }, schema: { params: IdParams } },
    async (request, reply) => {
      const actor = request.actor!
      const v = await viewOr404(actor, request.params.id)
      return reply.render('outcomes/ambitions/views/show.njk', {
        title: v.ambition.title,
        breadcrumbs: [HOME],
        ambition: v.ambition,
        canWrite: canWrite(actor),
        facts: [
          { label: 'Statement', text: v.ambition.statement || 'Not recorded' },
          { label: 'Corporate plan theme', text: v.ambition.theme || 'Not stated' },
          { label: 'Owner', text: v.ambition.owner || 'Nobody yet' },
          { label: 'Horizon', text: formatDate(v.ambition.horizon_on) || 'Not set' },
          { label: 'Status', text: labelOf(AMBITION_STATUSES, v.ambition.status) },
        ],
        ownerUrl: personUrl(scopeOf(actor), v.ambition.owner_person_id),
        programmes: v.programmes,
        projects: v.projects,
        historyUrl: `/history/ambition/${v.ambition.id}`,
        ...(await indicatorsMeasuring(app.services.indicators, scopeOf(actor), 'ambition', v.ambition.id)),
      })
    },
  )

  const editOpts = (a: Ambition, version: number | string) => ({
    title: `Edit ${a.title}`,
    action: `/ambitions/${a.id}/edit`,
    backLink: `/ambitions/${a.id}`,
    version,
  })

  app.get<{ Params: { id: number } }>(
    '/ambitions/:id/edit',
    { config: { policy: 'programme.write' }, schema: { params: IdParams } },
    async (request, reply) => {
      const v = await viewOr404(request.actor!, request.params.id)
      return showForm(reply, editOpts(v.ambition, v.ambition.version), inputOf(v), null, {})
    },
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/ambitions/:id/edit',
    { config: { policy: 'programme.write' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const v = await viewOr404(actor, request.params.id)
      const dateErrors: Record<string, string> = {}
      const input = readAmbitionForm(request.body, dateErrors)
      const version = field(request.body, 'version')
      return handleForm(reply, {
        // Date boxes that could not be read are reported with the rest of the form's errors, not one at a time.
        errors: early(input, dateErrors),
        save: () => service.update(actor, v.ambition.id, optionalInt(version) ?? 0, input),
        onInvalid: (errors) =>
          showForm(reply, editOpts(v.ambition, version), input, request.body, { ...errors, ...dateErrors }),
        onConflict: whenStale(async (err) => {
          const saved = (err as ConflictError<Ambition>).current
          const [now, options] = await Promise.all([
            viewOr404(actor, saved.id),
            service.options(actor, input.ownerPersonId),
          ])
          return renderConflict(reply, {
            title: saved.title,
            recordUrl: `/ambitions/${saved.id}`,
            action: `/ambitions/${saved.id}/edit`,
            rows: ambitionConflictRows(input, now, options),
            resubmit: resubmitAmbition(request.body),
            savedVersion: saved.version,
          })
        }),
        onSaved: (a: Ambition) => {
          reply.flash(`${a.title} saved`)
          return reply.redirect(`/ambitions/${a.id}`, 303)
        },
      })
    },
  )
}
