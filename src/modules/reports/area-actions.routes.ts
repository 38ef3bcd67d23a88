import { Type } from '@sinclair/typebox'
import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import type { ReportArea } from '../../db/schema.ts'
import { formatDate, todayInLondon } from '../../domain/dates.ts'
import { notFound } from '../../errors.ts'
import { escapeHtml } from '../../web/escape.ts'
import {
  dateItems,
  handleForm,
  readDate,
  renderConflict,
  resubmitFields,
  whenStale,
} from '../../web/form-pages.ts'
import { errorList, field, FormBody, optionalInt } from '../../web/forms.ts'
import {
  AREA_ACTION_STATUS_LABELS,
  AREA_ACTION_STATUSES,
  areaActionTag,
  isAreaActionStatus,
  type AreaActionInput,
} from './area-actions.rules.ts'

const AreaParams = Type.Object({
  reportId: Type.Integer({ minimum: 1 }),
  areaId: Type.Integer({ minimum: 1 }),
})
type AreaParams = { reportId: number; areaId: number }

const FIELD_ORDER = ['ownerUserId', 'dueOn', 'status', 'note', 'notedOn']

const tagHtml = (t: { text: string; classes: string }) =>
  `<strong class="govuk-tag ${t.classes}">${escapeHtml(t.text)}</strong>`

/** Reads the action form: the dates' own errors join those the service finds. */
function readForm(body: FormBody): { input: AreaActionInput; errors: Record<string, string> } {
  const errors: Record<string, string> = {}
  const dueOn = readDate(body, 'dueOn', 'Due date', errors)
  const notedOn = readDate(body, 'notedOn', 'Date of the progress', errors)
  return {
    input: {
      ownerUserId: optionalInt(field(body, 'ownerUserId')),
      dueOn,
      status: field(body, 'status'),
      note: field(body, 'note'),
      notedOn,
    },
    errors,
  }
}

const statusLabel = (s: string) => (isAreaActionStatus(s) ? AREA_ACTION_STATUS_LABELS[s] : s)

/**
 * Areas for consideration as tracked actions (issue 12): the action's page, where its owner or the programme
 * office moves it on with a dated progress note, and "Your actions", each person's own list.
 */
export async function areaActionsRoutes(app: FastifyInstance) {
  const { areaActions, reports } = app.services

  async function renderAction(
    reply: FastifyReply,
    params: AreaParams,
    errors: Record<string, string> = {},
    body: FormBody | null = null,
  ) {
    const actor = reply.request.actor!
    const found = await areaActions.get(scopeOf(actor), params.reportId, params.areaId)
    const report = found && (await reports.get(scopeOf(actor), params.reportId))
    if (!found || !report) throw notFound('Area for consideration')
    const { area, notes, ownerName } = found
    const today = todayInLondon()
    const owners = await areaActions.owners(actor.organisationId)
    const ownerValue = body ? field(body, 'ownerUserId') : String(area.owner_user_id ?? '')
    const statusValue = body ? field(body, 'status') : area.status
    return reply.render(
      'reports/views/area-action.njk',
      {
        title: 'Area for consideration',
        breadcrumbs: [
          { text: 'Reports', href: '/reports' },
          { text: report.title, href: `/reports/${report.id}` },
        ],
        area,
        report,
        canUpdate: areaActions.mayUpdate(actor, area),
        summaryRows: [
          { key: { text: 'Owner' }, value: { text: ownerName } },
          { key: { text: 'Due' }, value: { text: area.due_on ? formatDate(area.due_on) : 'No due date' } },
          { key: { text: 'Status' }, value: { html: tagHtml(areaActionTag(area, today)) } },
        ],
        notes: notes.map((n) => ({ ...n, notedOn: formatDate(n.noted_on) })),
        ownerItems: [
          { value: '', text: 'Select an owner' },
          ...owners.map((o) => ({
            value: String(o.userId),
            text: `${o.name} (${o.roleLabel})`,
            selected: String(o.userId) === ownerValue,
          })),
        ],
        statusItems: AREA_ACTION_STATUSES.map((s) => ({
          value: s,
          text: AREA_ACTION_STATUS_LABELS[s],
          checked: s === statusValue,
        })),
        dueItems: dateItems(body, 'dueOn', area.due_on, Boolean(errors.dueOn)),
        notedItems: dateItems(body, 'notedOn', null, Boolean(errors.notedOn)),
        note: body ? field(body, 'note') : '',
        errors,
        errorList: errorList(errors, FIELD_ORDER),
      },
      Object.keys(errors).length > 0 ? 400 : 200,
    )
  }

  app.get<{ Params: AreaParams }>(
    '/reports/:reportId/areas/:areaId',
    { config: { policy: 'portfolio.read' }, schema: { params: AreaParams } },
    async (request, reply) => renderAction(reply, request.params),
  )

  app.post<{ Params: AreaParams; Body: FormBody }>(
    '/reports/:reportId/areas/:areaId',
    { config: { policy: 'actions.progress' }, schema: { params: AreaParams, body: FormBody } },
    async (request, reply) => {
      const actor = request.actor!
      const { reportId, areaId } = request.params
      const { input, errors } = readForm(request.body)
      const version = optionalInt(field(request.body, 'version')) ?? 0
      const url = `/reports/${reportId}/areas/${areaId}`
      return handleForm(reply, {
        errors,
        save: () => areaActions.update(actor, reportId, areaId, version, input),
        onInvalid: (errs) => renderAction(reply, request.params, errs, request.body),
        onConflict: whenStale(async (conflict) => {
          const saved = conflict.current as ReportArea
          const names = new Map(
            (await areaActions.owners(actor.organisationId)).map((o) => [o.userId, o.name]),
          )
          const ownerOf = (id: number | null) => (id === null ? '' : (names.get(id) ?? ''))
          return renderConflict(reply, {
            title: saved.text,
            recordUrl: url,
            action: url,
            rows: [
              { label: 'Owner', yours: ownerOf(input.ownerUserId), saved: ownerOf(saved.owner_user_id) },
              { label: 'Due', yours: formatDate(input.dueOn), saved: formatDate(saved.due_on) },
              { label: 'Status', yours: statusLabel(input.status), saved: statusLabel(saved.status) },
            ],
            resubmit: resubmitFields(request.body),
            savedVersion: saved.version,
          })
        }),
        onSaved: () => {
          reply.flash('Action updated')
          return reply.redirect(url, 303)
        },
      })
    },
  )

  app.get('/account/actions', { config: { policy: 'signedIn' } }, async (request, reply) => {
    const actor = request.actor!
    const today = todayInLondon()
    const rows = await areaActions.forOwner(actor)
    return reply.render('reports/views/your-actions.njk', {
      title: 'Your actions',
      breadcrumbs: [{ text: 'Your account', href: '/account' }],
      rows: rows.map((a) => [
        {
          html: `<a class="govuk-link" href="/reports/${a.report_id}/areas/${a.id}">${escapeHtml(a.text)}</a>`,
        },
        { html: `<a class="govuk-link" href="/reports/${a.report_id}">${escapeHtml(a.reportTitle)}</a>` },
        { text: a.due_on ? formatDate(a.due_on) : 'No due date' },
        { html: tagHtml(areaActionTag(a, today)) },
      ]),
    })
  })
}
