import type { Readable } from 'node:stream'
import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf, auditActorOf, type Actor } from '../../auth/actor.ts'
import type { ColumnMapping, LedgerImport, LedgerTransaction } from '../../db/schema.ts'
import { isPeriod } from '../../domain/periods.ts'
import { HttpError, notFound } from '../../errors.ts'
import {
  IsoDate,
  ListOf,
  Nullable,
  Paging,
  STANDARD_ERRORS,
  Timestamp,
  WRITE_ERRORS,
} from '../../web/api-schemas.ts'
import { apiOffset, apiPage } from '../../web/pagination.ts'
import { LEDGER_FIELDS } from './ledger.formats.ts'
import { parseSummary } from './ledger-import.service.ts'

const FILE_TYPES = [
  'text/csv',
  'text/plain',
  'application/octet-stream',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
]

const Problem = Type.Object({
  kind: Type.String({
    description: 'bad (cannot be read) or changed (already in the ledger with other details)',
  }),
  line: Type.Integer({ description: 'Line of the file (CSV) or row of the sheet (XLSX)' }),
  reason: Type.String(),
  raw: Type.String({ description: 'The row as it was in the file' }),
})

const Money = Type.Integer({ description: 'Integer pence' })

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

export const LedgerTransactionSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    projectId: Nullable(Type.Integer({ description: 'null: in the suspense list' })),
    importId: Nullable(Type.Integer({ description: 'null: entered by hand' })),
    transactionRef: Nullable(Type.String()),
    transactionDate: IsoDate,
    period: Type.String({ description: 'YYYY-MM' }),
    financialYear: Type.String({ description: '2025/26' }),
    amountPence: Type.Integer({ description: 'Integer pence; credits are negative' }),
    supplierName: Type.String(),
    description: Type.String(),
    costCentre: Type.String(),
    accountCode: Type.String(),
    expenseType: Type.String(),
    serviceArea: Type.String(),
    createdAt: Timestamp,
  },
  { $id: 'LedgerTransaction' },
)

const ColumnsSchema = Type.Object(
  Object.fromEntries(
    LEDGER_FIELDS.map((f) => [f.key, Type.Optional(Type.String({ maxLength: 200, description: f.label }))]),
  ),
  { additionalProperties: false, description: 'Ledger field → the column heading in the file' },
)

export const ColumnMappingSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    name: Type.String(),
    columns: Type.Record(Type.String(), Type.String()),
    dateFormat: Type.String(),
    delimiter: Type.String(),
    encoding: Type.String(),
    skipLines: Type.Integer(),
  },
  { $id: 'ColumnMapping' },
)

export const CostRuleSchema = Type.Object(
  {
    id: Type.Integer(),
    version: Type.Integer(),
    matchField: Type.String({ description: 'cost_centre, account_code, service_area or expense_type' }),
    matchType: Type.String({ description: 'exact or prefix' }),
    matchValue: Type.String(),
    projectId: Type.Integer(),
    priority: Type.Integer({ description: 'Lower runs first; the first matching rule wins' }),
  },
  { $id: 'CostRule' },
)

const MappingBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    columns: ColumnsSchema,
    dateFormat: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('dmy'), Type.Literal('ymd')])),
    delimiter: Type.Optional(Type.String({ maxLength: 4 })),
    encoding: Type.Optional(Type.String({ maxLength: 20 })),
    skipLines: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
  },
  { additionalProperties: false },
)

const RuleBody = Type.Object(
  {
    matchField: Type.String(),
    matchType: Type.String(),
    matchValue: Type.String({ minLength: 1, maxLength: 100 }),
    projectId: Type.Integer({ minimum: 1 }),
    priority: Type.Optional(Type.Integer({ minimum: 1, maximum: 9999 })),
  },
  { additionalProperties: false },
)

const AssignBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    projectId: Nullable(Type.Integer({ minimum: 1, description: 'null puts it back in suspense' })),
  },
  { additionalProperties: false },
)

const UploadQuery = Type.Object({
  fileName: Type.Optional(Type.String({ maxLength: 255 })),
  mapping: Type.Optional(Type.String({ maxLength: 100, description: 'Name of a saved column mapping' })),
})

const PagingQuery = Type.Object({ ...Paging })
const ImportParams = Type.Object({ importId: Type.Integer({ minimum: 1 }) })
const TransactionParams = Type.Object({ transactionId: Type.Integer({ minimum: 1 }) })
const MappingParams = Type.Object({ mappingId: Type.Integer({ minimum: 1 }) })
const RuleParams = Type.Object({ ruleId: Type.Integer({ minimum: 1 }) })

const TransactionQuery = Type.Object({
  ...Paging,
  projectId: Type.Optional(Type.Integer({ minimum: 1 })),
  period: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}$' })),
  importId: Type.Optional(Type.Integer({ minimum: 1 })),
})

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
    progressPercent: app.services.ledgerImports.progressOf(imp.id)?.percent ?? null,
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
    problems: problems.map((p) => ({ kind: p.kind, line: p.line_number, reason: p.reason, raw: p.raw_text })),
    createdBy: imp.created_by_name,
    startedAt: imp.started_at,
    committedAt: imp.committed_at,
  }
}

