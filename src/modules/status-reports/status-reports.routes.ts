import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf, type Actor } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import type { Project, StatusReport } from '../../db/schema.ts'
import { RATING_SCALES } from '../../domain/dca.ts'
import { currentPeriod, formatPeriod, isPeriod } from '../../domain/periods.ts'
import { notFound } from '../../errors.ts'
import { renderConflict, handleForm, whenStale, resubmitFields } from '../../web/form-pages.ts'
import { errorList, field, FormBody, optionalInt } from '../../web/forms.ts'
import {
  definitionOfRating,
  duplicatePeriodMessage,
  labelOfRating,
  parsePeriodParts,
  STATUS_REPORT_FIELD_ORDER,
  statusReportView,
  toStatusReportInput,
  validateStatusReport,
  type StatusReportInput,
} from './status-reports.rules.ts'
import { documentsSection } from '../attachments/attachments.section.ts'

const FORM = 'status-reports/views/form.njk'
const ProjectParams = Type.Object({ projectId: Type.Integer({ minimum: 1 }) })
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) })

function readForm(body: FormBody, errors: Record<string, string>): StatusReportInput {
  const period = parsePeriodParts(field(body, 'period-month'), field(body, 'period-year'))
  if (!period.ok) errors.period = period.error
  return {
    period: period.ok ? period.value : '',
    rating: field(body, 'rating'),
    narrative: field(body, 'narrative'),
    achievements: field(body, 'achievements'),
    nextSteps: field(body, 'nextSteps'),
    keyIssues: field(body, 'keyIssues'),
  }
}

/** The month and year boxes of a GOV.UK date input without the day, refilled from what was typed or stored. */
function periodItems(body: FormBody | null, period: string, hasError: boolean) {
  const [year, month] = body
    ? [field(body, 'period-year'), field(body, 'period-month')]
    : isPeriod(period)
      ? [period.slice(0, 4), String(Number(period.slice(5, 7)))]
      : ['', '']
  const err = hasError ? ' govuk-input--error' : ''
  return [
    { name: 'month', label: 'Month', classes: `govuk-input--width-2${err}`, value: month },
    { name: 'year', label: 'Year', classes: `govuk-input--width-4${err}`, value: year },
  ]
}

/** The organisation's scale, with each rating's official definition as its hint. */
function ratingItems(actor: Actor, selected: string, recorded?: string) {
  const items: Array<{ value: string; text: string; hint: { text: string }; checked: boolean }> =
    RATING_SCALES[actor.ratingScale].ratings.map((r) => ({
      value: r.code,
      text: r.label,
      hint: { text: r.definition },
      checked: r.code === selected,
    }))
  // A rating recorded on the scale the organisation used before stays selectable, so an edit need not change it.
  if (recorded && !items.some((i) => i.value === recorded)) {
    items.push({
      value: recorded,
      text: labelOfRating(actor.ratingScale, recorded),
      hint: {
        text: `Recorded on a scale your organisation no longer uses. ${definitionOfRating(actor.ratingScale, recorded)}`,
      },
      checked: recorded === selected,
    })
  }
  return items
}

function conflictRows(actor: Actor, yours: StatusReportInput, saved: StatusReport) {
  const s = toStatusReportInput(saved)
  const row = (label: string, a: string, b: string) => ({ label, yours: a, saved: b })
  const period = (p: string) => (isPeriod(p) ? formatPeriod(p) : p)
  return [
    row('Reporting period', period(yours.period), period(s.period)),
    row(
      'Delivery confidence',
      labelOfRating(actor.ratingScale, yours.rating),
      labelOfRating(actor.ratingScale, s.rating),
    ),
    row('Progress narrative', yours.narrative, s.narrative),
    row('Achievements this period', yours.achievements, s.achievements),
    row('Next steps', yours.nextSteps, s.nextSteps),
    row('Key issues', yours.keyIssues, s.keyIssues),
  ]
}

