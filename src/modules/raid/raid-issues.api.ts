import { OwnerNameBody, PersonIdBody, PersonIdField } from '../resourcing/person-refs.api-schemas.ts'
import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import type { RaidIssue } from '../../db/schema.ts'
import { notFound } from '../../errors.ts'
import {
  IdParams,
  ListOf,
  Nullable,
  NullableDate,
  STANDARD_ERRORS,
  Timestamp,
  WRITE_ERRORS,
} from '../../web/api-schemas.ts'
import { apiListOrExport } from '../../web/exports.ts'
import { issuesExport } from './raid.export.ts'
import { lit, ListQuery } from './raid.api.ts'
import { ISSUE_PRIORITIES, ISSUE_STATUSES, type IssueInput } from './raid.rules.ts'

// The I of the RAID log: issues, each with a priority, an owner (the health check flags none), a due date.

export const IssueSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    projectId: Type.Integer(),
    title: Type.String(),
    description: Type.String(),
    priority: Type.String(),
    owner: Nullable(Type.String({ description: "The owner's name, from the people register" })),
    ownerPersonId: PersonIdField('The owner'),
    resolution: Type.String(),
    dueDate: NullableDate,
    status: Type.String(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Issue' },
)
const IssueFields = {
  title: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.String({ maxLength: 5000 }),
  priority: lit(ISSUE_PRIORITIES),
  ownerPersonId: PersonIdBody('owner'),
  owner: Nullable(OwnerNameBody),
  resolution: Type.String({ maxLength: 5000 }),
  dueDate: NullableDate,
  status: lit(ISSUE_STATUSES),
}
const IssueCreate = Type.Object(
  {
    projectId: Type.Integer({ minimum: 1 }),
    title: IssueFields.title,
    priority: IssueFields.priority,
    ...Object.fromEntries(
      (['description', 'ownerPersonId', 'owner', 'resolution', 'dueDate', 'status'] as const).map((k) => [
        k,
        Type.Optional(IssueFields[k]),
      ]),
    ),
  },
  { additionalProperties: false },
)
const IssueUpdate = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    ...Object.fromEntries(Object.entries(IssueFields).map(([k, v]) => [k, Type.Optional(v)])),
  },
  { additionalProperties: false },
)

export function issueJson(i: RaidIssue): Static<typeof IssueSchema> {
  return {
    id: i.id,
    version: i.version,
    projectId: i.project_id,
    title: i.title,
    description: i.description,
    priority: i.priority,
    owner: i.owner,
    ownerPersonId: i.owner_person_id,
    resolution: i.resolution,
    dueDate: i.due_date,
    status: i.status,
    createdAt: i.created_at,
    updatedAt: i.updated_at,
  }
}

export async function raidIssuesApi(app: FastifyInstance) {
  const { raid } = app.services
  const tags = ['RAID log']

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/v1/issues',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'List issues',
        querystring: ListQuery,
        response: { 200: ListOf(IssueSchema), ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      return apiListOrExport(
        reply,
        request.query,
        (window) =>
          raid.listIssues(scopeOf(request.actor!), {
            ...request.query,
            ...window,
          }),
        issueJson,
        issuesExport,
      )
    },
  )

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/issues/:id',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'Read an issue',
        params: IdParams,
        response: { 200: IssueSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const i = await raid.getIssue(scopeOf(request.actor!), request.params.id)
      if (!i) throw notFound('Issue')
      return issueJson(i)
    },
  )

  app.post<{ Body: Static<typeof IssueCreate> }>(
    '/api/v1/issues',
    {
      config: { policy: 'governance.write' },
      schema: {
        tags,
        summary: 'Add an issue',
        body: IssueCreate,
        response: { 201: IssueSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const { projectId, ...b } = request.body as Static<typeof IssueCreate> & Partial<IssueInput>
      const i = await raid.createIssue(request.actor!, projectId, {
        title: b.title,
        description: b.description ?? '',
        priority: b.priority,
        ownerPersonId: b.ownerPersonId ?? null,
        owner: b.owner ?? null,
        resolution: b.resolution ?? '',
        dueDate: b.dueDate ?? null,
        status: b.status ?? 'open',
      })
      return reply.status(201).header('location', `/api/v1/issues/${i.id}`).send(issueJson(i))
    },
  )

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof IssueUpdate> }>(
    '/api/v1/issues/:id',
    {
      config: { policy: 'governance.write' },
      schema: {
        tags,
        summary: 'Update an issue',
        params: IdParams,
        body: IssueUpdate,
        response: { 200: IssueSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const { version, ...patch } = request.body as { version: number } & Partial<IssueInput>
      return issueJson(await raid.updateIssue(request.actor!, request.params.id, version, patch))
    },
  )
}
