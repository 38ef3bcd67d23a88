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
import { inputOf } from './outputs.forms.ts'
import { OUTPUT_STATUSES, OUTPUT_TYPES, type OutputInput } from './outputs.rules.ts'
import type { OutputView } from './outputs.service.ts'

// A project's outputs through the API (issue 11).

const literals = (list: ReadonlyArray<{ value: string }>) =>
  Type.Union(list.map((x) => Type.Literal(x.value)))

const Fields = {
  title: Type.String({ minLength: 1, maxLength: 200 }),
  type: literals(OUTPUT_TYPES),
  description: Type.String({ maxLength: 4000 }),
  plannedOn: NullableDate,
  deliveredOn: NullableDate,
  acceptedByPersonId: Nullable(Type.Integer({ minimum: 1, description: 'A person of the people register' })),
  acceptedOn: NullableDate,
  status: literals(OUTPUT_STATUSES),
  milestoneIds: Type.Array(Type.Integer({ minimum: 1 }), {
    maxItems: 200,
    description: "Milestones of the output's own project: the whole list",
  }),
}

const optional = {
  description: Type.Optional(Fields.description),
  plannedOn: Type.Optional(Fields.plannedOn),
  deliveredOn: Type.Optional(Fields.deliveredOn),
  acceptedByPersonId: Type.Optional(Fields.acceptedByPersonId),
  acceptedOn: Type.Optional(Fields.acceptedOn),
  status: Type.Optional(Fields.status),
  milestoneIds: Type.Optional(Fields.milestoneIds),
}

const OutputCreate = Type.Object(
  { projectId: Type.Integer({ minimum: 1 }), title: Fields.title, type: Fields.type, ...optional },
  { additionalProperties: false },
)
const OutputPatch = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    title: Type.Optional(Fields.title),
    type: Type.Optional(Fields.type),
    ...optional,
  },
  { additionalProperties: false },
)

const OutputSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    projectId: Type.Integer(),
    projectReference: Type.String(),
    title: Type.String(),
    type: Type.String(),
    description: Type.String(),
    plannedOn: NullableDate,
    deliveredOn: NullableDate,
    acceptedByPersonId: Nullable(Type.Integer()),
    acceptedBy: Type.String({ description: "The accepting person's name, as the people register has it" }),
    acceptedOn: NullableDate,
    status: Type.String(),
    milestoneIds: Type.Array(Type.Integer()),
    milestones: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String() })),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Output' },
)

type Body = Partial<Omit<Static<typeof OutputCreate>, 'projectId'>>

const pick = <T>(value: T | undefined, current: T): T => (value !== undefined ? value : current)

const inputFrom = (b: Body, c: OutputInput): OutputInput => ({
  title: pick(b.title, c.title),
  type: pick(b.type, c.type),
  description: pick(b.description, c.description),
  plannedOn: pick(b.plannedOn, c.plannedOn),
  deliveredOn: pick(b.deliveredOn, c.deliveredOn),
  acceptedByPersonId: pick(b.acceptedByPersonId, c.acceptedByPersonId),
  // A name not yet in the register is kept while the API leaves the acceptance alone.
  acceptedBy: b.acceptedByPersonId !== undefined ? '' : c.acceptedBy,
  acceptedOn: pick(b.acceptedOn, c.acceptedOn),
  status: pick(b.status, c.status),
  milestoneIds: pick(b.milestoneIds, c.milestoneIds),
})

const BLANK: OutputInput = {
  title: '',
  type: '',
  description: '',
  plannedOn: null,
  deliveredOn: null,
  acceptedByPersonId: null,
  acceptedBy: '',
  acceptedOn: null,
  status: 'planned',
  milestoneIds: [],
}

const outputJson = (v: OutputView): Static<typeof OutputSchema> => ({
  id: v.output.id,
  version: v.output.version,
  projectId: v.output.project_id,
  projectReference: v.output.project_reference,
  title: v.output.title,
  type: v.output.type,
  description: v.output.description,
  plannedOn: v.output.planned_on,
  deliveredOn: v.output.delivered_on,
  acceptedByPersonId: v.output.accepted_by_person_id,
  acceptedBy: v.output.accepted_by,
  acceptedOn: v.output.accepted_on,
  status: v.output.status,
  milestoneIds: v.milestones.map((m) => m.id),
  milestones: v.milestones,
  createdAt: v.output.created_at,
  updatedAt: v.output.updated_at,
})

const Query = Type.Object({
  ...Paging,
  projectId: Type.Optional(Type.Integer({ minimum: 1 })),
  programmeId: Type.Optional(Type.Integer({ minimum: 1 })),
  type: Type.Optional(literals(OUTPUT_TYPES)),
})

export async function outputsApi(app: FastifyInstance) {
  const service = app.services.outputs
  const tags = ['Outputs']

  async function one(actor: Actor, id: number) {
    const v = await service.view(scopeOf(actor), id)
    if (!v) throw notFound('Output')
    return v
  }

  app.get<{ Querystring: Static<typeof Query> }>(
    '/api/v1/outputs',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'List outputs of the projects you may see, by project, programme or type',
        querystring: Query,
        response: { 200: ListOf(OutputSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const scope = scopeOf(request.actor!)
      const { projectId, programmeId, type } = request.query
      const page = await apiList(
        request.query,
        (w) => service.listRows(scope, { projectId, programmeId, type, ...w }),
        (r) => r,
      )
      return { items: (await service.views(scope, page.items)).map(outputJson), next: page.next }
    },
  )

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/outputs/:id',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'Read an output',
        params: IdParams,
        response: { 200: OutputSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => outputJson(await one(request.actor!, request.params.id)),
  )

  app.post<{ Body: Static<typeof OutputCreate> }>(
    '/api/v1/outputs',
    {
      config: { policy: 'project.write' },
      schema: {
        tags,
        summary: 'Record an output of a project',
        body: OutputCreate,
        response: { 201: OutputSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = request.actor!
      const { projectId, ...body } = request.body
      const created = await service.create(actor, projectId, inputFrom(body, BLANK))
      return reply
        .status(201)
        .header('location', `/api/v1/outputs/${created.id}`)
        .send(outputJson(await one(actor, created.id)))
    },
  )

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof OutputPatch> }>(
    '/api/v1/outputs/:id',
    {
      config: { policy: 'project.write' },
      schema: {
        tags,
        summary: 'Change an output; `milestoneIds` replaces the whole list',
        params: IdParams,
        body: OutputPatch,
        response: { 200: OutputSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const current = await one(actor, request.params.id)
      const { version, ...body } = request.body
      await service.update(
        actor,
        current.output.id,
        version,
        inputFrom(body, inputOf(current.output, current.milestones)),
      )
      return outputJson(await one(actor, current.output.id))
    },
  )
}
