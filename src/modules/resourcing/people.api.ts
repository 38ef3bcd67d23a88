import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf, type Actor } from '../../auth/actor.ts'
import type { Person, Secondment } from '../../db/schema.ts'
import { notFound } from '../../errors.ts'
import { IdParams, ListOf, Paging, STANDARD_ERRORS, WRITE_ERRORS } from '../../web/api-schemas.ts'
import { apiList } from '../../web/pagination.ts'
import {
  fteFromApi,
  oneOf,
  patchOf,
  PersonFields,
  PersonSchema,
  PersonSkillsBody,
  personJson,
  SecondmentFields,
  SecondmentSchema,
  secondmentJson,
} from './resourcing.api-schemas.ts'
import { PERSON_KINDS, type PersonInput, type SecondmentInput } from './resourcing.rules.ts'
import { accessOf } from './resourcing.view.ts'

// The people register, secondments and the skills catalogue through the API (issue 10).

const PersonCreate = Type.Object(
  {
    ...PersonFields,
    partnerId: Type.Optional(PersonFields.partnerId),
    userId: Type.Optional(PersonFields.userId),
    jobTitle: Type.Optional(PersonFields.jobTitle),
    team: Type.Optional(PersonFields.team),
    email: Type.Optional(PersonFields.email),
  },
  { additionalProperties: false },
)
const SecondmentCreate = Type.Object(
  {
    ...SecondmentFields,
    fromTeam: Type.Optional(SecondmentFields.fromTeam),
    fromOrganisation: Type.Optional(SecondmentFields.fromOrganisation),
    toTeam: Type.Optional(SecondmentFields.toTeam),
    toOrganisation: Type.Optional(SecondmentFields.toOrganisation),
    endsOn: Type.Optional(SecondmentFields.endsOn),
    reason: Type.Optional(SecondmentFields.reason),
  },
  { additionalProperties: false },
)
const PeopleQuery = Type.Object({
  ...Paging,
  kind: Type.Optional(oneOf(PERSON_KINDS)),
  partnerId: Type.Optional(Type.Integer({ minimum: 1 })),
})
const SecondmentQuery = Type.Object({ ...Paging, personId: Type.Optional(Type.Integer({ minimum: 1 })) })

type PersonBody = Partial<Static<typeof PersonCreate>>
type SecondmentBody = Partial<Static<typeof SecondmentCreate>>

const personInput = (b: PersonBody, p?: Person): PersonInput => ({
  name: b.name ?? p?.name ?? '',
  kind: b.kind ?? p?.kind ?? '',
  partnerId: b.partnerId !== undefined ? b.partnerId : (p?.partner_id ?? null),
  userId: b.userId !== undefined ? b.userId : (p?.user_id ?? null),
  jobTitle: b.jobTitle ?? p?.job_title ?? '',
  team: b.team ?? p?.team ?? '',
  email: b.email ?? p?.email ?? '',
})

const secondmentInput = (b: SecondmentBody, s?: Secondment): SecondmentInput => ({
  personId: b.personId ?? s?.person_id ?? 0,
  direction: b.direction ?? s?.direction ?? '',
  fromTeam: b.fromTeam ?? s?.from_team ?? '',
  fromOrganisation: b.fromOrganisation ?? s?.from_organisation ?? '',
  toTeam: b.toTeam ?? s?.to_team ?? '',
  toOrganisation: b.toOrganisation ?? s?.to_organisation ?? '',
  startsOn: b.startsOn ?? s?.starts_on ?? '',
  endsOn: b.endsOn !== undefined ? b.endsOn : (s?.ends_on ?? null),
  reason: b.reason ?? s?.reason ?? '',
  fteHundredths: b.fte !== undefined ? fteFromApi(b.fte) : (s?.fte_hundredths ?? Number.NaN),
})

