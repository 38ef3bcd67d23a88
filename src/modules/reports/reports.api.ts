import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import type { PanelReport, ReportArea } from '../../db/schema.ts'
import { notFound, ValidationError } from '../../errors.ts'
import { ListOf, Nullable, Paging, STANDARD_ERRORS, Timestamp, WRITE_ERRORS } from '../../web/api-schemas.ts'
import { apiList } from '../../web/pagination.ts'
import { CONTENT_TYPES, fileName, PAPER_FORMATS } from '../../documents/render.ts'

const ReportParams = Type.Object({ reportId: Type.Integer({ minimum: 1 }) })

const AreaSchema = Type.Object({
  id: Type.Integer(),
  text: Type.String(),
  ownerUserId: Nullable(Type.Integer()),
  ownerName: Type.String(),
  dueOn: Nullable(Type.String({ format: 'date', description: 'When the action is due (YYYY-MM-DD)' })),
  status: Type.String({ description: 'The action: open, in_progress, done or dropped' }),
  version: Type.Integer(),
})

export const ReportSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    title: Type.String(),
    programmeId: Type.Integer(),
    meetingId: Nullable(Type.Integer()),
    periodFrom: Type.String({ description: 'First month of the reporting period, YYYY-MM' }),
    periodTo: Type.String({ description: 'Last month of the reporting period, YYYY-MM' }),
    status: Type.Union([Type.Literal('draft'), Type.Literal('submitted')], {
      description: 'A submitted report is frozen: its files never change',
    }),
    summary: Type.String(),
    resourcesNarrative: Type.String(),
    contentHash: Nullable(
      Type.String({ description: 'SHA-256 over the frozen snapshot and its three files' }),
    ),
    submittedAt: Nullable(Timestamp),
    submittedBy: Type.String(),
    areas: Type.Array(AreaSchema, { description: 'Areas for consideration, each with an owner' }),
    files: Type.Object({ html: Type.String(), docx: Type.String(), pdf: Type.String() }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'PanelReport' },
)
type ReportJson = Static<typeof ReportSchema>

const CreateBody = Type.Object(
  {
    programmeId: Type.Integer({ minimum: 1 }),
    period: Type.String({ description: '`YYYY-MM` for a month, or `YYYY-MM..YYYY-MM` for a quarter' }),
    meetingId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))),
    title: Type.String({ minLength: 1, maxLength: 200 }),
    summary: Type.Optional(Type.String({ maxLength: 20000 })),
    resourcesNarrative: Type.Optional(Type.String({ maxLength: 20000 })),
    areas: Type.Optional(
      Type.Array(
        Type.Object({ text: Type.String(), ownerUserId: Type.Integer() }, { additionalProperties: false }),
        {
          maxItems: 50,
        },
      ),
    ),
  },
  { additionalProperties: false },
)
const SubmitBody = Type.Object(
  {
    version: Type.Optional(
      Type.Integer({ minimum: 1, description: 'The version you read (required); a stale one answers 409' }),
    ),
  },
  { additionalProperties: false },
)
const ListQuery = Type.Object({ ...Paging, programmeId: Type.Optional(Type.Integer({ minimum: 1 })) })

