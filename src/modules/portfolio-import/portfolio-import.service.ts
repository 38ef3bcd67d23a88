/**
 * Bringing the existing portfolio in (issue 13) on the one import pipeline (src/imports/pipeline.ts): upload
 * into the file store; a check that reads the file once, reports each bad row with its line and stages the
 * good ones, then previews what the commit would do (created, updated, unchanged per type) with the commit's
 * own applier counting instead of writing; and a commit that writes the staged rows in ONE
 * transaction. A file with bad rows imports nothing unless the person importing chooses the good rows.
 */
import type { Kysely, Transaction } from 'kysely'
import { auditActorOf, type Actor, type Scope } from '../../auth/actor.ts'
import type { DB, PortfolioImport } from '../../db/schema.ts'
import { HttpError } from '../../errors.ts'
import {
  headingsSignature,
  mappingForHeadings,
  saveMappingForHeadings,
} from '../../imports/column-mappings.ts'
import { createImportService } from '../../imports/import-service.ts'
import type { PassPhase } from '../../imports/pipeline.ts'
import { recordAudit } from '../audit/audit.service.ts'
import { createApplier, type ImportGates, type ImportSummary } from './portfolio-import.apply.ts'
import {
  checkPass,
  findingsOf,
  type ImportChoice,
  type ImportFindings,
  type StagedRow,
} from './portfolio-import.check.ts'
import { printable } from './portfolio-import.rows.ts'

export { findingsOf, type ImportChoice, type ImportFindings } from './portfolio-import.check.ts'
export type { ImportSummary } from './portfolio-import.apply.ts'

const COMMIT_BATCH = 1000

class Preview extends Error {}

export function summaryOf(imp: { summary_json: string }): ImportSummary | null {
  try {
    const s = JSON.parse(imp.summary_json) as Partial<ImportSummary>
    return s.projects ? (s as ImportSummary) : null
  } catch {
    return null
  }
}

