import type { FastifyInstance, FastifyReply } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import type { Meeting } from '../../db/schema.ts'
import { formatDate } from '../../domain/dates.ts'
import { notFound } from '../../errors.ts'
import { IdParams } from '../../web/api-schemas.ts'
import { renderConflict, resubmitFields } from '../../web/form-pages.ts'
import { errorList, field, FormBody, optionalInt } from '../../web/forms.ts'
import {
  ATTENDANCE_STATUSES,
  capacityText,
  readOthers,
  statusText,
  writeOthers,
  type AttendeeInput,
} from './attendance.rules.ts'
import { attendanceConflictRows } from './scrutiny.conflicts.ts'
import { saveScrutinyForm, type Id, type IdForm } from './scrutiny.view.ts'
import { memberRoleLabel } from './scrutiny.rules.ts'

const FORM = 'scrutiny/views/attendance-form.njk'

/** Who attended a meeting: shown on its own page, recorded by scrutiny from a form of the committee's members. */
export async function attendanceRoutes(app: FastifyInstance) {
  const { scrutiny, attendance } = app.services

  async function load(reply: FastifyReply, id: number) {
    const found = await attendance.of(scopeOf(reply.request.actor!), id)
    if (!found) throw notFound('Meeting')
    const members = await scrutiny.members(scopeOf(reply.request.actor!), found.meeting.committee_id)
    const committee = await scrutiny.getCommittee(scopeOf(reply.request.actor!), found.meeting.committee_id)
    return { ...found, members, committee }
  }

  function page(
    reply: FastifyReply,
    m: Meeting,
    committee: { name: string } | undefined,
    members: ReadonlyArray<{ id: number; name: string; role: string }>,
    values: { version: number; statusOf: Record<number, string>; others: string },
    errors: Record<string, string>,
    status = 200,
  ) {
    return reply.render(
      FORM,
      {
        title: `Attendance: ${committee?.name ?? 'meeting'}, ${formatDate(m.meeting_date)}`,
        backLink: `/meetings/${m.id}`,
        meeting: m,
        committee,
        version: values.version,
        others: values.others,
        members: members.map((mb) => ({
          id: mb.id,
          name: mb.name,
          role: mb.role === 'member' ? '' : memberRoleLabel(mb.role),
          items: [
            { value: '', text: 'Not recorded' },
            ...ATTENDANCE_STATUSES.map((s) => ({
              value: s.value,
              text: s.text,
              selected: values.statusOf[mb.id] === s.value,
            })),
          ],
          error: errors[`member-${mb.id}`],
        })),
        errors,
        errorList: errorList(errors, [...members.map((mb) => `member-${mb.id}`), 'others']),
      },
      status,
    )
  }

  app.get<Id>(
    '/meetings/:id/attendance',
    { config: { policy: 'scrutiny.record' }, schema: { params: IdParams } },
    async (request, reply) => {
      const { meeting, attendees, members, committee } = await load(reply, request.params.id)
      const statusOf: Record<number, string> = {}
      for (const a of attendees)
        if (a.committee_member_id !== null) statusOf[a.committee_member_id] = a.status
      return page(
        reply,
        meeting,
        committee,
        members,
        {
          version: meeting.version,
          statusOf,
          others: writeOthers(attendees.filter((a) => a.committee_member_id === null)),
        },
        {},
      )
    },
  )

  app.post<IdForm>(
    '/meetings/:id/attendance',
    { config: { policy: 'scrutiny.record' }, schema: { params: IdParams, body: FormBody } },
    async (request, reply) => {
      const { meeting, members, committee } = await load(reply, request.params.id)
      const version = optionalInt(field(request.body, 'version')) ?? 0
      const statusOf: Record<number, string> = {}
      const list: AttendeeInput[] = []
      for (const mb of members) {
        const status = field(request.body, `member-${mb.id}`)
        statusOf[mb.id] = status
        if (status !== '')
          list.push({ committeeMemberId: mb.id, name: mb.name, role: '', capacity: 'member', status })
      }
      const others = field(request.body, 'others')
      const memberLines = list.length
      list.push(...readOthers(others))
      // The service's keys name lines of the list; the page's fields are a member's select or the box.
      const onPage = (errs: Record<string, string>) => {
        const out: Record<string, string> = {}
        for (const [key, message] of Object.entries(errs)) {
          const i = Number(/^attendees\[(\d+)\]/.exec(key)?.[1] ?? -1)
          if (i >= 0 && i < memberLines) out[`member-${list[i]!.committeeMemberId}`] = message
          else if (i >= memberLines)
            out.others ??= `Line ${i - memberLines + 1} of also attending: ${message}`
          else out[key === 'version' ? 'others' : key] ??= message
        }
        return out
      }
      return saveScrutinyForm(reply, {
        save: () => attendance.record(request.actor!, meeting.id, version, list),
        invalid: (errs, status) =>
          page(reply, meeting, committee, members, { version, statusOf, others }, onPage(errs), status),
        // Two clerks recording the same meeting: the later one sees both lists and chooses, never a silent overwrite.
        onStale: async () => {
          const saved = await attendance.of(scopeOf(request.actor!), meeting.id)
          if (!saved) throw notFound('Meeting')
          return renderConflict(reply, {
            title: `Attendance: ${committee?.name ?? 'meeting'}, ${formatDate(saved.meeting.meeting_date)}`,
            recordUrl: `/meetings/${meeting.id}`,
            action: `/meetings/${meeting.id}/attendance`,
            rows: attendanceConflictRows(members, { statusOf, others }, saved.attendees),
            resubmit: resubmitFields(request.body),
            savedVersion: saved.meeting.version,
          })
        },
        onSaved: () => {
          reply.flash('Attendance recorded')
          return reply.redirect(`/meetings/${meeting.id}`, 303)
        },
      })
    },
  )
}

/** Attendance as the meeting page lists it. */
export function attendanceView(
  attendees: ReadonlyArray<{ name: string; role: string; capacity: string; status: string }>,
) {
  return attendees.map((a) => ({
    name: a.name,
    role: a.role,
    capacity: capacityText(a.capacity),
    status: statusText(a.status),
  }))
}
