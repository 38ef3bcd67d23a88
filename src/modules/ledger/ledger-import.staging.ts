/**
 * The rows an import's check read, kept for its commit (`ledger_import_rows`, migration 0016), so the file
 * is read and parsed once. The check stages every good row, interpreted and matched to a project, in file
 * order; the commit adds them to the ledger with INSERT … SELECT inside its one transaction, a slice at a
 * time for its progress, and removes them. On SQLite staging goes through statements prepared once per
 * pass (compiling each insert afresh was the largest single cost of an import, bench/import.ts).
 */
import { createHash } from 'node:crypto'
import type SQLite from 'better-sqlite3'
import { sql, type Kysely, type Transaction } from 'kysely'
import type { DB } from '../../db/schema.ts'
import type { CompiledRule } from './ledger.repository.ts'
import { matchRule } from './ledger.repository.ts'
import type { LedgerRow } from './ledger.rows.ts'

export interface StagedRow {
  row: LedgerRow
  projectId: number | null
}

/** The columns staged for each row and copied to `ledger_transactions`, in this order. */
const ROW_COLUMNS = [
  'project_id',
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
] as const
const STAGE_COLUMNS = ['organisation_id', 'import_id', 'seq', 'line_number', ...ROW_COLUMNS] as const

/** Rows a multi-row insert carries: 18 × 200 parameters, well under either dialect's limit. */
const INSERT_ROWS = 200

/**
 * SQLite's page cache, in KiB, while a check runs. better-sqlite3 builds SQLite with 16 MB a connection, which
 * the check filled with pages of the stored file and of the staging table that it never reads again. With
 * 2 MB a 250,000-row import peaked about 14 MB lower (bench/import.ts; two pairs of runs on a shared machine,
 * 260 and 272 MB against 279 and 286), in the same CPU time. The commit, which inserts into the ledger's
 * indexes, runs with the connection's own cache.
 */
const CHECK_CACHE_KIB = 2000

/** Staged rows a commit adds per statement; between slices it reports its progress. */
const COMMIT_SLICE = 10_000

function fill(
  params: unknown[],
  at: number,
  organisationId: number,
  importId: number,
  seq: number,
  { row, projectId }: StagedRow,
) {
  // In STAGE_COLUMNS order.
  params[at] = organisationId
  params[at + 1] = importId
  params[at + 2] = seq
  params[at + 3] = row.line
  params[at + 4] = projectId
  params[at + 5] = row.reference
  params[at + 6] = row.dedupeKey
  params[at + 7] = row.contentHash
  params[at + 8] = row.date
  params[at + 9] = row.period
  params[at + 10] = row.financialYear
  params[at + 11] = row.amountPence
  params[at + 12] = row.supplier
  params[at + 13] = row.description
  params[at + 14] = row.costCentre
  params[at + 15] = row.accountCode
  params[at + 16] = row.expenseType
  params[at + 17] = row.serviceArea
}

/**
 * Stages an import's good rows in file order, numbering them from 0. Returns how many are staged so far.
 * Rows staged by an earlier check of the same import are removed first (`clear`).
 */
export function createRowStager(
  db: Kysely<DB>,
  sqlite: SQLite.Database | null,
  organisationId: number,
  importId: number,
) {
  let seq = 0
  const width = STAGE_COLUMNS.length
  let sqliteInsert: ((batch: readonly StagedRow[]) => void) | null = null
  if (sqlite) {
    const one = `(${STAGE_COLUMNS.map(() => '?').join(', ')})`
    const statement = (rows: number) =>
      sqlite.prepare(
        `insert into ledger_import_rows (${STAGE_COLUMNS.join(', ')}) values ${Array.from({ length: rows }, () => one).join(', ')}`,
      )
    const many = statement(INSERT_ROWS)
    const single = statement(1)
    const params = new Array<unknown>(width * INSERT_ROWS)
    const singleParams = new Array<unknown>(width)
    // One transaction per batch: a commit per statement would be most of the cost.
    sqliteInsert = sqlite.transaction((batch: readonly StagedRow[]) => {
      let i = 0
      for (; i + INSERT_ROWS <= batch.length; i += INSERT_ROWS) {
        for (let j = 0; j < INSERT_ROWS; j++)
          fill(params, j * width, organisationId, importId, seq++, batch[i + j]!)
        many.run(params)
      }
      for (; i < batch.length; i++) {
        fill(singleParams, 0, organisationId, importId, seq++, batch[i]!)
        single.run(singleParams)
      }
    })
  }
  return {
    /** Runs the check with SQLite's page cache at CHECK_CACHE_KIB, and gives the connection its own size back. */
    async whileChecking<T>(check: () => Promise<T>): Promise<T> {
      if (!sqlite) return check()
      const cacheSize = (n: number) => db.connection().execute(async () => sqlite.pragma(`cache_size = ${n}`))
      const own = Number(sqlite.pragma('cache_size', { simple: true }))
      await cacheSize(-CHECK_CACHE_KIB)
      try {
        return await check()
      } finally {
        await cacheSize(own)
      }
    },
    async clear() {
      await db.deleteFrom('ledger_import_rows').where('import_id', '=', importId).execute()
      seq = 0
    },
    async stage(batch: readonly StagedRow[]): Promise<void> {
      if (batch.length === 0) return
      if (sqliteInsert) {
        const insert = sqliteInsert
        // Through Kysely's hold on the one connection: never inside another request's transaction.
        await db.connection().execute(async () => insert(batch))
        return
      }
      for (let i = 0; i < batch.length; i += INSERT_ROWS) {
        const values = batch.slice(i, i + INSERT_ROWS).map(({ row, projectId }) => ({
          organisation_id: organisationId,
          import_id: importId,
          seq: seq++,
          line_number: row.line,
          project_id: projectId,
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
        }))
        await db.insertInto('ledger_import_rows').values(values).execute()
      }
    },
    get count() {
      return seq
    },
  }
}

