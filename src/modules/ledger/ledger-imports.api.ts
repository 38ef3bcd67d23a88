import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf, auditActorOf, type Actor } from '../../auth/actor.ts'
import type { LedgerImport, LedgerImportProblemTable } from '../../db/schema.ts'
import { HttpError, notFound } from '../../errors.ts'
import {
  ListOf,
  Nullable,
  Paging,
  PenceTotal,
  STANDARD_ERRORS,
  Timestamp,
  WRITE_ERRORS,
} from '../../web/api-schemas.ts'
import { acceptImportFiles, IMPORT_FILE_TYPES, importBody } from '../../web/import-pages.ts'
import { apiList } from '../../web/pagination.ts'
import { progressOf } from '../../imports/pipeline.ts'
import { parseSummary } from './ledger-import.service.ts'

/**
 * The ledger import API: upload a file (streamed, never buffered), read its preview and problems, and
 * commit it. Registered by `ledgerApi`, in the same plugin, so the file content types apply here only.
 */

const Problem = Type.Object({
  kind: Type.String({
    description: 'bad (cannot be read) or changed (already in the ledger with other details)',
  }),
  line: Type.Integer({ description: 'Line of the file (CSV) or row of the sheet (XLSX)' }),
  reason: Type.String(),
  raw: Type.String({ description: 'The row as it was in the file' }),
})

const Money = PenceTotal()

export const LedgerImportSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    fileName: Type.String(),
    fileSize: Type.Integer(),
    sha256: Type.String(),
    format: Type.String(),
    layout: Type.String({ description: 'LGA spend schema, recognised headings or a saved mapping' }),
    mappingName: Type.String(),
    encoding: Type.String(),
    delimiter: Type.String(),
    status: Type.String({ description: 'validating, validated, committing, committed or failed' }),
    failureReason: Type.String(),
    progressPercent: Nullable(Type.Integer()),
    rowsRead: Type.Integer(),
    rowsGood: Type.Integer(),
    rowsBad: Type.Integer(),
    rowsDuplicate: Type.Integer({ description: 'Already in the ledger, unchanged: not added again' }),
    rowsChanged: Type.Integer({
      description: 'Already in the ledger with different details: reported, not applied',
    }),
    rowsUnmatched: Type.Integer({
      description: 'New rows no rule ties to a project: they go to the suspense list',
    }),
    rowsAdded: Type.Integer(),
    totalPence: Money,
    byPeriod: Type.Array(Type.Object({ period: Type.String(), count: Type.Integer(), pence: Money })),
    byProject: Type.Array(
      Type.Object({
        projectId: Nullable(Type.Integer()),
        reference: Type.String(),
        name: Type.String(),
        count: Type.Integer(),
        pence: Money,
      }),
    ),
    problems: Type.Array(Problem, { description: 'The first 100; GET …/problems for all' }),
    createdBy: Type.String(),
    startedAt: Timestamp,
    committedAt: Nullable(Type.String({ format: 'date-time' })),
  },
  { $id: 'LedgerImport' },
)

const UploadQuery = Type.Object({
  fileName: Type.Optional(Type.String({ maxLength: 255 })),
  mapping: Type.Optional(Type.String({ maxLength: 100, description: 'Name of a saved column mapping' })),
})

const PagingQuery = Type.Object({ ...Paging })
const ImportParams = Type.Object({ importId: Type.Integer({ minimum: 1 }) })

function problemJson(
  p: Pick<LedgerImportProblemTable, 'kind' | 'line_number' | 'reason' | 'raw_text'>,
): Static<typeof Problem> {
  return { kind: p.kind, line: p.line_number, reason: p.reason, raw: p.raw_text }
}

export async function importJson(
  app: FastifyInstance,
  actor: Actor,
  imp: LedgerImport,
): Promise<Static<typeof LedgerImportSchema>> {
  const summary = parseSummary(imp)
  const problems = await app.services.ledgerImports.problems(scopeOf(actor), imp.id, 0, 100)
  return {
    id: imp.id,
    version: imp.version,
    fileName: imp.file_name,
    fileSize: imp.file_size,
    sha256: imp.sha256,
    format: imp.format,
    layout: imp.layout,
    mappingName: imp.mapping_name,
    encoding: imp.encoding,
    delimiter: imp.delimiter,
    status: imp.status,
    failureReason: imp.failure_reason,
    progressPercent: progressOf(imp)?.percent ?? null,
    rowsRead: imp.rows_read,
    rowsGood: imp.rows_good,
    rowsBad: imp.rows_bad,
    rowsDuplicate: imp.rows_duplicate,
    rowsChanged: imp.rows_changed,
    rowsUnmatched: imp.rows_unmatched,
    rowsAdded: imp.rows_added,
    totalPence: imp.total_pence,
    byPeriod: summary.byPeriod ?? [],
    byProject: summary.byProject ?? [],
    problems: problems.map(problemJson),
    createdBy: imp.created_by_name,
    startedAt: imp.started_at,
    committedAt: imp.committed_at,
  }
}

