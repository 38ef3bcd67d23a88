import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf, type Actor } from '../../auth/actor.ts'
import { notFound } from '../../errors.ts'
import {
  IdParams,
  ListOf,
  Nullable,
  Paging,
  STANDARD_ERRORS,
  Timestamp,
  WRITE_ERRORS,
} from '../../web/api-schemas.ts'
import { apiList } from '../../web/pagination.ts'
import { inputOf } from './responsibilities.forms.ts'
import { ASSET_KINDS, ASSET_STATUSES, RACI, type AssetInput } from './responsibilities.rules.ts'
import type { AssetView } from './responsibilities.service.ts'

// Services and assets with their responsibility matrices through the API (issue 10).

const literals = (list: ReadonlyArray<{ value: string }>) =>
  Type.Union(list.map((x) => Type.Literal(x.value)))

const Party = Type.Union([Type.Literal('team'), Type.Literal('person'), Type.Literal('partner')], {
  description: 'A team of the council (by name), a person of the people register, or a partner',
})

const ResponsibilityBody = Type.Object(
  {
    role: literals(RACI),
    party: Party,
    team: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    personId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
    partnerId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
    // A matrix read from this API can be sent back as it is: the party's name is read, never written.
    name: Type.Optional(
      Nullable(Type.String({ maxLength: 400, description: 'Ignored: the name comes from the register' })),
    ),
  },
  { additionalProperties: false },
)

const AssetFields = {
  name: Type.String({ minLength: 1, maxLength: 200 }),
  kind: literals(ASSET_KINDS),
  status: literals(ASSET_STATUSES),
  description: Type.String({ maxLength: 2000 }),
  responsibilities: Type.Array(ResponsibilityBody, {
    maxItems: 60,
    description: 'The whole matrix: at most one accountable party (A), each party once',
  }),
  projectIds: Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 200 }),
  riskIds: Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 200 }),
}

const AssetCreate = Type.Object(
  {
    name: AssetFields.name,
    kind: AssetFields.kind,
    status: Type.Optional(AssetFields.status),
    description: Type.Optional(AssetFields.description),
    responsibilities: Type.Optional(AssetFields.responsibilities),
    projectIds: Type.Optional(AssetFields.projectIds),
    riskIds: Type.Optional(AssetFields.riskIds),
  },
  { additionalProperties: false },
)

const AssetPatch = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    name: Type.Optional(AssetFields.name),
    kind: Type.Optional(AssetFields.kind),
    status: Type.Optional(AssetFields.status),
    description: Type.Optional(AssetFields.description),
    responsibilities: Type.Optional(AssetFields.responsibilities),
    projectIds: Type.Optional(AssetFields.projectIds),
    riskIds: Type.Optional(AssetFields.riskIds),
  },
  { additionalProperties: false },
)

const AssetSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    name: Type.String(),
    kind: Type.String(),
    status: Type.String(),
    description: Type.String(),
    responsibilities: Type.Array(
      Type.Object({
        role: Type.String(),
        party: Type.String(),
        team: Nullable(Type.String()),
        personId: Nullable(Type.Integer()),
        partnerId: Nullable(Type.Integer()),
        name: Nullable(Type.String({ description: 'Null when the reader may not see this party' })),
      }),
    ),
    projects: Type.Array(Type.Object({ id: Type.Integer(), reference: Type.String(), name: Type.String() })),
    risks: Type.Array(Type.Object({ id: Type.Integer(), title: Type.String() })),
    gaps: Type.Array(Type.Object({ code: Type.String(), text: Type.String() }), {
      description: 'No accountable owner; content with no service area responsible or accountable',
    }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'ServiceAsset' },
)

type Body = Partial<Static<typeof AssetCreate>>

const inputFrom = (b: Body, current?: AssetInput): AssetInput => ({
  name: b.name ?? current?.name ?? '',
  kind: b.kind ?? current?.kind ?? '',
  status: b.status ?? current?.status ?? 'live',
  description: b.description ?? current?.description ?? '',
  responsibilities:
    b.responsibilities?.map((r) => ({
      role: r.role,
      party: r.party,
      team: r.party === 'team' ? (r.team ?? '') : null,
      personId: r.party === 'person' ? (r.personId ?? 0) : null,
      partnerId: r.party === 'partner' ? (r.partnerId ?? 0) : null,
    })) ??
    current?.responsibilities ??
    [],
  projectIds: b.projectIds ?? current?.projectIds ?? [],
  riskIds: b.riskIds ?? current?.riskIds ?? [],
})

const assetJson = (v: AssetView): Static<typeof AssetSchema> => ({
  id: v.asset.id,
  version: v.asset.version,
  name: v.asset.name,
  kind: v.asset.kind,
  status: v.asset.status,
  description: v.asset.description,
  responsibilities: v.cells.map((c) => ({
    role: c.role,
    party: c.name === null ? 'hidden' : c.partyKind,
    team: c.name === null ? null : c.team,
    personId: c.name === null ? null : c.personId,
    partnerId: c.name === null ? null : c.partnerId,
    name: c.name,
  })),
  projects: v.projects.map((p) => ({ id: p.id, reference: p.reference, name: p.name })),
  risks: v.risks.map((r) => ({ id: r.id, title: r.title })),
  gaps: v.gaps,
  createdAt: v.asset.created_at,
  updatedAt: v.asset.updated_at,
})

export async function responsibilitiesApi(app: FastifyInstance) {
  const service = app.services.responsibilities
  const tags = ['Responsibilities']

  async function one(actor: Actor, id: number) {
    const v = await service.view(scopeOf(actor), id)
    if (!v) throw notFound('Service or asset')
    return v
  }

  app.get<{ Querystring: Static<typeof Query> }>(
    '/api/v1/service-assets',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'List services and assets with their responsibility matrices',
        querystring: Query,
        response: { 200: ListOf(AssetSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const scope = scopeOf(request.actor!)
      const page = await apiList(
        request.query,
        (w) => service.list(scope, w),
        (r) => r,
      )
      return { items: (await service.views(scope, page.items)).map(assetJson), next: page.next }
    },
  )

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/service-assets/:id',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'Read a service or asset and its responsibility matrix',
        params: IdParams,
        response: { 200: AssetSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => assetJson(await one(request.actor!, request.params.id)),
  )

  app.post<{ Body: Static<typeof AssetCreate> }>(
    '/api/v1/service-assets',
    {
      config: { policy: 'project.write' },
      schema: {
        tags,
        summary: 'Record a service or asset with its responsibility matrix',
        body: AssetCreate,
        response: { 201: AssetSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = request.actor!
      const created = await service.create(actor, inputFrom(request.body))
      return reply
        .status(201)
        .header('location', `/api/v1/service-assets/${created.id}`)
        .send(assetJson(await one(actor, created.id)))
    },
  )

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof AssetPatch> }>(
    '/api/v1/service-assets/:id',
    {
      config: { policy: 'project.write' },
      schema: {
        tags,
        summary: 'Change a service or asset; `responsibilities` replaces the whole matrix',
        params: IdParams,
        body: AssetPatch,
        response: { 200: AssetSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const current = await one(actor, request.params.id)
      const { version, ...body } = request.body
      await service.update(actor, current.asset.id, version, inputFrom(body, inputOf(current)))
      return assetJson(await one(actor, current.asset.id))
    },
  )
}

const Query = Type.Object(Paging)
