import { Type, type Static, type TSchema } from '@sinclair/typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { scopeOf, type Actor, type Scope } from '../../../auth/actor.ts'
import { notFound } from '../../../errors.ts'
import { MoneyPence, STANDARD_ERRORS, WRITE_ERRORS } from '../../../web/api-schemas.ts'
import { FundingStreamSchema, streamJson } from '../funding-claims/funding-streams.api.ts'
import { lit } from '../shared/finance.api-helpers.ts'
import { partnerJson, PartnerSchema, rechargeJson, RechargeSchema } from './partners-recharges.api.ts'
import { COST_BASES, FUNDING_KINDS } from '../shared/finance.rules.ts'

const Version = Type.Integer({ minimum: 1, description: 'The version you read: a stale one answers 409' })

const RechargeParams = Type.Object({ rechargeId: Type.Integer({ minimum: 1 }) })

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
const UpdatePartner = Type.Object(
  {
    version: Version,
    name: Type.Optional(Type.String({ maxLength: 200 })),
    baseContract: Type.Optional(Type.String({ maxLength: 2000 })),
    annualBaseContractPence: Type.Optional(MoneyPence({ minimum: 0 })),
  },
  { additionalProperties: false },
)
const UpdateRecharge = Type.Object(
  {
    version: Version,
    partnerId: Type.Optional(Type.Integer({ minimum: 1 })),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    period: Type.Optional(
      Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'Month as YYYY-MM' }),
    ),
    amountPence: Type.Optional(MoneyPence()),
    costBasis: Type.Optional(lit(COST_BASES)),
  },
  { additionalProperties: false },
)
const RemoveQuery = Type.Object({ version: Version }, { additionalProperties: false })

/** Reading and correcting funding streams, partners and recharges; removing a recharge entered in error. */
export async function correctionsApi(app: FastifyInstance) {
  const { finance } = app.services
  const tags = ['Finance']

  /**
   * A correctable record's GET and PATCH routes. Returns the guard its writes run before the body is
   * judged, so another organisation's record answers 404 whatever was sent and it learns nothing from a 400.
   */
  function correctable<R, B extends TSchema>(opts: {
    path: string
    param: string
    what: string
    summary: string
    changeSummary: string
    schema: TSchema
    body: B
    find: (scope: Scope, id: number) => Promise<R | undefined>
    json: (record: R) => unknown
    change: (actor: Actor, current: R, body: Static<B>) => Promise<R>
  }) {
    const idOf = (request: FastifyRequest) => Number((request.params as Record<string, string>)[opts.param])
    const params = Type.Object({ [opts.param]: Type.Integer({ minimum: 1 }) })
    const load = async (request: FastifyRequest) => {
      const id = idOf(request)
      const found = Number.isSafeInteger(id) ? await opts.find(scopeOf(request.actor!), id) : undefined
      if (found === undefined) throw notFound(opts.what)
      return found
    }
    app.get(
      opts.path,
      {
        config: { policy: 'portfolio.read' },
        schema: { tags, summary: opts.summary, params, response: { 200: opts.schema, ...STANDARD_ERRORS } },
      },
      async (request) => opts.json(await load(request)),
    )
    app.patch<{ Body: Static<B> }>(
      opts.path,
      {
        config: { policy: 'finance.write' },
        schema: {
          tags,
          summary: `${opts.changeSummary} (send the version you read)`,
          params,
          body: opts.body,
          response: { 200: opts.schema, ...WRITE_ERRORS },
        },
        preValidation: async (request) => void (await load(request)),
      },
      async (request) => opts.json(await opts.change(request.actor!, await load(request), request.body)),
    )
    return async (request: FastifyRequest) => void (await load(request))
  }

  correctable({
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

  correctable({
    path: '/api/v1/partners/:partnerId',
    param: 'partnerId',
    what: 'Partner',
    summary: 'A shared-service partner',
    changeSummary: "Correct a partner's name or base contract",
    schema: PartnerSchema,
    body: UpdatePartner,
    find: finance.partner,
    json: partnerJson,
    change: (actor, p, b) =>
      finance.updatePartner(actor, p.id, b.version, {
        name: b.name ?? p.name,
        baseContract: b.baseContract ?? p.base_contract,
        annualBaseContractPence: b.annualBaseContractPence ?? Number(p.annual_base_contract_pence),
      }),
  })

  const rechargeIn404 = correctable({
    path: '/api/v1/recharges/:rechargeId',
    param: 'rechargeId',
    what: 'Partner recharge',
    summary: 'A partner recharge',
    changeSummary: 'Correct a partner recharge: partner, what, month, amount or basis',
    schema: RechargeSchema,
    body: UpdateRecharge,
    find: (scope, id) => finance.recharge(scope, id),
    json: rechargeJson,
    change: (actor, r, b) =>
      finance.updateRecharge(actor, r.id, b.version, {
        partnerId: b.partnerId ?? r.partner_id,
        description: b.description ?? r.description,
        period: b.period ?? r.period,
        amountPence: b.amountPence ?? Number(r.amount_pence),
        costBasis: b.costBasis ?? r.cost_basis,
      }),
  })

  app.delete<{ Params: Static<typeof RechargeParams>; Querystring: Static<typeof RemoveQuery> }>(
    '/api/v1/recharges/:rechargeId',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary:
          'Remove a partner recharge entered in error (409 while a claim item claims for it, or if the version is stale)',
        params: RechargeParams,
        querystring: RemoveQuery,
        response: { 204: Type.Null(), ...WRITE_ERRORS },
      },
      preValidation: rechargeIn404,
    },
    async (request, reply) => {
      await finance.removeRecharge(request.actor!, request.params.rechargeId, request.query.version)
      return reply.status(204).send()
    },
  )
}
