import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf, type Actor } from '../../auth/actor.ts'
import { todayInLondon } from '../../domain/dates.ts'
import { notFound } from '../../errors.ts'
import {
  IdParams,
  IsoDate,
  ListOf,
  Nullable,
  NullableDate,
  Paging,
  STANDARD_ERRORS,
  Timestamp,
  WRITE_ERRORS,
} from '../../web/api-schemas.ts'
import { apiList } from '../../web/pagination.ts'
import { ENTRY_STATUSES, EXEMPT_PARAGRAPHS, type EntryInput } from './forward-plan.rules.ts'
import type { EntryView } from './forward-plan.service.ts'

// The forward plan of key decisions and the call-in of decisions through the API (issue 12).

const literals = (list: ReadonlyArray<{ value: string }>) =>
  Type.Union(list.map((x) => Type.Literal(x.value)))

const Fields = {
  title: Type.String({ minLength: 1, maxLength: 200, description: 'The decision to be taken' }),
  description: Type.String({ maxLength: 4000 }),
  decisionMaker: Type.String({
    pattern: '^(board|user):[0-9]{1,9}$',
    description: 'Who takes it: "board:ID" (Cabinet, a committee) or "user:ID" (a Portfolio Holder)',
  }),
  expectedOn: Type.String({ maxLength: 10, description: 'YYYY-MM-DD; a new entry cannot be in the past' }),
  isExempt: Type.Boolean(),
  exemptParagraph: Type.Union([literals(EXEMPT_PARAGRAPHS), Type.Literal('')], {
    description: 'The paragraph of Schedule 12A to the Local Government Act 1972; required when exempt',
  }),
  status: literals(ENTRY_STATUSES),
  decisionId: Nullable(Type.Integer({ minimum: 1, description: 'The decision, once taken' })),
  programmeId: Nullable(Type.Integer({ minimum: 1 })),
  projectId: Nullable(Type.Integer({ minimum: 1 })),
}

const EntryCreate = Type.Object(
  {
    title: Fields.title,
    description: Type.Optional(Fields.description),
    decisionMaker: Fields.decisionMaker,
    expectedOn: Fields.expectedOn,
    isExempt: Type.Optional(Fields.isExempt),
    exemptParagraph: Type.Optional(Fields.exemptParagraph),
    status: Type.Optional(Fields.status),
    decisionId: Type.Optional(Fields.decisionId),
    programmeId: Type.Optional(Fields.programmeId),
    projectId: Type.Optional(Fields.projectId),
  },
  { additionalProperties: false },
)

const EntryPatch = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    ...Object.fromEntries(Object.entries(Fields).map(([k, v]) => [k, Type.Optional(v)])),
  },
  { additionalProperties: false },
)

const EntrySchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    title: Type.String(),
    description: Type.String(),
    decisionMaker: Nullable(Type.String({ description: '"board:ID" or "user:ID"' })),
    decisionMakerName: Type.String({ description: 'The board or person, by name as it stood' }),
    expectedOn: IsoDate,
    listedOn: Type.String({
      format: 'date',
      description: 'First on the plan: the 28 clear days count from it',
    }),
    isExempt: Type.Boolean(),
    exemptParagraph: Type.String(),
    status: Type.String(),
    decisionId: Nullable(Type.Integer()),
    decisionTakenOn: NullableDate,
    programmeId: Nullable(Type.Integer()),
    projectId: Nullable(Type.Integer()),
    clearDays: Type.Integer({
      description: 'Clear days between listing and the decision (taken or expected)',
    }),
    givesNotice: Type.Boolean({ description: 'At least 28 clear days on the plan' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'ForwardPlanEntry' },
)

const makerKey = (e: EntryView) =>
  e.board_id !== null
    ? `board:${e.board_id}`
    : e.decision_maker_user_id !== null
      ? `user:${e.decision_maker_user_id}`
      : null

export const inputOfEntry = (e: EntryView): EntryInput => ({
  title: e.title,
  description: e.description,
  decisionMaker: makerKey(e) ?? '',
  expectedOn: e.expected_on,
  isExempt: e.is_exempt === 1,
  exemptParagraph: e.exempt_paragraph,
  status: e.status,
  decisionId: e.decision_id,
  programmeId: e.programme_id,
  projectId: e.project_id,
})

type Body = Partial<Static<typeof EntryCreate>>

const inputFrom = (b: Body, current?: EntryInput): EntryInput => ({
  title: b.title ?? current?.title ?? '',
  description: b.description ?? current?.description ?? '',
  decisionMaker: b.decisionMaker ?? current?.decisionMaker ?? '',
  expectedOn: b.expectedOn ?? current?.expectedOn ?? '',
  isExempt: b.isExempt ?? current?.isExempt ?? false,
  exemptParagraph: b.exemptParagraph ?? current?.exemptParagraph ?? '',
  status: b.status ?? current?.status ?? 'planned',
  decisionId: b.decisionId !== undefined ? b.decisionId : (current?.decisionId ?? null),
  programmeId: b.programmeId !== undefined ? b.programmeId : (current?.programmeId ?? null),
  projectId: b.projectId !== undefined ? b.projectId : (current?.projectId ?? null),
})

