import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { notFound } from '../../errors.ts'
import { IdParams, STANDARD_ERRORS, WRITE_ERRORS } from '../../web/api-schemas.ts'
import { patchOf, SkillFields, SkillSchema, skillJson } from './resourcing.api-schemas.ts'

// The skills catalogue through the API, and the skills a business case's resource line needs (issue 10).

const SkillCreate = Type.Object(
  {
    name: SkillFields.name,
    description: Type.Optional(SkillFields.description),
    retired: Type.Optional(SkillFields.retired),
  },
  { additionalProperties: false },
)
const ResourceSkills = Type.Object(
  {
    skillIds: Type.Array(Type.Integer({ minimum: 1 }), {
      maxItems: 50,
      description: 'Skills from the catalogue',
    }),
  },
  { additionalProperties: false },
)

export async function skillsApi(app: FastifyInstance) {
  const { skills } = app.services.resourcing
  const tags = ['People']

  app.get<{ Querystring: { includeRetired?: boolean } }>(
    '/api/v1/skills',
    {
      config: { policy: 'people.read' },
      schema: {
        tags,
        summary: 'The organisation’s skills catalogue',
        querystring: Type.Object({ includeRetired: Type.Optional(Type.Boolean()) }),
        response: { 200: Type.Object({ items: Type.Array(SkillSchema) }), ...STANDARD_ERRORS },
      },
    },
    async (request) => ({
      items: (
        await skills.list(scopeOf(request.actor!), { includeRetired: request.query.includeRetired ?? false })
      ).map(skillJson),
    }),
  )

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/skills/:id',
    {
      config: { policy: 'people.read' },
      schema: {
        tags,
        summary: 'Read a skill',
        params: IdParams,
        response: { 200: SkillSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const s = await skills.get(scopeOf(request.actor!), request.params.id)
      if (!s) throw notFound('Skill')
      return skillJson(s)
    },
  )

  app.post<{ Body: Static<typeof SkillCreate> }>(
    '/api/v1/skills',
    {
      config: { policy: 'resourcing.write' },
      schema: {
        tags,
        summary: 'Add a skill to the catalogue',
        body: SkillCreate,
        response: { 201: SkillSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const b = request.body
      const s = await skills.create(request.actor!, {
        name: b.name,
        description: b.description ?? '',
        retired: b.retired ?? false,
      })
      return reply.status(201).header('location', `/api/v1/skills/${s.id}`).send(skillJson(s))
    },
  )

  app.patch<{
    Params: Static<typeof IdParams>
    Body: Partial<Static<typeof SkillCreate>> & { version: number }
  }>(
    '/api/v1/skills/:id',
    {
      config: { policy: 'resourcing.write' },
      schema: {
        tags,
        summary: 'Rename, describe or retire a skill',
        params: IdParams,
        body: patchOf(SkillFields),
        response: { 200: SkillSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const current = await skills.get(scopeOf(actor), request.params.id)
      if (!current) throw notFound('Skill')
      const b = request.body
      return skillJson(
        await skills.update(actor, current.id, b.version, {
          name: b.name ?? current.name,
          description: b.description ?? current.description,
          retired: b.retired ?? current.retired === 1,
        }),
      )
    },
  )

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/business-case-resources/:id/skills',
    {
      config: { policy: 'establishment.read' },
      schema: {
        tags,
        summary: 'The skills a business case’s resource line needs',
        params: IdParams,
        response: { 200: ResourceSkills, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const ids = await skills.resourceSkills(scopeOf(request.actor!), request.params.id)
      if (!ids) throw notFound('Resource line')
      return { skillIds: ids }
    },
  )

  app.put<{ Params: Static<typeof IdParams>; Body: Static<typeof ResourceSkills> }>(
    '/api/v1/business-case-resources/:id/skills',
    {
      config: { policy: 'governance.write' },
      schema: {
        tags,
        summary: 'Name the skills a business case’s resource line needs (replaces the list)',
        params: IdParams,
        body: ResourceSkills,
        response: { 200: ResourceSkills, ...WRITE_ERRORS },
      },
    },
    async (request) => ({
      skillIds: await skills.setResourceSkills(request.actor!, request.params.id, request.body.skillIds),
    }),
  )
}
