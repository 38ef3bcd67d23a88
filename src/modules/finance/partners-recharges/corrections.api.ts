import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { MoneyPence, Nullable, WRITE_ERRORS } from '../../../web/api-schemas.ts'
import { correctable, Version } from '../shared/record-correction.api.ts'
import { lit } from '../shared/finance.api-helpers.ts'
import {
  partnerJson,
  PartnerSchema,
  partnerWritable,
  rechargeJson,
  RechargeSchema,
} from './partners-recharges.api.ts'
import { COST_BASES, servicesList } from '../shared/finance.rules.ts'

const RechargeParams = Type.Object({ rechargeId: Type.Integer({ minimum: 1 }) })

// A change names the version read; every other field is optional and keeps its saved value when left out.
const UpdatePartner = Type.Object(
  {
    version: Version,
    name: Type.Optional(Type.String({ maxLength: 200 })),
    ...partnerWritable,
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
    personId: Type.Optional(
      Nullable(
        Type.Integer({ minimum: 1, description: 'One of the partner’s staff in the people register' }),
      ),
    ),
  },
  { additionalProperties: false },
)
const RemoveQuery = Type.Object({ version: Version }, { additionalProperties: false })

/** Reading and correcting partners and recharges; removing a recharge entered in error. */
export async function correctionsApi(app: FastifyInstance) {
  const { finance } = app.services
  const tags = ['Finance']

  correctable(app, {
    path: '/api/v1/partners/:partnerId',
    param: 'partnerId',
    what: 'Partner',
    summary: 'A shared-service partner',
    changeSummary: "Correct a partner's name, kind, agreement, services or base contract",
    schema: PartnerSchema,
    body: UpdatePartner,
    find: finance.partner,
    json: partnerJson,
    change: (actor, p, b) =>
      finance.updatePartner(actor, p.id, b.version, {
        name: b.name ?? p.name,
        baseContract: b.baseContract ?? p.base_contract,
        annualBaseContractPence: b.annualBaseContractPence ?? Number(p.annual_base_contract_pence),
        kind: b.kind ?? p.kind,
        agreementStartsOn: b.agreementStartsOn === undefined ? p.agreement_starts_on : b.agreementStartsOn,
        agreementEndsOn: b.agreementEndsOn === undefined ? p.agreement_ends_on : b.agreementEndsOn,
        services: b.services ?? servicesList(p.services),
      }),
  })

  const rechargeIn404 = correctable(app, {
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
        personId: b.personId === undefined ? r.person_id : b.personId,
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
