import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf, type Actor } from '../../../auth/actor.ts'
import { notFound } from '../../../errors.ts'
import {
  IdParams,
  ListOf,
  Nullable,
  NullableDate,
  Paging,
  STANDARD_ERRORS,
  Timestamp,
  WRITE_ERRORS,
} from '../../../web/api-schemas.ts'
import { apiList } from '../../../web/pagination.ts'
import { inputOf } from './ambitions.forms.ts'
import { AMBITION_STATUSES, type AmbitionInput } from './ambitions.rules.ts'
import type { AmbitionView } from './ambitions.service.ts'

// Strategic ambitions and the programmes and projects linked to them, through the API (issue 11).

const Status = Type.Union(AMBITION_STATUSES.map((s) => Type.Literal(s.value)))

const Fields = {
  title: Type.String({ minLength: 1, maxLength: 200 }),
  statement: Type.String({ maxLength: 4000 }),
  theme: Type.String({ maxLength: 200, description: 'The corporate plan theme it serves' }),
  horizonOn: NullableDate,
  status: Status,
  ownerPersonId: Nullable(Type.Integer({ minimum: 1, description: 'A person of the people register' })),
  programmeIds: Type.Array(Type.Integer({ minimum: 1 }), {
    maxItems: 200,
    description: 'The programmes that contribute: the whole list',
  }),
  projectIds: Type.Array(Type.Integer({ minimum: 1 }), {
    maxItems: 500,
    description: 'The projects that contribute: the whole list',
  }),
}

const optional = {
  statement: Type.Optional(Fields.statement),
  theme: Type.Optional(Fields.theme),
  horizonOn: Type.Optional(Fields.horizonOn),
  status: Type.Optional(Fields.status),
  ownerPersonId: Type.Optional(Fields.ownerPersonId),
  programmeIds: Type.Optional(Fields.programmeIds),
  projectIds: Type.Optional(Fields.projectIds),
}

const AmbitionCreate = Type.Object({ title: Fields.title, ...optional }, { additionalProperties: false })
const AmbitionPatch = Type.Object(
  { version: Type.Integer({ minimum: 1 }), title: Type.Optional(Fields.title), ...optional },
  { additionalProperties: false },
)

const Linked = Type.Object({ id: Type.Integer(), reference: Type.String(), name: Type.String() })

const AmbitionSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    title: Type.String(),
    statement: Type.String(),
    theme: Type.String(),
    horizonOn: NullableDate,
    status: Type.String(),
    ownerPersonId: Nullable(Type.Integer()),
    owner: Type.String({ description: "The owner's name, as the people register has it" }),
    programmeIds: Type.Array(Type.Integer()),
    projectIds: Type.Array(Type.Integer()),
    programmes: Type.Array(Linked, { description: 'Those the reader may see' }),
    projects: Type.Array(Linked, { description: 'Those the reader may see' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Ambition' },
)

type Body = Partial<Static<typeof AmbitionCreate>>

const inputFrom = (b: Body, current?: AmbitionInput): AmbitionInput => ({
  title: b.title ?? current?.title ?? '',
  statement: b.statement ?? current?.statement ?? '',
  theme: b.theme ?? current?.theme ?? '',
  horizonOn: b.horizonOn !== undefined ? b.horizonOn : (current?.horizonOn ?? null),
  status: b.status ?? current?.status ?? 'active',
  ownerPersonId: b.ownerPersonId !== undefined ? b.ownerPersonId : (current?.ownerPersonId ?? null),
  // An owner named but not in the register is kept while the API leaves the owner alone.
  owner: b.ownerPersonId !== undefined ? '' : (current?.owner ?? ''),
  programmeIds: b.programmeIds ?? current?.programmeIds ?? [],
  projectIds: b.projectIds ?? current?.projectIds ?? [],
})

const linked = (l: { id: number; reference: string; name: string }) => ({
  id: l.id,
  reference: l.reference,
  name: l.name,
})

const ambitionJson = (v: AmbitionView): Static<typeof AmbitionSchema> => ({
  id: v.ambition.id,
  version: v.ambition.version,
  title: v.ambition.title,
  statement: v.ambition.statement,
  theme: v.ambition.theme,
  horizonOn: v.ambition.horizon_on,
  status: v.ambition.status,
  ownerPersonId: v.ambition.owner_person_id,
  owner: v.ambition.owner,
  programmeIds: v.programmes.map((p) => p.id),
  projectIds: v.projects.map((p) => p.id),
  programmes: v.programmes.map(linked),
  projects: v.projects.map(linked),
  createdAt: v.ambition.created_at,
  updatedAt: v.ambition.updated_at,
})

const Query = Type.Object(Paging)

export async function ambitionsApi(app: FastifyInstance) {
  const service = app.services.ambitions
  const tags = ['Ambitions']

  async function one(actor: Actor, id: number) {
    const v = await service.view(scopeOf(actor), id)
    if (!v) throw notFound('Ambition')
    return v
  }

  app.get<{ Querystring: Static<typeof Query> }>(
    '/api/v1/ambitions',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'List strategic ambitions with the programmes and projects that contribute',
        querystring: Query,
        response: { 200: ListOf(AmbitionSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const scope = scopeOf(request.actor!)
      const page = await apiList(
        request.query,
        (w) => service.list(scope, w),
        (r) => r,
      )
      return { items: (await service.views(scope, page.items)).map(ambitionJson), next: page.next }
    },
  )

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/ambitions/:id',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'Read a strategic ambition and its links',
        params: IdParams,
        response: { 200: AmbitionSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => ambitionJson(await one(request.actor!, request.params.id)),
  )

  app.post<{ Body: Static<typeof AmbitionCreate> }>(
    '/api/v1/ambitions',
    {
      config: { policy: 'programme.write' },
      schema: {
        tags,
        summary: 'Record a strategic ambition and the programmes and projects that contribute',
        body: AmbitionCreate,
        response: { 201: AmbitionSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = request.actor!
      const created = await service.create(actor, inputFrom(request.body))
      return reply
        .status(201)
        .header('location', `/api/v1/ambitions/${created.id}`)
        .send(ambitionJson(await one(actor, created.id)))
    },
  )

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof AmbitionPatch> }>(
    '/api/v1/ambitions/:id',
    {
      config: { policy: 'programme.write' },
      schema: {
        tags,
        summary: 'Change a strategic ambition; `programmeIds` and `projectIds` replace the whole lists',
        params: IdParams,
        body: AmbitionPatch,
        response: { 200: AmbitionSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const current = await one(actor, request.params.id)
      const { version, ...body } = request.body
      await service.update(actor, current.ambition.id, version, inputFrom(body, inputOf(current)))
      return ambitionJson(await one(actor, current.ambition.id))
    },
  )
}
