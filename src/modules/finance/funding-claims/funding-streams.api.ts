import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../../auth/actor.ts'
import type { FundingStream } from '../../../db/schema.ts'
import { ListOf, STANDARD_ERRORS, Timestamp, WRITE_ERRORS } from '../../../web/api-schemas.ts'
import { lit } from '../shared/finance.api-helpers.ts'
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

/** Funding streams over the API: list and add (corrections are in partners-recharges/corrections.api.ts). */
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
}
