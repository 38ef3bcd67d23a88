import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../../auth/actor.ts'
import type { FundingStream } from '../../../db/schema.ts'
import { ListOf, STANDARD_ERRORS, Timestamp, WRITE_ERRORS } from '../../../web/api-schemas.ts'
import { lit } from '../shared/finance.api-helpers.ts'
import { correctable, Version } from '../shared/record-correction.api.ts'
import { FUNDING_KINDS } from '../shared/finance.rules.ts'

export const FundingStreamSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    name: Type.String(),
    kind: Type.String(),
    eligibility: Type.String(),
    baseCostsEligible: Type.Boolean(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'FundingStream' },
)

// A change names the version read; every other field is optional and keeps its saved value when left out.
const UpdateStream = Type.Object(
  {
    version: Version,
    name: Type.Optional(Type.String({ maxLength: 200 })),
    kind: Type.Optional(lit(FUNDING_KINDS)),
    eligibility: Type.Optional(Type.String({ maxLength: 5000 })),
    baseCostsEligible: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)
const CreateStream = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    kind: lit(FUNDING_KINDS),
    eligibility: Type.Optional(Type.String({ maxLength: 5000 })),
    baseCostsEligible: Type.Boolean(),
  },
  { additionalProperties: false },
)

export function streamJson(s: FundingStream): Static<typeof FundingStreamSchema> {
  return {
    id: s.id,
    version: s.version,
    name: s.name,
    kind: s.kind,
    eligibility: s.eligibility,
    baseCostsEligible: s.base_costs_eligible === 1,
    createdAt: s.created_at,
    updatedAt: s.updated_at,
  }
}

/** Funding streams over the API: list, add, read and correct. */
export async function fundingStreamsApi(app: FastifyInstance) {
  const { finance } = app.services
  const tags = ['Finance']

  app.get(
    '/api/v1/funding-streams',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'List funding streams',
        response: { 200: ListOf(FundingStreamSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => ({
      items: (await finance.fundingStreams(scopeOf(request.actor!))).map(streamJson),
      next: null,
    }),
  )

  app.post<{ Body: Static<typeof CreateStream> }>(
    '/api/v1/funding-streams',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Add a funding stream',
        body: CreateStream,
        response: { 201: FundingStreamSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const s = await finance.createFundingStream(request.actor!, {
        name: request.body.name,
        kind: request.body.kind,
        eligibility: request.body.eligibility ?? '',
        baseCostsEligible: request.body.baseCostsEligible,
      })
      return reply.status(201).send(streamJson(s))
    },
  )

  correctable(app, {
    path: '/api/v1/funding-streams/:streamId',
    param: 'streamId',
    what: 'Funding stream',
    summary: 'A funding stream',
    changeSummary: 'Correct a funding stream: its name, kind or eligibility',
    schema: FundingStreamSchema,
    body: UpdateStream,
    find: finance.fundingStream,
    json: streamJson,
    change: (actor, s, b) =>
      finance.updateFundingStream(actor, s.id, b.version, {
        name: b.name ?? s.name,
        kind: b.kind ?? s.kind,
        eligibility: b.eligibility ?? s.eligibility,
        baseCostsEligible: b.baseCostsEligible ?? s.base_costs_eligible === 1,
      }),
  })
}
