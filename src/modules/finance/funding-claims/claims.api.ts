import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../../auth/actor.ts'
import { notFound } from '../../../errors.ts'
import {
  ListOf,
  MoneyPence,
  Nullable,
  NullableDate,
  STANDARD_ERRORS,
  WRITE_ERRORS,
} from '../../../web/api-schemas.ts'
import { CLAIM_STATUSES } from '../shared/finance.rules.ts'

const ClaimParams = Type.Object({ claimId: Type.Integer({ minimum: 1 }) })
const Status = Type.Union(CLAIM_STATUSES.map((s) => Type.Literal(s.value)))

const ClaimSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    fundingStreamId: Type.Integer(),
    projectId: Nullable(Type.Integer()),
    title: Type.String(),
    eligiblePence: MoneyPence(),
    claimedPence: MoneyPence(),
    receivedPence: MoneyPence(),
    submittedOn: NullableDate,
    receivedOn: NullableDate,
    status: Type.String(),
    items: Type.Array(
      Type.Object({
        description: Type.String(),
        amountPence: MoneyPence(),
        eligible: Type.Boolean(),
        ineligibleReason: Type.String(),
      }),
    ),
  },
  { $id: 'Claim' },
)

const CreateClaim = Type.Object(
  {
    fundingStreamId: Type.Integer({ minimum: 1 }),
    projectId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
    title: Type.String({ minLength: 1, maxLength: 200 }),
    eligiblePence: Type.Optional(MoneyPence({ minimum: 0 })),
    claimedPence: Type.Optional(MoneyPence({ minimum: 0 })),
    receivedPence: Type.Optional(MoneyPence({ minimum: 0 })),
    submittedOn: Type.Optional(NullableDate),
    receivedOn: Type.Optional(NullableDate),
    status: Status,
  },
  { additionalProperties: false },
)

// A change names the version read; every other field is optional and keeps its saved value when left out.
const UpdateClaim = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    fundingStreamId: Type.Optional(Type.Integer({ minimum: 1 })),
    projectId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
    eligiblePence: Type.Optional(MoneyPence({ minimum: 0 })),
    claimedPence: Type.Optional(MoneyPence({ minimum: 0 })),
    receivedPence: Type.Optional(MoneyPence({ minimum: 0 })),
    submittedOn: Type.Optional(NullableDate),
    receivedOn: Type.Optional(NullableDate),
    status: Type.Optional(Status),
  },
  { additionalProperties: false },
)

type ClaimRow = {
  id: number
  version: number
  funding_stream_id: number
  project_id: number | null
  title: string
  eligible_pence: number
  claimed_pence: number
  received_pence: number
  submitted_on: string | null
  received_on: string | null
  status: string
}
type ItemRow = { description: string; amount_pence: number; eligible: number; ineligible_reason: string }

function claimJson(c: ClaimRow, items: ItemRow[]): Static<typeof ClaimSchema> {
  return {
    id: c.id,
    version: c.version,
    fundingStreamId: c.funding_stream_id,
    projectId: c.project_id,
    title: c.title,
    eligiblePence: Number(c.eligible_pence),
    claimedPence: Number(c.claimed_pence),
    receivedPence: Number(c.received_pence),
    submittedOn: c.submitted_on,
    receivedOn: c.received_on,
    status: c.status,
    items: items.map((i) => ({
      description: i.description,
      amountPence: Number(i.amount_pence),
      eligible: i.eligible === 1,
      ineligibleReason: i.ineligible_reason,
    })),
  }
}

export async function claimsApi(app: FastifyInstance) {
  const { finance } = app.services
  const tags = ['Finance']

  app.get(
    '/api/v1/claims',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'Claims against funding streams',
        response: { 200: ListOf(ClaimSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => ({
      items: (await finance.claims(scopeOf(request.actor!))).map((c) => claimJson(c, [])),
      next: null,
    }),
  )

  app.get<{ Params: Static<typeof ClaimParams> }>(
    '/api/v1/claims/:claimId',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'A claim with its items',
        params: ClaimParams,
        response: { 200: ClaimSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const c = await finance.claimWithItems(scopeOf(request.actor!), request.params.claimId)
      if (!c) throw notFound('Claim')
      return claimJson(c, c.items)
    },
  )

  app.post<{ Body: Static<typeof CreateClaim> }>(
    '/api/v1/claims',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Add a claim',
        body: CreateClaim,
        response: { 201: ClaimSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const b = request.body
      const c = await finance.createClaim(request.actor!, {
        fundingStreamId: b.fundingStreamId,
        projectId: b.projectId ?? null,
        title: b.title,
        eligiblePence: b.eligiblePence ?? null,
        claimedPence: b.claimedPence ?? null,
        receivedPence: b.receivedPence ?? null,
        submittedOn: b.submittedOn ?? null,
        receivedOn: b.receivedOn ?? null,
        status: b.status,
      })
      return reply.status(201).header('location', `/api/v1/claims/${c.id}`).send(claimJson(c, []))
    },
  )

  app.patch<{ Params: Static<typeof ClaimParams>; Body: Static<typeof UpdateClaim> }>(
    '/api/v1/claims/:claimId',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Change a claim: its status, dates and amounts (send the version you read)',
        params: ClaimParams,
        body: UpdateClaim,
        response: { 200: ClaimSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const scope = scopeOf(request.actor!)
      const c = await finance.claimWithItems(scope, request.params.claimId)
      if (!c) throw notFound('Claim')
      const b = request.body
      const updated = await finance.updateClaim(request.actor!, c.id, b.version, {
        fundingStreamId: b.fundingStreamId ?? c.funding_stream_id,
        projectId: b.projectId === undefined ? c.project_id : b.projectId,
        title: b.title ?? c.title,
        eligiblePence: b.eligiblePence ?? Number(c.eligible_pence),
        claimedPence: b.claimedPence ?? Number(c.claimed_pence),
        receivedPence: b.receivedPence ?? Number(c.received_pence),
        submittedOn: b.submittedOn === undefined ? c.submitted_on : b.submittedOn,
        receivedOn: b.receivedOn === undefined ? c.received_on : b.receivedOn,
        status: b.status ?? c.status,
      })
      return claimJson(updated, c.items)
    },
  )
}
