import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { notFound } from '../../errors.ts'
import { IsoDate, MoneyPence, NullableDate, STANDARD_ERRORS, WRITE_ERRORS } from '../../web/api-schemas.ts'
import { CHOICES, CHOICES_FOR, ITEM_KINDS } from './separation.rules.ts'

const PartnerParams = Type.Object({ partnerId: Type.Integer({ minimum: 1 }) })
const Kind = Type.Union(ITEM_KINDS.map((k) => Type.Literal(k.value)))

const SharedItemSchema = Type.Object({
  kind: Kind,
  id: Type.Integer(),
  title: Type.String(),
  detail: Type.Optional(Type.String()),
  amountPence: Type.Optional(MoneyPence()),
  choices: Type.Array(Type.String(), { description: 'What may become of it' }),
})
const SharedSchema = Type.Object(
  { partnerId: Type.Integer(), endedOn: NullableDate, items: Type.Array(SharedItemSchema) },
  { $id: 'PartnerShared' },
)
const SeparationBody = Type.Object(
  {
    endedOn: IsoDate,
    reasons: Type.String({ maxLength: 10000 }),
    choices: Type.Array(
      Type.Object(
        {
          kind: Kind,
          id: Type.Integer({ minimum: 1 }),
          choice: Type.Union(CHOICES.map((c) => Type.Literal(c.value))),
          councilPercent: Type.Optional(
            Type.Number({ minimum: 0.01, maximum: 99.99, description: 'With split: the council’s share' }),
          ),
        },
        { additionalProperties: false },
      ),
      { maxItems: 5000 },
    ),
  },
  { additionalProperties: false },
)
const SeparationSchema = Type.Object(
  {
    partnerId: Type.Integer(),
    endedOn: IsoDate,
    decisionId: Type.Union([Type.Integer(), Type.Null()]),
    summaryDocx: Type.String(),
    summaryPdf: Type.String(),
  },
  { $id: 'PartnerSeparation' },
)

const links = (partnerId: number) => ({
  summaryDocx: `/partners/${partnerId}/separation.docx`,
  summaryPdf: `/partners/${partnerId}/separation.pdf`,
})

/** Ending a partnership through the API: what is shared, the separation, and its record afterwards. */
export async function separationApi(app: FastifyInstance) {
  const { partnerships } = app.services
  const tags = ['Partnerships']

  app.get<{ Params: Static<typeof PartnerParams> }>(
    '/api/v1/partners/:partnerId/shared',
    {
      config: { policy: 'partnership.end' },
      schema: {
        tags,
        summary: 'What is shared with a partner, and what may become of each record if the partnership ends',
        params: PartnerParams,
        response: { 200: SharedSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const found = await partnerships.shared(scopeOf(request.actor!), request.params.partnerId)
      if (!found) throw notFound('Partner')
      return {
        partnerId: found.partner.id,
        endedOn: found.partner.ended_on,
        items: found.items.map((i) => ({ ...i, choices: [...CHOICES_FOR[i.kind]] })),
      }
    },
  )

  app.post<{ Params: Static<typeof PartnerParams>; Body: Static<typeof SeparationBody> }>(
    '/api/v1/partners/:partnerId/separation',
    {
      config: { policy: 'partnership.end' },
      schema: {
        tags,
        summary:
          'End a partnership: a choice for every shared record, in one transaction, recorded as a decision (409 if it already ended)',
        params: PartnerParams,
        body: SeparationBody,
        response: { 201: SeparationSchema, ...WRITE_ERRORS },
      },
      // Another organisation's partner is not found, whatever the body says.
      preValidation: async (request: FastifyRequest) => {
        const id = Number((request.params as { partnerId?: string }).partnerId)
        if (!Number.isSafeInteger(id) || !(await partnerships.partner(scopeOf(request.actor!), id)))
          throw notFound('Partner')
      },
    },
    async (request, reply) => {
      const b = request.body
      const { separation } = await partnerships.end(request.actor!, request.params.partnerId, {
        endedOn: b.endedOn,
        reasons: b.reasons,
        choices: b.choices.map((c) => ({ ...c, councilPercent: c.councilPercent ?? null })),
      })
      return reply.status(201).send({
        partnerId: separation.partner_id,
        endedOn: separation.ended_on,
        decisionId: separation.decision_id,
        ...links(separation.partner_id),
      })
    },
  )

  app.get<{ Params: Static<typeof PartnerParams> }>(
    '/api/v1/partners/:partnerId/separation',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'How a partnership ended: the date, the decision and the summary for the panel',
        params: PartnerParams,
        response: { 200: SeparationSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const s = await partnerships.separation(scopeOf(request.actor!), request.params.partnerId)
      if (!s) throw notFound('Separation')
      return {
        partnerId: s.partner_id,
        endedOn: s.ended_on,
        decisionId: s.decision_id,
        ...links(s.partner_id),
      }
    },
  )
}
