/**
 * How a commit writes payments into `ledger_transactions`: as rows for the query builder (PostgreSQL), or
 * on SQLite through statements prepared once per commit, which was the import's largest single cost
 * when each batch was compiled afresh (bench/import.ts).
 */
import type SQLite from 'better-sqlite3'
import type { LedgerRow } from './ledger.rows.ts'

export function toInsert(
  organisationId: number,
  importId: number,
  row: LedgerRow,
  projectId: number | null,
  at: string,
) {
  return {
    organisation_id: organisationId,
    project_id: projectId,
    import_id: importId,
    transaction_ref: row.reference,
    dedupe_key: row.dedupeKey,
    content_hash: row.contentHash,
    transaction_date: row.date,
    period: row.period,
    financial_year: row.financialYear,
    amount_pence: row.amountPence,
    supplier_name: row.supplier,
    description: row.description,
    cost_centre: row.costCentre,
    account_code: row.accountCode,
    expense_type: row.expenseType,
    service_area: row.serviceArea,
    created_at: at,
  }
}

const INSERT_COLUMNS = [
  'organisation_id',
  'project_id',
  'import_id',
  'transaction_ref',
  'dedupe_key',
  'content_hash',
  'transaction_date',
  'period',
  'financial_year',
  'amount_pence',
  'supplier_name',
  'description',
  'cost_centre',
  'account_code',
  'expense_type',
  'service_area',
  'created_at',
] as const

/** Rows a multi-row insert statement carries on SQLite: 17 × 200 parameters, well under its limit. */
const INSERT_ROWS = 200

/**
 * Inserts on SQLite through two statements prepared once per commit: one of INSERT_ROWS rows and one of
 * a single row for the remainder. A row already in the ledger (same key) is left alone; the count
 * returned is of rows actually added.
 */
export function sqliteInserter(handle: SQLite.Database) {
  const columns = INSERT_COLUMNS.join(', ')
  const one = `(${INSERT_COLUMNS.map(() => '?').join(', ')})`
  const statement = (rows: number) =>
    handle.prepare(
      `insert into ledger_transactions (${columns}) values ${Array.from({ length: rows }, () => one).join(', ')} on conflict (organisation_id, dedupe_key) do nothing`,
    )
  const many = statement(INSERT_ROWS)
  const single = statement(1)
  const width = INSERT_COLUMNS.length
  const params: unknown[] = new Array<unknown>(width * INSERT_ROWS)
  const fill = (
    at: number,
    organisationId: number,
    importId: number,
    created: string,
    { row, projectId }: { row: LedgerRow; projectId: number | null },
  ) => {
    // In INSERT_COLUMNS order.
    params[at] = organisationId
    params[at + 1] = projectId
    params[at + 2] = importId
    params[at + 3] = row.reference
    params[at + 4] = row.dedupeKey
    params[at + 5] = row.contentHash
    params[at + 6] = row.date
    params[at + 7] = row.period
    params[at + 8] = row.financialYear
    params[at + 9] = row.amountPence
    params[at + 10] = row.supplier
    params[at + 11] = row.description
    params[at + 12] = row.costCentre
    params[at + 13] = row.accountCode
    params[at + 14] = row.expenseType
    params[at + 15] = row.serviceArea
    params[at + 16] = created
  }
  return {
    insert(
      organisationId: number,
      importId: number,
      created: string,
      batch: ReadonlyArray<{ row: LedgerRow; projectId: number | null }>,
    ): number {
      let added = 0
      let i = 0
      for (; i + INSERT_ROWS <= batch.length; i += INSERT_ROWS) {
        for (let j = 0; j < INSERT_ROWS; j++)
          fill(j * width, organisationId, importId, created, batch[i + j]!)
        added += many.run(params).changes
      }
      for (; i < batch.length; i++) {
        fill(0, organisationId, importId, created, batch[i]!)
        added += single.run(params.slice(0, width)).changes
      }
      return added
    },
  }
}