export function createPortfolioImportService(
  db: Kysely<DB>,
  opts: {
    uploadLimitMb: number
    leaseSeconds?: number
    gates: ImportGates
    onProgress?: (importId: number, phase: PassPhase, percent: number) => void
  },
) {
  const imports = createImportService(db, {
    table: 'portfolio_imports',
    target: 'the portfolio',
    uploadLimitMb: opts.uploadLimitMb,
    leaseSeconds: opts.leaseSeconds,
    onProgress: opts.onProgress,
    discardStaged: async (trx, ids) => {
      await trx.deleteFrom('portfolio_import_rows').where('import_id', 'in', ids).execute()
    },
  })
  const { pipeline, load: mustGet } = imports

  /** Every staged row, in file order, through the applier a batch at a time, so memory stays flat. */
  async function applyStaged(
    trx: Transaction<DB>,
    actor: Actor,
    imp: PortfolioImport,
    onBatch?: (done: number) => void,
    preview = false,
  ): Promise<ImportSummary> {
    const applier = createApplier(trx, actor, opts.gates, imp.id, preview)
    let after = -1
    let done = 0
    for (;;) {
      const batch = await trx
        .selectFrom('portfolio_import_rows')
        .select(['seq', 'row_json'])
        .where('import_id', '=', imp.id)
        .where('seq', '>', after)
        .orderBy('seq')
        .limit(COMMIT_BATCH)
        .execute()
      if (batch.length === 0) break
      await applier.apply(batch.map((r) => JSON.parse(r.row_json) as StagedRow))
      after = batch[batch.length - 1]!.seq
      done += batch.length
      onBatch?.(done)
    }
    return applier.summary
  }

  /**
   * The import with the columns saved for its headings, when none were named for it and some were saved
   * (the check has just read the headings); null when there is nothing to reuse.
   */
  async function savedColumnsFor<T extends PortfolioImport>(held: T): Promise<T | null> {
    if (Object.keys(findingsOf(held).columns).length > 0) return null
    const read = await db
      .selectFrom('portfolio_imports')
      .select('mapping_json')
      .where('id', '=', held.id)
      .executeTakeFirstOrThrow()
    const findings = findingsOf(read)
    if (!findings.headings?.length) return null
    const saved = await mappingForHeadings(
      db,
      held.organisation_id,
      'portfolio',
      headingsSignature(findings.headings),
    )
    if (!saved) return null
    const mapping_json = JSON.stringify({
      columns: JSON.parse(saved.columns_json) as ImportChoice['columns'],
      savedMapping: true,
    } satisfies ImportFindings)
    await db.updateTable('portfolio_imports').set({ mapping_json }).where('id', '=', held.id).execute()
    return { ...held, mapping_json }
  }

  async function check(actor: Actor, importId: number) {
    const imp = await mustGet(actor.organisationId, importId)
    if (imp.status !== 'validating') throw new HttpError(409, 'This import is not waiting to be checked')
    await pipeline.runPass(imp, 'validating', async (held, lease) => {
      let good = await checkPass(db, imports, held, lease, actor.ratingScale)
      // Columns named for a file with these headings before: read again with them (saved mappings).
      const saved = await savedColumnsFor(held)
      if (saved) good = await checkPass(db, imports, saved, lease, actor.ratingScale)
      if (!good) return
      // The preview: the commit's own applier deciding each record against what is held, counting instead of
      // writing, so what it says is what the commit will do. Rolled back all the same: the gates area may set
      // up the organisation's lifecycle on its first look.
      let summary: ImportSummary | null = null
      try {
        await db.transaction().execute(async (trx) => {
          summary = await applyStaged(trx, actor, held, undefined, true)
          throw new Preview()
        })
      } catch (err) {
        if (!(err instanceof Preview)) throw err
      }
      await db
        .updateTable('portfolio_imports')
        .set({ summary_json: JSON.stringify(summary) })
        .where('id', '=', importId)
        .execute()
    })
    return mustGet(actor.organisationId, importId)
  }

  return {
    uploadLimitMb: imports.uploadLimitMb,
    uploadLimitBytes: imports.uploadLimitBytes,
    storeUpload: imports.storeUpload,
    storeFile: imports.storeFile,
    discardUpload: imports.discardUpload,
    check,

    /** Records a new import of a stored file with the column mapping chosen for it, and checks it. */
    async begin(
      actor: Actor,
      file: { id: number; size: number; sha256: string; fileName: string },
      choice: ImportChoice,
    ) {
      const at = new Date().toISOString()
      const imp = await db
        .insertInto('portfolio_imports')
        .values({
          organisation_id: actor.organisationId,
          file_name: printable(file.fileName, 255) || 'portfolio',
          file_size: file.size,
          sha256: file.sha256,
          stored_file_id: file.id,
          mapping_json: JSON.stringify(choice),
          status: 'validating',
          created_by: actor.userId,
          created_by_name: actor.name,
          started_at: at,
          updated_at: at,
          ...imports.reserve(),
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      return check(actor, imp.id)
    },

    /** The columns named again (the mapping step), and the held file checked again with them. */
    async remap(actor: Actor, importId: number, choice: ImportChoice) {
      const imp = await mustGet(actor.organisationId, importId)
      if (imp.status !== 'failed' && imp.status !== 'validated')
        throw new HttpError(409, 'This import is being checked or has already been imported')
      await db
        .updateTable('portfolio_imports')
        .set({
          status: 'validating',
          failure_reason: '',
          summary_json: '{}',
          mapping_json: JSON.stringify(choice),
          ...imports.reserve(),
        })
        .where('id', '=', importId)
        .execute()
      return check(actor, importId)
    },

    /** Writes the staged rows in one transaction; with bad rows, only when the good rows were chosen. */
    async commit(actor: Actor, importId: number, goodOnly: boolean) {
      const imp = await mustGet(actor.organisationId, importId)
      if (imp.status === 'committed') return imp
      imports.mustBeReady(imp, {
        failed: 'This import failed its check, so there is nothing to import',
        notChecked: 'This import has not finished its check',
      })
      if (imp.rows_bad > 0 && !goodOnly)
        throw new HttpError(
          409,
          `${imp.rows_bad} row${imp.rows_bad === 1 ? ' has' : 's have'} problems, so nothing was imported: correct the file and import it again, or choose to import the good rows`,
          { goodOnly: 'Choose to import the good rows, or correct the file' },
        )
      await pipeline.runPass(imp, 'committing', async (held, lease) => {
        await db.transaction().execute(async (trx) => {
          const summary = await applyStaged(trx, actor, held, (done) =>
            pipeline.commitProgress(held, lease, done, imp.rows_good),
          )
          await trx.deleteFrom('portfolio_import_rows').where('import_id', '=', importId).execute()
          // The columns named for this layout, kept for the next file with the same headings.
          const findings = findingsOf(held)
          if (Object.keys(findings.columns).length > 0 && findings.headings?.length)
            await saveMappingForHeadings(trx, actor, 'portfolio', findings.headings, findings.columns)
          await trx
            .updateTable('portfolio_imports')
            .set({
              status: 'committed',
              summary_json: JSON.stringify(summary),
              committed_at: new Date().toISOString(),
              stored_file_id: null,
              // Not updateVersioned: the commit moves the import's own state under its lease; its event follows.
              // eslint-disable-next-line no-restricted-syntax -- see above
              version: imp.version + 1,
            })
            .where('id', '=', importId)
            .execute()
          await recordAudit(trx, {
            organisationId: actor.organisationId,
            actor: auditActorOf(actor),
            action: 'commit',
            entityType: 'portfolio_import',
            entityId: importId,
            after: { fileName: imp.file_name, sha256: imp.sha256, summary, rowsBad: imp.rows_bad, goodOnly },
          })
          await pipeline.files.discard(actor.organisationId, held.stored_file_id, trx)
        })
      })
      return mustGet(actor.organisationId, importId)
    },

    get: (scope: Scope, id: number) => imports.find(scope.organisationId, id),
    list: imports.list,
    problems: imports.problems,
  }
}

export type PortfolioImportService = ReturnType<typeof createPortfolioImportService>
