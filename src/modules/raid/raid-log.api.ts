import { OwnerNameBody, PersonIdBody, PersonIdField } from '../resourcing/person-refs.api-schemas.ts'
import { Type, type Static, type TObject, type TSchema } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf, type Actor, type Scope } from '../../auth/actor.ts'
import type { Assumption, Dependency } from '../../db/schema.ts'
import { notFound, ValidationError } from '../../errors.ts'
import {
  IdParams,
  ListOf,
  Nullable,
  NullableDate,
  Paging,
  STANDARD_ERRORS,
  Timestamp,
  WRITE_ERRORS,
} from '../../web/api-schemas.ts'
import { apiList } from '../../web/pagination.ts'
import { lit } from './raid.api.ts'
import {
  ASSUMPTION_STATUSES,
  DEPENDENCY_STATUSES,
  type AssumptionInput,
  type DependencyInput,
  type RaidLogFilter,
} from './raid-log.service.ts'

// The A and D of the RAID log through the API: assumptions and dependencies, each on a project.

const ListQuery = Type.Object({
  ...Paging,
  projectId: Type.Optional(Type.Integer({ minimum: 1 })),
  programmeId: Type.Optional(Type.Integer({ minimum: 1 })),
  status: Type.Optional(Type.String({ maxLength: 20 })),
})

export const AssumptionSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    projectId: Type.Integer(),
    description: Type.String(),
    owner: Type.String({ description: "The owner's name, from the people register" }),
    ownerPersonId: PersonIdField('The owner'),
    status: Type.String({ description: 'open, confirmed or invalid (proved wrong)' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Assumption' },
)
const AssumptionFields = {
  description: Type.String({ minLength: 1, maxLength: 5000 }),
  ownerPersonId: PersonIdBody('owner'),
  owner: OwnerNameBody,
  status: lit(ASSUMPTION_STATUSES),
}

export const DependencySchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    projectId: Type.Integer(),
    description: Type.String(),
    dependsOnProjectId: Nullable(Type.Integer({ description: 'The project depended on, if any' })),
    partnerName: Type.String({ description: 'The partner depended on, if not a project' }),
    neededBy: NullableDate,
    status: Type.String({ description: 'open, at_risk or met' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Dependency' },
)
const DependencyFields = {
  description: Type.String({ minLength: 1, maxLength: 5000 }),
  dependsOnProjectId: Nullable(Type.Integer({ minimum: 1 })),
  partnerName: Type.String({ maxLength: 200 }),
  neededBy: NullableDate,
  status: lit(DEPENDENCY_STATUSES),
}

/** A create body: the project, the required fields, the rest optional. */
function createBody(fields: Record<string, TSchema>, required: string[]) {
  return Type.Object(
    {
      projectId: Type.Integer({ minimum: 1 }),
      ...Object.fromEntries(
        Object.entries(fields).map(([k, v]) => [k, required.includes(k) ? v : Type.Optional(v)]),
      ),
    },
    { additionalProperties: false },
  )
}

function updateBody(fields: Record<string, TSchema>) {
  return Type.Object(
    {
      version: Type.Integer({ minimum: 1 }),
      ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, Type.Optional(v)])),
    },
    { additionalProperties: false },
  )
}

export function assumptionJson(a: Assumption): Static<typeof AssumptionSchema> {
  return {
    id: a.id,
    version: a.version,
    projectId: a.project_id,
    description: a.description,
    owner: a.owner,
    ownerPersonId: a.owner_person_id,
    status: a.status,
    createdAt: a.created_at,
    updatedAt: a.updated_at,
  }
}

export function dependencyJson(d: Dependency): Static<typeof DependencySchema> {
  return {
    id: d.id,
    version: d.version,
    projectId: d.project_id,
    description: d.description,
    dependsOnProjectId: d.depends_on_project_id,
    partnerName: d.partner_name,
    neededBy: d.needed_by,
    status: d.status,
    createdAt: d.created_at,
    updatedAt: d.updated_at,
  }
}

type Body = Record<string, unknown>

interface LogEntry<Row> {
  path: string
  what: string
  tag: string
  schema: TObject
  create: TObject
  update: TObject
  json: (row: Row) => unknown
  /** The service's field names (shared with the pages' forms) as this API's body fields. */
  fieldNames: Record<string, string>
  list: (scope: Scope, f: RaidLogFilter) => Promise<Row[]>
  get: (scope: Scope, id: number) => Promise<Row | undefined>
  add: (actor: Actor, projectId: number, body: Body) => Promise<Row>
  change: (actor: Actor, id: number, version: number, body: Body) => Promise<Row>
}

