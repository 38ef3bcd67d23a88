import { OwnerNameBody, PersonIdBody, PersonIdField } from '../resourcing/person-refs.api-schemas.ts'
import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import type { Risk, RiskAction } from '../../db/schema.ts'
import { notFound } from '../../errors.ts'
import {
  IdParams,
  ListOf,
  Nullable,
  NullableDate,
  Paging,
  STANDARD_ERRORS,
  Timestamp,
  WRITE_ERRORS,
} from '../../web/api-schemas.ts'
import { apiListOrExport, ExportFormatQuery } from '../../web/exports.ts'
import { risksExport } from './raid.export.ts'
import { PROXIMITIES, RISK_CATEGORIES, RISK_STATUSES, type RiskInput } from './raid.rules.ts'
import { recordFirst } from '../decisions/record-first.ts'

const Scale = Type.Integer({ minimum: 1, maximum: 5 })
export const lit = (list: readonly { value: string }[]) => Type.Union(list.map((x) => Type.Literal(x.value)))

const ActionSchema = Type.Object({
  id: Type.Integer(),
  version: Type.Integer(),
  action: Type.String(),
  owner: Type.String(),
  ownerPersonId: PersonIdField('The owner'),
  dueDate: NullableDate,
  done: Type.Boolean(),
})

export const RiskSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    projectId: Type.Integer(),
    title: Type.String(),
    cause: Type.String(),
    event: Type.String(),
    effect: Type.String(),
    category: Type.String(),
    likelihood: Type.Integer(),
    impact: Type.Integer(),
    inherentScore: Type.Integer({ description: 'Likelihood × impact, 1 to 25' }),
    residualLikelihood: Nullable(Type.Integer()),
    residualImpact: Nullable(Type.Integer()),
    residualScore: Nullable(Type.Integer()),
    proximity: Type.String(),
    owner: Type.String({ description: "The owner's name, from the people register" }),
    ownerPersonId: PersonIdField('The owner'),
    reviewDate: NullableDate,
    status: Type.String(),
    escalated: Type.Boolean({
      description: "At or above the organisation's threshold: shown on the programme",
    }),
    actions: Type.Optional(Type.Array(ActionSchema)),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Risk' },
)

const RiskFields = {
  title: Type.String({ minLength: 1, maxLength: 200 }),
  cause: Type.String({ maxLength: 5000 }),
  event: Type.String({ minLength: 1, maxLength: 5000 }),
  effect: Type.String({ maxLength: 5000 }),
  category: lit(RISK_CATEGORIES),
  likelihood: Scale,
  impact: Scale,
  residualLikelihood: Nullable(Scale),
  residualImpact: Nullable(Scale),
  proximity: Type.Union([lit(PROXIMITIES), Type.Literal('')]),
  ownerPersonId: PersonIdBody('owner'),
  owner: OwnerNameBody,
  reviewDate: NullableDate,
  status: lit(RISK_STATUSES),
}
const RiskCreate = Type.Object(
  {
    projectId: Type.Integer({ minimum: 1 }),
    title: RiskFields.title,
    event: RiskFields.event,
    category: RiskFields.category,
    likelihood: Scale,
    impact: Scale,
    ...Object.fromEntries(
      (
        [
          'cause',
          'effect',
          'residualLikelihood',
          'residualImpact',
          'proximity',
          'ownerPersonId',
          'owner',
          'reviewDate',
          'status',
        ] as const
      ).map((k) => [k, Type.Optional(RiskFields[k])]),
    ),
  },
  { additionalProperties: false },
)
const RiskUpdate = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    ...Object.fromEntries(Object.entries(RiskFields).map(([k, v]) => [k, Type.Optional(v)])),
  },
  { additionalProperties: false },
)
const ActionBody = Type.Object(
  {
    action: Type.String({ minLength: 1, maxLength: 2000 }),
    ownerPersonId: Type.Optional(PersonIdBody('owner')),
    owner: Type.Optional(Type.String({ ...OwnerNameBody, minLength: 1 })),
    dueDate: Type.Optional(NullableDate),
  },
  { additionalProperties: false },
)

export const ListQuery = Type.Object({
  ...Paging,
  projectId: Type.Optional(Type.Integer({ minimum: 1 })),
  programmeId: Type.Optional(Type.Integer({ minimum: 1 })),
  status: Type.Optional(Type.String({ maxLength: 20 })),
  escalated: Type.Optional(Type.Boolean({ description: 'Only risks escalated to the programme' })),
  format: ExportFormatQuery,
})

