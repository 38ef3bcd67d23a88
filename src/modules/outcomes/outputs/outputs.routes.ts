import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf, type Actor } from '../../../auth/actor.ts'
import { allows } from '../../../auth/policy.ts'
import type { Output, Project } from '../../../db/schema.ts'
import { formatDate, todayInLondon } from '../../../domain/dates.ts'
import { notFound, type ConflictError } from '../../../errors.ts'
import { IdParams } from '../../../web/api-schemas.ts'
import { handleForm, renderConflict, whenStale } from '../../../web/form-pages.ts'
import { field, FormBody, optionalInt } from '../../../web/forms.ts'
import { download, type Table } from '../../../web/exports.ts'
import { personUrl } from '../../resourcing/person-refs.ts'
import {
  blankOutput,
  earlyErrors,
  inputOf,
  outputConflictRows,
  outputFormContext,
  readOutputForm,
  resubmitOutput,
} from './outputs.forms.ts'
import type { OutputFilter } from './outputs.repository.ts'
import { labelOf, OUTPUT_STATUSES, OUTPUT_TYPES, type OutputInput } from './outputs.rules.ts'
import type { OutputView } from './outputs.service.ts'

const ProjectParams = Type.Object({ projectId: Type.Integer({ minimum: 1 }) })
const ListQuery = Type.Object({ programme: Type.Optional(Type.String()), type: Type.Optional(Type.String()) })
const HOME = { text: 'Outputs', href: '/outputs' }

/** The list's filter from the query: an unknown programme or type filters nothing out, it is ignored. */
function filterOf(q: { programme?: string; type?: string }): OutputFilter {
  const programmeId = optionalInt(q.programme ?? '')
  return {
    ...(programmeId !== null && programmeId > 0 && programmeId <= 2_147_483_647 ? { programmeId } : {}),
    ...(OUTPUT_TYPES.some((t) => t.value === q.type) ? { type: q.type } : {}),
  }
}

/** A row as lists, the project's section and the exports show it. */
export function outputRow(v: OutputView) {
  const o = v.output
  return {
    id: o.id,
    title: o.title,
    type: labelOf(OUTPUT_TYPES, o.type),
    status: labelOf(OUTPUT_STATUSES, o.status),
    project: { id: o.project_id, reference: o.project_reference, name: o.project_name },
    planned: formatDate(o.planned_on),
    delivered: formatDate(o.delivered_on),
    acceptance: o.accepted_on ? `${o.accepted_by || 'Someone not named'}, ${formatDate(o.accepted_on)}` : '',
    milestones: v.milestones.map((m) => m.name).join('; '),
  }
}

function outputsTable(views: OutputView[]): Table {
  return {
    name: 'Outputs',
    header: [
      'Project',
      'Output',
      'Type',
      'Status',
      'Planned delivery',
      'Actual delivery',
      'Accepted by',
      'Accepted on',
      'Milestones',
      'Description',
    ],
    rows: views.map((v) => [
      v.output.project_reference,
      v.output.title,
      labelOf(OUTPUT_TYPES, v.output.type),
      labelOf(OUTPUT_STATUSES, v.output.status),
      v.output.planned_on ?? '',
      v.output.delivered_on ?? '',
      v.output.accepted_by,
      v.output.accepted_on ?? '',
      v.milestones.map((m) => m.name).join('; '),
      v.output.description,
    ]),
    money: [],
  }
}