/** List, read, add and change for one kind of log entry: the same four routes for both kinds. */
function registerEntry<Row extends { id: number }>(app: FastifyInstance, e: LogEntry<Row>) {
  const tags = ['RAID log']
  const renamed = async (save: () => Promise<Row>) => {
    try {
      return await save()
    } catch (err) {
      if (!(err instanceof ValidationError)) throw err
      const fields = Object.entries(err.fields ?? {}).map(([k, v]) => [e.fieldNames[k] ?? k, v])
      throw new ValidationError(Object.fromEntries(fields) as Record<string, string>)
    }
  }

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    e.path,
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: `List ${e.tag}`,
        querystring: ListQuery,
        response: { 200: ListOf(e.schema), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      return apiList(
        request.query,
        (window) => e.list(scopeOf(request.actor!), { ...request.query, ...window }),
        e.json,
      )
    },
  )

  app.get<{ Params: Static<typeof IdParams> }>(
    `${e.path}/:id`,
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: `Read ${e.what}`,
        params: IdParams,
        response: { 200: e.schema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const row = await e.get(scopeOf(request.actor!), request.params.id)
      if (!row) throw notFound(e.what.replace(/^an? /, '').replace(/^./, (c) => c.toUpperCase()))
      return e.json(row)
    },
  )

  app.post<{ Body: Body & { projectId: number } }>(
    e.path,
    {
      config: { policy: 'governance.write' },
      schema: {
        tags,
        summary: `Add ${e.what} to a project's RAID log`,
        body: e.create,
        response: { 201: e.schema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const { projectId, ...body } = request.body
      const row = await renamed(() => e.add(request.actor!, projectId, body))
      return reply.status(201).header('location', `${e.path}/${row.id}`).send(e.json(row))
    },
  )

  app.patch<{ Params: Static<typeof IdParams>; Body: Body & { version: number } }>(
    `${e.path}/:id`,
    {
      config: { policy: 'governance.write' },
      schema: {
        tags,
        summary: `Update ${e.what}`,
        params: IdParams,
        body: e.update,
        response: { 200: e.schema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const { version, ...patch } = request.body
      return e.json(await renamed(() => e.change(request.actor!, request.params.id, version, patch)))
    },
  )
}

export async function raidLogApi(app: FastifyInstance) {
  const { raidLog } = app.services

  registerEntry<Assumption>(app, {
    path: '/api/v1/assumptions',
    what: 'an assumption',
    tag: 'assumptions',
    schema: AssumptionSchema,
    create: createBody(AssumptionFields, ['description']),
    update: updateBody(AssumptionFields),
    json: assumptionJson,
    fieldNames: {
      assumptionDescription: 'description',
      assumptionOwnerPersonId: 'ownerPersonId',
      assumptionOwner: 'owner',
      assumptionStatus: 'status',
    },
    list: (scope, f) => raidLog.listAssumptions(scope, f),
    get: (scope, id) => raidLog.getAssumption(scope, id),
    add: (actor, projectId, b) => {
      const input = b as Partial<AssumptionInput>
      return raidLog.addAssumption(actor, projectId, {
        description: input.description ?? '',
        ownerPersonId: input.ownerPersonId ?? null,
        owner: input.owner ?? '',
        status: input.status ?? 'open',
      })
    },
    change: (actor, id, version, b) => raidLog.updateAssumption(actor, id, version, b),
  })

  registerEntry<Dependency>(app, {
    path: '/api/v1/dependencies',
    what: 'a dependency',
    tag: 'dependencies',
    schema: DependencySchema,
    create: createBody(DependencyFields, ['description']),
    update: updateBody(DependencyFields),
    json: dependencyJson,
    fieldNames: {
      dependencyDescription: 'description',
      dependsOn: 'dependsOnProjectId',
      dependencyStatus: 'status',
    },
    list: (scope, f) => raidLog.listDependencies(scope, f),
    get: (scope, id) => raidLog.getDependency(scope, id),
    add: (actor, projectId, b) => {
      const input = b as Partial<DependencyInput>
      return raidLog.addDependency(actor, projectId, {
        description: input.description ?? '',
        dependsOnProjectId: input.dependsOnProjectId ?? null,
        partnerName: input.partnerName ?? '',
        neededBy: input.neededBy ?? null,
        status: input.status ?? 'open',
      })
    },
    change: (actor, id, version, b) => raidLog.updateDependency(actor, id, version, b),
  })
}
