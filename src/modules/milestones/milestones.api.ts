import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import type { Milestone } from '../../db/schema.ts'
import { todayInLondon } from '../../domain/dates.ts'
import { MILESTONE_STATUSES } from '../../domain/slippage.ts'
import { notFound } from '../../errors.ts'
import {
  IdParams,
  ListOf,
  NullableDate,
  STANDARD_ERRORS,
  Timestamp,
  WRITE_ERRORS,
  Nullable,
} from '../../web/api-schemas.ts'
import { apiListOrExport, ExportFormatQuery } from '../../web/exports.ts'
import { milestonesExport } from './milestones.export.ts'
import { milestoneView, type MilestoneView } from './milestones.rules.ts'

const Status = Type.Union(MILESTONE_STATUSES.map((s) => Type.Literal(s.value)))

export const MilestoneSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    projectId: Type.Integer(),
    name: Type.String(),
    description: Type.String(),
    baselineDate: NullableDate,
    forecastDate: NullableDate,
    actualDate: NullableDate,
    status: Type.String(),
    isKey: Type.Boolean({ description: 'A key milestone counts towards the time tolerance' }),
    slippageDays: Nullable(
      Type.Integer({ description: 'Actual (else forecast) minus baseline, in days; negative is early' }),
    ),
    late: Type.Boolean({ description: 'Open and its forecast (else baseline) date has passed' }),
    atRisk: Type.Boolean({
      description: 'Open, not late, and forecast after baseline or due within 14 days',
    }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Milestone' },
)

const Fields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.String({ maxLength: 5000 }),
  baselineDate: NullableDate,
  forecastDate: NullableDate,
  actualDate: NullableDate,
  status: Status,
  isKey: Type.Boolean(),
}

const CreateBody = Type.Object(
  {
    projectId: Type.Integer({ minimum: 1 }),
    name: Fields.name,
    description: Type.Optional(Fields.description),
    baselineDate: Fields.baselineDate,
    forecastDate: Type.Optional(Fields.forecastDate),
    actualDate: Type.Optional(Fields.actualDate),
    status: Type.Optional(Fields.status),
    isKey: Type.Optional(Fields.isKey),
  },
  { additionalProperties: false },
)

const UpdateBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: 'The version you read; a stale one answers 409' }),
    name: Type.Optional(Fields.name),
    description: Type.Optional(Fields.description),
    baselineDate: Type.Optional(Fields.baselineDate),
    forecastDate: Type.Optional(Fields.forecastDate),
    actualDate: Type.Optional(Fields.actualDate),
    status: Type.Optional(Fields.status),
    isKey: Type.Optional(Fields.isKey),
  },
  { additionalProperties: false },
)

const ListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
  cursor: Type.Optional(Type.String({ description: 'The `next` value of the previous page' })),
  projectId: Type.Optional(Type.Integer({ minimum: 1 })),
  status: Type.Optional(Status),
  late: Type.Optional(
    Type.Boolean({ description: 'Only late milestones (true) or only those not late (false)' }),
  ),
  format: ExportFormatQuery,
})

export function milestoneJson(m: MilestoneView): Static<typeof MilestoneSchema> {
  return {
    id: m.id,
    version: m.version,
    projectId: m.project_id,
    name: m.name,
    description: m.description,
    baselineDate: m.baseline_date,
    forecastDate: m.forecast_date,
    actualDate: m.actual_date,
    status: m.status,
    isKey: m.is_key === 1,
    slippageDays: m.slippageDays,
    late: m.late,
    atRisk: m.atRisk,
    createdAt: m.created_at,
    updatedAt: m.updated_at,
  }
}

const jsonOf = (m: Milestone) => milestoneJson(milestoneView(m, todayInLondon()))

export async function milestonesApi(app: FastifyInstance) {
  const { milestones } = app.services
  const tags = ['Milestones']

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/v1/milestones',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'List milestones',
        description: 'Ordered by project, then baseline date. Slippage and flags are worked out as of today.',
        querystring: ListQuery,
        response: { 200: ListOf(MilestoneSchema), ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      return apiListOrExport(
        reply,
        request.query,
        (window) =>
          milestones.list(scopeOf(request.actor!), {
            projectId: request.query.projectId,
            status: request.query.status,
            late: request.query.late,
            ...window,
          }),
        milestoneJson,
        milestonesExport,
      )
    },
  )

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/milestones/:id',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'Read a milestone',
        params: IdParams,
        response: { 200: MilestoneSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const m = await milestones.get(scopeOf(request.actor!), request.params.id)
      if (!m) throw notFound('Milestone')
      return milestoneJson(m)
    },
  )

  app.post<{ Body: Static<typeof CreateBody> }>(
    '/api/v1/milestones',
    {
      config: { policy: 'delivery.write' },
      schema: {
        tags,
        summary: 'Add a milestone to a project',
        body: CreateBody,
        response: { 201: MilestoneSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const b = request.body
      const created = await milestones.create(request.actor!, b.projectId, {
        name: b.name,
        description: b.description ?? '',
        baselineDate: b.baselineDate,
        forecastDate: b.forecastDate ?? null,
        actualDate: b.actualDate ?? null,
        status: b.status ?? 'not_started',
        isKey: b.isKey ?? false,
      })
      return reply.status(201).header('location', `/api/v1/milestones/${created.id}`).send(jsonOf(created))
    },
  )

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof UpdateBody> }>(
    '/api/v1/milestones/:id',
    {
      config: { policy: 'delivery.write' },
      schema: {
        tags,
        summary: 'Update a milestone',
        params: IdParams,
        body: UpdateBody,
        response: { 200: MilestoneSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const { version, ...patch } = request.body
      const updated = await milestones.update(request.actor!, request.params.id, version, patch)
      return jsonOf(updated)
    },
  )
}