export async function statusReportsRoutes(app: FastifyInstance) {
  const { statusReports, projects } = app.services

  async function renderForm(
    reply: FastifyReply,
    opts: { project: Project; title: string; action: string; version?: number; recorded?: string },
    values: StatusReportInput,
    body: FormBody | null,
    errors: Record<string, string>,
    status?: number,
  ) {
    const actor = reply.request.actor!
    // A second report for a month points at the one that exists, so people update it instead.
    const existing =
      isPeriod(values.period) && errors.period === duplicatePeriodMessage(values.period)
        ? await statusReports.forPeriod(scopeOf(actor), opts.project.id, values.period)
        : undefined
    return reply.render(
      FORM,
      {
        title: opts.title,
        action: opts.action,
        version: opts.version,
        project: opts.project,
        backLink: `/projects/${opts.project.id}#status-reports`,
        values,
        errors,
        errorList: errorList(errors, STATUS_REPORT_FIELD_ORDER),
        existing,
        periodText: isPeriod(values.period) ? formatPeriod(values.period) : '',
        periodItems: periodItems(body, values.period, Boolean(errors.period)),
        ratings: ratingItems(actor, values.rating, opts.recorded),
      },
      status,
    )
  }

  async function findReport(actor: Actor, id: number) {
    const scope = scopeOf(actor)
    const report = await statusReports.get(scope, id)
    const project = report && (await projects.get(scope, report.project_id))
    if (!report || !project) throw notFound('Status report')
    return { report, project }
  }

  app.get<{ Params: { projectId: number } }>(
    '/projects/:projectId/status-reports/new',
    { config: { policy: 'delivery.write' }, schema: { params: ProjectParams } },
    async (request, reply) => {
      const project = await projects.get(scopeOf(request.actor!), request.params.projectId)
      if (!project) throw notFound('Project')
      const values: StatusReportInput = {
        period: currentPeriod(),
        rating: '',
        narrative: '',
        achievements: '',
        nextSteps: '',
        keyIssues: '',
      }
      const opts = {
        project,
        title: 'Submit a status report',
        action: `/projects/${project.id}/status-reports`,
      }
      return renderForm(reply, opts, values, null, {})
    },
  )

  app.post<{ Params: { projectId: number }; Body: FormBody }>(
    '/projects/:projectId/status-reports',
    { config: { policy: 'delivery.write' }, schema: { params: ProjectParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const project = await projects.get(scopeOf(actor), request.params.projectId)
      if (!project) throw notFound('Project')
      const errors: Record<string, string> = {}
      const values = readForm(request.body, errors)
      const opts = {
        project,
        title: 'Submit a status report',
        action: `/projects/${project.id}/status-reports`,
      }
      const invalid = (errs: Record<string, string>) =>
        renderForm(reply, opts, values, request.body, { ...errs, ...errors }, 400)
      if (Object.keys(errors).length > 0)
        return invalid(
          validateStatusReport(values, { scale: actor.ratingScale, currentPeriod: currentPeriod() }),
        )
      return handleForm(reply, {
        save: () => statusReports.create(actor, project.id, values),
        onInvalid: invalid,
        onConflict: whenStale(() => invalid({})),
        onSaved: (saved) => {
          reply.flash(`Status report for ${formatPeriod(saved.period)} submitted`)
          return reply.redirect(`/status-reports/${saved.id}`, 303)
        },
      })
    },
  )

  app.get<{ Params: { id: number } }>(
    '/status-reports/:id',
    { config: { policy: 'portfolio.read' }, schema: { params: IdParams } },
    async (request, reply) => {
      const actor = request.actor!
      const { report, project } = await findReport(actor, request.params.id)
      return reply.render('status-reports/views/show.njk', {
        title: `Status report for ${formatPeriod(report.period)}`,
        breadcrumbs: [
          { text: 'Dashboard', href: '/' },
          { text: 'Projects', href: '/projects' },
          { text: project.name, href: `/projects/${project.id}` },
        ],
        project,
        report: statusReportView(report, actor.ratingScale),
        documentsSection: await documentsSection(app, actor, 'status_report', report.id),
        definition: definitionOfRating(actor.ratingScale, report.rating),
        canWrite: allows('delivery.write', actor.role),
      })
    },
  )

  app.get<{ Params: { id: number } }>(
    '/status-reports/:id/edit',
    { config: { policy: 'delivery.write' }, schema: { params: IdParams } },
    async (request, reply) => {
      const { report, project } = await findReport(request.actor!, request.params.id)
      const opts = {
        project,
        title: `Edit status report for ${formatPeriod(report.period)}`,
        action: `/status-reports/${report.id}/edit`,
        version: report.version,
        recorded: report.rating,
      }
      return renderForm(reply, opts, toStatusReportInput(report), null, {})
    },
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/status-reports/:id/edit',
    { config: { policy: 'delivery.write' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const id = request.params.id
      const { report, project } = await findReport(actor, id)
      const errors: Record<string, string> = {}
      const values = readForm(request.body, errors)
      const version = optionalInt(field(request.body, 'version')) ?? 0
      const opts = {
        project,
        title: 'Edit status report',
        action: `/status-reports/${id}/edit`,
        version,
        recorded: report.rating,
      }
      const invalid = (errs: Record<string, string>) =>
        renderForm(reply, opts, values, request.body, { ...errs, ...errors }, 400)
      if (Object.keys(errors).length > 0) {
        const rules = { scale: actor.ratingScale, currentPeriod: currentPeriod(), keepRating: report.rating }
        return invalid(validateStatusReport(values, rules))
      }
      return handleForm(reply, {
        save: () => statusReports.update(actor, id, version, values),
        onInvalid: invalid,
        onConflict: whenStale((conflict) => {
          const saved = conflict.current as StatusReport
          return renderConflict(reply, {
            title: `Status report for ${formatPeriod(saved.period)}`,
            recordUrl: `/status-reports/${id}`,
            action: `/status-reports/${id}/edit`,
            rows: conflictRows(actor, values, saved),
            resubmit: resubmitFields(request.body),
            savedVersion: saved.version,
          })
        }),
        onSaved: (saved) => {
          reply.flash(`Status report for ${formatPeriod(saved.period)} updated`)
          return reply.redirect(`/status-reports/${id}`, 303)
        },
      })
    },
  )
}
