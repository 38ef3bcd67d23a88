/**
 * The commit pass of a ledger import: every new row of the stored file in ONE transaction, with the
 * import marked committed (and its file removed from the store) in the same transaction, so a failure or
 * a killed process leaves the ledger exactly as it was. Rows already in the ledger (same transaction
 * number or content) are left as they are: committing twice, or an overlapping file, adds nothing twice.
 */
import type SQLite from 'better-sqlite3'
import type { Transaction } from 'kysely'
import type { DB } from '../../db/schema.ts'
import { recordAudit } from '../audit/audit.service.ts'
import { SourceError } from './ledger.reader.ts'
import { matchRule } from './ledger.repository.ts'
import type { LedgerRow } from './ledger.rows.ts'
import type { PassContext, PassRun } from './ledger-import.pass.ts'
import { sqliteInserter, toInsert } from './ledger-transactions.insert.ts'

const BATCH = 500

export interface Importer {
  organisationId: number
  userId: number | null
  label: string
}

export async function commitPass(
  ctx: PassContext,
  run: PassRun,
  by: Importer,
  sqliteDb: SQLite.Database | null,
): Promise<void> {
  const { imp } = run
  const organisationId = imp.organisation_id
  const importId = imp.id
  let added = 0
  await ctx.db.transaction().execute(async (trx) => {
    const rules = await ctx.repo.rules(organisationId, trx)
    const at = new Date().toISOString()
    // On SQLite the rows go straight to the transaction's own connection (Kysely holds it for this
    // callback) through statements prepared once, INSERT_ROWS rows a statement: compiling each insert,
    // then running one statement a row, was most of the time of a commit.
    const sqlite = sqliteDb ? sqliteInserter(sqliteDb) : null
    let batch: Array<{ row: LedgerRow; projectId: number | null }> = []
    const flush = async () => {
      if (batch.length === 0) return
      if (sqlite) {
        added += sqlite.insert(organisationId, importId, at, batch)
        batch = []
        return
      }
      for (let i = 0; i < batch.length; i += BATCH) {
        const result = await trx
          .insertInto('ledger_transactions')
          .values(
            batch.slice(i, i + BATCH).map((b) => toInsert(organisationId, importId, b.row, b.projectId, at)),
          )
          .onConflict((oc) => oc.columns(['organisation_id', 'dedupe_key']).doNothing())
          .executeTakeFirst()
        added += Number(result.numInsertedOrUpdatedRows ?? 0)
      }
      batch = []
    }
    // The file is read through the transaction: on SQLite it holds the only connection.
    const { rows, interpreter } = ctx.read(run, trx)
    try {
      reading: for await (const chunk of rows) {
        for (const src of chunk) {
          const o = interpreter.read(src)
          if (o === null) {
            if (interpreter.gaveUp) break reading
            continue
          }
          if (o.kind === 'good') batch.push({ row: o.row, projectId: matchRule(rules, o.row) })
        }
        await flush()
      }
      interpreter.finish()
    } catch (err) {
      // The same point stopped the validate pass; the rows before it are what was previewed.
      if (!(err instanceof SourceError)) throw err
    }
    await flush()
    await markCommitted(trx, by, run, added)
    await ctx.files.discard(organisationId, run.imp.stored_file_id, trx)
  })
}

async function markCommitted(trx: Transaction<DB>, by: Importer, run: PassRun, added: number) {
  const { imp } = run
  const at = new Date().toISOString()
  await trx
    .updateTable('ledger_imports')
    .set({
      status: 'committed',
      rows_added: added,
      committed_at: at,
      finished_at: at,
      failure_reason: '',
      stored_file_id: null,
      progress_bytes: imp.file_size,
      version: imp.version + 1,
    })
    .where('id', '=', imp.id)
    .execute()
  await recordAudit(trx, {
    organisationId: by.organisationId,
    actor: { userId: by.userId, label: by.label },
    action: 'commit',
    entityType: 'ledger_import',
    entityId: imp.id,
    after: {
      fileName: imp.file_name,
      sha256: imp.sha256,
      rowsAdded: added,
      rowsGood: imp.rows_good,
      rowsBad: imp.rows_bad,
    },
  })
}
