/**
 * The commit pass of a ledger import, the commit stage of the import pipeline (src/imports/pipeline.ts):
 * the rows its check staged (ledger-import.staging.ts), added in ONE transaction, with the import marked
 * committed (and its file removed from the store) in the same transaction, so a failure or a killed
 * process leaves the ledger exactly as it was. The file is not read again. Rows already in the ledger (same transaction number or content) are left as they are: committing
 * twice, or an overlapping file, adds nothing twice.
 */
import type { Transaction } from 'kysely'
import type { DB } from '../../db/schema.ts'
import { recordAudit } from '../audit/audit.service.ts'
import type { PassContext, PassRun } from './ledger-import.pass.ts'
import { addStaged, rematchStaged, rulesKey } from './ledger-import.staging.ts'

export interface Importer {
  organisationId: number
  userId: number | null
  label: string
}

export async function commitPass(ctx: PassContext, run: PassRun, by: Importer): Promise<void> {
  const { imp, lease } = run
  const checked = (JSON.parse(imp.summary_json) as { rulesKey?: string }).rulesKey
  await ctx.db.transaction().execute(async (trx) => {
    const staged = await trx
      .selectFrom('ledger_import_rows')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('import_id', '=', imp.id)
      .executeTakeFirstOrThrow()
    // The rules may have changed since the check; the payments go where the rules say now.
    const rules = await ctx.repo.rules(imp.organisation_id, trx)
    if (rulesKey(rules) !== checked) await rematchStaged(trx, imp.id, rules)
    const total = Number(staged.n)
    const added = await addStaged(trx, imp.id, total, new Date().toISOString(), (done) =>
      ctx.pipeline.commitProgress(imp, lease, done, total),
    )
    await markCommitted(trx, by, run, added)
    await ctx.pipeline.files.discard(imp.organisation_id, run.imp.stored_file_id, trx)
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
      // Not updateVersioned: the commit pass moves the import's own state under its lease (no person's edit);
      // its audit event follows. The version still moves, so a page open on the import sees it changed.
      // eslint-disable-next-line no-restricted-syntax -- see above
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
