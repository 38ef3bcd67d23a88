import { OwnerNameBody, PersonIdBody, PersonIdField } from '../resourcing/person-refs.api-schemas.ts'
import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import { RATINGS, ratingLabel, type RatingScaleId } from '../../domain/dca.ts'
import { notFound } from '../../errors.ts'
import { createChangeCache } from '../audit/change-cache.ts'
import {
  IdParams,
  ListOf,
  NullableDate,
  Paging,
  STANDARD_ERRORS,
  Timestamp,
  WRITE_ERRORS,
  Nullable,
} from '../../web/api-schemas.ts'
// The project list is cached per page (listAnswers), so it needs the page's offset before fetching, to key the
// cache and to refuse a bad cursor before it: it puts apiList's two parts together itself, the same way.
// eslint-disable-next-line no-restricted-imports -- see above
import { apiOffset, apiPage } from '../../web/pagination.ts'
import { ExportFormatQuery, inBatches, sendExport } from '../../web/exports.ts'
import { projectsExport } from './projects.export.ts'
import { PROJECT_SORTS } from './projects.repository.ts'
import { PROJECT_STAGES } from './projects.rules.ts'
import type { ProjectListRow } from './projects.service.ts'

const Stage = Type.Union(PROJECT_STAGES.map((s) => Type.Literal(s.value)))
const RatingCode = Type.Union(RATINGS.map((r) => Type.Literal(r)))
const NullableDays = Nullable(Type.Integer())

export const ProjectSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    reference: Type.String(),
    name: Type.String(),
    programmeId: Type.Integer(),
    programme: Type.Object({ id: Type.Integer(), reference: Type.String(), name: Type.String() }),
    description: Type.String(),
    projectManager: Type.String({ description: "The project manager's name, from the people register" }),
    projectManagerPersonId: PersonIdField('The project manager'),
    sponsor: Type.String({ description: "The sponsor's name, from the people register" }),
    sponsorPersonId: PersonIdField('The sponsor'),
    stage: Type.String(),
    partners: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String() }), {
      description:
        'The partners the project is shared with (their partner officers see it); a partner officer is told only of their own',
    }),
    baselineStart: NullableDate,
    baselineEnd: NullableDate,
    forecastStart: NullableDate,
    forecastEnd: NullableDate,
    actualStart: NullableDate,
    actualEnd: NullableDate,
    slippage: Type.Object(
      { startDays: NullableDays, endDays: NullableDays },
      {
        description: 'Days later than baseline (negative = early), from the actual date or else the forecast',
      },
    ),
    currentRating: Nullable(
      Type.Object(
        {
          code: RatingCode,
          label: Type.String(),
          period: Type.String({ pattern: '^\\d{4}-\\d{2}$' }),
        },
        { description: "Delivery confidence from the latest status report, on the organisation's scale" },
      ),
    ),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Project' },
)

const ProjectFields = {
  reference: Type.String({ minLength: 1, maxLength: 30 }),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  programmeId: Type.Integer({ minimum: 1 }),
  description: Type.String({ maxLength: 5000 }),
  projectManagerPersonId: PersonIdBody('projectManager'),
  projectManager: OwnerNameBody,
  sponsorPersonId: PersonIdBody('sponsor'),
  sponsor: OwnerNameBody,
  stage: Stage,
  partnerIds: Type.Array(Type.Integer({ minimum: 1 }), {
    maxItems: 50,
    description:
      'The partners to share the project with (ids from /api/v1/partners); an empty list shares it with none',
  }),
  baselineStart: NullableDate,
  baselineEnd: NullableDate,
  forecastStart: NullableDate,
  forecastEnd: NullableDate,
  actualStart: NullableDate,
  actualEnd: NullableDate,
}

const Optional = Type.Partial(Type.Object(ProjectFields)).properties

const GatePassBody = Type.Object(
  {
    gateId: Type.Integer({ minimum: 1 }),
    approvedBy: Nullable(
      Type.String({ maxLength: 200, description: 'Who approved it; null if not recorded' }),
    ),
    approvedOn: NullableDate,
  },
  { additionalProperties: false },
)

