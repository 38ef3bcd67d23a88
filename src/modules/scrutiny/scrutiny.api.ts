import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import type { AgendaItem, Committee, Meeting } from '../../db/schema.ts'
import { notFound } from '../../errors.ts'
import {
  IdParams,
  IsoDate,
  OneOf,
  ListOf,
  Nullable,
  Paging,
  STANDARD_ERRORS,
  Timestamp,
  WRITE_ERRORS,
} from '../../web/api-schemas.ts'
import { apiList } from '../../web/pagination.ts'
import { COMMITTEE_KINDS, MEETING_STATUSES } from './scrutiny.rules.ts'
import { recommendationsApi } from './recommendations.api.ts'

const NullableString = Nullable(Type.String())

const CommitteeSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    name: Type.String(),
    code: Type.String({ description: 'Prefix of its recommendations’ references, e.g. PMP' }),
    kind: Type.String({ description: 'scrutiny_panel, executive or programme_board' }),
    description: Type.String(),
    responseMonths: Type.Integer({ description: 'Calendar months after the meeting a response is due' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Committee' },
)
const AgendaItemSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    meetingId: Type.Integer(),
    number: Type.String(),
    title: Type.String(),
    purpose: Type.String(),
    reportsPresented: Type.String(),
    presenters: Type.String(),
    minutes: Type.String({ description: 'Markdown' }),
  },
  { $id: 'AgendaItem' },
)
const MeetingSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    committeeId: Type.Integer(),
    meetingDate: IsoDate,
    startTime: Nullable(Type.String({ description: 'HH:MM, London time' })),
    place: Type.String(),
    status: Type.String({ description: 'scheduled, held or cancelled' }),
    items: Type.Optional(Type.Array(AgendaItemSchema)),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Meeting' },
)
const committeeJson = (c: Committee): Static<typeof CommitteeSchema> => ({
  id: c.id,
  version: c.version,
  name: c.name,
  code: c.code,
  kind: c.kind,
  description: c.description,
  responseMonths: c.response_months,
  createdAt: c.created_at,
  updatedAt: c.updated_at,
})
const itemJson = (i: AgendaItem): Static<typeof AgendaItemSchema> => ({
  id: i.id,
  version: i.version,
  meetingId: i.meeting_id,
  number: i.number,
  title: i.title,
  purpose: i.purpose,
  reportsPresented: i.reports_presented,
  presenters: i.presenters,
  minutes: i.minutes,
})
const meetingJson = (m: Meeting, items?: AgendaItem[]): Static<typeof MeetingSchema> => ({
  id: m.id,
  version: m.version,
  committeeId: m.committee_id,
  meetingDate: m.meeting_date,
  startTime: m.start_time,
  place: m.place,
  status: m.status,
  ...(items ? { items: items.map(itemJson) } : {}),
  createdAt: m.created_at,
  updatedAt: m.updated_at,
})

const CommitteeBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    code: Type.Optional(Type.String({ maxLength: 10 })),
    kind: OneOf(COMMITTEE_KINDS),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    responseMonths: Type.Optional(Type.Integer({ minimum: 1, maximum: 12 })),
  },
  { additionalProperties: false },
)
const MeetingBody = Type.Object(
  {
    committeeId: Type.Integer({ minimum: 1 }),
    meetingDate: IsoDate,
    startTime: Type.Optional(NullableString),
    place: Type.Optional(Type.String({ maxLength: 300 })),
    status: Type.Optional(OneOf(MEETING_STATUSES)),
  },
  { additionalProperties: false },
)
// Fields are optional in the schema so the record is looked up first (another organisation's is a 404); the
// service then names any missing field in a 400.
const ItemBody = Type.Object(
  {
    number: Type.Optional(Type.String({ maxLength: 10 })),
    title: Type.Optional(Type.String({ maxLength: 300 })),
    purpose: Type.Optional(Type.String({ maxLength: 5000 })),
    reportsPresented: Type.Optional(Type.String({ maxLength: 5000 })),
    presenters: Type.Optional(Type.String({ maxLength: 1000 })),
    minutes: Type.Optional(Type.String({ maxLength: 50000 })),
  },
  { additionalProperties: false },
)

