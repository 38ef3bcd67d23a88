import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import type { Meeting } from '../../db/schema.ts'
import { formatDate, todayInLondon } from '../../domain/dates.ts'
import { IdParams } from '../../web/api-schemas.ts'
import { renderConflict, resubmitFields } from '../../web/form-pages.ts'
import { meetingConflictRows } from './scrutiny.conflicts.ts'
import { field, FormBody, optionalInt } from '../../web/forms.ts'
import { meetingFormContext, readMeeting } from './committees.routes.ts'
import { attendanceView } from './attendance.routes.ts'
import { meetingStatusLabel } from './scrutiny.rules.ts'
import { meetingOr404 as loadMeeting, saveScrutinyForm, type Id, type IdForm } from './scrutiny.view.ts'
import { documentsSection } from '../attachments/attachments.section.ts'
import { agendaItemsRoutes } from './agenda-items.routes.ts'

/** Committee meetings on pages: the list, each meeting's page and its edit form. Agenda items are registered here. */
export async function meetingsRoutes(app: FastifyInstance) {
  const { scrutiny } = app.services

  app.get('/meetings', { config: { policy: 'portfolio.read' } }, async (request, reply) => {
    const rows = await scrutiny.listMeetings(scopeOf(request.actor!), {})
    const today = todayInLondon()
    const view = rows.map((m) => ({ ...m, statusLabel: meetingStatusLabel(m.status) }))
    return reply.render('scrutiny/views/meetings.njk', {
      title: 'Meetings',
      breadcrumbs: [{ text: 'Scrutiny', href: '/scrutiny' }],
      upcoming: view.filter((m) => m.meeting_date >= today).reverse(),
      past: view.filter((m) => m.meeting_date < today),
    })
  })

  app.get<Id>(
    '/meetings/:id',
    { config: { policy: 'portfolio.read' }, schema: { params: IdParams } },
    async (request, reply) => {
      const actor = request.actor!
      const m = await loadMeeting(reply, request.params.id)
      const scope = scopeOf(actor)
      const [committee, items, attended] = await Promise.all([
        scrutiny.getCommittee(scope, m.committee_id),
        scrutiny.items(scope, m.id),
        app.services.attendance.of(scope, m.id),
      ])
      return reply.render('scrutiny/views/meeting-show.njk', {
        title: `${committee?.name ?? 'Meeting'}: ${formatDate(m.meeting_date)}`,
        breadcrumbs: [
          { text: 'Scrutiny', href: '/scrutiny' },
          { text: committee?.name ?? 'Committee', href: `/committees/${m.committee_id}` },
        ],
        meeting: { ...m, statusLabel: meetingStatusLabel(m.status) },
        documentsSection: await documentsSection(app, actor, 'meeting', m.id),
        committee,
        items,
        attendance: attendanceView(attended?.attendees ?? []),
        canRecord: allows('scrutiny.record', actor.role),
      })
    },
  )

  const MEETING_FORM = 'scrutiny/views/meeting-form.njk'
  app.get<Id>(
    '/meetings/:id/edit',
    { config: { policy: 'scrutiny.record' }, schema: { params: IdParams } },
    async (request, reply) => {
      const m = await loadMeeting(reply, request.params.id)
      return reply.render(MEETING_FORM, {
        title: 'Edit meeting',
        backLink: `/meetings/${m.id}`,
        action: `/meetings/${m.id}/edit`,
        version: m.version,
        ...meetingFormContext(
          { meetingDate: m.meeting_date, startTime: m.start_time ?? '', place: m.place, status: m.status },
          null,
          {},
        ),
      })
    },
  )

  app.post<IdForm>(
    '/meetings/:id/edit',
    { config: { policy: 'scrutiny.record' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const m = await loadMeeting(reply, request.params.id)
      const errors: Record<string, string> = {}
      const values = readMeeting(request.body, errors)
      const version = optionalInt(field(request.body, 'version')) ?? 0
      const invalid = (errs: Record<string, string>, status: number) =>
        reply.render(
          MEETING_FORM,
          {
            title: 'Edit meeting',
            backLink: `/meetings/${m.id}`,
            action: `/meetings/${m.id}/edit`,
            version,
            ...meetingFormContext(values, request.body, { ...errs, ...errors }),
          },
          status,
        )
      if (Object.keys(errors).length > 0) return invalid({}, 400)
      return saveScrutinyForm(reply, {
        save: () => scrutiny.updateMeeting(request.actor!, m.id, version, values),
        invalid: invalid,
        onStale: (conflict) => {
          const saved = conflict.current as Meeting
          return renderConflict(reply, {
            title: `Meeting of ${formatDate(saved.meeting_date)}`,
            recordUrl: `/meetings/${m.id}`,
            action: `/meetings/${m.id}/edit`,
            rows: meetingConflictRows(values, saved),
            resubmit: resubmitFields(request.body),
            savedVersion: saved.version,
          })
        },
        onSaved: () => {
          reply.flash('Meeting updated')
          return reply.redirect(`/meetings/${m.id}`, 303)
        },
      })
    },
  )

  await app.register(agendaItemsRoutes)
}
