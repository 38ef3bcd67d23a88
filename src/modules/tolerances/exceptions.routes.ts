import { Type, type Static } from '@sinclair/typebox'
import { EXPORT_FORMATS, exportLinks, inBatches, sendExport } from '../../web/exports.ts'
import { exceptionsExport } from './exceptions.export.ts'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import type { ToleranceException } from '../../db/schema.ts'
import { formatDate, todayInLondon } from '../../domain/dates.ts'
import { ConflictError, type HttpError, notFound } from '../../errors.ts'
import {
  dateItems,
  handleForm,
  readDate,
  renderConflict,
  resubmitFields,
  type ConflictRow,
} from '../../web/form-pages.ts'
import { errorList, field, FormBody, optionalInt } from '../../web/forms.ts'
import type { ExceptionRow } from './tolerances.repository.ts'
import {
  EXCEPTION_OUTCOMES,
  EXCEPTION_STATUSES,
  exceptionOutcomeLabel,
  exceptionStatusLabel,
  MANUAL_KINDS,
  REPORT_FIELD_ORDER,
  toleranceKindLabel,
  type ExceptionReportInput,
} from './tolerances.rules.ts'
import { parseFacts } from './tolerances.service.ts'

const row = (label: string, yours: string, saved: string): ConflictRow => ({ label, yours, saved })
const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) })
const ProjectParams = Type.Object({ projectId: Type.Integer({ minimum: 1 }) })

const ExceptionsQuery = Type.Object({
  status: Type.Optional(Type.String()),
  project: Type.Optional(Type.Integer({ minimum: 1 })),
  programme: Type.Optional(Type.Integer({ minimum: 1 })),
})
type ExceptionsQuery = Static<typeof ExceptionsQuery>

/** The list page's filter, and its downloads': reached from a project or programme page, narrowed to it. */
function exceptionFilter(q: ExceptionsQuery) {
  return {
    status: EXCEPTION_STATUSES.find((s) => s.value === q.status)?.value,
    projectId: q.project,
    programmeId: q.project ? undefined : q.programme,
  }
}

export function exceptionView(e: ExceptionRow) {
  const status = EXCEPTION_STATUSES.find((s) => s.value === e.status)
  return {
    ...e,
    kindLabel: toleranceKindLabel(e.kind),
    statusLabel: exceptionStatusLabel(e.status),
    statusColour: status?.colour ?? 'grey',
    outcomeLabel: exceptionOutcomeLabel(e.outcome),
    facts: parseFacts(e.facts_json),
    clearedFacts: parseFacts(e.cleared_facts_json),
    overdue: e.status === 'raised' && e.report_due < todayInLondon(),
  }
}

/**
 * A refusal of a report or decision: a stale version shows the conflict page with `rows` (the person's values
 * beside the saved exception's); any other refusal (already decided, no report yet) keeps the form with its words.
 */
function staleOrRefused(
  reply: FastifyReply,
  err: HttpError,
  form: {
    e: ExceptionRow
    action: string
    body: FormBody
    rows: (saved: ToleranceException) => ConflictRow[]
  },
  invalid: (errors: Record<string, string>) => unknown,
) {
  if (!(err instanceof ConflictError)) return invalid(err.fields ?? { version: err.message })
  const saved = err.current as ToleranceException
  return renderConflict(reply, {
    title: `${toleranceKindLabel(form.e.kind)} exception for ${form.e.project_reference} ${form.e.project_name}`,
    recordUrl: `/exceptions/${saved.id}`,
    action: form.action,
    rows: form.rows(saved),
    resubmit: resubmitFields(form.body),
    savedVersion: saved.version,
  })
}

