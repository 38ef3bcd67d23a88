import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf, type Actor } from '../../auth/actor.ts'
import type { ItemPoint, Resolution } from '../../db/schema.ts'
import { notFound } from '../../errors.ts'
import {
  IdParams,
  ListOf,
  Nullable,
  Paging,
  STANDARD_ERRORS,
  Timestamp,
  WRITE_ERRORS,
} from '../../web/api-schemas.ts'
import { apiList } from '../../web/pagination.ts'
import { POINT_KINDS } from './scrutiny.rules.ts'

const PointSchema = Type.Object(
  {
    id: Type.Integer(),
    agendaItemId: Type.Integer(),
    parentId: Nullable(Type.Integer({ description: 'The point this one answers, if any' })),
    kind: Type.String({ description: 'comment, question or response' }),
    speakerName: Type.String(),
    speakerRole: Type.String(),
    text: Type.String(),
    position: Type.Integer(),
    createdAt: Timestamp,
  },
  { $id: 'ItemPoint' },
)
const ResolutionSchema = Type.Object(
  {
    id: Type.Integer(),
    agendaItemId: Type.Integer(),
    text: Type.String({ description: 'What the meeting agreed, without the "AGREED:" prefix' }),
    position: Type.Integer(),
    createdAt: Timestamp,
  },
  { $id: 'Resolution' },
)
const PointBody = Type.Object(
  {
    parentId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
    // Required, but checked by the service's rules after the item is found (404 first), as the page checks them.
    kind: Type.Optional(
      Type.Union(
        POINT_KINDS.map((k) => Type.Literal(k.value)),
        { description: 'Required' },
      ),
    ),
    speakerName: Type.Optional(Type.String({ maxLength: 200 })),
    speakerRole: Type.Optional(Type.String({ maxLength: 200 })),
    text: Type.Optional(Type.String({ maxLength: 10000, description: 'Required' })),
  },
  { additionalProperties: false },
)
const ResolutionBody = Type.Object(
  { text: Type.Optional(Type.String({ maxLength: 10000, description: 'Required' })) },
  { additionalProperties: false },
)
const FollowUpBody = Type.Object(
  {
    agendaItemId: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Required: the item of a later meeting that followed it up' }),
    ),
  },
  { additionalProperties: false },
)
const FollowUpSchema = Type.Object({
  id: Type.Integer(),
  version: Type.Integer(),
  followUpItemId: Nullable(Type.Integer()),
})
const ListQuery = Type.Object({ ...Paging })

const pointJson = (p: ItemPoint) => ({
  id: p.id,
  agendaItemId: p.agenda_item_id,
  parentId: p.parent_id,
  kind: p.kind,
  speakerName: p.speaker_name,
  speakerRole: p.speaker_role,
  text: p.text,
  position: p.position,
  createdAt: p.created_at,
})
const resolutionJson = (r: Resolution) => ({
  id: r.id,
  agendaItemId: r.agenda_item_id,
  text: r.text,
  position: r.position,
  createdAt: r.created_at,
})

/**
 * The minute of an agenda item in the API (issue 12), as its page keeps it: the points made (comments,
 * questions, officers' responses) and the meeting's resolutions, read by anyone signed in and recorded by
 * scrutiny; and a recommendation's follow-up at a later meeting.
 */
export async function minutesApi(app: FastifyInstance) {
  const { scrutiny } = app.services
  const tags = ['Scrutiny']

  async function itemOf(actor: Actor, id: number) {
    const item = await scrutiny.getItem(scopeOf(actor), id)
    if (!item) throw notFound('Agenda item')
    return item
  }

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof ListQuery> }>(
    '/api/v1/agenda-items/:id/points',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: "List the points of an agenda item's minute, in order",
        params: IdParams,
        querystring: ListQuery,
        response: { 200: ListOf(PointSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const item = await itemOf(request.actor!, request.params.id)
      const rows = await scrutiny.points(scopeOf(request.actor!), item.id)
      return apiList(
        request.query,
        (w) => Promise.resolve(rows.slice(w.offset, w.offset + w.limit)),
        pointJson,
      )
    },
  )

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof PointBody> }>(
    '/api/v1/agenda-items/:id/points',
    {
      config: { policy: 'scrutiny.record' },
      schema: {
        tags,
        summary:
          'Add a point to the minute: a comment, a question, or a response threaded under another point',
        params: IdParams,
        body: PointBody,
        response: { 201: PointSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const b = request.body
      const row = await scrutiny.addPoint(request.actor!, request.params.id, {
        parentId: b.parentId ?? null,
        kind: b.kind ?? '',
        speakerName: b.speakerName ?? '',
        speakerRole: b.speakerRole ?? '',
        text: b.text ?? '',
      })
      return reply.status(201).send(pointJson(row))
    },
  )

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof ListQuery> }>(
    '/api/v1/agenda-items/:id/resolutions',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'List what the meeting agreed under an agenda item, in order',
        params: IdParams,
        querystring: ListQuery,
        response: { 200: ListOf(ResolutionSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const item = await itemOf(request.actor!, request.params.id)
      const rows = await scrutiny.resolutions(scopeOf(request.actor!), item.id)
      return apiList(
        request.query,
        (w) => Promise.resolve(rows.slice(w.offset, w.offset + w.limit)),
        resolutionJson,
      )
    },
  )

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof ResolutionBody> }>(
    '/api/v1/agenda-items/:id/resolutions',
    {
      config: { policy: 'scrutiny.record' },
      schema: {
        tags,
        summary: 'Record a resolution ("AGREED: …") under an agenda item',
        params: IdParams,
        body: ResolutionBody,
        response: { 201: ResolutionSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const row = await scrutiny.addResolution(request.actor!, request.params.id, request.body.text ?? '')
      return reply.status(201).send(resolutionJson(row))
    },
  )

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof FollowUpBody> }>(
    '/api/v1/recommendations/:id/follow-up',
    {
      config: { policy: 'scrutiny.record' },
      schema: {
        tags,
        summary:
          'Record the agenda item of a later meeting at which the panel followed the recommendation up',
        params: IdParams,
        body: FollowUpBody,
        response: { 200: FollowUpSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const r = await scrutiny.recommendations.linkFollowUp(
        request.actor!,
        request.params.id,
        request.body.agendaItemId ?? null,
      )
      return { id: r.id, version: r.version, followUpItemId: r.follow_up_item_id }
    },
  )
}
