import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf, type Actor } from '../../auth/actor.ts'
import type { PortfolioImport } from '../../db/schema.ts'
import { notFound } from '../../errors.ts'
import { ListOf, Nullable, Paging, STANDARD_ERRORS, Timestamp, WRITE_ERRORS } from '../../web/api-schemas.ts'
import { acceptImportFiles, IMPORT_FILE_TYPES, importBody } from '../../web/import-pages.ts'
import { apiList } from '../../web/pagination.ts'
import { RECORD_TYPES } from './portfolio-import.apply.ts'
import { PORTFOLIO_FIELDS, type ColumnNames } from './portfolio-import.rows.ts'
import { findingsOf, summaryOf, type PortfolioImportService } from './portfolio-import.service.ts'

// Importing the existing portfolio through the API (issue 13): send the file as the body; the answer is the
// check (rows read, good, bad with line and reason) and the preview of what the commit would do per type.
// Nothing is written until POST …/commit, and with bad rows only when `goodOnly` says to import the good ones.

const columnQuery = Object.fromEntries(
  PORTFOLIO_FIELDS.map((f) => [
    `${f}Column`,
    Type.Optional(Type.String({ maxLength: 200, description: `The heading of the ${f} column in the file` })),
  ]),
)
const UploadQuery = Type.Object(
  { fileName: Type.Optional(Type.String({ maxLength: 255 })), ...columnQuery },
  { additionalProperties: false },
)
const ImportParams = Type.Object({ importId: Type.Integer({ minimum: 1 }) })
const Counts = Type.Object({ created: Type.Integer(), updated: Type.Integer(), unchanged: Type.Integer() })

const ImportSchema = Type.Object(
  {
    id: Type.Integer(),
    fileName: Type.String(),
    status: Type.String({ description: 'validating, validated, committing, committed or failed' }),
    failureReason: Type.String(),
    headings: Type.Array(Type.String()),
    rowsRead: Type.Integer(),
    rowsGood: Type.Integer(),
    rowsBad: Type.Integer({ description: 'Rows rejected, each with its line and reason in `problems`' }),
    changes: Nullable(
      Type.Object(Object.fromEntries(RECORD_TYPES.map((t) => [t, Counts])), {
        description: 'What the commit will do (before it) or did (after it), per type of record',
      }),
    ),
    problems: Type.Array(
      Type.Object({
        kind: Type.String({
          description: 'bad: the row is rejected; note: imported, a cell kept as written',
        }),
        line: Type.Integer(),
        reason: Type.String(),
        text: Type.String(),
      }),
    ),
    startedAt: Timestamp,
    committedAt: Nullable(Timestamp),
  },
  { $id: 'PortfolioImport' },
)

export async function importJson(
  service: PortfolioImportService,
  actor: Actor,
  imp: PortfolioImport,
): Promise<Static<typeof ImportSchema>> {
  const problems = await service.problems(scopeOf(actor), imp.id)
  return {
    id: imp.id,
    fileName: imp.file_name,
    status: imp.status,
    failureReason: imp.failure_reason,
    headings: findingsOf(imp).headings ?? [],
    rowsRead: imp.rows_read,
    rowsGood: imp.rows_good,
    rowsBad: imp.rows_bad,
    changes: summaryOf(imp),
    problems: problems.map((p) => ({
      kind: p.kind,
      line: p.line_number,
      reason: p.reason,
      text: p.raw_text,
    })),
    startedAt: imp.started_at,
    committedAt: imp.committed_at,
  }
}

export function columnsOf(q: Record<string, string | undefined>): ColumnNames {
  const columns: ColumnNames = {}
  for (const f of PORTFOLIO_FIELDS) {
    const v = q[`${f}Column`]?.trim()
    if (v) columns[f] = v
  }
  return columns
}

export async function portfolioImportApi(app: FastifyInstance) {
  const service = app.services.portfolioImports
  const tags = ['Portfolio import']
  // Only this plugin's routes take a file as the body.
  acceptImportFiles(app)

  async function one(actor: Actor, id: number) {
    const imp = await service.get(scopeOf(actor), id)
    if (!imp) throw notFound('Import')
    return imp
  }

  app.post<{ Querystring: Static<typeof UploadQuery> }>(
    '/api/v1/portfolio-imports',
    {
      config: { policy: 'portfolio.import' },
      schema: {
        tags,
        summary:
          'Upload a portfolio file (CSV or XLSX: programmes, projects, milestones, ratings) and check it',
        description:
          'Send the file as the body (Content-Type text/csv, or application/octet-stream for XLSX). Columns are recognised by their headings (GMPP annual data among them) or named in the query. Nothing is written: import the checked rows with POST /api/v1/portfolio-imports/{importId}/commit.',
        consumes: IMPORT_FILE_TYPES,
        querystring: UploadQuery,
        response: { 201: ImportSchema, ...STANDARD_ERRORS, 413: STANDARD_ERRORS[400] },
      },
    },
    async (request, reply) => {
      const actor = request.actor!
      const body = importBody(request, 'Send the file as the request body with Content-Type text/csv')
      const q = request.query as Record<string, string | undefined>
      const fileName = q.fileName ?? 'portfolio.csv'
      const stored = await service.storeUpload(actor.organisationId, fileName, body)
      let imp: PortfolioImport
      try {
        imp = await service.begin(actor, { ...stored, fileName }, { columns: columnsOf(q) })
      } catch (err) {
        await service.discardUpload(actor.organisationId, stored)
        throw err
      }
      return reply
        .status(201)
        .header('location', `/api/v1/portfolio-imports/${imp.id}`)
        .send(await importJson(service, actor, imp))
    },
  )

  app.get<{ Querystring: Static<typeof Query> }>(
    '/api/v1/portfolio-imports',
    {
      config: { policy: 'portfolio.import' },
      schema: {
        tags,
        summary: 'List portfolio imports, newest first',
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
    '/api/v1/portfolio-imports/:importId',
    {
      config: { policy: 'portfolio.import' },
      schema: {
        tags,
        summary: 'Read a portfolio import, its problems and its changes',
        params: ImportParams,
        response: { 200: ImportSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) =>
      importJson(service, request.actor!, await one(request.actor!, request.params.importId)),
  )

  app.post<{ Params: Static<typeof ImportParams>; Body: Static<typeof CommitBody> }>(
    '/api/v1/portfolio-imports/:importId/commit',
    {
      config: { policy: 'portfolio.import' },
      schema: {
        tags,
        summary: 'Import the checked rows in one transaction',
        description: 'With bad rows, nothing is imported unless `goodOnly` is true.',
        params: ImportParams,
        body: CommitBody,
        response: { 200: ImportSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const imp = await one(actor, request.params.importId)
      return importJson(service, actor, await service.commit(actor, imp.id, request.body?.goodOnly ?? false))
    },
  )
}

const Query = Type.Object(Paging)
const CommitBody = Type.Object({ goodOnly: Type.Optional(Type.Boolean()) }, { additionalProperties: false })
