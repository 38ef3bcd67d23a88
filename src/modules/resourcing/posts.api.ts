import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf, type Actor } from '../../auth/actor.ts'
import type { Post, PostHolder } from '../../db/schema.ts'
import { notFound } from '../../errors.ts'
import { IdParams, ListOf, Paging, STANDARD_ERRORS, WRITE_ERRORS } from '../../web/api-schemas.ts'
import { apiList } from '../../web/pagination.ts'
import type { HoldingRow } from './people.repository.ts'
import {
  fteFromApi,
  HolderFields,
  HolderSchema,
  oneOf,
  patchOf,
  PostFields,
  PostSchema,
  postJson,
} from './resourcing.api-schemas.ts'
import { POST_STATUSES, type HolderInput, type PostInput } from './resourcing.rules.ts'
import { accessOf } from './resourcing.view.ts'

// The establishment through the API: posts and who holds them (issue 10). Partner officers are kept out by
// policy: the establishment and its costs are the council's own record.

const optional = <T extends Record<string, unknown>>(fields: T, required: string[]) =>
  Object.fromEntries(
    Object.entries(fields).map(([k, v]) => [k, required.includes(k) ? v : Type.Optional(v as never)]),
  )

const PostCreate = Type.Object(optional(PostFields, ['title', 'fte', 'status']) as typeof PostFields, {
  additionalProperties: false,
})
const HolderCreate = Type.Object(
  { postId: Type.Integer({ minimum: 1 }), ...HolderFields, endsOn: Type.Optional(HolderFields.endsOn) },
  { additionalProperties: false },
)
const PostsQuery = Type.Object({
  ...Paging,
  status: Type.Optional(oneOf(POST_STATUSES)),
  team: Type.Optional(Type.String({ maxLength: 200 })),
})
const HoldersQuery = Type.Object({
  postId: Type.Optional(Type.Integer({ minimum: 1 })),
  personId: Type.Optional(Type.Integer({ minimum: 1 })),
})

type PostBody = Partial<Static<typeof PostCreate>>
type HolderBody = Partial<Static<typeof HolderCreate>>

const postInput = (b: PostBody, p?: Post): PostInput => ({
  title: b.title ?? p?.title ?? '',
  team: b.team ?? p?.team ?? '',
  grade: b.grade ?? p?.grade ?? '',
  fteHundredths: b.fte !== undefined ? fteFromApi(b.fte) : (p?.fte_hundredths ?? Number.NaN),
  funded: b.funded ?? p?.funded === 1,
  annualCostPence: b.annualCostPence ?? p?.annual_cost_pence ?? 0,
  budgetLineId: b.budgetLineId !== undefined ? b.budgetLineId : (p?.budget_line_id ?? null),
  fundingStreamId: b.fundingStreamId !== undefined ? b.fundingStreamId : (p?.funding_stream_id ?? null),
  status: b.status ?? p?.status ?? '',
  approvedOn: b.approvedOn !== undefined ? b.approvedOn : (p?.approved_on ?? null),
  advertisedOn: b.advertisedOn !== undefined ? b.advertisedOn : (p?.advertised_on ?? null),
  appointedOn: b.appointedOn !== undefined ? b.appointedOn : (p?.appointed_on ?? null),
  startsOn: b.startsOn !== undefined ? b.startsOn : (p?.starts_on ?? null),
})

const holderInput = (b: HolderBody, h?: PostHolder): HolderInput => ({
  personId: b.personId ?? h?.person_id ?? 0,
  startsOn: b.startsOn ?? h?.starts_on ?? '',
  endsOn: b.endsOn !== undefined ? b.endsOn : (h?.ends_on ?? null),
  fteHundredths: b.fte !== undefined ? fteFromApi(b.fte) : (h?.fte_hundredths ?? Number.NaN),
})

const holderJson = (h: HoldingRow): Static<typeof HolderSchema> => ({
  id: h.id,
  version: h.version,
  postId: h.post_id,
  postTitle: h.post_title,
  personName: h.person_name,
  personId: h.person_id,
  startsOn: h.starts_on,
  endsOn: h.ends_on,
  fte: h.fte_hundredths / 100,
  createdAt: h.created_at,
  updatedAt: h.updated_at,
})

