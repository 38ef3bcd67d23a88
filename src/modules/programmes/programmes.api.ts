import { OwnerNameBody, PersonIdBody, PersonIdField } from '../resourcing/person-refs.api-schemas.ts'
import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import type { Programme } from '../../db/schema.ts'
import { notFound } from '../../errors.ts'
import {
  IdParams,
  ListOf,
  NullableDate,
  Paging,
  STANDARD_ERRORS,
  Timestamp,
  WRITE_ERRORS,
} from '../../web/api-schemas.ts'
import { apiList } from '../../web/pagination.ts'
import { PROGRAMME_STATUSES } from './programmes.rules.ts'

const Status = Type.Union(PROGRAMME_STATUSES.map((s) => Type.Literal(s.value)))

export const ProgrammeSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    reference: Type.String(),
    name: Type.String(),
    purpose: Type.String(),
    sro: Type.String({ description: 'Senior Responsible Owner' }),
    portfolioHolder: Type.String({ description: 'The accountable cabinet member, from the people register' }),
    portfolioHolderPersonId: PersonIdField('The Portfolio Holder'),
    startDate: NullableDate,
    endDate: NullableDate,
    status: Type.String(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Programme' },
)

const ProgrammeFields = {
  reference: Type.String({ minLength: 1, maxLength: 30 }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  purpose: Type.String({ maxLength: 5000 }),
  sro: Type.String({ maxLength: 200 }),
  portfolioHolderPersonId: PersonIdBody('portfolioHolder'),
  portfolioHolder: OwnerNameBody,
  startDate: NullableDate,
  endDate: NullableDate,
  status: Status,
}

const CreateBody = Type.Object(
  {
    reference: ProgrammeFields.reference,
    name: ProgrammeFields.name,
    purpose: Type.Optional(ProgrammeFields.purpose),
    sro: Type.Optional(ProgrammeFields.sro),
    portfolioHolderPersonId: Type.Optional(ProgrammeFields.portfolioHolderPersonId),
    portfolioHolder: Type.Optional(ProgrammeFields.portfolioHolder),
    startDate: Type.Optional(ProgrammeFields.startDate),
    endDate: Type.Optional(ProgrammeFields.endDate),
    status: Type.Optional(ProgrammeFields.status),
  },
  { additionalProperties: false },
)

const UpdateBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: 'The version you read; a stale one answers 409' }),
    ...Object.fromEntries(Object.entries(ProgrammeFields).map(([k, v]) => [k, Type.Optional(v)])),
  },
  { additionalProperties: false },
)

const ListQuery = Type.Object({
  ...Paging,
  status: Type.Optional(Status),
  q: Type.Optional(Type.String({ maxLength: 100, description: 'Text in the name or reference' })),
  sort: Type.Optional(
    Type.Union(
      ['reference', 'name', 'start_date', 'end_date', 'updated_at'].map((s) => Type.Literal(s)) as never,
    ),
  ),
})

export function programmeJson(p: Programme): Static<typeof ProgrammeSchema> {
  return {
    id: p.id,
    version: p.version,
    reference: p.reference,
    name: p.name,
    purpose: p.purpose,
    sro: p.sro,
    portfolioHolder: p.portfolio_holder,
    portfolioHolderPersonId: p.portfolio_holder_person_id,
    startDate: p.start_date,
    endDate: p.end_date,
    status: p.status,
    createdAt: p.created_at,
    updatedAt: p.updated_at,
  }
}

export async function programmesApi(app: FastifyInstance) {
  const { programmes } = app.services
  const tags = ['Programmes']

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/v1/programmes',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'List programmes',
        querystring: ListQuery,
        response: { 200: ListOf(ProgrammeSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      return apiList(
        request.query,
        (window) =>
          programmes.list(scopeOf(request.actor!), {
            status: request.query.status,
            q: request.query.q,
            sort: request.query.sort as never,
            order: request.query.order,
            ...window,
          }),
        programmeJson,
      )
    },
  )

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/programmes/:id',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'Read a programme',
        params: IdParams,
        response: { 200: ProgrammeSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const p = await programmes.get(scopeOf(request.actor!), request.params.id)
      if (!p) throw notFound('Programme')
      return programmeJson(p)
    },
  )

  app.post<{ Body: Static<typeof CreateBody> }>(
    '/api/v1/programmes',
    {
      config: { policy: 'programme.write' },
      schema: {
        tags,
        summary: 'Create a programme',
        body: CreateBody,
        response: { 201: ProgrammeSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const b = request.body
      const created = await programmes.create(request.actor!, {
        reference: b.reference,
        name: b.name,
        purpose: b.purpose ?? '',
        sro: b.sro ?? '',
        portfolioHolderPersonId: b.portfolioHolderPersonId ?? null,
        portfolioHolder: b.portfolioHolder ?? '',
        startDate: b.startDate ?? null,
        endDate: b.endDate ?? null,
        status: b.status ?? 'active',
      })
      return reply
        .status(201)
        .header('location', `/api/v1/programmes/${created.id}`)
        .send(programmeJson(created))
    },
  )

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof UpdateBody> }>(
    '/api/v1/programmes/:id',
    {
      config: { policy: 'programme.write' },
      schema: {
        tags,
        summary: 'Update a programme',
        params: IdParams,
        body: UpdateBody,
        response: { 200: ProgrammeSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const { version, ...patch } = request.body
      const updated = await programmes.update(request.actor!, request.params.id, version, patch)
      return programmeJson(updated)
    },
  )
}
