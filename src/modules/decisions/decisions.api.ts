import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import type { Board, BoardMember, Decision, DecisionLink } from '../../db/schema.ts'
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
import { apiListOrExport, ExportFormatQuery } from '../../web/exports.ts'
import { decisionsExport } from './decisions.export.ts'
import { DecisionBody, DecisionSchema, decisionFromBody } from './decisions.api-schemas.ts'
import { BOARD_CAPACITIES, DECISION_CAPACITIES, DECISION_STATUSES, LINK_TYPES } from './decisions.rules.ts'
import { recordFirst } from './record-first.ts'
import { wholeOrganisation } from '../../auth/visibility.ts'

const ListQuery = Type.Object({
  ...Paging,
  status: Type.Optional(Type.Union(DECISION_STATUSES.map((s) => Type.Literal(s.value)))),
  capacity: Type.Optional(Type.Union(DECISION_CAPACITIES.map((c) => Type.Literal(c.value)))),
  boardId: Type.Optional(Type.Integer({ minimum: 1 })),
  recordType: Type.Optional(Type.Union(LINK_TYPES.map((t) => Type.Literal(t)))),
  recordId: Type.Optional(Type.Integer({ minimum: 1 })),
  format: ExportFormatQuery,
})

const { links: _links, ...patchFields } = DecisionBody.properties
const UpdateBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: 'The version you read; a stale one answers 409' }),
    ...Object.fromEntries(Object.entries(patchFields).map(([k, v]) => [k, Type.Optional(v)])),
  },
  { additionalProperties: false },
)

const MemberSchema = Type.Object({
  id: Type.Integer(),
  userId: Nullable(Type.Integer()),
  name: Type.String(),
  capacity: Type.String(),
})
const BoardSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    name: Type.String(),
    remit: Type.String(),
    members: Type.Array(MemberSchema),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Board' },
)
const BoardBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    remit: Type.Optional(Type.String({ maxLength: 5000 })),
  },
  { additionalProperties: false },
)
const MemberBody = Type.Object(
  {
    userId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
    name: Type.Optional(Type.String({ maxLength: 200 })),
    capacity: Type.Union(BOARD_CAPACITIES.map((c) => Type.Literal(c.value))),
  },
  { additionalProperties: false },
)

export function decisionJson(
  d: Decision,
  links: DecisionLink[],
  supersededById: number | null = null,
): Static<typeof DecisionSchema> {
  return {
    id: d.id,
    version: d.version,
    kind: d.kind,
    title: d.title,
    decisionText: d.decision_text,
    decidedOn: d.decided_on,
    decidedByName: d.decided_by_name,
    decidedByUserId: d.decided_by_user_id,
    capacity: d.capacity,
    boardId: d.board_id,
    optionsConsidered: d.options_considered,
    reasons: d.reasons,
    isKey: d.is_key === 1,
    status: d.status,
    approvedBudgetPence: d.approved_budget_pence,
    supersedesId: d.supersedes_id,
    supersededById,
    publishedAt: d.published_at,
    links: links.map((l) => ({
      recordType: l.record_type as (typeof LINK_TYPES)[number],
      recordId: l.record_id,
    })),
    createdAt: d.created_at,
    updatedAt: d.updated_at,
  }
}

const boardJson = (b: Board, members: BoardMember[]) => ({
  id: b.id,
  version: b.version,
  name: b.name,
  remit: b.remit,
  members: members.map((m) => ({ id: m.id, userId: m.user_id, name: m.name, capacity: m.capacity })),
  createdAt: b.created_at,
  updatedAt: b.updated_at,
})