export async function postsApi(app: FastifyInstance) {
  const { posts } = app.services.resourcing
  const tags = ['Posts']

  async function one(actor: Actor, id: number) {
    const row = await posts.get(scopeOf(actor), id)
    if (!row) throw notFound('Post')
    const [summary] = await posts.summarise(scopeOf(actor), [row])
    return postJson(summary!, accessOf(actor))
  }
  async function holding(actor: Actor, id: number) {
    const h = await posts.holder(scopeOf(actor), id)
    const rows = h ? await posts.holders(scopeOf(actor), h.post_id) : []
    const row = rows.find((r) => r.id === id)
    if (!row) throw notFound('Post holder')
    return holderJson(row)
  }

  app.get<{ Querystring: Static<typeof PostsQuery> }>(
    '/api/v1/posts',
    {
      config: { policy: 'establishment.read' },
      schema: {
        tags,
        summary: 'List the establishment’s posts',
        querystring: PostsQuery,
        response: { 200: ListOf(PostSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const page = await apiList(
        request.query,
        (w) => posts.list(scopeOf(actor), { ...request.query, ...w }),
        (r) => r,
      )
      const access = accessOf(actor)
      return {
        items: (await posts.summarise(scopeOf(actor), page.items)).map((s) => postJson(s, access)),
        next: page.next,
      }
    },
  )

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/posts/:id',
    {
      config: { policy: 'establishment.read' },
      schema: {
        tags,
        summary: 'Read a post',
        params: IdParams,
        response: { 200: PostSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => one(request.actor!, request.params.id),
  )

  app.post<{ Body: Static<typeof PostCreate> }>(
    '/api/v1/posts',
    {
      config: { policy: 'resourcing.write' },
      schema: {
        tags,
        summary: 'Add a post to the establishment',
        body: PostCreate,
        response: { 201: PostSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const created = await posts.create(request.actor!, postInput(request.body))
      return reply
        .status(201)
        .header('location', `/api/v1/posts/${created.id}`)
        .send(await one(request.actor!, created.id))
    },
  )

  app.patch<{ Params: Static<typeof IdParams>; Body: PostBody & { version: number } }>(
    '/api/v1/posts/:id',
    {
      config: { policy: 'resourcing.write' },
      schema: {
        tags,
        summary: 'Update a post',
        params: IdParams,
        body: patchOf(PostFields),
        response: { 200: PostSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const current = await posts.get(scopeOf(actor), request.params.id)
      if (!current) throw notFound('Post')
      const { version, ...body } = request.body
      await posts.update(actor, current.id, version, postInput(body, current))
      return one(actor, current.id)
    },
  )

  app.get<{ Querystring: Static<typeof HoldersQuery> }>(
    '/api/v1/post-holders',
    {
      config: { policy: 'establishment.read' },
      schema: {
        tags,
        summary: 'Who holds (and held) posts, for a post or a person',
        querystring: HoldersQuery,
        response: { 200: Type.Object({ items: Type.Array(HolderSchema) }), ...STANDARD_ERRORS },
      },
    },
    async (request) => ({
      items: (await posts.listHolders(scopeOf(request.actor!), request.query)).map(holderJson),
    }),
  )

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/post-holders/:id',
    {
      config: { policy: 'establishment.read' },
      schema: {
        tags,
        summary: 'Read a post holding',
        params: IdParams,
        response: { 200: HolderSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => holding(request.actor!, request.params.id),
  )

  app.post<{ Body: Static<typeof HolderCreate> }>(
    '/api/v1/post-holders',
    {
      config: { policy: 'resourcing.write' },
      schema: {
        tags,
        summary: 'A person takes up a post for a dated period',
        body: HolderCreate,
        response: { 201: HolderSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const h = await posts.addHolder(request.actor!, request.body.postId, holderInput(request.body))
      return reply
        .status(201)
        .header('location', `/api/v1/post-holders/${h.id}`)
        .send(await holding(request.actor!, h.id))
    },
  )

  app.patch<{ Params: Static<typeof IdParams>; Body: HolderBody & { version: number } }>(
    '/api/v1/post-holders/:id',
    {
      config: { policy: 'resourcing.write' },
      schema: {
        tags,
        summary: 'Change a holding’s dates or FTE',
        params: IdParams,
        body: patchOf(HolderFields),
        response: { 200: HolderSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const current = await posts.holder(scopeOf(actor), request.params.id)
      if (!current) throw notFound('Post holder')
      const { version, ...body } = request.body
      await posts.updateHolder(actor, current.id, version, holderInput(body, current))
      return holding(actor, current.id)
    },
  )
}