export function ledgerImportsApi(app: FastifyInstance, tags: string[]): void {
  const { ledger, ledgerImports } = app.services

  // A file is the body, streamed to disk: never buffered, so the upload limit is the only size limit.
  acceptImportFiles(app)

  app.post<{ Querystring: Static<typeof UploadQuery> }>(
    '/api/v1/ledger/imports',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Upload a ledger file and validate it',
        description:
          'Send the file as the request body with Content-Type text/csv or application/octet-stream (XLSX too). Nothing is added to the ledger: the answer is the preview (rows read, good, bad with line and reason, duplicates, changed, totals by month and project). Commit it with POST /api/v1/ledger/imports/{id}/commit.',
        consumes: IMPORT_FILE_TYPES,
        querystring: UploadQuery,
        response: { 201: LedgerImportSchema, ...STANDARD_ERRORS, 413: STANDARD_ERRORS[400] },
      },
    },
    async (request, reply) => {
      const actor = request.actor!
      const body = importBody(
        request,
        'Send the ledger file as the request body with Content-Type text/csv (or application/octet-stream for XLSX)',
      )
      let mappingId: number | null = null
      if (request.query.mapping) {
        const m = (await ledger.mappings(scopeOf(actor))).find((x) => x.name === request.query.mapping)
        if (!m)
          throw new HttpError(400, 'There is no saved mapping with that name', {
            mapping: 'Give the name of a saved mapping',
          })
        mappingId = m.id
      }
      const fileName = request.query.fileName ?? 'upload.csv'
      const stored = await ledgerImports.storeUpload(actor.organisationId, fileName, body)
      const by = { organisationId: actor.organisationId, ...auditActorOf(actor) }
      let imp = await ledgerImports.begin(by, { ...stored, fileName }, mappingId)
      imp = await ledgerImports.validate(actor.organisationId, imp.id)
      return reply
        .status(201)
        .header('location', `/api/v1/ledger/imports/${imp.id}`)
        .send(await importJson(app, actor, imp))
    },
  )

  app.get<{ Querystring: Static<typeof PagingQuery> }>(
    '/api/v1/ledger/imports',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'List ledger imports, newest first',
        querystring: PagingQuery,
        response: { 200: ListOf(LedgerImportSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const scope = scopeOf(request.actor!)
      return apiList(
        request.query,
        (w) => ledgerImports.list(scope, w.offset, w.limit),
        (r) => importJson(app, request.actor!, r),
      )
    },
  )

  app.get<{ Params: Static<typeof ImportParams> }>(
    '/api/v1/ledger/imports/:importId',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Read an import: status, progress and preview',
        params: ImportParams,
        response: { 200: LedgerImportSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const imp = await ledgerImports.get(scopeOf(request.actor!), request.params.importId)
      if (!imp) throw notFound('Import')
      return importJson(app, request.actor!, imp)
    },
  )

  app.get<{ Params: Static<typeof ImportParams>; Querystring: Static<typeof PagingQuery> }>(
    '/api/v1/ledger/imports/:importId/problems',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Every row of an import that could not be read or has changed, by line',
        params: ImportParams,
        querystring: PagingQuery,
        response: { 200: ListOf(Problem), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const scope = scopeOf(request.actor!)
      const imp = await ledgerImports.get(scope, request.params.importId)
      if (!imp) throw notFound('Import')
      return apiList(
        request.query,
        (w) => ledgerImports.problems(scope, imp.id, w.offset, w.limit),
        problemJson,
      )
    },
  )

  app.post<{ Params: Static<typeof ImportParams> }>(
    '/api/v1/ledger/imports/:importId/commit',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Add a validated import to the ledger, in one transaction',
        description:
          'All the new rows or none. Rows already in the ledger are not added again; committing twice adds nothing the second time.',
        params: ImportParams,
        response: { 200: LedgerImportSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const actor = request.actor!
      const found = await ledgerImports.get(scopeOf(actor), request.params.importId)
      if (!found) throw notFound('Import')
      const imp = await ledgerImports.commit(
        { organisationId: actor.organisationId, ...auditActorOf(actor) },
        found.id,
      )
      return importJson(app, actor, imp)
    },
  )
}