const CreateBody = Type.Object(
  {
    ...Optional,
    reference: ProjectFields.reference,
    name: ProjectFields.name,
    programmeId: ProjectFields.programmeId,
    gatesPassedBeforeOversight: Type.Optional(
      Type.Array(GatePassBody, {
        maxItems: 50,
        description:
          'For work already under way: each gate on the way to the stage that was passed before the council used Oversight. Recorded as a decision whose reason is "Passed before Oversight"; not an override.',
      }),
    ),
  },
  { additionalProperties: false },
)

const UpdateBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: 'The version you read; a stale one answers 409' }),
    ...Optional,
  },
  { additionalProperties: false },
)

const ListQuery = Type.Object({
  ...Paging,
  format: ExportFormatQuery,
  programmeId: Type.Optional(Type.Integer({ minimum: 1 })),
  stage: Type.Optional(Stage),
  rating: Type.Optional(
    Type.Union([...RATINGS.map((r) => Type.Literal(r)), Type.Literal('none')], {
      description: 'Current rating; `none` for projects never reported on',
    }),
  ),
  q: Type.Optional(Type.String({ maxLength: 100, description: 'Text in the name or reference' })),
  attention: Type.Optional(
    Type.Boolean({
      description:
        'Only projects needing attention: rated Amber/Red or Red, in delivery with no report for the current period, or finishing later than baseline',
    }),
  ),
  sort: Type.Optional(Type.Union(PROJECT_SORTS.map((s) => Type.Literal(s)))),
})

export function projectJson(p: ProjectListRow, scale: RatingScaleId): Static<typeof ProjectSchema> {
  return {
    id: p.id,
    version: p.version,
    reference: p.reference,
    name: p.name,
    programmeId: p.programme_id,
    programme: p.programme,
    description: p.description,
    projectManager: p.project_manager,
    projectManagerPersonId: p.project_manager_person_id,
    sponsor: p.sponsor,
    sponsorPersonId: p.sponsor_person_id,
    stage: p.stage,
    partners: p.partners,
    baselineStart: p.baseline_start,
    baselineEnd: p.baseline_end,
    forecastStart: p.forecast_start,
    forecastEnd: p.forecast_end,
    actualStart: p.actual_start,
    actualEnd: p.actual_end,
    slippage: p.slippage,
    currentRating:
      p.rating && p.ratingPeriod
        ? { code: p.rating, label: ratingLabel(scale, p.rating), period: p.ratingPeriod }
        : null,
    createdAt: p.created_at,
    updatedAt: p.updated_at,
  }
}

/**
 * The remembered list answers, weighed in bytes: a little under what the 50 answers once held could take (50 of
 * 500 projects, 362 KB each on W1), and room for some 230 answers of 100 projects (73 KB). Held by count, 50 was
 * outgrown by one instance serving 60 councils' integrations polling in turn: each new answer pushed out the one
 * asked for next, and none was answered from memory (W100, 5 Dec 2026: a round of 60 lists took a median 7 ms a
 * list against 2 ms with 100 of them remembered).
 */
const LIST_ANSWERS_BYTES = 16 * 1024 * 1024

