import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import type { Milestone, Project } from '../../db/schema.ts'
import { formatDate, todayInLondon } from '../../domain/dates.ts'
import { MILESTONE_STATUSES } from '../../domain/slippage.ts'
import { notFound } from '../../errors.ts'
import {
  dateItems,
  readDate,
  renderConflict,
  handleForm,
  whenStale,
  resubmitFields,
} from '../../web/form-pages.ts'
import { errorList, field, FormBody, optionalInt } from '../../web/forms.ts'
import { EXPORT_FORMATS, inBatches, sendExport } from '../../web/exports.ts'
import { milestonesExport } from './milestones.export.ts'
import {
  MILESTONE_FIELD_ORDER,
  statusLabelOf,
  toMilestoneInput,
  validateMilestone,
  type MilestoneInput,
} from './milestones.rules.ts'

const FORM = 'milestones/views/form.njk'
const ProjectParams = Type.Object({ projectId: Type.Integer({ minimum: 1 }) })
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) })

function readForm(body: FormBody, errors: Record<string, string>): MilestoneInput {
  return {
    name: field(body, 'name'),
    description: field(body, 'description'),
    baselineDate: readDate(body, 'baselineDate', 'Baseline date', errors, true),
    forecastDate: readDate(body, 'forecastDate', 'Forecast date', errors),
    actualDate: readDate(body, 'actualDate', 'Actual date', errors),
    status: field(body, 'status'),
    isKey: field(body, 'isKey') === 'yes',
  }
}

function formContext(
  project: Project,
  values: MilestoneInput,
  body: FormBody | null,
  errors: Record<string, string>,
) {
  return {
    project,
    values,
    errors,
    errorList: errorList(errors, MILESTONE_FIELD_ORDER),
    backLink: `/projects/${project.id}#milestones`,
    statuses: MILESTONE_STATUSES.map((s) => ({
      value: s.value,
      text: s.label,
      checked: s.value === values.status,
    })),
    baselineDateItems: dateItems(body, 'baselineDate', values.baselineDate, Boolean(errors.baselineDate)),
    forecastDateItems: dateItems(body, 'forecastDate', values.forecastDate, Boolean(errors.forecastDate)),
    actualDateItems: dateItems(body, 'actualDate', values.actualDate, Boolean(errors.actualDate)),
  }
}

function conflictRows(yours: MilestoneInput, saved: Milestone) {
  const s = toMilestoneInput(saved)
  const row = (label: string, a: string, b: string) => ({ label, yours: a, saved: b })
  const yesNo = (v: boolean) => (v ? 'Yes' : 'No')
  return [
    row('Milestone name', yours.name, s.name),
    row('Description', yours.description, s.description),
    row('Baseline date', formatDate(yours.baselineDate), formatDate(s.baselineDate)),
    row('Forecast date', formatDate(yours.forecastDate), formatDate(s.forecastDate)),
    row('Actual date', formatDate(yours.actualDate), formatDate(s.actualDate)),
    row('Status', statusLabelOf(yours.status), statusLabelOf(s.status)),
    row('Key milestone', yesNo(yours.isKey), yesNo(s.isKey)),
  ]
}

// A GET link sends what the page put in it; values that do not fit are ignored, as on the list pages.
const ExportQuery = Type.Object({
  projectId: Type.Optional(Type.String()),
  status: Type.Optional(Type.String()),
  late: Type.Optional(Type.String()),
})