/** Outputs' pages (issue 11): the organisation's list, one output, the forms, the exports. */
export async function outputsRoutes(app: FastifyInstance) {
  const service = app.services.outputs
  const { projects, programmes } = app.services
  // Outputs are kept by whoever may edit the project: the project edit rule.
  const canWrite = (actor: Actor) => allows('project.write', actor.role)

  app.get<{ Querystring: { programme?: string; type?: string } }>(
    '/outputs',
    { config: { policy: 'portfolio.read' }, schema: { querystring: ListQuery } },
    async (request, reply) => {
      const scope = scopeOf(request.actor!)
      const filter = filterOf(request.query)
      const [views, programmeOptions] = await Promise.all([
        service.list(scope, filter),
        programmes.options(scope),
      ])
      const query = new URLSearchParams({
        ...(filter.programmeId ? { programme: String(filter.programmeId) } : {}),
        ...(filter.type ? { type: filter.type } : {}),
      }).toString()
      return reply.render('outcomes/outputs/views/list.njk', {
        title: 'Outputs',
        rows: views.map(outputRow),
        exportQuery: query ? `?${query}` : '',
        programmeItems: [
          { value: '', text: 'All programmes' },
          ...programmeOptions.map((p) => ({
            value: String(p.id),
            text: `${p.reference}: ${p.name}`,
            selected: p.id === filter.programmeId,
          })),
        ],
        typeItems: [
          { value: '', text: 'All types' },
          ...OUTPUT_TYPES.map((t) => ({ value: t.value, text: t.text, selected: t.value === filter.type })),
        ],
      })
    },
  )

  for (const format of ['csv', 'xlsx'] as const)
    app.get<{ Querystring: { programme?: string; type?: string } }>(
      `/outputs/export.${format}`,
      { config: { policy: 'portfolio.read' }, schema: { querystring: ListQuery } },
      async (request, reply) => {
        const views = await service.list(scopeOf(request.actor!), filterOf(request.query))
        return download(reply, outputsTable(views), 'outputs', format)
      },
    )

  async function projectOr404(actor: Actor, id: number) {
    const project = await projects.get(scopeOf(actor), id)
    if (!project) throw notFound('Project')
    return project
  }

  async function viewOr404(actor: Actor, id: number) {
    const v = await service.view(scopeOf(actor), id)
    if (!v) throw notFound('Output')
    return v
  }

  async function showForm(
    reply: FastifyReply,
    opts: { project: Project; title: string; action: string; version: number | string | null },
    values: OutputInput,
    body: FormBody | null,
    errors: Record<string, string>,
  ) {
    const options = await service.options(reply.request.actor!, opts.project.id, values.acceptedByPersonId)
    return reply.render(
      'outcomes/outputs/views/form.njk',
      {
        ...opts,
        backLink: `/projects/${opts.project.id}#outputs`,
        ...outputFormContext(values, body, options, errors),
      },
      Object.keys(errors).length > 0 ? 400 : 200,
    )
  }

  const newOpts = (project: Project) => ({
    project,
    title: 'Add an output',
    action: `/projects/${project.id}/outputs/new`,
    version: null,
  })

  app.get<{ Params: { projectId: number } }>(
    '/projects/:projectId/outputs/new',
    { config: { policy: 'project.write' }, schema: { params: ProjectParams } },
    async (request, reply) => {
      const project = await projectOr404(request.actor!, request.params.projectId)
      return showForm(reply, newOpts(project), blankOutput(), null, {})
    },
  )

  app.post<{ Params: { projectId: number }; Body: FormBody }>(
    '/projects/:projectId/outputs/new',
    { config: { policy: 'project.write' }, schema: { params: ProjectParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const project = await projectOr404(actor, request.params.projectId)
      const dateErrors: Record<string, string> = {}
      const input = readOutputForm(request.body, dateErrors)
      return handleForm(reply, {
        errors: earlyErrors(input, dateErrors, todayInLondon()),
        save: () => service.create(actor, project.id, input),
        onInvalid: (errors) =>
          showForm(reply, newOpts(project), input, request.body, { ...errors, ...dateErrors }),
        onSaved: (o: Output) => {
          reply.flash(`Output ‘${o.title}’ added`)
          return reply.redirect(`/outputs/${o.id}`, 303)
        },
      })
    },
  )

  app.get<{ Params: { id: number } }>(
    '/outputs/:id',
    { config: { policy: 'portfolio.read' }, schema: { params: IdParams } },
    async (request, reply) => {
      const actor = request.actor!
      const v = await viewOr404(actor, request.params.id)
      const o = v.output
      return reply.render('outcomes/outputs/views/show.njk', {
        title: o.title,
        breadcrumbs: [
          HOME,
          { text: `${o.project_reference}: ${o.project_name}`, href: `/projects/${o.project_id}` },
        ],
        output: o,
        canWrite: canWrite(actor),
        facts: [
          {
            label: 'Project',
            text: `${o.project_reference}: ${o.project_name}`,
            url: `/projects/${o.project_id}`,
          },
          { label: 'Type', text: labelOf(OUTPUT_TYPES, o.type) },
          { label: 'Status', text: labelOf(OUTPUT_STATUSES, o.status) },
          { label: 'Description', text: o.description || 'Not recorded' },
          { label: 'Planned delivery', text: formatDate(o.planned_on) || 'Not planned' },
          { label: 'Actual delivery', text: formatDate(o.delivered_on) || 'Not yet' },
          {
            label: 'Accepted by',
            text: o.accepted_by || 'Not yet accepted',
            url: personUrl(scopeOf(actor), o.accepted_by_person_id) ?? undefined,
          },
          { label: 'Accepted on', text: formatDate(o.accepted_on) || 'Not yet accepted' },
        ],
        milestones: v.milestones,
        historyUrl: `/history/output/${o.id}`,
      })
    },
  )

  const editOpts = (project: Project, o: Output, version: number | string) => ({
    project,
    title: `Edit ${o.title}`,
    action: `/outputs/${o.id}/edit`,
    version,
  })

  app.get<{ Params: { id: number } }>(
    '/outputs/:id/edit',
    { config: { policy: 'project.write' }, schema: { params: IdParams } },
    async (request, reply) => {
      const actor = request.actor!
      const v = await viewOr404(actor, request.params.id)
      const project = await projectOr404(actor, v.output.project_id)
      return showForm(
        reply,
        editOpts(project, v.output, v.output.version),
        inputOf(v.output, v.milestones),
        null,
        {},
      )
    },
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/outputs/:id/edit',
    { config: { policy: 'project.write' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const v = await viewOr404(actor, request.params.id)
      const project = await projectOr404(actor, v.output.project_id)
      const dateErrors: Record<string, string> = {}
      const input = readOutputForm(request.body, dateErrors)
      const version = field(request.body, 'version')
      const opts = editOpts(project, v.output, version)
      return handleForm(reply, {
        errors: earlyErrors(input, dateErrors, todayInLondon()),
        save: () => service.update(actor, v.output.id, optionalInt(version) ?? 0, input),
        onInvalid: (errors) => showForm(reply, opts, input, request.body, { ...errors, ...dateErrors }),
        onConflict: whenStale(async (err) => {
          const saved = (err as ConflictError<Output>).current
          const [now, options] = await Promise.all([
            viewOr404(actor, saved.id),
            service.options(actor, project.id, input.acceptedByPersonId),
          ])
          return renderConflict(reply, {
            title: saved.title,
            recordUrl: `/outputs/${saved.id}`,
            action: `/outputs/${saved.id}/edit`,
            rows: outputConflictRows(input, now, options),
            resubmit: resubmitOutput(request.body),
            savedVersion: saved.version,
          })
        }),
        onSaved: (o: Output) => {
          reply.flash(`Output ‘${o.title}’ saved`)
          return reply.redirect(`/outputs/${o.id}`, 303)
        },
      })
    },
  )
}