export function transactionJson(t: LedgerTransaction): Static<typeof LedgerTransactionSchema> {
  return {
    id: t.id,
    version: t.version,
    projectId: t.project_id,
    importId: t.import_id,
    transactionRef: t.transaction_ref,
    transactionDate: t.transaction_date,
    period: t.period,
    financialYear: t.financial_year,
    amountPence: t.amount_pence,
    supplierName: t.supplier_name,
    description: t.description,
    costCentre: t.cost_centre,
    accountCode: t.account_code,
    expenseType: t.expense_type,
    serviceArea: t.service_area,
    createdAt: t.created_at,
  }
}

function mappingJson(m: ColumnMapping): Static<typeof ColumnMappingSchema> {
  return {
    id: m.id,
    version: m.version,
    name: m.name,
    columns: JSON.parse(m.columns_json) as Record<string, string>,
    dateFormat: m.date_format,
    delimiter: m.delimiter,
    encoding: m.encoding,
    skipLines: m.skip_lines,
  }
}

function isReadable(body: unknown): body is Readable {
  return typeof body === 'object' && body !== null && typeof (body as Readable).pipe === 'function'
}

export async function ledgerApi(app: FastifyInstance) {
  const { ledger, ledgerImports } = app.services
  const tags = ['Ledger']

  // A file is the body, streamed to disk: never buffered, so the upload limit is the only size limit.
  app.addContentTypeParser(FILE_TYPES, (_request, payload, done) => done(null, payload))

  app.post<{ Querystring: Static<typeof UploadQuery> }>(
    '/api/v1/ledger/imports',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Upload a ledger file and validate it',
        description:
          'Send the file as the request body with Content-Type text/csv or application/octet-stream (XLSX too). Nothing is added to the ledger: the answer is the preview (rows read, good, bad with line and reason, duplicates, changed, totals by month and project). Commit it with POST /api/v1/ledger/imports/{id}/commit.',
        consumes: FILE_TYPES,
        querystring: UploadQuery,
        response: { 201: LedgerImportSchema, ...STANDARD_ERRORS, 413: STANDARD_ERRORS[400] },
      },
    },
    async (request, reply) => {
      const actor = request.actor!
      if (!isReadable(request.body))
        throw new HttpError(
          400,
          'Send the ledger file as the request body with Content-Type text/csv (or application/octet-stream for XLSX)',
          {
            file: 'Send the file as the body',
          },
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
      const stored = await ledgerImports.storeUpload(request.body)
      const by = { organisationId: actor.organisationId, ...auditActorOf(actor) }
      let imp = await ledgerImports.begin(
        by,
        { ...stored, fileName: request.query.fileName ?? 'upload.csv' },
        mappingId,
      )
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
      const offset = apiOffset(request.query.cursor)
      const limit = request.query.limit ?? 50
      const rows = await ledgerImports.list(scopeOf(request.actor!), offset, limit + 1)
      const page = apiPage(rows, offset, limit, (r) => r)
      return {
        items: await Promise.all(page.items.map((r) => importJson(app, request.actor!, r))),
        next: page.next,
      }
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
      const offset = apiOffset(request.query.cursor)
      const limit = request.query.limit ?? 50
      const rows = await ledgerImports.problems(scope, imp.id, offset, limit + 1)
      return apiPage(rows, offset, limit, (p) => ({
        kind: p.kind,
        line: p.line_number,
        reason: p.reason,
        raw: p.raw_text,
      }))
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

  app.get<{ Querystring: Static<typeof TransactionQuery> }>(
    '/api/v1/ledger/transactions',
    {
      config: { policy: 'finance.monitor' },
      schema: {
        tags,
        summary: 'Ledger transactions, newest first',
        querystring: TransactionQuery,
        response: { 200: ListOf(LedgerTransactionSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const q = request.query
      if (q.period && !isPeriod(q.period))
        throw new HttpError(400, 'Some details need correcting', { period: 'Give the period as YYYY-MM' })
      const offset = apiOffset(q.cursor)
      const limit = q.limit ?? 50
      const rows = await ledger.transactions(scopeOf(request.actor!), {
        projectId: q.projectId,
        period: q.period,
        importId: q.importId,
        offset,
        limit: limit + 1,
      })
      return apiPage(rows, offset, limit, transactionJson)
    },
  )

  app.get<{ Querystring: Static<typeof PagingQuery> }>(
    '/api/v1/ledger/suspense',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Payments that match no project yet',
        querystring: PagingQuery,
        response: { 200: ListOf(LedgerTransactionSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const offset = apiOffset(request.query.cursor)
      const limit = request.query.limit ?? 50
      const rows = await ledger.transactions(scopeOf(request.actor!), {
        suspense: true,
        offset,
        limit: limit + 1,
      })
      return apiPage(rows, offset, limit, transactionJson)
    },
  )

  app.patch<{ Params: Static<typeof TransactionParams>; Body: Static<typeof AssignBody> }>(
    '/api/v1/ledger/transactions/:transactionId',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Put a payment on a project (or back in suspense)',
        params: TransactionParams,
        body: AssignBody,
        response: { 200: LedgerTransactionSchema, ...WRITE_ERRORS },
      },
    },
    async (request) => {
      const t = await ledger.assign(
        request.actor!,
        request.params.transactionId,
        request.body.version,
        request.body.projectId,
      )
      return transactionJson(t)
    },
  )

  app.get<{ Params: Static<typeof TransactionParams> }>(
    '/api/v1/ledger/transactions/:transactionId',
    {
      config: { policy: 'finance.monitor' },
      schema: {
        tags,
        summary: 'Read a ledger transaction',
        params: TransactionParams,
        response: { 200: LedgerTransactionSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const t = await ledger.transaction(scopeOf(request.actor!), request.params.transactionId)
      if (!t) throw notFound('Transaction')
      return transactionJson(t)
    },
  )

  app.get(
    '/api/v1/ledger/mappings',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Saved column mappings',
        response: { 200: ListOf(ColumnMappingSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => ({
      items: (await ledger.mappings(scopeOf(request.actor!))).map(mappingJson),
      next: null,
    }),
  )

  app.post<{ Body: Static<typeof MappingBody> }>(
    '/api/v1/ledger/mappings',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Save a column mapping for a ledger layout',
        body: MappingBody,
        response: { 201: ColumnMappingSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const b = request.body
      const m = await ledger.createMapping(request.actor!, {
        name: b.name,
        columns: b.columns,
        dateFormat: b.dateFormat ?? 'auto',
        delimiter: b.delimiter ?? 'auto',
        encoding: b.encoding ?? 'auto',
        skipLines: b.skipLines ?? 0,
      })
      return reply.status(201).header('location', `/api/v1/ledger/mappings/${m.id}`).send(mappingJson(m))
    },
  )

  app.get<{ Params: Static<typeof MappingParams> }>(
    '/api/v1/ledger/mappings/:mappingId',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Read a column mapping',
        params: MappingParams,
        response: { 200: ColumnMappingSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const m = await ledger.mapping(scopeOf(request.actor!), request.params.mappingId)
      if (!m) throw notFound('Mapping')
      return mappingJson(m)
    },
  )

  app.delete<{ Params: Static<typeof MappingParams> }>(
    '/api/v1/ledger/mappings/:mappingId',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Delete a column mapping',
        params: MappingParams,
        response: { 204: Type.Null(), ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      await ledger.deleteMapping(request.actor!, request.params.mappingId)
      return reply.status(204).send()
    },
  )

  const ruleJson = (r: {
    id: number
    version: number
    match_field: string
    match_type: string
    match_value: string
    project_id: number
    priority: number
  }) => ({
    id: r.id,
    version: r.version,
    matchField: r.match_field,
    matchType: r.match_type,
    matchValue: r.match_value,
    projectId: r.project_id,
    priority: r.priority,
  })

  app.get(
    '/api/v1/ledger/rules',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Cost mapping rules, in the order they run',
        response: { 200: ListOf(CostRuleSchema), ...STANDARD_ERRORS },
      },
    },
    async (request) => ({ items: (await ledger.rules(scopeOf(request.actor!))).map(ruleJson), next: null }),
  )

  app.post<{ Body: Static<typeof RuleBody> }>(
    '/api/v1/ledger/rules',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Add a rule tying a cost centre or account code to a project',
        body: RuleBody,
        response: { 201: CostRuleSchema, ...WRITE_ERRORS },
      },
    },
    async (request, reply) => {
      const b = request.body
      const r = await ledger.createRule(request.actor!, { ...b, priority: b.priority ?? null })
      return reply.status(201).header('location', `/api/v1/ledger/rules/${r.id}`).send(ruleJson(r))
    },
  )

  app.get<{ Params: Static<typeof RuleParams> }>(
    '/api/v1/ledger/rules/:ruleId',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Read a cost mapping rule',
        params: RuleParams,
        response: { 200: CostRuleSchema, ...STANDARD_ERRORS },
      },
    },
    async (request) => {
      const r = await ledger.rule(scopeOf(request.actor!), request.params.ruleId)
      if (!r) throw notFound('Rule')
      return ruleJson(r)
    },
  )

  app.delete<{ Params: Static<typeof RuleParams> }>(
    '/api/v1/ledger/rules/:ruleId',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Delete a cost mapping rule',
        params: RuleParams,
        response: { 204: Type.Null(), ...STANDARD_ERRORS },
      },
    },
    async (request, reply) => {
      await ledger.deleteRule(request.actor!, request.params.ruleId)
      return reply.status(204).send()
    },
  )

  app.post(
    '/api/v1/ledger/rules/apply',
    {
      config: { policy: 'finance.write' },
      schema: {
        tags,
        summary: 'Run the rules over the suspense list',
        response: {
          200: Type.Object({ moved: Type.Integer({ description: 'Payments moved to a project' }) }),
          ...WRITE_ERRORS,
        },
      },
    },
    async (request) => ({ moved: await ledger.applyRulesToSuspense(request.actor!) }),
  )
}
