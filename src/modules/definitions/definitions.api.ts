import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf, type Actor } from '../../auth/actor.ts'
import type { ProgrammeDefinition } from '../../db/schema.ts'
import { notFound } from '../../errors.ts'
import {
  ListOf,
  Nullable,
  NullableDate,
  Paging,
  STANDARD_ERRORS,
  Timestamp,
  WRITE_ERRORS,
} from '../../web/api-schemas.ts'
import { apiList } from '../../web/pagination.ts'
import { SIX_POINTS, type DefinitionInput } from './definitions.rules.ts'
import type { DefinitionsService } from './definitions.service.ts'

const Params = Type.Object({ definitionId: Type.Integer({ minimum: 1 }) })
const Text = Type.String({ maxLength: 20000 })
const Fields = {
  recommendationId: Nullable(
    Type.Integer({ minimum: 1, description: 'The recommendation that asked for the paper' }),
  ),
  title: Type.String({ minLength: 1, maxLength: 200 }),
  digitalMeaning: Text,
  digitalPrinciples: Type.String({ maxLength: 20000, description: 'One principle a line' }),
  humanResources: Type.String({ maxLength: 20000, description: 'One post or skill a line' }),
  digitalResources: Type.String({ maxLength: 20000, description: 'One system or platform a line' }),
  resourcesNarrative: Text,
  responsibleUserId: Nullable(Type.Integer({ minimum: 1 })),
  paperDueOn: NullableDate,
  deliveredBy: Type.String({ maxLength: 20000 }),
  deliveryNarrative: Text,
  implementationStart: NullableDate,
  implementationEnd: NullableDate,
  timeframeNarrative: Text,
  interimNarrative: Text,
  interimOwnerUserId: Nullable(Type.Integer({ minimum: 1 })),
}

const Gap = Type.Object({
  section: Type.Union(SIX_POINTS.map((s) => Type.Literal(s.key))),
  sectionTitle: Type.String(),
  missing: Type.String(),
})

export const DefinitionSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    programmeId: Type.Integer(),
    ...Fields,
    complete: Type.Boolean({ description: 'True when the paper covers all six points the panel asked for' }),
    missing: Type.Array(Gap),
    files: Type.Object({ docx: Type.String(), pdf: Type.String() }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'ProgrammeDefinition' },
)

const CreateBody = Type.Object(
  {
    programmeId: Type.Integer({ minimum: 1 }),
    title: Fields.title,
    ...Object.fromEntries(
      Object.entries(Fields)
        .filter(([k]) => k !== 'title')
        .map(([k, v]) => [k, Type.Optional(v)]),
    ),
  },
  { additionalProperties: false },
)
const UpdateBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: 'The version you read; a stale one answers 409' }),
    ...Object.fromEntries(Object.entries(Fields).map(([k, v]) => [k, Type.Optional(v)])),
  },
  { additionalProperties: false },
)
const ListQuery = Type.Object({ ...Paging, programmeId: Type.Optional(Type.Integer({ minimum: 1 })) })

async function definitionJson(
  service: DefinitionsService,
  actor: Actor,
  d: ProgrammeDefinition,
): Promise<Static<typeof DefinitionSchema>> {
  const { input, gaps } = await service.paperData(actor, d)
  return {
    id: d.id,
    version: d.version,
    ...input,
    programmeId: d.programme_id,
    complete: gaps.length === 0,
    missing: gaps.map((g) => ({ section: g.section, sectionTitle: g.sectionTitle, missing: g.missing })),
    files: {
      docx: `/api/v1/programme-definitions/${d.id}/paper.docx`,
      pdf: `/api/v1/programme-definitions/${d.id}/paper.pdf`,
    },
    createdAt: d.created_at,
    updatedAt: d.updated_at,
  }
}

export async function definitionsApi(app: FastifyInstance) {
  const { definitions } = app.services
  const tags = ['Programme definitions']

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/v1/programme-definitions',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'List programme definitions, each with its completeness check',
        querystring: ListQuery,
        response: { 200: ListOf(DefinitionSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      return apiList(
        request.query,
        (window) => definitions.list(scopeOf(actor), { programmeId: request.query.programmeId, ...window }),
        (d) => definitionJson(definitions, actor, d),
      )
    },
  )

  app.get<{ Params: Static<typeof Params> }>(
    '/api/v1/programme-definitions/:definitionId',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'Read a programme definition',
        params: Params,
        response: { 200: DefinitionSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const d = await definitions.get(scopeOf(request.actor!), request.params.definitionId)
      if (!d) throw notFound('Programme definition')
      return definitionJson(definitions, request.actor!, d)
    },
  )

  app.post<{ Body: Static<typeof CreateBody> }>(
    '/api/v1/programme-definitions',
    {
      config: { policy: 'reports.write' },
      schema: {
        tags,
        summary: 'Start a programme definition',
        body: CreateBody,
        response: { 201: DefinitionSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const b = request.body as Partial<DefinitionInput> & { programmeId: number; title: string }
      const input: DefinitionInput = {
        programmeId: b.programmeId,
        recommendationId: b.recommendationId ?? null,
        title: b.title,
        digitalMeaning: b.digitalMeaning ?? '',
        digitalPrinciples: b.digitalPrinciples ?? '',
        humanResources: b.humanResources ?? '',
        digitalResources: b.digitalResources ?? '',
        resourcesNarrative: b.resourcesNarrative ?? '',
        responsibleUserId: b.responsibleUserId ?? null,
        paperDueOn: b.paperDueOn ?? null,
        deliveredBy: b.deliveredBy ?? '',
        deliveryNarrative: b.deliveryNarrative ?? '',
        implementationStart: b.implementationStart ?? null,
        implementationEnd: b.implementationEnd ?? null,
        timeframeNarrative: b.timeframeNarrative ?? '',
        interimNarrative: b.interimNarrative ?? '',
        interimOwnerUserId: b.interimOwnerUserId ?? null,
      }
      const created = await definitions.create(request.actor!, input)
      return reply
        .status(201)
        .header('location', `/api/v1/programme-definitions/${created.id}`)
        .send(await definitionJson(definitions, request.actor!, created))
    },
  )

  app.patch<{ Params: Static<typeof Params>; Body: Static<typeof UpdateBody> }>(
    '/api/v1/programme-definitions/:definitionId',
    {
      config: { policy: 'reports.write' },
      schema: {
        tags,
        summary: 'Update a programme definition',
        params: Params,
        body: UpdateBody,
        response: { 200: DefinitionSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const { version, ...patch } = request.body as Partial<DefinitionInput> & { version: number }
      const updated = await definitions.update(request.actor!, request.params.definitionId, version, patch)
      return definitionJson(definitions, request.actor!, updated)
    },
  )

  for (const format of ['docx', 'pdf'] as const) {
    app.get<{ Params: Static<typeof Params> }>(
      `/api/v1/programme-definitions/:definitionId/paper.${format}`,
      {
        config: { policy: 'portfolio.read' },
        schema: {
          tags,
          summary: `Generate the paper as ${format.toUpperCase()}`,
          params: Params,
          response: { ...STANDARD_ERRORS },
        },
      },
      async (request, reply) => {
        const d = await definitions.get(scopeOf(request.actor!), request.params.definitionId)
        if (!d) throw notFound('Programme definition')
        const bytes = await definitions.paper(request.actor!, d, format)
        return reply
          .type(
            format === 'pdf'
              ? 'application/pdf'
              : 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
          )
          .header('content-disposition', `attachment; filename="paper.${format}"`)
          .send(bytes)
      },
    )
  }
}