export async function decisionsApi(app: FastifyInstance) {
  const { decisions, boards } = app.services
  const tags = ['Decisions and boards']

  const full = async (organisationId: number, d: Decision) => {
    const links = await decisions.links(organisationId, d.id)
    const by = await decisions.supersededBy(wholeOrganisation(organisationId), d.id)
    return decisionJson(d, links, by?.id ?? null)
  }

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/v1/decisions',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'The decision log',
        querystring: ListQuery,
        response: { 200: ListOf(DecisionSchema), ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = request.actor!
      const q = request.query
      return apiListOrExport(
        reply,
        q,
        (w) => decisions.list(scopeOf(actor), { ...q, ...w }),
        (d) => full(actor.organisationId, d),
        decisionsExport,
      )
    },
  )

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/decisions/:id',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'Read a decision',
        params: IdParams,
        response: { 200: DecisionSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const d = await decisions.get(scopeOf(request.actor!), request.params.id)
      if (!d) throw notFound('Decision')
      return full(request.actor!.organisationId, d)
    },
  )

  app.post<{ Body: Static<typeof DecisionBody> }>(
    '/api/v1/decisions',
    {
      config: { policy: 'decision.record' },
      schema: {
        tags,
        summary: 'Record a decision',
        body: DecisionBody,
        response: { 201: DecisionSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const input = decisionFromBody(
        request.body,
        request.body.approvedBudgetPence != null ? 'budget_approval' : 'general',
      )
      const d = await decisions.create(request.actor!, input)
      return reply
        .status(201)
        .header('location', `/api/v1/decisions/${d.id}`)
        .send(await full(request.actor!.organisationId, d))
    },
  )

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof UpdateBody> }>(
    '/api/v1/decisions/:id',
    {
      config: { policy: 'decision.record' },
      schema: {
        tags,
        summary: 'Change a draft decision (a published one answers 409: supersede it instead)',
        params: IdParams,
        body: UpdateBody,
        response: { 200: DecisionSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const { version, ...patch } = request.body as { version: number } & Partial<Static<typeof DecisionBody>>
      const clean = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined))
      const d = await decisions.update(request.actor!, request.params.id, version, clean)
      return full(request.actor!.organisationId, d)
    },
  )

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof DecisionBody> }>(
    '/api/v1/decisions/:id/supersede',
    {
      config: { policy: 'decision.record' },
      preValidation: recordFirst('Decision', 'id', (scope, id) => decisions.get(scope, id)),
      schema: {
        tags,
        summary: 'Record a correction that supersedes a published decision; both remain',
        params: IdParams,
        body: DecisionBody,
        response: { 201: DecisionSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const d = await decisions.supersede(request.actor!, request.params.id, decisionFromBody(request.body))
      return reply
        .status(201)
        .header('location', `/api/v1/decisions/${d.id}`)
        .send(await full(request.actor!.organisationId, d))
    },
  )

  app.get(
    '/api/v1/boards',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'Boards and their members',
        response: { 200: ListOf(BoardSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const scope = scopeOf(request.actor!)
      const list = await boards.list(scope)
      return {
        items: await Promise.all(list.map(async (b) => boardJson(b, await boards.members(scope, b.id)))),
        next: null,
      }
    },
  )

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/boards/:id',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'Read a board',
        params: IdParams,
        response: { 200: BoardSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const scope = scopeOf(request.actor!)
      const b = await boards.get(scope, request.params.id)
      if (!b) throw notFound('Board')
      return boardJson(b, await boards.members(scope, b.id))
    },
  )

  app.post<{ Body: Static<typeof BoardBody> }>(
    '/api/v1/boards',
    {
      config: { policy: 'governance.configure' },
      schema: {
        tags,
        summary: 'Add a board',
        body: BoardBody,
        response: { 201: BoardSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const b = await boards.create(request.actor!, {
        name: request.body.name,
        remit: request.body.remit ?? '',
      })
      return reply.status(201).header('location', `/api/v1/boards/${b.id}`).send(boardJson(b, []))
    },
  )

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof MemberBody> }>(
    '/api/v1/boards/:id/members',
    {
      config: { policy: 'governance.configure' },
      preValidation: recordFirst('Board', 'id', (scope, id) => boards.get(scope, id)),
      schema: {
        tags,
        summary: 'Add a member to a board',
        params: IdParams,
        body: MemberBody,
        response: { 201: BoardSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const scope = scopeOf(request.actor!)
      const b = await boards.get(scope, request.params.id)
      if (!b) throw notFound('Board')
      await boards.addMember(request.actor!, b.id, {
        userId: request.body.userId ?? null,
        name: request.body.name ?? '',
        capacity: request.body.capacity,
      })
      return reply.status(201).send(boardJson(b, await boards.members(scope, b.id)))
    },
  )
}
