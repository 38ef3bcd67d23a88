import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { notFound } from '../../errors.ts'
import { IdParams, Nullable, STANDARD_ERRORS, WRITE_ERRORS } from '../../web/api-schemas.ts'
import { ATTENDANCE_STATUSES, CAPACITIES, MAX_ATTENDEES } from './attendance.rules.ts'

const Attendee = Type.Object(
  {
    committeeMemberId: Nullable(Type.Integer({ description: 'The committee member; null for anyone else' })),
    name: Type.String(),
    role: Type.String(),
    capacity: Type.String({ description: CAPACITIES.map((c) => c.value).join(', ') }),
    status: Type.String({ description: ATTENDANCE_STATUSES.map((s) => s.value).join(', ') }),
  },
  { $id: 'Attendee' },
)
const AttendanceSchema = Type.Object(
  {
    meetingId: Type.Integer(),
    version: Type.Integer({ description: "The meeting's version: send it back to record a change" }),
    attendees: Type.Array(Type.Ref('Attendee')),
  },
  { $id: 'Attendance' },
)
const AttendanceBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    attendees: Type.Array(
      Type.Object(
        {
          committeeMemberId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
          name: Type.Optional(
            Type.String({ maxLength: 200, description: 'Required unless a committee member' }),
          ),
          role: Type.Optional(Type.String({ maxLength: 200 })),
          capacity: Type.Optional(
            Type.String({ maxLength: 20, description: 'Required: member for a committee member' }),
          ),
          status: Type.Optional(Type.String({ maxLength: 20, description: 'Required' })),
        },
        { additionalProperties: false },
      ),
      { maxItems: MAX_ATTENDEES },
    ),
  },
  { additionalProperties: false },
)

type Row = {
  committee_member_id: number | null
  name: string
  role: string
  capacity: string
  status: string
}
const json = (meeting: { id: number; version: number }, rows: readonly Row[]) => ({
  meetingId: meeting.id,
  version: meeting.version,
  attendees: rows.map((r) => ({
    committeeMemberId: r.committee_member_id,
    name: r.name,
    role: r.role,
    capacity: r.capacity,
    status: r.status,
  })),
})

/** A meeting's attendance in the API (issue 12): read by anyone who may read the meeting, recorded by scrutiny. */
export async function attendanceApi(app: FastifyInstance) {
  app.addSchema(Attendee)
  const { attendance } = app.services
  const tags = ['Scrutiny']

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/meetings/:id/attendance',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'Who attended a meeting: committee members present, with apologies or absent, and others',
        params: IdParams,
        response: { 200: AttendanceSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const found = await attendance.of(scopeOf(request.actor!), request.params.id)
      if (!found) throw notFound('Meeting')
      return json(found.meeting, found.attendees)
    },
  )

  app.put<{ Params: Static<typeof IdParams>; Body: Static<typeof AttendanceBody> }>(
    '/api/v1/meetings/:id/attendance',
    {
      config: { policy: 'scrutiny.record' },
      schema: {
        tags,
        summary: "Record a meeting's attendance: the whole list, against the meeting's version",
        params: IdParams,
        body: AttendanceBody,
        response: { 200: AttendanceSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const list = request.body.attendees.map((a) => ({
        committeeMemberId: a.committeeMemberId ?? null,
        name: a.name ?? '',
        role: a.role ?? '',
        capacity: a.capacity ?? (a.committeeMemberId ? 'member' : ''),
        status: a.status ?? '',
      }))
      const meeting = await attendance.record(request.actor!, request.params.id, request.body.version, list)
      const found = await attendance.of(scopeOf(request.actor!), meeting.id)
      return json(meeting, found!.attendees)
    },
  )
}
