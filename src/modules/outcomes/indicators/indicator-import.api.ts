import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf, type Actor } from '../../../auth/actor.ts'
import type { DB } from '../../../db/schema.ts'
import { notFound } from '../../../errors.ts'
import {
  ListOf,
  Nullable,
  Paging,
  STANDARD_ERRORS,
  Timestamp,
  WRITE_ERRORS,
} from '../../../web/api-schemas.ts'
import { acceptImportFiles, IMPORT_FILE_TYPES, importBody } from '../../../web/import-pages.ts'
import { apiList } from '../../../web/pagination.ts'
import { findingsOf, type IndicatorImportService } from './indicator-import.service.ts'
import type { Selectable } from 'kysely'

// Importing indicator values through the API (issue 11): send the file as the body; the answer is the check
// (rows read, good, bad with line and reason, other organisations' rows left out). Nothing is added until
// POST …/commit, and with bad rows only when `goodOnly` says to add the good ones.

const Column = Type.Optional(
  Type.String({ maxLength: 200, description: 'The heading of this column in the file' }),
)
const UploadQuery = Type.Object(
  {
    fileName: Type.Optional(Type.String({ maxLength: 255 })),
    indicatorId: Type.Optional(Type.Integer({ minimum: 1, description: 'Every row is for this indicator' })),
    organisation: Type.Optional(
      Type.String({
        maxLength: 200,
        description: 'Whose rows are ours, in a file with an organisation column',
      }),
    ),
    indicatorColumn: Column,
    periodColumn: Column,
    valueColumn: Column,
    noteColumn: Column,
    organisationColumn: Column,
  },
  { additionalProperties: false },
)
const ImportParams = Type.Object({ importId: Type.Integer({ minimum: 1 }) })

const ImportSchema = Type.Object(
  {
    id: Type.Integer(),
    fileName: Type.String(),
    status: Type.String({ description: 'validating, validated, committing, committed or failed' }),
    failureReason: Type.String(),
    organisation: Type.String(),
    organisations: Type.Array(Type.Object({ name: Type.String(), rows: Type.Integer() }), {
      description: 'The organisations a long file names: choose one with POST …/organisation',
    }),
    rowsRead: Type.Integer(),
    rowsGood: Type.Integer(),
    rowsBad: Type.Integer(),
    rowsOther: Type.Integer({ description: "Other organisations' rows, left out" }),
    rowsAdded: Type.Integer(),
    problems: Type.Array(Type.Object({ line: Type.Integer(), reason: Type.String(), text: Type.String() })),
    startedAt: Timestamp,
    committedAt: Nullable(Timestamp),
  },
  { $id: 'IndicatorImport' },
)

type Imp = Selectable<DB['indicator_imports']>

async function importJson(
  service: IndicatorImportService,
  actor: Actor,
  imp: Imp,
): Promise<Static<typeof ImportSchema>> {
  const problems = await service.problems(scopeOf(actor), imp.id)
  return {
    id: imp.id,
    fileName: imp.file_name,
    status: imp.status,
    failureReason: imp.failure_reason,
    organisation: imp.organisation_name,
    organisations: findingsOf(imp).organisations ?? [],
    rowsRead: imp.rows_read,
    rowsGood: imp.rows_good,
    rowsBad: imp.rows_bad,
    rowsOther: imp.rows_other,
    rowsAdded: imp.rows_added,
    problems: problems.map((p) => ({ line: p.line_number, reason: p.reason, text: p.raw_text })),
    startedAt: imp.started_at,
    committedAt: imp.committed_at,
  }
}