export async function peopleApi(app: FastifyInstance) {
  const { people } = app.services.resourcing
  const tags = ['People']

  async function asJson(actor: Actor, rows: Awaited<ReturnType<typeof people.list>>) {
    const held = await people.skillsOf(
      scopeOf(actor),
      rows.map((r) => r.id),
    )
    const access = accessOf(actor)
    return rows.map((r) =>
      personJson(
        r,
        access,
        actor.organisationName,
        held.filter((s) => s.person_id === r.id),
      ),
    )
  }
  async function one(actor: Actor, id: number) {
    const row = await people.get(scopeOf(actor), id)
    if (!row) throw notFound('Person')
    return (await asJson(actor, [row]))[0]!
  }

  app.get<{ Querystring: Static<typeof PeopleQuery> }>(
    '/api/v1/people',
    {
      config: { policy: 'people.read' },
      schema: {
        tags,
        summary: 'List the people register',
        querystring: PeopleQuery,
        response: { 200: ListOf(PersonSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const page = await apiList(
        request.query,
        (w) => people.list(scopeOf(actor), { ...request.query, ...w }),
        (r) => r,
      )
      return { items: await asJson(actor, page.items), next: page.next }
    },
  )

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/people/:id',
    {
      config: { policy: 'people.read' },
      schema: {
        tags,
        summary: 'Read a person',
        params: IdParams,
        response: { 200: PersonSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => one(request.actor!, request.params.id),
  )

  app.post<{ Body: Static<typeof PersonCreate> }>(
    '/api/v1/people',
    {
      config: { policy: 'resourcing.write' },
      schema: {
        tags,
        summary: 'Add a person to the register',
        body: PersonCreate,
        response: { 201: PersonSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const created = await people.create(request.actor!, personInput(request.body))
      return reply
        .status(201)
        .header('location', `/api/v1/people/${created.id}`)
        .send(await one(request.actor!, created.id))
    },
  )

  app.patch<{ Params: Static<typeof IdParams>; Body: PersonBody & { version: number } }>(
    '/api/v1/people/:id',
    {
      config: { policy: 'resourcing.write' },
      schema: {
        tags,
        summary: 'Update a person',
        params: IdParams,
        body: patchOf(PersonFields),
        response: { 200: PersonSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const current = await people.get(scopeOf(actor), request.params.id)
      if (!current) throw notFound('Person')
      const { version, ...body } = request.body
      await people.update(actor, current.id, version, personInput(body, current))
      return one(actor, current.id)
    },
  )

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/people/:id/skills',
    {
      config: { policy: 'people.read' },
      schema: {
        tags,
        summary: 'A person’s skills, with the person’s version to send back with a change',
        params: IdParams,
        response: { 200: PersonSkillsBody, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const p = await one(request.actor!, request.params.id)
      return {
        version: p.version,
        skills: p.skills.map((s) => ({ skillId: s.skillId, level: s.level as never })),
      }
    },
  )

  app.put<{ Params: Static<typeof IdParams>; Body: Static<typeof PersonSkillsBody> }>(
    '/api/v1/people/:id/skills',
    {
      config: { policy: 'resourcing.write' },
      schema: {
        tags,
        summary: 'Replace a person’s skills, each with a proficiency level',
        params: IdParams,
        body: PersonSkillsBody,
        response: { 200: PersonSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      await people.setSkills(request.actor!, request.params.id, request.body.version, request.body.skills)
      return one(request.actor!, request.params.id)
    },
  )

  app.get<{ Querystring: Static<typeof SecondmentQuery> }>(
    '/api/v1/secondments',
    {
      config: { policy: 'people.read' },
      schema: {
        tags,
        summary: 'List secondments out and in',
        querystring: SecondmentQuery,
        response: { 200: ListOf(SecondmentSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) =>
      apiList(
        request.query,
        (w) => people.secondments(scopeOf(request.actor!), { ...request.query, ...w }),
        secondmentJson,
      ),
  )

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/secondments/:id',
    {
      config: { policy: 'people.read' },
      schema: {
        tags,
        summary: 'Read a secondment',
        params: IdParams,
        response: { 200: SecondmentSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const s = await people.secondment(scopeOf(request.actor!), request.params.id)
      if (!s) throw notFound('Secondment')
      return secondmentJson(s)
    },
  )

  app.post<{ Body: Static<typeof SecondmentCreate> }>(
    '/api/v1/secondments',
    {
      config: { policy: 'resourcing.write' },
      schema: {
        tags,
        summary: 'Record a secondment out or in',
        body: SecondmentCreate,
        response: { 201: SecondmentSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const s = await people.addSecondment(request.actor!, secondmentInput(request.body))
      return reply.status(201).header('location', `/api/v1/secondments/${s.id}`).send(secondmentJson(s))
    },
  )

  app.patch<{ Params: Static<typeof IdParams>; Body: SecondmentBody & { version: number } }>(
    '/api/v1/secondments/:id',
    {
      config: { policy: 'resourcing.write' },
      schema: {
        tags,
        summary: 'Update a secondment',
        params: IdParams,
        body: patchOf(SecondmentFields),
        response: { 200: SecondmentSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const current = await people.secondment(scopeOf(actor), request.params.id)
      if (!current) throw notFound('Secondment')
      const { version, ...body } = request.body
      return secondmentJson(
        await people.updateSecondment(actor, current.id, version, secondmentInput(body, current)),
      )
    },
  )
}