export async function milestonesRoutes(app: FastifyInstance) {
  const { milestones, projects } = app.services

  // The project page's milestones (or any list the API gives) as a download, through the API's own query.
  for (const format of EXPORT_FORMATS)
    app.get<{ Querystring: Static<typeof ExportQuery> }>(
      `/milestones/export.${format}`,
      { config: { policy: 'portfolio.read' }, schema: { querystring: ExportQuery } },
      async (request, reply) => {
        const actor = request.actor!
        const q = request.query
        const filter = {
          projectId: optionalInt(q.projectId ?? '') ?? undefined,
          status: MILESTONE_STATUSES.find((s) => s.value === q.status)?.value,
          late: q.late === 'yes' ? true : q.late === 'no' ? false : undefined,
        }
        return sendExport(
          reply,
          format,
          actor.organisationSlug,
          milestonesExport,
          inBatches((window) => milestones.list(scopeOf(actor), { ...filter, ...window })),
        )
      },
    )

  function renderForm(
    reply: FastifyReply,
    opts: { project: Project; title: string; action: string; version?: number },
    values: MilestoneInput,
    body: FormBody | null,
    errors: Record<string, string>,
    status?: number,
  ) {
    return reply.render(
      FORM,
      {
        title: opts.title,
        action: opts.action,
        version: opts.version,
        ...formContext(opts.project, values, body, errors),
      },
      status,
    )
  }

  app.get<{ Params: { projectId: number } }>(
    '/projects/:projectId/milestones/new',
    { config: { policy: 'delivery.write' }, schema: { params: ProjectParams } },
    async (request, reply) => {
      const project = await projects.get(scopeOf(request.actor!), request.params.projectId)
      if (!project) throw notFound('Project')
      const values: MilestoneInput = {
        name: '',
        description: '',
        baselineDate: null,
        forecastDate: null,
        actualDate: null,
        status: 'not_started',
        isKey: false,
      }
      const opts = { project, title: 'Add a milestone', action: `/projects/${project.id}/milestones` }
      return renderForm(reply, opts, values, null, {})
    },
  )

  app.post<{ Params: { projectId: number }; Body: FormBody }>(
    '/projects/:projectId/milestones',
    { config: { policy: 'delivery.write' }, schema: { params: ProjectParams, body: FormBody } },
    async (request, reply) => {
      const project = await projects.get(scopeOf(request.actor!), request.params.projectId)
      if (!project) throw notFound('Project')
      const errors: Record<string, string> = {}
      const values = readForm(request.body, errors)
      const opts = { project, title: 'Add a milestone', action: `/projects/${project.id}/milestones` }
      const invalid = (errs: Record<string, string>) =>
        renderForm(reply, opts, values, request.body, { ...errs, ...errors }, 400)
      // Date boxes that could not be read are reported with the rest of the form's errors, not one at a time.
      if (Object.keys(errors).length > 0) return invalid(validateMilestone(values, todayInLondon()))
      return handleForm(reply, {
        save: () => milestones.create(request.actor!, project.id, values),
        onInvalid: invalid,
        onConflict: whenStale(() => invalid({})),
        onSaved: (saved) => {
          reply.flash(`Milestone ‘${saved.name}’ added`)
          return reply.redirect(`/projects/${project.id}#milestones`, 303)
        },
      })
    },
  )

  app.get<{ Params: { id: number } }>(
    '/milestones/:id/edit',
    { config: { policy: 'delivery.write' }, schema: { params: IdParams } },
    async (request, reply) => {
      const scope = scopeOf(request.actor!)
      const milestone = await milestones.get(scope, request.params.id)
      const project = milestone && (await projects.get(scope, milestone.project_id))
      if (!milestone || !project) throw notFound('Milestone')
      const opts = {
        project,
        title: `Edit ${milestone.name}`,
        action: `/milestones/${milestone.id}/edit`,
        version: milestone.version,
      }
      return renderForm(reply, opts, toMilestoneInput(milestone), null, {})
    },
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/milestones/:id/edit',
    { config: { policy: 'delivery.write' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const scope = scopeOf(request.actor!)
      const id = request.params.id
      const milestone = await milestones.get(scope, id)
      const project = milestone && (await projects.get(scope, milestone.project_id))
      if (!milestone || !project) throw notFound('Milestone')
      const errors: Record<string, string> = {}
      const values = readForm(request.body, errors)
      const version = optionalInt(field(request.body, 'version')) ?? 0
      const opts = { project, title: 'Edit milestone', action: `/milestones/${id}/edit`, version }
      const invalid = (errs: Record<string, string>) =>
        renderForm(reply, opts, values, request.body, { ...errs, ...errors }, 400)
      if (Object.keys(errors).length > 0) return invalid(validateMilestone(values, todayInLondon()))
      return handleForm(reply, {
        save: () => milestones.update(request.actor!, id, version, values),
        onInvalid: invalid,
        onConflict: whenStale((conflict) => {
          const saved = conflict.current as Milestone
          return renderConflict(reply, {
            title: saved.name,
            recordUrl: `/projects/${project.id}#milestones`,
            action: `/milestones/${id}/edit`,
            rows: conflictRows(values, saved),
            resubmit: resubmitFields(request.body),
            savedVersion: saved.version,
          })
        }),
        onSaved: (saved) => {
          reply.flash(`Milestone ‘${saved.name}’ updated`)
          return reply.redirect(`/projects/${project.id}#milestones`, 303)
        },
      })
    },
  )
}
