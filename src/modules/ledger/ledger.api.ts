import { Type, type Static } from '@sinclair/typebox'
import type { FastifyInstance } from 'fastify'
import { scopeOf } from '../../auth/actor.ts'
import type { LedgerTransaction } from '../../db/schema.ts'
import { isPeriod } from '../../domain/periods.ts'
import { HttpError, notFound } from '../../errors.ts'
import {
  IsoDate,
  ListOf,
  MoneyPence,
  Nullable,
  Paging,
  STANDARD_ERRORS,
  Timestamp,
  WRITE_ERRORS,
} from '../../web/api-schemas.ts'
import { apiList } from '../../web/pagination.ts'
import { ledgerImportsApi } from './ledger-imports.api.ts'
import { ledgerSettingsApi } from './ledger-settings.api.ts'

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
    amountPence: MoneyPence({ description: 'The amount; credits are negative' }),
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

const AssignBody = Type.Object(
  {
    version: Type.Integer({ minimum: 1 }),
    projectId: Nullable(Type.Integer({ minimum: 1, description: 'null puts it back in suspense' })),
  },
  { additionalProperties: false },
)

const PagingQuery = Type.Object({ ...Paging })
const TransactionParams = Type.Object({ transactionId: Type.Integer({ minimum: 1 }) })

const TransactionQuery = Type.Object({
  ...Paging,
  projectId: Type.Optional(Type.Integer({ minimum: 1 })),
  period: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}$' })),
  importId: Type.Optional(Type.Integer({ minimum: 1 })),
})

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

/** The ledger API: imports, transactions and the suspense list, and the saved mappings and rules. */
export async function ledgerApi(app: FastifyInstance) {
  const { ledger } = app.services
  const tags = ['Ledger']

  ledgerImportsApi(app, tags)

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
      const { projectId, period, importId } = q
      const scope = scopeOf(request.actor!)
      return apiList(
        q,
        (w) => ledger.transactions(scope, { projectId, period, importId, ...w }),
        transactionJson,
      )
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
      const scope = scopeOf(request.actor!)
      return apiList(
        request.query,
        (w) => ledger.transactions(scope, { suspense: true, ...w }),
        transactionJson,
      )
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

  ledgerSettingsApi(app, tags)
}
