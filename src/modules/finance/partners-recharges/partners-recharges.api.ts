import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../../auth/actor.ts'
import type { Partner, PartnerRecharge } from '../../../db/schema.ts'
import { notFound } from '../../../errors.ts'
import {
  ListOf,
  MoneyPence,
  Nullable,
  NullableDate,
  STANDARD_ERRORS,
  WRITE_ERRORS,
} from '../../../web/api-schemas.ts'
import { projectIn404 } from '../shared/finance.api-helpers.ts'
import { COST_BASES, PARTNER_KINDS, servicesList } from '../shared/finance.rules.ts'

const ProjectParams = Type.Object({ projectId: Type.Integer({ minimum: 1 }) })

const PartnerKind = Type.Union(
  PARTNER_KINDS.map((k) => Type.Literal(k.value)),
  { description: 'shared_service, neighbouring_council or supplier' },
)

export const PartnerSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    name: Type.String(),
    baseContract: Type.String(),
    annualBaseContractPence: MoneyPence(),
    kind: PartnerKind,
    agreementStartsOn: NullableDate,
    agreementEndsOn: NullableDate,
    services: Type.Array(Type.String()),
    /** The date the partnership ended through the separation process; null while it lasts. */
    endedOn: NullableDate,
  },
  { $id: 'Partner' },
)
/** The fields a partner is written with, each optional on a change (the create makes name required). */
export const partnerWritable = {
  baseContract: Type.Optional(Type.String({ maxLength: 2000 })),
  annualBaseContractPence: Type.Optional(MoneyPence({ minimum: 0 })),
  kind: Type.Optional(PartnerKind),
  agreementStartsOn: Type.Optional(NullableDate),
  agreementEndsOn: Type.Optional(NullableDate),
  services: Type.Optional(Type.Array(Type.String({ maxLength: 200 }), { maxItems: 30 })),
}
const CreatePartner = Type.Object(
  { name: Type.String({ maxLength: 200 }), ...partnerWritable },
  { additionalProperties: false },
)

export const RechargeSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    partnerId: Type.Integer(),
    projectId: Type.Integer(),
    description: Type.String(),
    period: Type.String(),
    amountPence: MoneyPence(),
    costBasis: Type.String(),
    personId: Nullable(Type.Integer({ description: 'The partner’s person the recharge is for, if any' })),
  },
  { $id: 'PartnerRecharge' },
)
const CreateRecharge = Type.Object(
  {
    partnerId: Type.Integer({ minimum: 1 }),
    description: Type.String({ maxLength: 500 }),
    period: Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'Month as YYYY-MM' }),
    amountPence: MoneyPence(),
    costBasis: Type.Union(COST_BASES.map((c) => Type.Literal(c.value))),
    personId: Type.Optional(
      Nullable(
        Type.Integer({ minimum: 1, description: 'One of the partner’s staff in the people register' }),
      ),
    ),
  },
  { additionalProperties: false },
)

export const partnerJson = (p: Partner): Static<typeof PartnerSchema> => ({
  id: p.id,
  version: p.version,
  name: p.name,
  baseContract: p.base_contract,
  annualBaseContractPence: Number(p.annual_base_contract_pence),
  kind: p.kind as Static<typeof PartnerKind>,
  agreementStartsOn: p.agreement_starts_on,
  agreementEndsOn: p.agreement_ends_on,
  services: servicesList(p.services),
  endedOn: p.ended_on,
})
export const rechargeJson = (r: PartnerRecharge): Static<typeof RechargeSchema> => ({
  id: r.id,
  version: r.version,
  partnerId: r.partner_id,
  projectId: r.project_id,
  description: r.description,
  period: r.period,
  amountPence: Number(r.amount_pence),
  costBasis: r.cost_basis,
  personId: r.person_id,
})

/** Partners and their recharges per project, for finance systems to read and feed. */
export async function partnersRechargesApi(app: FastifyInstance) {
  const { finance } = app.services
  const tags = ['Finance']

  app.get(
    '/api/v1/partners',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'Shared-service partners',
        response: { 200: ListOf(PartnerSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => ({
      items: (await finance.partners(scopeOf(request.actor!))).map(partnerJson),
      next: null,
    }),
  )

  app.post<{ Body: Static<typeof CreatePartner> }>(
    '/api/v1/partners',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Add a partner',
        body: CreatePartner,
        response: { 201: PartnerSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const b = request.body
      const p = await finance.createPartner(request.actor!, {
        name: b.name,
        baseContract: b.baseContract ?? '',
        annualBaseContractPence: b.annualBaseContractPence ?? null,
        kind: b.kind ?? 'shared_service',
        agreementStartsOn: b.agreementStartsOn ?? null,
        agreementEndsOn: b.agreementEndsOn ?? null,
        services: b.services ?? [],
      })
      return reply.status(201).send(partnerJson(p))
    },
  )

  app.get<{ Params: Static<typeof ProjectParams> }>(
    '/api/v1/projects/:projectId/recharges',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: "A project's partner recharges",
        params: ProjectParams,
        response: { 200: ListOf(RechargeSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const rows = await finance.projectRecharges(scopeOf(request.actor!), request.params.projectId)
      if (!rows) throw notFound('Project')
      return { items: rows.map(rechargeJson), next: null }
    },
  )

  app.post<{ Params: Static<typeof ProjectParams>; Body: Static<typeof CreateRecharge> }>(
    '/api/v1/projects/:projectId/recharges',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Add a partner recharge to a project',
        params: ProjectParams,
        body: CreateRecharge,
        response: { 201: RechargeSchema, ...WRITE_ERRORS },
      },
      preValidation: projectIn404(app),
    },
    async (request, reply) => {
      const r = await finance.createRecharge(request.actor!, request.params.projectId, request.body)
      return reply.status(201).send(rechargeJson(r))
    },
  )
}
