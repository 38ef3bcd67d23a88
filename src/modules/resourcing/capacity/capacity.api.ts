import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf, type Actor } from '../../../auth/actor.ts'
import { notFound } from '../../../errors.ts'
import { IdParams, ListOf, Paging, STANDARD_ERRORS, WRITE_ERRORS } from '../../../web/api-schemas.ts'
import { apiList } from '../../../web/pagination.ts'
import { patchOf } from '../resourcing.api-schemas.ts'
import {
  AllocationFields,
  AllocationSchema,
  allocationJson,
  CapacityQuery,
  CapacitySchema,
  capacityJson,
  monthsFromApi,
  RoleFields,
  RoleSchema,
  roleJson,
} from './capacity.api-schemas.ts'
import type { AllocationInput, RoleInput } from './capacity.rules.ts'
import type { AllocationRow, RoleRow } from './demand.repository.ts'

// Demand, allocation and capacity through the API (issue 10). Reading follows the people register's policy
// (a partner officer sees the shared projects' roles and their own partner's staff); writing is resourcing.write.

const RoleCreate = Type.Object(
  {
    projectId: Type.Integer({ minimum: 1 }),
    title: RoleFields.title,
    team: Type.Optional(RoleFields.team),
    skillIds: Type.Optional(RoleFields.skillIds),
    months: Type.Optional(RoleFields.months),
  },
  { additionalProperties: false },
)
const AllocationCreate = Type.Object(
  {
    roleId: Type.Integer({ minimum: 1 }),
    personId: Type.Optional(AllocationFields.personId),
    postId: Type.Optional(AllocationFields.postId),
    months: AllocationFields.months,
  },
  { additionalProperties: false },
)
const RolesQuery = Type.Object({
  ...Paging,
  projectId: Type.Optional(Type.Integer({ minimum: 1 })),
  programmeId: Type.Optional(Type.Integer({ minimum: 1 })),
})
const AllocationsQuery = Type.Object({
  ...Paging,
  roleId: Type.Optional(Type.Integer({ minimum: 1 })),
  projectId: Type.Optional(Type.Integer({ minimum: 1 })),
  personId: Type.Optional(Type.Integer({ minimum: 1 })),
})
const VersionQuery = Type.Object({
  version: Type.Optional(Type.Integer({ minimum: 1, description: 'The version you read (required)' })),
})
const Seeded = Type.Object({
  created: Type.Integer({ description: 'Roles made from resource lines' }),
  existing: Type.Integer({ description: 'Resource lines the project already had a role for' }),
})

type RoleBody = Partial<Static<typeof RoleCreate>>
type AllocationBody = Partial<Static<typeof AllocationCreate>>