/**
 * Committees, their meetings and the meetings' agenda items in the API. Recommendations are a slice of
 * their own, registered here.
 */
export async function scrutinyApi(app: FastifyInstance) {
  const { scrutiny } = app.services
  const tags = ['Scrutiny']

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/v1/committees',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'List committees',
        querystring: Type.Object(Paging),
        response: { 200: ListOf(CommitteeSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const scope = scopeOf(request.actor!)
      return apiList(request.query, (w) => scrutiny.listCommittees(scope, w.offset, w.limit), committeeJson)
    },
  )
  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/committees/:id',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'Read a committee',
        params: IdParams,
        response: { 200: CommitteeSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const c = await scrutiny.getCommittee(scopeOf(request.actor!), request.params.id)
      if (!c) throw notFound('Committee')
      return committeeJson(c)
    },
  )
  app.post<{ Body: Static<typeof CommitteeBody> }>(
    '/api/v1/committees',
    {
      config: { policy: 'scrutiny.record' },
      schema: {
        tags,
        summary: 'Create a committee',
        body: CommitteeBody,
        response: { 201: CommitteeSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const b = request.body
      const c = await scrutiny.createCommittee(request.actor!, {
        name: b.name,
        code: b.code ?? '',
        kind: b.kind,
        description: b.description ?? '',
        responseMonths: b.responseMonths ?? 2,
      })
      return reply.status(201).header('location', `/api/v1/committees/${c.id}`).send(committeeJson(c))
    },
  )

  const ListQuery = Type.Object({ ...Paging, committeeId: Type.Optional(Type.Integer({ minimum: 1 })) })
  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/v1/meetings',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'List meetings, latest first',
        querystring: ListQuery,
        response: { 200: ListOf(MeetingSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const { committeeId } = request.query
      const scope = scopeOf(request.actor!)
      return apiList(
        request.query,
        (w) => scrutiny.listMeetings(scope, { committeeId, ...w }),
        (m) => meetingJson(m),
      )
    },
  )
  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/meetings/:id',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'Read a meeting with its agenda items',
        params: IdParams,
        response: { 200: MeetingSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const scope = scopeOf(request.actor!)
      const m = await scrutiny.getMeeting(scope, request.params.id)
      if (!m) throw notFound('Meeting')
      return meetingJson(m, await scrutiny.items(scope, m.id))
    },
  )
  app.post<{ Body: Static<typeof MeetingBody> }>(
    '/api/v1/meetings',
    {
      config: { policy: 'scrutiny.record' },
      schema: {
        tags,
        summary: 'Add a meeting of a committee',
        body: MeetingBody,
        response: { 201: MeetingSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const b = request.body
      const m = await scrutiny.createMeeting(request.actor!, b.committeeId, {
        meetingDate: b.meetingDate,
        startTime: b.startTime ?? '',
        place: b.place ?? '',
        status: b.status ?? 'scheduled',
      })
      return reply.status(201).header('location', `/api/v1/meetings/${m.id}`).send(meetingJson(m, []))
    },
  )
  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof ItemBody> }>(
    '/api/v1/meetings/:id/items',
    {
      config: { policy: 'scrutiny.record' },
      schema: {
        tags,
        summary: 'Add an agenda item to a meeting',
        params: IdParams,
        body: ItemBody,
        response: { 201: AgendaItemSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const b = request.body
      const i = await scrutiny.createItem(request.actor!, request.params.id, {
        number: b.number ?? '',
        title: b.title ?? '',
        purpose: b.purpose ?? '',
        reportsPresented: b.reportsPresented ?? '',
        presenters: b.presenters ?? '',
        minutes: b.minutes ?? '',
      })
      return reply.status(201).send(itemJson(i))
    },
  )

  await app.register(recommendationsApi)
}