const entryJson = (e: EntryView): Static<typeof EntrySchema> => ({
  id: e.id,
  version: e.version,
  title: e.title,
  description: e.description,
  decisionMaker: makerKey(e),
  decisionMakerName: e.decision_maker,
  expectedOn: e.expected_on,
  listedOn: e.listed_on,
  isExempt: e.is_exempt === 1,
  exemptParagraph: e.exempt_paragraph,
  status: e.status,
  decisionId: e.decision_id,
  decisionTakenOn: e.decision_decided_on,
  programmeId: e.programme_id,
  projectId: e.project_id,
  clearDays: e.clearDays,
  givesNotice: e.givesNotice,
  createdAt: e.created_at,
  updatedAt: e.updated_at,
})

const Implementation = Type.Object(
  {
    implementedOn: Type.Optional(
      Type.String({ maxLength: 10, description: 'YYYY-MM-DD; today if left out' }),
    ),
  },
  { additionalProperties: false },
)

export async function forwardPlanApi(app: FastifyInstance) {
  const service = app.services.forwardPlan
  const tags = ['Forward plan']

  async function one(actor: Actor, id: number) {
    const v = await service.view(scopeOf(actor), id)
    if (!v) throw notFound('Forward plan entry')
    return v
  }

  app.get<{ Querystring: Static<typeof Query> }>(
    '/api/v1/forward-plan',
    {
      config: { policy: 'forwardPlan.read' },
      schema: {
        tags,
        summary: 'List the forward plan of key decisions, by expected date',
        querystring: Query,
        response: { 200: ListOf(EntrySchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const scope = scopeOf(request.actor!)
      return apiList(request.query, (w) => service.list(scope, w), entryJson)
    },
  )

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/forward-plan/:id',
    {
      config: { policy: 'forwardPlan.read' },
      schema: {
        tags,
        summary: 'Read an entry of the forward plan',
        params: IdParams,
        response: { 200: EntrySchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => entryJson(await one(request.actor!, request.params.id)),
  )

  app.post<{ Body: Static<typeof EntryCreate> }>(
    '/api/v1/forward-plan',
    {
      config: { policy: 'decision.record' },
      schema: {
        tags,
        summary: 'Put a key decision on the forward plan',
        body: EntryCreate,
        response: { 201: EntrySchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = request.actor!
      const created = await service.create(actor, inputFrom(request.body))
      return reply
        .status(201)
        .header('location', `/api/v1/forward-plan/${created.id}`)
        .send(entryJson(await one(actor, created.id)))
    },
  )

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof EntryPatch> }>(
    '/api/v1/forward-plan/:id',
    {
      config: { policy: 'decision.record' },
      schema: {
        tags,
        summary: 'Change an entry of the forward plan',
        params: IdParams,
        body: EntryPatch,
        response: { 200: EntrySchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const current = await one(actor, request.params.id)
      const { version, ...body } = request.body as { version: number } & Body
      await service.update(actor, current.id, version, inputFrom(body, inputOfEntry(current)))
      return entryJson(await one(actor, current.id))
    },
  )

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof Implementation> }>(
    '/api/v1/decisions/:id/implementation',
    {
      config: { policy: 'decision.record' },
      schema: {
        tags,
        summary: 'Record that a published decision was implemented; refused within its call-in period',
        params: IdParams,
        body: Implementation,
        response: {
          201: Type.Object({ decisionId: Type.Integer(), implementedOn: IsoDate }),
          ...WRITE_ERRORS,
        },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await service.implement(
            request.actor!,
            request.params.id,
            request.body.implementedOn ?? todayInLondon(),
          ),
        ),
  )
}

const Query = Type.Object(Paging)

const CallInPeriod = Type.Object({
  workingDays: Type.Integer({ description: 'Clear working days after publication (default 5)' }),
  version: Type.Integer({ description: 'The organisation settings’ version' }),
})
const CallInBody = Type.Object(
  { workingDays: Type.Integer(), version: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
)

/** The call-in period the council's constitution sets: read by anyone who sees the plan, set by an administrator. */
export async function callInPeriodApi(app: FastifyInstance) {
  const service = app.services.forwardPlan
  const tags = ['Forward plan']
  app.get(
    '/api/v1/organisation/call-in-period',
    {
      config: { policy: 'forwardPlan.read' },
      schema: {
        tags,
        summary: 'The call-in period after a decision is published',
        response: { 200: CallInPeriod, ...STANDARD_ERRORS },
      },
    },
    async (request) => service.callInPeriod(request.actor!.organisationId),
  )
  app.put<{ Body: Static<typeof CallInBody> }>(
    '/api/v1/organisation/call-in-period',
    {
      config: { policy: 'organisation.admin' },
      schema: {
        tags,
        summary: 'Set the call-in period, in clear working days (1 to 20)',
        body: CallInBody,
        response: { 200: CallInPeriod, ...WRITE_ERRORS },
      },
    },
    async (request) =>
      service.setCallInPeriod(request.actor!, request.body.version, request.body.workingDays),
  )
}