export async function projectsApi(app: FastifyInstance) {
  const { projects } = app.services
  const tags = ['Projects']
  // Integrations poll the list; its answer, serialised, is remembered on the organisation's change
  // counter (read with the API token, in its query), keyed by the reader's scope and the query.
  // Kept as UTF-8 bytes, as the static floor sends them: a string is encoded again on every send (and
  // Content-Length scans it), which showed as writev and garbage-collector time. An earlier build measured
  // the Buffer slower; after the hooks became callbacks, four alternating profile runs
  // (bench/profile-list.ts, 5 Dec 2026) gave the Buffer 107–141 µs of CPU an answer against 140–162 µs.
  const listAnswers = createChangeCache<Buffer>(
    app.database.db,
    LIST_ANSWERS_BYTES,
    app.config.changeCache,
    (answer) => answer.length,
  )

  /** Writes answer the record as reads do, with its programme, rating and slippage. */
  async function readBack(scope: ReturnType<typeof scopeOf>, id: number) {
    const row = await projects.getListRow(scope, id)
    if (!row) throw notFound('Project')
    return row
  }

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/v1/projects',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'List projects with their current delivery confidence and slippage',
        querystring: ListQuery,
        response: { 200: ListOf(ProjectSchema), ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = request.actor!
      const offset = apiOffset(request.query.cursor)
      const limit = request.query.limit ?? 50
      const { programmeId, stage, rating, q, attention, sort, order, format } = request.query
      const scope = scopeOf(actor)
      if (format) {
        const filter = { programmeId, stage, rating, q, attention, sort, order }
        return sendExport(
          reply,
          format,
          actor.organisationSlug,
          projectsExport(actor.ratingScale),
          inBatches((window) => projects.listProjects(scope, { ...filter, ...window })),
        )
      }
      const variant = JSON.stringify([
        actor.ratingScale,
        programmeId,
        stage,
        rating,
        q,
        attention,
        sort,
        order,
        offset,
        limit,
      ])
      const body = await listAnswers(
        scope,
        variant,
        async () => {
          const rows = await projects.listProjects(scope, {
            programmeId,
            stage,
            rating,
            q,
            attention,
            sort,
            order,
            offset,
            limit: limit + 1,
          })
          // The route's own response serialiser: the same bytes an uncached answer would have.
          return Buffer.from(
            reply.serialize(apiPage(rows, offset, limit, (p) => projectJson(p, actor.ratingScale))) as string,
          )
        },
        actor.changeSeq,
      )
      return reply.type('application/json; charset=utf-8').send(body)
    },
  )

  app.get<{ Params: Static<typeof IdParams> }>(
    '/api/v1/projects/:id',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'Read a project',
        params: IdParams,
        response: { 200: ProjectSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      return projectJson(await readBack(scopeOf(actor), request.params.id), actor.ratingScale)
    },
  )

  app.post<{ Body: Static<typeof CreateBody> }>(
    '/api/v1/projects',
    {
      config: { policy: 'project.write' },
      schema: {
        tags,
        summary: 'Create a project',
        body: CreateBody,
        response: { 201: ProjectSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = request.actor!
      const b = request.body
      const created = await projects.create(
        actor,
        {
          reference: b.reference,
          name: b.name,
          programmeId: b.programmeId,
          description: b.description ?? '',
          projectManagerPersonId: b.projectManagerPersonId ?? null,
          projectManager: b.projectManager ?? '',
          sponsorPersonId: b.sponsorPersonId ?? null,
          sponsor: b.sponsor ?? '',
          stage: b.stage ?? 'idea',
          partnerIds: b.partnerIds ?? [],
          baselineStart: b.baselineStart ?? null,
          baselineEnd: b.baselineEnd ?? null,
          forecastStart: b.forecastStart ?? null,
          forecastEnd: b.forecastEnd ?? null,
          actualStart: b.actualStart ?? null,
          actualEnd: b.actualEnd ?? null,
        },
        { gatesPassedBeforeOversight: b.gatesPassedBeforeOversight ?? [] },
      )
      return reply
        .status(201)
        .header('location', `/api/v1/projects/${created.id}`)
        .send(projectJson(await readBack(scopeOf(actor), created.id), actor.ratingScale))
    },
  )

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof UpdateBody> }>(
    '/api/v1/projects/:id',
    {
      config: { policy: 'project.write' },
      schema: {
        tags,
        summary: 'Update a project, including a change of stage',
        description:
          'Send only the fields to change, with the `version` you read. A stale version answers 409; so does a stage change that does not meet its conditions, with each unmet condition in `fields.stage`.',
        params: IdParams,
        body: UpdateBody,
        response: { 200: ProjectSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const { version, ...patch } = request.body
      await projects.update(actor, request.params.id, version, patch)
      return projectJson(await readBack(scopeOf(actor), request.params.id), actor.ratingScale)
    },
  )
}