const actionJson = (a: RiskAction) => ({
  id: a.id,
  version: a.version,
  action: a.action,
  owner: a.owner,
  ownerPersonId: a.owner_person_id,
  dueDate: a.due_date,
  done: a.done === 1,
})

export function riskJson(r: Risk, actions?: RiskAction[]): Static<typeof RiskSchema> {
  return {
    id: r.id,
    version: r.version,
    projectId: r.project_id,
    title: r.title,
    cause: r.cause,
    event: r.event,
    effect: r.effect,
    category: r.category,
    likelihood: r.likelihood,
    impact: r.impact,
    inherentScore: r.inherent_score,
    residualLikelihood: r.residual_likelihood,
    residualImpact: r.residual_impact,
    residualScore: r.residual_score,
    proximity: r.proximity,
    owner: r.owner,
    ownerPersonId: r.owner_person_id,
    reviewDate: r.review_date,
    status: r.status,
    escalated: r.escalated === 1,
    ...(actions ? { actions: actions.map(actionJson) } : {}),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}

export async function raidApi(app: FastifyInstance) {
  const { raid } = app.services
  const tags = ['RAID log']

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/v1/risks',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'List risks',
        querystring: ListQuery,
        response: { 200: ListOf(RiskSchema), ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      return apiListOrExport(
        reply,
        request.query,
        (window) =>
          raid.listRisks(scopeOf(request.actor!), {
            ...request.query,
            ...window,
          }),
        (r) => riskJson(r),
        risksExport,
      )
    },
  )

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/risks/:id',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'Read a risk with its mitigating actions',
        params: IdParams,
        response: { 200: RiskSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const scope = scopeOf(request.actor!)
      const r = await raid.getRisk(scope, request.params.id)
      if (!r) throw notFound('Risk')
      return riskJson(r, await raid.actions(scope, r.id))
    },
  )

  app.post<{ Body: Static<typeof RiskCreate> }>(
    '/api/v1/risks',
    {
      config: { policy: 'governance.write' },
      schema: {
        tags,
        summary: 'Add a risk (scores are computed)',
        body: RiskCreate,
        response: { 201: RiskSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const { projectId, ...b } = request.body as Static<typeof RiskCreate> & Partial<RiskInput>
      const input: RiskInput = {
        title: b.title,
        cause: b.cause ?? '',
        event: b.event,
        effect: b.effect ?? '',
        category: b.category,
        likelihood: b.likelihood,
        impact: b.impact,
        residualLikelihood: b.residualLikelihood ?? null,
        residualImpact: b.residualImpact ?? null,
        proximity: b.proximity ?? '',
        ownerPersonId: b.ownerPersonId ?? null,
        owner: b.owner ?? '',
        reviewDate: b.reviewDate ?? null,
        status: b.status ?? 'open',
      }
      const r = await raid.createRisk(request.actor!, projectId, input)
      return reply.status(201).header('location', `/api/v1/risks/${r.id}`).send(riskJson(r, []))
    },
  )

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof RiskUpdate> }>(
    '/api/v1/risks/:id',
    {
      config: { policy: 'governance.write' },
      schema: {
        tags,
        summary: 'Update a risk',
        params: IdParams,
        body: RiskUpdate,
        response: { 200: RiskSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const { version, ...patch } = request.body as { version: number } & Partial<RiskInput>
      const r = await raid.updateRisk(request.actor!, request.params.id, version, patch)
      return riskJson(r, await raid.actions(scopeOf(request.actor!), r.id))
    },
  )

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof ActionBody> }>(
    '/api/v1/risks/:id/actions',
    {
      config: { policy: 'governance.write' },
      preValidation: recordFirst('Risk', 'id', (scope, id) => raid.getRisk(scope, id)),
      schema: {
        tags,
        summary: 'Add a mitigating action to a risk',
        params: IdParams,
        body: ActionBody,
        response: { 201: RiskSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      await raid.addAction(request.actor!, request.params.id, {
        action: request.body.action,
        ownerPersonId: request.body.ownerPersonId ?? null,
        owner: request.body.owner ?? '',
        dueDate: request.body.dueDate ?? null,
      })
      const scope = scopeOf(request.actor!)
      const r = (await raid.getRisk(scope, request.params.id))!
      return reply.status(201).send(riskJson(r, await raid.actions(scope, r.id)))
    },
  )
}
