import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { todayInLondon } from '../../domain/dates.ts'
import { notFound } from '../../errors.ts'
import {
  IdParams,
  IsoDate,
  OneOf,
  ListOf,
  Nullable,
  NullableDate,
  Paging,
  STANDARD_ERRORS,
  Timestamp,
  WRITE_ERRORS,
} from '../../web/api-schemas.ts'
import { apiListOrExport, ExportFormatQuery } from '../../web/exports.ts'
import { recommendationsExport } from './recommendations.export.ts'
import { effectiveStatus, trackerRows } from './recommendation-status.ts'
import { ADDRESSEES, RECOMMENDATION_KINDS, RECOMMENDATION_STATUSES, RESPONSES } from './scrutiny.rules.ts'

const NullableInt = Nullable(Type.Integer())
const NullableString = Nullable(Type.String())

const RecommendationSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    reference: Type.String(),
    kind: Type.String({ description: 'recommendation or request' }),
    text: Type.String(),
    committeeId: Type.Integer(),
    committeeName: Type.String(),
    agendaItemId: Type.Integer(),
    meetingId: Type.Integer(),
    addressedTo: Type.String({ description: 'portfolio_holder, executive or officer' }),
    addresseeUserId: NullableInt,
    addresseeName: NullableString,
    leadOfficerUserId: NullableInt,
    leadOfficerName: NullableString,
    madeOn: IsoDate,
    responseDueOn: IsoDate,
    response: Nullable(Type.String({ description: 'accepted, partly_accepted or rejected' })),
    responseReasons: Type.String(),
    respondedOn: NullableDate,
    respondedByName: Type.String(),
    status: Type.String({
      description:
        RECOMMENDATION_STATUSES.map((s) => s.value).join(', ') +
        ' (response_overdue is derived from the due date)',
    }),
    evidence: Type.String(),
    followUpItemId: NullableInt,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Recommendation' },
)

type Rec = NonNullable<Awaited<ReturnType<FastifyInstance['services']['scrutiny']['recommendations']['get']>>>

const recJson = (r: Rec, today: string): Static<typeof RecommendationSchema> => ({
  id: r.id,
  version: r.version,
  reference: r.reference,
  kind: r.kind,
  text: r.text,
  committeeId: r.committee_id,
  committeeName: r.committee_name,
  agendaItemId: r.agenda_item_id,
  meetingId: r.meeting_id,
  addressedTo: r.addressed_to,
  addresseeUserId: r.addressee_user_id,
  addresseeName: r.addressee_name,
  leadOfficerUserId: r.lead_officer_user_id,
  leadOfficerName: r.lead_officer_name,
  madeOn: r.made_on,
  responseDueOn: r.response_due_on,
  response: r.response,
  responseReasons: r.response_reasons,
  respondedOn: r.responded_on,
  respondedByName: r.responded_by_name,
  status: effectiveStatus(r, today),
  evidence: r.evidence,
  followUpItemId: r.follow_up_item_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
})

const RecommendationBody = Type.Object(
  {
    agendaItemId: Type.Integer({ minimum: 1 }),
    reference: Type.String({ minLength: 1, maxLength: 30 }),
    kind: OneOf(RECOMMENDATION_KINDS),
    text: Type.String({ minLength: 1, maxLength: 10000 }),
    addressedTo: OneOf(ADDRESSEES),
    addresseeUserId: Type.Integer({ minimum: 1 }),
    leadOfficerUserId: Type.Optional(NullableInt),
  },
  { additionalProperties: false },
)
const RespondBody = Type.Object(
  {
    version: Type.Optional(
      Type.Integer({ minimum: 1, description: 'The version you read; a stale one answers 409' }),
    ),
    response: Type.Optional(OneOf(RESPONSES)),
    reasons: Type.Optional(Type.String({ maxLength: 10000 })),
    respondedOn: Type.Optional(IsoDate),
  },
  { additionalProperties: false },
)

/** Scrutiny recommendations in the API: the tracker (and its export), each one, made at an agenda item, and answered. */
export async function recommendationsApi(app: FastifyInstance) {
  const recs = app.services.scrutiny.recommendations
  const tags = ['Scrutiny']

  const RecQuery = Type.Object({
    ...Paging,
    committeeId: Type.Optional(Type.Integer({ minimum: 1 })),
    addresseeUserId: Type.Optional(Type.Integer({ minimum: 1 })),
    format: ExportFormatQuery,
  })
  app.get<{ Querystring: Static<typeof RecQuery> }>(
    '/api/v1/recommendations',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'List recommendations and requests, latest first',
        querystring: RecQuery,
        response: { 200: ListOf(RecommendationSchema), ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const { committeeId, addresseeUserId } = request.query
      const scope = scopeOf(request.actor!)
      const today = todayInLondon()
      return apiListOrExport(
        reply,
        request.query,
        async (w) => trackerRows(await recs.list(scope, { committeeId, addresseeUserId, ...w }), today, ''),
        (r) => recJson(r, today),
        recommendationsExport,
      )
    },
  )
  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/recommendations/:id',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'Read a recommendation',
        params: IdParams,
        response: { 200: RecommendationSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const r = await recs.get(scopeOf(request.actor!), request.params.id)
      if (!r) throw notFound('Recommendation')
      return recJson(r, todayInLondon())
    },
  )
  app.post<{ Body: Static<typeof RecommendationBody> }>(
    '/api/v1/recommendations',
    {
      config: { policy: 'scrutiny.record' },
      schema: {
        tags,
        summary:
          'Record a recommendation or request at an agenda item; the response is due the committee’s months after the meeting',
        body: RecommendationBody,
        response: { 201: RecommendationSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const b = request.body
      const actor = request.actor!
      const created = await recs.create(actor, b.agendaItemId, {
        reference: b.reference,
        kind: b.kind,
        text: b.text,
        addressedTo: b.addressedTo,
        addresseeUserId: b.addresseeUserId,
        leadOfficerUserId: b.leadOfficerUserId ?? null,
      })
      const r = (await recs.get(scopeOf(actor), created.id))!
      return reply
        .status(201)
        .header('location', `/api/v1/recommendations/${r.id}`)
        .send(recJson(r, todayInLondon()))
    },
  )
  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof RespondBody> }>(
    '/api/v1/recommendations/:id/respond',
    {
      config: { policy: 'scrutiny.respond' },
      schema: {
        tags,
        summary:
          'Respond to a recommendation: only its addressee, its lead officer or an administrator (403 otherwise)',
        params: IdParams,
        body: RespondBody,
        response: { 200: RecommendationSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const b = request.body
      const actor = request.actor!
      await recs.respond(actor, request.params.id, b.version ?? null, {
        response: b.response ?? '',
        reasons: b.reasons ?? '',
        respondedOn: b.respondedOn ?? todayInLondon(),
      })
      return recJson((await recs.get(scopeOf(actor), request.params.id))!, todayInLondon())
    },
  )
}
