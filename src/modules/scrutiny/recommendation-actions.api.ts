import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf, type Actor } from '../../auth/actor.ts'
import { notFound } from '../../errors.ts'
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
import { ACTION_STATUSES } from './scrutiny.rules.ts'

const Status = Type.Union(
  ACTION_STATUSES.map((s) => Type.Literal(s.value)),
  { description: 'not_started, in_progress or done' },
)

const ActionSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    recommendationId: Type.Integer(),
    text: Type.String(),
    ownerUserId: Nullable(Type.Integer()),
    ownerName: Type.String(),
    dueOn: NullableDate,
    projectId: Nullable(
      Type.Integer({ description: 'Null as well when the project is not one you may see' }),
    ),
    projectName: Nullable(Type.String()),
    programmeId: Nullable(Type.Integer()),
    status: Type.String(),
    evidenceText: Type.String(),
    evidenceUrl: Type.String(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'RecommendationAction' },
)

const CreateBody = Type.Object(
  {
    // Required, but checked by the service's rules (400 with field errors, after a 404 for a recommendation
    // that is not yours), as the page checks them.
    text: Type.Optional(Type.String({ maxLength: 2000 })),
    ownerUserId: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Required: a member of your organisation' }),
    ),
    dueOn: Type.Optional(NullableDate),
    projectId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
    programmeId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
    status: Type.Optional(Status),
    evidenceText: Type.Optional(Type.String({ maxLength: 4000 })),
    evidenceUrl: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
)
const UpdateBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: 'The version you read; a stale one answers 409' }),
    status: Status,
    evidenceText: Type.Optional(Type.String({ maxLength: 4000 })),
    evidenceUrl: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
)
const ListQuery = Type.Object({ ...Paging })

/**
 * Recommendation actions in the API (issue 12), as the recommendation's page keeps them: anyone signed in
 * reads them; only the recommendation's addressee, its lead officer or an administrator adds or moves one on
 * (403 otherwise), and owners, projects and programmes must be the organisation's own.
 */
export async function recommendationActionsApi(app: FastifyInstance) {
  const recs = app.services.scrutiny.recommendations
  const tags = ['Scrutiny']
  type Row = Awaited<ReturnType<typeof recs.actions>>[number]

  const json = (a: Row) => ({
    id: a.id,
    version: a.version,
    recommendationId: a.recommendation_id,
    text: a.text,
    ownerUserId: a.owner_user_id,
    ownerName: a.owner_name,
    dueOn: a.due_on,
    projectId: a.project_name === null ? null : a.project_id,
    projectName: a.project_name,
    programmeId: a.programme_id,
    status: a.status,
    evidenceText: a.evidence_text,
    evidenceUrl: a.evidence_url,
    createdAt: a.created_at,
    updatedAt: a.updated_at,
  })

  /** The recommendation's actions as its page shows them (an unseen project unnamed); 404 if it is not yours. */
  async function actionsOf(actor: Actor, recommendationId: number) {
    const scope = scopeOf(actor)
    if (!(await recs.get(scope, recommendationId))) throw notFound('Recommendation')
    return recs.actions(scope, recommendationId)
  }

  async function one(actor: Actor, id: number) {
    const a = await recs.getAction(scopeOf(actor), id)
    const row = a && (await actionsOf(actor, a.recommendation_id)).find((r) => r.id === id)
    if (!row) throw notFound('Action')
    return row
  }

  app.get<{ Params: Static<typeof IdParams>; Querystring: Static<typeof ListQuery> }>(
    '/api/v1/recommendations/:id/actions',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: "List a recommendation's actions, oldest first",
        params: IdParams,
        querystring: ListQuery,
        response: { 200: ListOf(ActionSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const rows = await actionsOf(request.actor!, request.params.id)
      return apiList(request.query, (w) => Promise.resolve(rows.slice(w.offset, w.offset + w.limit)), json)
    },
  )

  app.post<{ Params: Static<typeof IdParams>; Body: Static<typeof CreateBody> }>(
    '/api/v1/recommendations/:id/actions',
    {
      config: { policy: 'scrutiny.respond' },
      schema: {
        tags,
        summary: 'Add an action to a recommendation: only its addressee, lead officer or an administrator',
        params: IdParams,
        body: CreateBody,
        response: { 201: ActionSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = request.actor!
      const b = request.body
      const created = await recs.addAction(actor, request.params.id, {
        text: b.text ?? '',
        ownerUserId: b.ownerUserId ?? null,
        dueOn: b.dueOn ?? null,
        projectId: b.projectId ?? null,
        programmeId: b.programmeId ?? null,
        status: b.status ?? 'not_started',
        evidenceText: b.evidenceText ?? '',
        evidenceUrl: b.evidenceUrl ?? '',
      })
      return reply
        .status(201)
        .header('location', `/api/v1/recommendation-actions/${created.id}`)
        .send(json(await one(actor, created.id)))
    },
  )

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/recommendation-actions/:id',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'Read a recommendation action',
        params: IdParams,
        response: { 200: ActionSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => json(await one(request.actor!, request.params.id)),
  )

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof UpdateBody> }>(
    '/api/v1/recommendation-actions/:id',
    {
      config: { policy: 'scrutiny.respond' },
      schema: {
        tags,
        summary:
          "Move a recommendation action on (status and evidence): its recommendation's addressee, lead officer or an administrator",
        params: IdParams,
        body: UpdateBody,
        response: { 200: ActionSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const b = request.body
      await recs.updateAction(
        actor,
        request.params.id,
        b.version,
        b.status,
        b.evidenceText ?? '',
        b.evidenceUrl ?? '',
      )
      return json(await one(actor, request.params.id))
    },
  )
}