export async function indicatorImportApi(app: FastifyInstance) {
  const service = app.services.indicatorImports
  const tags = ['Indicators']
  // Only this plugin's routes take a file as the body.
  acceptImportFiles(app)

  async function one(actor: Actor, id: number) {
    const imp = await service.get(scopeOf(actor), id)
    if (!imp) throw notFound('Import')
    return imp
  }

  app.post<{ Querystring: Static<typeof UploadQuery> }>(
    '/api/v1/indicator-imports',
    {
      config: { policy: 'indicator.import' },
      schema: {
        tags,
        summary: 'Upload a file of indicator values (CSV or XLSX) and check it',
        description:
          'Send the file as the body (Content-Type text/csv, or application/octet-stream for XLSX). Columns are recognised by their headings (Indicator, Period, Value, Note, Organisation) or named in the query. Nothing is added: add the checked rows with POST /api/v1/indicator-imports/{importId}/commit.',
        consumes: IMPORT_FILE_TYPES,
        querystring: UploadQuery,
        response: { 201: ImportSchema, ...STANDARD_ERRORS, 413: STANDARD_ERRORS[400] },
      },
    },
    async (request, reply) => {
      const actor = request.actor!
      const body = importBody(request, 'Send the file as the request body with Content-Type text/csv')
      const q = request.query
      const fileName = q.fileName ?? 'indicators.csv'
      const stored = await service.storeUpload(actor.organisationId, fileName, body)
      let imp: Imp
      try {
        imp = await service.begin(
          actor,
          { ...stored, fileName },
          {
            indicatorId: q.indicatorId ?? null,
            organisation: q.organisation ?? '',
            columns: {
              indicator: q.indicatorColumn,
              period: q.periodColumn,
              value: q.valueColumn,
              note: q.noteColumn,
              organisation: q.organisationColumn,
            },
          },
        )
      } catch (err) {
        await service.discardUpload(actor.organisationId, stored)
        throw err
      }
      imp = await service.check(actor.organisationId, imp.id)
      return reply
        .status(201)
        .header('location', `/api/v1/indicator-imports/${imp.id}`)
        .send(await importJson(service, actor, imp))
    },
  )

  app.get<{ Querystring: Static<typeof Query> }>(
    '/api/v1/indicator-imports',
    {
      config: { policy: 'indicator.import' },
      schema: {
        tags,
        summary: 'List imports of indicator values, newest first',
        querystring: Query,
        response: { 200: ListOf(ImportSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      return apiList(
        request.query,
        (w) => service.list(scopeOf(actor), w.offset, w.limit),
        (imp) => importJson(service, actor, imp),
      )
    },
  )

  app.get<{ Params: Static<typeof ImportParams> }>(
    '/api/v1/indicator-imports/:importId',
    {
      config: { policy: 'indicator.import' },
      schema: {
        tags,
        summary: 'Read an import of indicator values and its problems',
        params: ImportParams,
        response: { 200: ImportSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) =>
      importJson(service, request.actor!, await one(request.actor!, request.params.importId)),
  )

  app.post<{ Params: Static<typeof ImportParams>; Body: Static<typeof OrganisationBody> }>(
    '/api/v1/indicator-imports/:importId/organisation',
    {
      config: { policy: 'indicator.import' },
      schema: {
        tags,
        summary: "Choose whose rows are ours in a file of several organisations' rows, and check it again",
        params: ImportParams,
        body: OrganisationBody,
        response: { 200: ImportSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const imp = await one(actor, request.params.importId)
      await service.chooseOrganisation(actor, imp.id, request.body.organisation ?? '')
      return importJson(service, actor, await service.check(actor.organisationId, imp.id))
    },
  )

  app.post<{ Params: Static<typeof ImportParams>; Body: Static<typeof CommitBody> }>(
    '/api/v1/indicator-imports/:importId/commit',
    {
      config: { policy: 'indicator.import' },
      schema: {
        tags,
        summary: 'Add the checked values in one transaction',
        description: 'With bad rows, nothing is added unless `goodOnly` is true.',
        params: ImportParams,
        body: CommitBody,
        response: { 200: ImportSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const imp = await one(actor, request.params.importId)
      return importJson(service, actor, await service.commit(actor, imp.id, request.body.goodOnly ?? false))
    },
  )
}

const Query = Type.Object(Paging)
const OrganisationBody = Type.Object(
  { organisation: Type.Optional(Type.String({ maxLength: 200 })) },
  { additionalProperties: false },
)
const CommitBody = Type.Object({ goodOnly: Type.Optional(Type.Boolean()) }, { additionalProperties: false })
