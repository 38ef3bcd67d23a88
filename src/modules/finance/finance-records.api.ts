import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import type { ClaimItem, Partner, PartnerRecharge } from '../../db/schema.ts'
import { notFound } from '../../errors.ts'
import { ListOf, MoneyPence, Nullable, STANDARD_ERRORS, WRITE_ERRORS } from '../../web/api-schemas.ts'
import { COST_BASES } from './finance.rules.ts'

const ProjectParams = Type.Object({ projectId: Type.Integer({ minimum: 1 }) })
const ClaimParams = Type.Object({ claimId: Type.Integer({ minimum: 1 }) })

export const PartnerSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    name: Type.String(),
    baseContract: Type.String(),
    annualBaseContractPence: MoneyPence(),
  },
  { $id: 'Partner' },
)
const CreatePartner = Type.Object(
  {
    name: Type.String({ maxLength: 200 }),
    baseContract: Type.Optional(Type.String({ maxLength: 2000 })),
    annualBaseContractPence: Type.Optional(MoneyPence({ minimum: 0 })),
  },
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
  },
  { additionalProperties: false },
)

const ItemSchema = Type.Object(
  {
    id: Type.Integer(),
    claimId: Type.Integer(),
    description: Type.String(),
    amountPence: MoneyPence(),
    eligible: Type.Boolean(),
    ineligibleReason: Type.String(),
    partnerRechargeId: Nullable(Type.Integer()),
  },
  { $id: 'ClaimItem' },
)
const CreateItem = Type.Object(
  {
    description: Type.String({ maxLength: 500 }),
    amountPence: MoneyPence(),
    eligible: Type.Boolean(),
    ineligibleReason: Type.Optional(Type.String({ maxLength: 500 })),
    partnerRechargeId: Type.Optional(
      Nullable(Type.Integer({ minimum: 1, description: 'The partner recharge this item claims for' })),
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
})
const itemJson = (i: ClaimItem): Static<typeof ItemSchema> => ({
  id: i.id,
  claimId: i.claim_id,
  description: i.description,
  amountPence: Number(i.amount_pence),
  eligible: i.eligible === 1,
  ineligibleReason: i.ineligible_reason,
  partnerRechargeId: i.partner_recharge_id ?? null,
})

/** Partners, their recharges per project, and the items in a claim, for finance systems to read and feed. */
export async function financeRecordsApi(app: FastifyInstance) {
  const { finance, projects } = app.services
  const tags = ['Finance']
  // Another organisation's project or claim answers 404 before the body is judged.
  const param = (request: FastifyRequest, name: string) =>
    Number((request.params as Record<string, string>)[name])
  const projectIn404 = async (request: FastifyRequest) => {
    const id = param(request, 'projectId')
    if (!Number.isSafeInteger(id) || !(await projects.get(scopeOf(request.actor!), id)))
      throw notFound('Project')
  }
  const claimIn404 = async (request: FastifyRequest) => {
    const id = param(request, 'claimId')
    if (!Number.isSafeInteger(id) || !(await finance.claim(scopeOf(request.actor!), id)))
      throw notFound('Claim')
  }

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
      preValidation: projectIn404,
    },
    async (request, reply) => {
      const r = await finance.createRecharge(request.actor!, request.params.projectId, request.body)
      return reply.status(201).send(rechargeJson(r))
    },
  )

  app.get<{ Params: Static<typeof ClaimParams> }>(
    '/api/v1/claims/:claimId/items',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'The items in a claim, with the reason any is ineligible',
        params: ClaimParams,
        response: { 200: ListOf(ItemSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const c = await finance.claimWithItems(scopeOf(request.actor!), request.params.claimId)
      if (!c) throw notFound('Claim')
      return { items: c.items.map(itemJson), next: null }
    },
  )

  app.post<{ Params: Static<typeof ClaimParams>; Body: Static<typeof CreateItem> }>(
    '/api/v1/claims/:claimId/items',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Add an item to a claim',
        params: ClaimParams,
        body: CreateItem,
        response: { 201: ItemSchema, ...WRITE_ERRORS },
      },
      preValidation: claimIn404,
    },
    async (request, reply) => {
      const b = request.body
      const i = await finance.addClaimItem(request.actor!, request.params.claimId, {
        description: b.description,
        amountPence: b.amountPence,
        eligible: b.eligible,
        ineligibleReason: b.ineligibleReason ?? '',
        partnerRechargeId: b.partnerRechargeId ?? null,
      })
      return reply.status(201).send(itemJson(i))
    },
  )
}