export async function capacityApi(app: FastifyInstance) {
  const { demand, capacity } = app.services.resourcing.capacity
  const tags = ['Capacity']

  async function rolesJson(rows: RoleRow[]) {
    const ids = rows.map((r) => r.id)
    const [months, skills] = await Promise.all([demand.roleMonths(ids), demand.roleSkills(ids)])
    return rows.map((r) =>
      roleJson(
        r,
        months.filter((m) => m.role_id === r.id),
        skills.filter((s) => s.role_id === r.id),
      ),
    )
  }
  async function allocationsJson(actor: Actor, rows: AllocationRow[]) {
    const months = await demand.allocationMonths(rows.map((r) => r.id))
    return Promise.all(
      rows.map(async (a) => {
        const mine = months.filter((m) => m.allocation_id === a.id)
        const over =
          a.person_id === null ? new Set() : await capacity.overAllocatedMonths(scopeOf(actor), a.person_id)
        return allocationJson(
          a,
          mine,
          mine.map((m) => m.period).filter((p) => over.has(p)),
        )
      }),
    )
  }
  async function oneRole(actor: Actor, id: number) {
    const r = await demand.role(scopeOf(actor), id)
    if (!r) throw notFound('Role')
    return (await rolesJson([r]))[0]!
  }
  async function oneAllocation(actor: Actor, id: number) {
    const a = await demand.allocation(scopeOf(actor), id)
    if (!a) throw notFound('Allocation')
    return (await allocationsJson(actor, [a]))[0]!
  }
  async function roleInput(b: RoleBody, current?: RoleRow): Promise<RoleInput> {
    const [months, skills] = current
      ? await Promise.all([demand.roleMonths([current.id]), demand.roleSkills([current.id])])
      : [[], []]
    return {
      title: b.title ?? current?.title ?? '',
      team: b.team ?? current?.team ?? '',
      skillIds: b.skillIds ?? skills.map((s) => s.skill_id),
      months: b.months
        ? monthsFromApi(b.months)
        : months.map((m) => ({ period: m.period, fteHundredths: m.fte_hundredths })),
    }
  }
  async function allocationInput(b: AllocationBody, current?: AllocationRow): Promise<AllocationInput> {
    const months = current ? await demand.allocationMonths([current.id]) : []
    return {
      personId: b.personId !== undefined ? b.personId : (current?.person_id ?? null),
      postId: b.postId !== undefined ? b.postId : (current?.post_id ?? null),
      months: b.months
        ? monthsFromApi(b.months)
        : months.map((m) => ({ period: m.period, fteHundredths: m.fte_hundredths })),
    }
  }

  app.get<{ Querystring: Static<typeof CapacityQuery> }>(
    '/api/v1/capacity',
    {
      config: { policy: 'people.read' },
      schema: {
        tags,
        summary: 'Demand against allocation against available capacity, by month and by skill or team',
        querystring: CapacityQuery,
        response: { 200: CapacitySchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => capacityJson(await capacity.report(scopeOf(request.actor!), request.query)),
  )

  app.get<{ Querystring: Static<typeof RolesQuery> }>(
    '/api/v1/project-roles',
    {
      config: { policy: 'people.read' },
      schema: {
        tags,
        summary: 'List projects’ roles (demand), with the FTE each needs by month',
        querystring: RolesQuery,
        response: { 200: ListOf(RoleSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const page = await apiList(
        request.query,
        (w) => demand.roles(scopeOf(request.actor!), { ...request.query, ...w }),
        (r) => r,
      )
      return { items: await rolesJson(page.items), next: page.next }
    },
  )

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/project-roles/:id',
    {
      config: { policy: 'people.read' },
      schema: {
        tags,
        summary: 'Read a project role',
        params: IdParams,
        response: { 200: RoleSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => oneRole(request.actor!, request.params.id),
  )

  app.post<{ Body: Static<typeof RoleCreate> }>(
    '/api/v1/project-roles',
    {
      config: { policy: 'resourcing.write' },
      schema: {
        tags,
        summary: 'Add a role a project needs',
        body: RoleCreate,
        response: { 201: RoleSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const r = await demand.createRole(request.actor!, request.body.projectId, await roleInput(request.body))
      return reply
        .status(201)
        .header('location', `/api/v1/project-roles/${r.id}`)
        .send(await oneRole(request.actor!, r.id))
    },
  )

  app.patch<{ Params: Static<typeof IdParams>; Body: RoleBody & { version: number } }>(
    '/api/v1/project-roles/:id',
    {
      config: { policy: 'resourcing.write' },
      schema: {
        tags,
        summary: 'Change a role, its skills or the FTE it needs by month',
        params: IdParams,
        body: patchOf(RoleFields),
        response: { 200: RoleSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const current = await demand.role(scopeOf(actor), request.params.id)
      if (!current) throw notFound('Role')
      const { version, ...body } = request.body
      await demand.updateRole(actor, current.id, version, await roleInput(body, current))
      return oneRole(actor, current.id)
    },
  )

  app.delete<{ Params: Static<typeof IdParams>; Querystring: Static<typeof VersionQuery> }>(
    '/api/v1/project-roles/:id',
    {
      config: { policy: 'resourcing.write' },
      schema: {
        tags,
        summary: 'Remove a role and its allocations',
        params: IdParams,
        querystring: VersionQuery,
        response: { 204: Type.Null(), ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      await demand.deleteRole(request.actor!, request.params.id, request.query.version ?? null)
      return reply.status(204).send()
    },
  )

  app.post<{ Params: Static<typeof IdParams> }>(
    '/api/v1/projects/:id/project-roles/seed',
    {
      config: { policy: 'resourcing.write' },
      schema: {
        tags,
        summary:
          'Seed a project’s roles from its business case’s resource lines (again: adds only what is missing)',
        params: IdParams,
        response: { 200: Seeded, ...WRITE_ERRORS },
      },
    },
    async (request) => demand.seedFromBusinessCase(request.actor!, request.params.id),
  )

  app.get<{ Querystring: Static<typeof AllocationsQuery> }>(
    '/api/v1/allocations',
    {
      config: { policy: 'people.read' },
      schema: {
        tags,
        summary: 'List allocations of people (or vacant posts) to project roles',
        querystring: AllocationsQuery,
        response: { 200: ListOf(AllocationSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const page = await apiList(
        request.query,
        (w) => demand.allocations(scopeOf(actor), { ...request.query, ...w }),
        (r) => r,
      )
      return { items: await allocationsJson(actor, page.items), next: page.next }
    },
  )

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/allocations/:id',
    {
      config: { policy: 'people.read' },
      schema: {
        tags,
        summary: 'Read an allocation',
        params: IdParams,
        response: { 200: AllocationSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => oneAllocation(request.actor!, request.params.id),
  )

  app.post<{ Body: Static<typeof AllocationCreate> }>(
    '/api/v1/allocations',
    {
      config: { policy: 'resourcing.write' },
      schema: {
        tags,
        summary: 'Allocate a person (or a vacant post) to a project role, FTE by month',
        body: AllocationCreate,
        response: { 201: AllocationSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const a = await demand.createAllocation(
        request.actor!,
        request.body.roleId,
        await allocationInput(request.body),
      )
      return reply
        .status(201)
        .header('location', `/api/v1/allocations/${a.id}`)
        .send(await oneAllocation(request.actor!, a.id))
    },
  )

  app.patch<{ Params: Static<typeof IdParams>; Body: AllocationBody & { version: number } }>(
    '/api/v1/allocations/:id',
    {
      config: { policy: 'resourcing.write' },
      schema: {
        tags,
        summary: 'Change who is allocated, or their FTE by month',
        params: IdParams,
        body: patchOf(AllocationFields),
        response: { 200: AllocationSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const current = await demand.allocation(scopeOf(actor), request.params.id)
      if (!current) throw notFound('Allocation')
      const { version, ...body } = request.body
      await demand.updateAllocation(actor, current.id, version, await allocationInput(body, current))
      return oneAllocation(actor, current.id)
    },
  )

  app.delete<{ Params: Static<typeof IdParams>; Querystring: Static<typeof VersionQuery> }>(
    '/api/v1/allocations/:id',
    {
      config: { policy: 'resourcing.write' },
      schema: {
        tags,
        summary: 'Remove an allocation',
        params: IdParams,
        querystring: VersionQuery,
        response: { 204: Type.Null(), ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      await demand.deleteAllocation(request.actor!, request.params.id, request.query.version ?? null)
      return reply.status(204).send()
    },
  )
}
