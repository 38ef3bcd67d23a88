import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf, type Actor } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import type { PanelReport } from '../../db/schema.ts'
import { renderHtmlFragment } from '../../documents/html.renderer.ts'
import { CONTENT_TYPES, fileName, type PaperFormat } from '../../documents/render.ts'
import { formatDate, formatDateTime, todayInLondon } from '../../domain/dates.ts'
import { notFound } from '../../errors.ts'
import { escapeHtml } from '../../web/escape.ts'
import { handleForm, renderConflict, resubmitFields, whenStale } from '../../web/form-pages.ts'
import { errorList, field, FormBody, optionalInt } from '../../web/forms.ts'
import { areaActionTag } from './area-actions.rules.ts'
import { emptyReport, readReportForm, reportFormContext, reportInputOf } from './reports.forms.ts'
import { periodLabel, reportStatusTag, type ReportInput } from './reports.rules.ts'
import { documentsSection } from '../attachments/attachments.section.ts'

const ReportParams = Type.Object({ reportId: Type.Integer({ minimum: 1 }) })
const MeetingParams = Type.Object({ meetingId: Type.Integer({ minimum: 1 }) })
type ReportParams = { reportId: number }

export async function reportsRoutes(app: FastifyInstance) {
  const { reports, programmes } = app.services
  const FORM = 'reports/views/form.njk'

  async function load(actor: Actor, id: number): Promise<PanelReport> {
    const report = await reports.get(scopeOf(actor), id)
    if (!report) throw notFound('Report')
    return report
  }

  async function renderShow(
    reply: FastifyReply,
    report: PanelReport,
    errors: Record<string, string> = {},
    areaValues = { text: '', owner: '' },
  ) {
    const actor = reply.request.actor!
    const [doc, areas, owners, programme, meeting] = await Promise.all([
      reports.document(actor, report),
      reports.areas(actor.organisationId, report.id),
      reports.owners(actor.organisationId),
      programmes.get(scopeOf(actor), report.programme_id),
      report.meeting_id === null ? undefined : reports.meeting(actor.organisationId, report.meeting_id),
    ])
    const status = reportStatusTag(report.status)
    const summaryRows = [
      {
        key: { text: 'Programme' },
        value: { text: programme ? `${programme.reference} ${programme.name}` : '' },
      },
      {
        key: { text: 'Reporting period' },
        value: { text: periodLabel(report.period_from, report.period_to) },
      },
      {
        key: { text: 'Meeting' },
        value: meeting
          ? {
              html: `<a class="govuk-link" href="/meetings/${meeting.id}/papers">${escapeHtml(meeting.committeeName)}, ${formatDate(meeting.meetingDate)}</a>`,
            }
          : { text: 'Not yet on a meeting agenda' },
      },
      {
        key: { text: 'Status' },
        value: { html: `<strong class="govuk-tag ${status.classes}">${status.text}</strong>` },
      },
    ]
    if (report.status === 'submitted')
      summaryRows.push(
        {
          key: { text: 'Submitted' },
          value: { text: `${formatDateTime(report.submitted_at ?? '')} by ${report.submitted_by_name}` },
        },
        {
          key: { text: 'Content hash (SHA-256)' },
          value: { html: `<code class="app-hash">${report.content_hash ?? ''}</code>` },
        },
      )
    return reply.render(
      'reports/views/show.njk',
      {
        title: report.title,
        breadcrumbs: [
          { text: 'Dashboard', href: '/' },
          { text: 'Reports', href: '/reports' },
        ],
        report,
        summaryRows,
        documentsSection: await documentsSection(app, actor, 'panel_report', report.id),
        isDraft: report.status === 'draft',
        canWrite: allows('reports.write', actor.role),
        areas: areas.map((a) => ({
          ...a,
          tag: areaActionTag(a, todayInLondon()),
          due: formatDate(a.due_on),
        })),
        areaValues,
        ownerItems: [
          { value: '', text: 'Select an owner' },
          ...owners.map((o) => ({
            value: String(o.userId),
            text: `${o.name} (${o.roleLabel})`,
            selected: String(o.userId) === areaValues.owner,
          })),
        ],
        errors,
        errorList: errorList(errors, ['areaText', 'areaOwner']),
        paperHtml: renderHtmlFragment(doc, { shift: 1 }),
      },
      Object.keys(errors).length > 0 ? 400 : 200,
    )
  }

  app.get('/reports', { config: { policy: 'portfolio.read' } }, async (request, reply) => {
    const actor = request.actor!
    const [rows, meetings] = await Promise.all([
      reports.list(scopeOf(actor), { limit: 500 }),
      reports.meetings(actor.organisationId),
    ])
    const meetingById = new Map(meetings.map((m) => [m.id, m]))
    return reply.render('reports/views/list.njk', {
      title: 'Panel progress reports',
      canWrite: allows('reports.write', actor.role),
      definitionsLink: true,
      rows: rows.map((r) => {
        const m = r.meeting_id === null ? undefined : meetingById.get(r.meeting_id)
        const s = reportStatusTag(r.status)
        return [
          { html: `<a class="govuk-link" href="/reports/${r.id}">${escapeHtml(r.title)}</a>` },
          { text: periodLabel(r.period_from, r.period_to) },
          { text: m ? `${m.committeeName}, ${formatDate(m.meetingDate)}` : 'None' },
          { html: `<strong class="govuk-tag ${s.classes}">${s.text}</strong>` },
        ]
      }),
    })
  })

  const formPage = async (
    reply: FastifyReply,
    opts: { title: string; action: string; backLink: string; version?: number },
    values: ReportInput,
    errors: Record<string, string>,
    status = 200,
  ) =>
    reply.render(
      FORM,
      { ...opts, ...(await reportFormContext(app.services, scopeOf(reply.request.actor!), values, errors)) },
      status,
    )

  app.get('/reports/new', { config: { policy: 'reports.write' } }, async (_request, reply) =>
    formPage(
      reply,
      { title: 'Prepare a panel progress report', action: '/reports', backLink: '/reports' },
      emptyReport(),
      {},
    ),
  )

  app.post<{ Body: FormBody }>(
    '/reports',
    { config: { policy: 'reports.write' }, schema: { body: FormBody } },
    async (request, reply) => {
      const values = readReportForm(request.body)
      const opts = { title: 'Prepare a panel progress report', action: '/reports', backLink: '/reports' }
      return handleForm(reply, {
        save: () => reports.create(request.actor!, values),
        onInvalid: (errs) => formPage(reply, opts, values, errs, 400),
        onSaved: (created) => {
          reply.flash('Draft report saved')
          return reply.redirect(`/reports/${created.id}`, 303)
        },
      })
    },
  )

  app.get<{ Params: ReportParams }>(
    '/reports/:reportId',
    { config: { policy: 'portfolio.read' }, schema: { params: ReportParams } },
    async (request, reply) => renderShow(reply, await load(request.actor!, request.params.reportId)),
  )

  app.get<{ Params: ReportParams }>(
    '/reports/:reportId/edit',
    { config: { policy: 'reports.write' }, schema: { params: ReportParams } },
    async (request, reply) => {
      const report = await load(request.actor!, request.params.reportId)
      if (report.status !== 'draft') return reply.redirect(`/reports/${report.id}`, 303)
      return formPage(
        reply,
        {
          title: 'Edit report details',
          action: `/reports/${report.id}/edit`,
          backLink: `/reports/${report.id}`,
          version: report.version,
        },
        reportInputOf(report),
        {},
      )
    },
  )

  app.post<{ Params: ReportParams; Body: FormBody }>(
    '/reports/:reportId/edit',
    { config: { policy: 'reports.write' }, schema: { params: ReportParams, body: FormBody } },
    async (request, reply) => {
      const id = request.params.reportId
      const values = readReportForm(request.body)
      const version = optionalInt(field(request.body, 'version')) ?? 0
      const opts = {
        title: 'Edit report details',
        action: `/reports/${id}/edit`,
        backLink: `/reports/${id}`,
        version,
      }
      return handleForm(reply, {
        save: () => reports.update(request.actor!, id, version, values),
        onInvalid: (errs) => formPage(reply, opts, values, errs, 400),
        onConflict: whenStale((conflict) => {
          const saved = conflict.current as PanelReport
          const theirs = reportInputOf(saved)
          const row = (label: string, yours: string, was: string) => ({ label, yours, saved: was })
          return renderConflict(reply, {
            title: saved.title,
            recordUrl: `/reports/${id}`,
            action: `/reports/${id}/edit`,
            rows: [
              row('Title', values.title, theirs.title),
              row('Reporting period', values.period, theirs.period),
              row('Summary', values.summary, theirs.summary),
              row('Resources', values.resourcesNarrative, theirs.resourcesNarrative),
            ],
            resubmit: resubmitFields(request.body),
            savedVersion: saved.version,
          })
        }),
        onSaved: () => {
          reply.flash('Report details updated')
          return reply.redirect(`/reports/${id}`, 303)
        },
      })
    },
  )

  app.post<{ Params: ReportParams; Body: FormBody }>(
    '/reports/:reportId/areas',
    { config: { policy: 'reports.write' }, schema: { params: ReportParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const report = await load(actor, request.params.reportId)
      const area = { text: field(request.body, 'areaText'), owner: field(request.body, 'areaOwner') }
      return handleForm(reply, {
        save: () =>
          reports.addArea(actor, report.id, { text: area.text, ownerUserId: optionalInt(area.owner) }),
        onInvalid: (errs) => renderShow(reply, report, errs, area),
        // A report frozen meanwhile is the error handler's 409; only a stale draft is asked to try again.
        onConflict: whenStale(async () =>
          renderShow(
            reply,
            await load(actor, report.id),
            { areaText: 'The report changed while you were adding this: add it again' },
            area,
          ),
        ),
        onSaved: () => {
          reply.flash('Area for consideration added')
          return reply.redirect(`/reports/${report.id}#areas`, 303)
        },
      })
    },
  )

  app.post<{ Params: ReportParams; Body: FormBody }>(
    '/reports/:reportId/areas/remove',
    { config: { policy: 'reports.write' }, schema: { params: ReportParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const report = await load(actor, request.params.reportId)
      const areaId = optionalInt(field(request.body, 'areaId'))
      if (areaId === null) throw notFound('Area for consideration')
      await reports.removeArea(actor, report.id, areaId)
      reply.flash('Area for consideration removed')
      return reply.redirect(`/reports/${report.id}#areas`, 303)
    },
  )

  app.post<{ Params: ReportParams; Body: FormBody }>(
    '/reports/:reportId/submit',
    { config: { policy: 'reports.write' }, schema: { params: ReportParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const report = await load(actor, request.params.reportId)
      const version = optionalInt(field(request.body, 'version')) ?? 0
      const submitted = await reports.submit(actor, report.id, version)
      reply.flash(`Report submitted and frozen. Content hash ${submitted.content_hash ?? ''}`)
      return reply.redirect(`/reports/${report.id}`, 303)
    },
  )

  for (const format of ['html', 'docx', 'pdf'] as const satisfies readonly PaperFormat[]) {
    app.get<{ Params: ReportParams }>(
      `/reports/:reportId/report.${format}`,
      { config: { policy: 'portfolio.read' }, schema: { params: ReportParams } },
      async (request, reply) => {
        const actor = request.actor!
        const report = await load(actor, request.params.reportId)
        const bytes = await reports.file(actor, report, format)
        const disposition = format === 'html' ? 'inline' : 'attachment'
        return reply
          .type(CONTENT_TYPES[format])
          .header('content-disposition', `${disposition}; filename="${fileName(report.title, format)}"`)
          .send(bytes)
      },
    )
  }

  app.get<{ Params: { meetingId: number } }>(
    '/meetings/:meetingId/papers',
    { config: { policy: 'portfolio.read' }, schema: { params: MeetingParams } },
    async (request, reply) => {
      const actor = request.actor!
      const meeting = await reports.meeting(actor.organisationId, request.params.meetingId)
      if (!meeting) throw notFound('Meeting')
      const papers = await reports.papersForMeeting(scopeOf(actor), meeting.id)
      return reply.render('reports/views/papers.njk', {
        title: `Papers for the meeting of ${formatDate(meeting.meetingDate)}`,
        breadcrumbs: [
          { text: 'Dashboard', href: '/' },
          { text: 'Meeting', href: `/meetings/${meeting.id}` },
        ],
        meeting,
        rows: papers.map((r) => [
          { html: `<a class="govuk-link" href="/reports/${r.id}">${escapeHtml(r.title)}</a>` },
          { text: formatDateTime(r.submitted_at ?? '') },
          { html: `<code class="app-hash">${r.content_hash ?? ''}</code>` },
          {
            html: `<a class="govuk-link" href="/reports/${r.id}/report.docx">DOCX</a>, <a class="govuk-link" href="/reports/${r.id}/report.pdf">PDF</a>, <a class="govuk-link" href="/reports/${r.id}/report.html">HTML</a>`,
          },
        ]),
      })
    },
  )
}
