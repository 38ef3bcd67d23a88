import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { scopeOf } from '../../../auth/actor.ts'
import type { ClaimItem } from '../../../db/schema.ts'
import { notFound } from '../../../errors.ts'
import { ListOf, MoneyPence, Nullable, STANDARD_ERRORS, WRITE_ERRORS } from '../../../web/api-schemas.ts'

const ClaimParams = Type.Object({ claimId: Type.Integer({ minimum: 1 }) })

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

const itemJson = (i: ClaimItem): Static<typeof ItemSchema> => ({
  id: i.id,
  claimId: i.claim_id,
  description: i.description,
  amountPence: Number(i.amount_pence),
  eligible: i.eligible === 1,
  ineligibleReason: i.ineligible_reason,
  partnerRechargeId: i.partner_recharge_id ?? null,
})

/** The items in a claim, with the reason any is ineligible, for finance systems to read and feed. */
export async function claimItemsApi(app: FastifyInstance) {
  const { finance } = app.services
  const tags = ['Finance']
  // Another organisation's claim answers 404 before the body is judged.
  const claimIn404 = async (request: FastifyRequest) => {
    const id = Number((request.params as Record<string, string>).claimId)
    if (!Number.isSafeInteger(id) || !(await finance.claim(scopeOf(request.actor!), id)))
      throw notFound('Claim')
  }

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
