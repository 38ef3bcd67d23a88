import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import type { StatusReport } from '../../db/schema.ts'
import { RATINGS, type RatingScaleId } from '../../domain/dca.ts'
import { notFound } from '../../errors.ts'
import {
  IdParams,
  ListOf,
  STANDARD_ERRORS,
  Timestamp,
  WRITE_ERRORS,
  Nullable,
} from '../../web/api-schemas.ts'
import { apiList } from '../../web/pagination.ts'
import { labelOfRating } from './status-reports.rules.ts'

const Period = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' })
const Rating = Type.Union(
  RATINGS.map((r) => Type.Literal(r)),
  { description: "Must be on the organisation's delivery confidence scale" },
)

export const StatusReportSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    projectId: Type.Integer(),
    period: Type.String({ description: 'The month reported on, YYYY-MM' }),
    rating: Type.String({ description: 'Delivery confidence: green, amber_green, amber, amber_red or red' }),
    ratingLabel: Type.String(),
    narrative: Type.String(),
    achievements: Type.String(),
    nextSteps: Type.String(),
    keyIssues: Type.String(),
    reportedBy: Type.Object({
      id: Nullable(Type.Integer({ description: 'Null once the user has been removed' })),
      name: Type.String(),
    }),
    reportedAt: Timestamp,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'StatusReport' },
)

const Text = Type.String({ maxLength: 10_000 })

const CreateBody = Type.Object(
  {
    projectId: Type.Integer({ minimum: 1 }),
    period: Period,
    rating: Rating,
    narrative: Type.String({ minLength: 1, maxLength: 10_000 }),
    achievements: Type.Optional(Text),
    nextSteps: Type.Optional(Text),
    keyIssues: Type.Optional(Text),
  },
  { additionalProperties: false },
)

const UpdateBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: 'The version you read; a stale one answers 409' }),
    period: Type.Optional(Period),
    rating: Type.Optional(Rating),
    narrative: Type.Optional(Type.String({ minLength: 1, maxLength: 10_000 })),
    achievements: Type.Optional(Text),
    nextSteps: Type.Optional(Text),
    keyIssues: Type.Optional(Text),
  },
  { additionalProperties: false },
)

const ListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  cursor: Type.Optional(Type.String({ description: 'The `next` value of the previous page' })),
  projectId: Type.Optional(Type.Integer({ minimum: 1 })),
  period: Type.Optional(Period),
  rating: Type.Optional(Rating),
})

export function statusReportJson(r: StatusReport, scale: RatingScaleId): Static<typeof StatusReportSchema> {
  return {
    id: r.id,
    version: r.version,
    projectId: r.project_id,
    period: r.period,
    rating: r.rating,
    ratingLabel: labelOfRating(scale, r.rating),
    narrative: r.narrative,
    achievements: r.achievements,
    nextSteps: r.next_steps,
    keyIssues: r.key_issues,
    reportedBy: { id: r.reported_by, name: r.reported_by_name },
    reportedAt: r.reported_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}

export async function statusReportsApi(app: FastifyInstance) {
  const { statusReports } = app.services
  const tags = ['Status reports']

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/v1/status-reports',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'List monthly status reports',
        description: 'Newest period first. Every report is kept, so this is the full history.',
        querystring: ListQuery,
        response: { 200: ListOf(StatusReportSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      return apiList(
        request.query,
        (window) =>
          statusReports.list(scopeOf(actor), {
            projectId: request.query.projectId,
            period: request.query.period,
            rating: request.query.rating,
            ...window,
          }),
        (r) => statusReportJson(r, actor.ratingScale),
      )
    },
  )

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/status-reports/:id',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'Read a status report',
        params: IdParams,
        response: { 200: StatusReportSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const r = await statusReports.get(scopeOf(actor), request.params.id)
      if (!r) throw notFound('Status report')
      return statusReportJson(r, actor.ratingScale)
    },
  )

  app.post<{ Body: Static<typeof CreateBody> }>(
    '/api/v1/status-reports',
    {
      config: { policy: 'delivery.write' },
      schema: {
        tags,
        summary: "Submit a project's monthly status report",
        description: 'One report per project per period; a second for the same period answers 400.',
        body: CreateBody,
        response: { 201: StatusReportSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = request.actor!
      const b = request.body
      const created = await statusReports.create(actor, b.projectId, {
        period: b.period,
        rating: b.rating,
        narrative: b.narrative,
        achievements: b.achievements ?? '',
        nextSteps: b.nextSteps ?? '',
        keyIssues: b.keyIssues ?? '',
      })
      return reply
        .status(201)
        .header('location', `/api/v1/status-reports/${created.id}`)
        .send(statusReportJson(created, actor.ratingScale))
    },
  )

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof UpdateBody> }>(
    '/api/v1/status-reports/:id',
    {
      config: { policy: 'delivery.write' },
      schema: {
        tags,
        summary: 'Update a status report',
        params: IdParams,
        body: UpdateBody,
        response: { 200: StatusReportSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const { version, ...patch } = request.body
      const updated = await statusReports.update(actor, request.params.id, version, patch)
      return statusReportJson(updated, actor.ratingScale)
    },
  )
}