export function reportJson(
  r: PanelReport,
  areas: Array<
    Pick<ReportArea, 'id' | 'text' | 'owner_user_id' | 'due_on' | 'status' | 'version'> & {
      ownerName: string
    }
  >,
): ReportJson {
  return {
    id: r.id,
    version: r.version,
    title: r.title,
    programmeId: r.programme_id,
    meetingId: r.meeting_id,
    periodFrom: r.period_from,
    periodTo: r.period_to,
    status: r.status === 'submitted' ? 'submitted' : 'draft',
    summary: r.summary,
    resourcesNarrative: r.resources_narrative,
    contentHash: r.content_hash,
    submittedAt: r.submitted_at,
    submittedBy: r.submitted_by_name,
    areas: areas.map((a) => ({
      id: a.id,
      text: a.text,
      ownerUserId: a.owner_user_id,
      ownerName: a.ownerName,
      dueOn: a.due_on,
      status: a.status,
      version: a.version,
    })),
    files: {
      html: `/api/v1/reports/${r.id}/report.html`,
      docx: `/api/v1/reports/${r.id}/report.docx`,
      pdf: `/api/v1/reports/${r.id}/report.pdf`,
    },
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}

export async function reportsApi(app: FastifyInstance) {
  const { reports } = app.services
  const tags = ['Reports']
  const withAreas = async (organisationId: number, r: PanelReport) =>
    reportJson(r, await reports.areas(organisationId, r.id))

  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/v1/reports',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'List panel progress reports',
        querystring: ListQuery,
        response: { 200: ListOf(ReportSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const { programmeId } = request.query
      return apiList(
        request.query,
        (w) => reports.list(scopeOf(actor), { programmeId, ...w }),
        (r) => withAreas(actor.organisationId, r),
      )
    },
  )

  app.get<{ Params: Static<typeof ReportParams> }>(
    '/api/v1/reports/:reportId',
    {
      config: { policy: 'portfolio.read' },
      schema: {
        tags,
        summary: 'Read a panel progress report',
        params: ReportParams,
        response: { 200: ReportSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const r = await reports.get(scopeOf(actor), request.params.reportId)
      if (!r) throw notFound('Report')
      return withAreas(actor.organisationId, r)
    },
  )

  app.post<{ Body: Static<typeof CreateBody> }>(
    '/api/v1/reports',
    {
      config: { policy: 'reports.write' },
      schema: {
        tags,
        summary: 'Prepare a draft panel progress report',
        body: CreateBody,
        response: { 201: ReportSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const actor = request.actor!
      const b = request.body
      let created = await reports.create(actor, {
        programmeId: b.programmeId,
        meetingId: b.meetingId ?? null,
        period: b.period,
        title: b.title,
        summary: b.summary ?? '',
        resourcesNarrative: b.resourcesNarrative ?? '',
      })
      for (const area of b.areas ?? []) await reports.addArea(actor, created.id, area)
      created = (await reports.get(scopeOf(actor), created.id)) ?? created
      return reply
        .status(201)
        .header('location', `/api/v1/reports/${created.id}`)
        .send(await withAreas(actor.organisationId, created))
    },
  )

  app.post<{ Params: Static<typeof ReportParams>; Body: Static<typeof SubmitBody> }>(
    '/api/v1/reports/:reportId/submit',
    {
      config: { policy: 'reports.write' },
      schema: {
        tags,
        summary: 'Submit a report, freezing its content and files',
        params: ReportParams,
        body: SubmitBody,
        response: { 200: ReportSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const r = await reports.get(scopeOf(actor), request.params.reportId)
      if (!r) throw notFound('Report')
      // Checked after the lookup, so someone who cannot see the report learns only that it is not found.
      const version = request.body.version
      if (version === undefined)
        throw new ValidationError({ version: 'Send the version of the report you read' })
      return withAreas(actor.organisationId, await reports.submit(actor, r.id, version))
    },
  )

  for (const format of PAPER_FORMATS) {
    app.get<{ Params: Static<typeof ReportParams> }>(
      `/api/v1/reports/:reportId/report.${format}`,
      {
        config: { policy: 'portfolio.read' },
        schema: {
          tags,
          summary: `Download the report as ${format.toUpperCase()}`,
          description:
            'A submitted report answers its stored bytes, identical every time; a draft is rendered now.',
          params: ReportParams,
          produces: [CONTENT_TYPES[format].split(';')[0]!],
          response: { ...STANDARD_ERRORS },
        },
      },
      async (request, reply) => {
        const actor = request.actor!
        const r = await reports.get(scopeOf(actor), request.params.reportId)
        if (!r) throw notFound('Report')
        const bytes = await reports.file(actor, r, format)
        return reply
          .type(CONTENT_TYPES[format])
          .header('content-disposition', `attachment; filename="${fileName(r.title, format)}"`)
          .send(bytes)
      },
    )
  }
}