export async function exceptionsRoutes(app: FastifyInstance) {
  const { tolerances, projects } = app.services

  async function load(reply: FastifyReply, id: number) {
    const e = await tolerances.getException(scopeOf(reply.request.actor!), id)
    if (!e) throw notFound('Exception')
    return e
  }

  app.get<{ Querystring: ExceptionsQuery }>(
    '/exceptions',
    { config: { policy: 'portfolio.read' }, schema: { querystring: ExceptionsQuery } },
    async (request, reply) => {
      const { project, programme } = request.query
      const { status, ...narrowed } = exceptionFilter(request.query)
      const rows = await tolerances.listExceptions(scopeOf(request.actor!), {
        status,
        ...narrowed,
        limit: 500,
      })
      const filter = project ? `project=${project}` : programme ? `programme=${programme}` : ''
      const first = rows[0]
      const forLabel = project
        ? first
          ? `${first.project_reference} ${first.project_name}`
          : 'this project'
        : programme
          ? first
            ? first.programme_name
            : 'this programme'
          : null
      return reply.render('tolerances/views/exceptions.njk', {
        title: forLabel ? `Tolerance exceptions: ${forLabel}` : 'Tolerance exceptions',
        forLabel,
        statuses: [{ value: '', text: 'All' }, ...EXCEPTION_STATUSES].map((s) => {
          const query = [filter, s.value ? `status=${s.value}` : ''].filter(Boolean).join('&')
          return {
            ...s,
            href: query ? `/exceptions?${query}` : '/exceptions',
            current: (status ?? '') === s.value,
          }
        }),
        exceptions: rows.map(exceptionView),
        exportLinks: exportLinks('/exceptions/export', { status, project, programme }),
      })
    },
  )

  for (const format of EXPORT_FORMATS)
    app.get<{ Querystring: ExceptionsQuery }>(
      `/exceptions/export.${format}`,
      { config: { policy: 'portfolio.read' }, schema: { querystring: ExceptionsQuery } },
      async (request, reply) => {
        const actor = request.actor!
        const filter = exceptionFilter(request.query)
        const rows = inBatches((w) => tolerances.listExceptions(scopeOf(actor), { ...filter, ...w }))
        return sendExport(reply, format, actor.organisationSlug, exceptionsExport, rows)
      },
    )

  app.get<{ Params: { id: number } }>(
    '/exceptions/:id',
    { config: { policy: 'portfolio.read' }, schema: { params: IdParams } },
    async (request, reply) => {
      const e = exceptionView(await load(reply, request.params.id))
      const role = request.actor!.role
      return reply.render('tolerances/views/exception.njk', {
        title: `${e.kindLabel} exception: ${e.project_reference}`,
        breadcrumbs: [{ text: 'Exceptions', href: '/exceptions' }],
        e,
        canReport: allows('governance.write', role) && e.status !== 'decided',
        canDecide: allows('decision.record', role) && e.status === 'reported',
      })
    },
  )

  const REPORT = 'tolerances/views/report-form.njk'
  const reportPage = (
    reply: FastifyReply,
    e: ExceptionRow,
    values: ExceptionReportInput,
    version: number,
    errors: Record<string, string>,
  ) =>
    reply.render(
      REPORT,
      {
        title: 'Write the exception report',
        backLink: `/exceptions/${e.id}`,
        e: exceptionView(e),
        values,
        version,
        errors,
        errorList: errorList(errors, ['version', ...REPORT_FIELD_ORDER]),
      },
      Object.keys(errors).length > 0 ? 400 : undefined,
    )

  app.get<{ Params: { id: number } }>(
    '/exceptions/:id/report',
    { config: { policy: 'governance.write' }, schema: { params: IdParams } },
    async (request, reply) => {
      const e = await load(reply, request.params.id)
      return reportPage(
        reply,
        e,
        { cause: e.cause, impact: e.impact, options: e.options, recommendation: e.recommendation },
        e.version,
        {},
      )
    },
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/exceptions/:id/report',
    { config: { policy: 'governance.write' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const e = await load(reply, request.params.id)
      const b = request.body
      const values = {
        cause: field(b, 'cause'),
        impact: field(b, 'impact'),
        options: field(b, 'options'),
        recommendation: field(b, 'recommendation'),
      }
      const version = optionalInt(field(b, 'version')) ?? 0
      const invalid = (errors: Record<string, string>) => reportPage(reply, e, values, version, errors)
      const reportRows = (saved: ToleranceException) => [
        row('Cause', values.cause, saved.cause),
        row('Impact', values.impact, saved.impact),
        row('Options', values.options, saved.options),
        row('Recommendation', values.recommendation, saved.recommendation),
      ]
      return handleForm(reply, {
        save: () => tolerances.writeReport(request.actor!, e.id, version, values),
        onInvalid: invalid,
        onConflict: (err) =>
          staleOrRefused(
            reply,
            err,
            { e, action: `/exceptions/${e.id}/report`, body: b, rows: reportRows },
            invalid,
          ),
        onSaved: () => {
          reply.flash('Exception report saved. The board can now decide.')
          return reply.redirect(`/exceptions/${e.id}`, 303)
        },
      })
    },
  )

  const DECISION = 'tolerances/views/decision-form.njk'
  const decisionPage = (
    reply: FastifyReply,
    e: ExceptionRow,
    body: FormBody | null,
    version: number,
    errors: Record<string, string>,
  ) =>
    reply.render(
      DECISION,
      {
        title: "Record the board's decision",
        backLink: `/exceptions/${e.id}`,
        e: exceptionView(e),
        version,
        outcomes: EXCEPTION_OUTCOMES.map((o) => ({
          value: o.value,
          text: o.text,
          checked: body ? field(body, 'outcome') === o.value : false,
        })),
        reasons: body ? field(body, 'reasons') : '',
        decidedOnItems: dateItems(body, 'decidedOn', todayInLondon(), Boolean(errors.decidedOn)),
        errors,
        errorList: errorList(errors, ['version', 'outcome', 'reasons', 'decidedOn']),
      },
      Object.keys(errors).length > 0 ? 400 : undefined,
    )

  app.get<{ Params: { id: number } }>(
    '/exceptions/:id/decision',
    { config: { policy: 'decision.record' }, schema: { params: IdParams } },
    async (request, reply) => {
      const e = await load(reply, request.params.id)
      return decisionPage(reply, e, null, e.version, {})
    },
  )

  app.post<{ Params: { id: number }; Body: FormBody }>(
    '/exceptions/:id/decision',
    { config: { policy: 'decision.record' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const e = await load(reply, request.params.id)
      const b = request.body
      const dateErrors: Record<string, string> = {}
      const decidedOn = readDate(b, 'decidedOn', 'Date of decision', dateErrors)
      const version = optionalInt(field(b, 'version')) ?? 0
      const input = { outcome: field(b, 'outcome'), reasons: field(b, 'reasons'), decidedOn }
      const invalid = (errors: Record<string, string>) => decisionPage(reply, e, b, version, errors)
      return handleForm(reply, {
        errors: dateErrors,
        save: () => tolerances.decide(request.actor!, e.id, version, input),
        onInvalid: invalid,
        onConflict: (err) =>
          staleOrRefused(
            reply,
            err,
            {
              e,
              action: `/exceptions/${e.id}/decision`,
              body: b,
              rows: (saved) => [
                row('Decision', exceptionOutcomeLabel(input.outcome), exceptionOutcomeLabel(saved.outcome)),
                row('Reasons', input.reasons, saved.outcome_reasons),
                row('Date of decision', formatDate(decidedOn), formatDate(saved.decided_at)),
              ],
            },
            invalid,
          ),
        onSaved: () => {
          reply.flash(`Decision recorded: ${exceptionOutcomeLabel(input.outcome)}`)
          return reply.redirect(`/exceptions/${e.id}`, 303)
        },
      })
    },
  )

  const RAISE = 'tolerances/views/raise-form.njk'
  const raisePage = (
    reply: FastifyReply,
    project: { id: number; name: string; reference: string },
    body: FormBody | null,
    errors: Record<string, string>,
  ) =>
    reply.render(
      RAISE,
      {
        title: 'Raise an exception',
        backLink: `/projects/${project.id}/tolerances`,
        project,
        kinds: MANUAL_KINDS.map((k) => ({
          value: k,
          text: toleranceKindLabel(k),
          checked: body ? field(body, 'kind') === k : false,
        })),
        summary: body ? field(body, 'summary') : '',
        errors,
        errorList: errorList(errors, ['kind', 'summary']),
      },
      Object.keys(errors).length > 0 ? 400 : undefined,
    )

  app.get<{ Params: { projectId: number } }>(
    '/projects/:projectId/exceptions/new',
    { config: { policy: 'governance.write' }, schema: { params: ProjectParams } },
    async (request, reply) => {
      const project = await projects.get(scopeOf(request.actor!), request.params.projectId)
      if (!project) throw notFound('Project')
      return raisePage(reply, project, null, {})
    },
  )

  app.post<{ Params: { projectId: number }; Body: FormBody }>(
    '/projects/:projectId/exceptions',
    { config: { policy: 'governance.write' }, schema: { params: ProjectParams, body: FormBody } },
    async (request, reply) => {
      const project = await projects.get(scopeOf(request.actor!), request.params.projectId)
      if (!project) throw notFound('Project')
      const input = { kind: field(request.body, 'kind'), summary: field(request.body, 'summary') }
      const invalid = (errors: Record<string, string>) => raisePage(reply, project, request.body, errors)
      return handleForm(reply, {
        errors: MANUAL_KINDS.includes(input.kind as never)
          ? {}
          : {
              kind: 'Select scope or benefits',
              ...(input.summary ? {} : { summary: 'Describe the breach' }),
            },
        save: () => tolerances.raiseManual(request.actor!, project, input),
        onInvalid: invalid,
        onConflict: (err) => invalid(err.fields ?? { version: err.message }),
        onSaved: (id) => {
          reply.flash(
            'Exception raised. The project manager, programme manager, board and Portfolio Holder have been told.',
          )
          return reply.redirect(`/exceptions/${id}`, 303)
        },
      })
    },
  )
}