export type RowStager = ReturnType<typeof createRowStager>

/** Removes the rows staged for imports that will never be committed (their check died half-way). */
export async function discardStaged(trx: Transaction<DB>, importIds: readonly number[]): Promise<void> {
  await trx.deleteFrom('ledger_import_rows').where('import_id', 'in', importIds).execute()
}

/** What identifies a set of rules (their order, fields, values and projects), to tell if it changed. */
export function rulesKey(rules: readonly CompiledRule[]): string {
  return createHash('sha256').update(JSON.stringify(rules)).digest('hex')
}

/**
 * Gives staged rows the project the rules now say: the rules may have changed between the check and
 * the commit. Rows are grouped by the fields rules match on, so this is one update per changed group.
 */
export async function rematchStaged(trx: Transaction<DB>, importId: number, rules: readonly CompiledRule[]) {
  const groups = await trx
    .selectFrom('ledger_import_rows')
    .select(['cost_centre', 'account_code', 'service_area', 'expense_type', 'project_id'])
    .where('import_id', '=', importId)
    .groupBy(['cost_centre', 'account_code', 'service_area', 'expense_type', 'project_id'])
    .execute()
  for (const g of groups) {
    const now = matchRule(rules, {
      costCentre: g.cost_centre,
      accountCode: g.account_code,
      serviceArea: g.service_area,
      expenseType: g.expense_type,
    })
    if (now === g.project_id) continue
    let q = trx
      .updateTable('ledger_import_rows')
      .set({ project_id: now })
      .where('import_id', '=', importId)
      .where('cost_centre', '=', g.cost_centre)
      .where('account_code', '=', g.account_code)
      .where('service_area', '=', g.service_area)
      .where('expense_type', '=', g.expense_type)
    q = g.project_id === null ? q.where('project_id', 'is', null) : q.where('project_id', '=', g.project_id)
    await q.execute()
  }
}

/**
 * Adds an import's staged rows to the ledger, in file order, a slice at a time; a row already in the
 * ledger (same key), or a second row with the same key, is left out. Returns the rows actually added.
 */
export async function addStaged(
  trx: Transaction<DB>,
  importId: number,
  staged: number,
  at: string,
  onSlice: (done: number) => void,
): Promise<number> {
  let added = 0
  for (let from = 0; from < staged; from += COMMIT_SLICE) {
    const result = await trx
      .insertInto('ledger_transactions')
      .columns(['organisation_id', 'import_id', 'created_at', ...ROW_COLUMNS])
      .expression((eb) =>
        eb
          .selectFrom('ledger_import_rows')
          .select([
            'organisation_id',
            'import_id',
            // Typed, so that PostgreSQL does not take the parameter for an unknown.
            sql<string>`cast(${at} as text)`.as('created_at'),
            ...ROW_COLUMNS,
          ])
          .where('import_id', '=', importId)
          .where('seq', '>=', from)
          .where('seq', '<', from + COMMIT_SLICE)
          .orderBy('seq'),
      )
      .onConflict((oc) => oc.columns(['organisation_id', 'dedupe_key']).doNothing())
      .executeTakeFirst()
    added += Number(result.numInsertedOrUpdatedRows ?? 0)
    onSlice(Math.min(staged, from + COMMIT_SLICE))
  }
  await trx.deleteFrom('ledger_import_rows').where('import_id', '=', importId).execute()
  return added
}
