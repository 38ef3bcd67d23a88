/**
 * A ledger import on the shared import pipeline (src/imports/pipeline.ts), in three stages: upload
 * (ledger-import.upload.ts) keeps the file in the file store (the database, so any instance can take the
 * next step); validate reads it once in a bounded worker, says what would happen without touching the
 * ledger and stages the rows it would add (ledger-import.validate.ts); commit adds the staged rows in ONE
 * transaction (ledger-import.commit.ts). Each pass holds a lease on the import that its instance renews,
 * with the progress; an import whose lease lapsed (its instance died) is put back on the next look at it
 * — nothing of it was added.
 */
import type SQLite from 'better-sqlite3'
import type { Kysely } from 'kysely'
import type { Scope } from '../../auth/actor.ts'
import type { DB, LedgerImport } from '../../db/schema.ts'
import { HttpError } from '../../errors.ts'
import { createImportService } from '../../imports/import-service.ts'
import type { PassPhase } from '../../imports/pipeline.ts'
import { createLedgerRepository } from './ledger.repository.ts'
import { printable } from './ledger.rows.ts'
import { commitPass, type Importer } from './ledger-import.commit.ts'
import type { ImportSummary, PassContext, PassRun } from './ledger-import.pass.ts'
import { createRowStager, discardStaged } from './ledger-import.staging.ts'
import { beginImport, loadMapping } from './ledger-import.upload.ts'
import { shapeColumns, validatePass } from './ledger-import.validate.ts'

export type { Importer } from './ledger-import.commit.ts'

const BUSY = ['validating', 'committing']

export function parseSummary(imp: Pick<LedgerImport, 'summary_json'>): ImportSummary {
  try {
    return JSON.parse(imp.summary_json) as ImportSummary
  } catch {
    return {}
  }
}

export function createLedgerImportService(
  db: Kysely<DB>,
  opts: {
    uploadLimitMb: number
    leaseSeconds?: number
    sqlite?: SQLite.Database | null
    onProgress?: (importId: number, phase: PassPhase, percent: number) => void
  },
) {
  const repo = createLedgerRepository(db)
  const imports = createImportService(db, {
    table: 'ledger_imports',
    target: 'the ledger',
    uploadLimitMb: opts.uploadLimitMb,
    leaseSeconds: opts.leaseSeconds,
    onProgress: opts.onProgress,
    discardStaged,
  })
  const { pipeline, load: getImport } = imports

  async function fail(
    organisationId: number,
    importId: number,
    reason: string,
    summary: ImportSummary,
    shape?: Parameters<typeof shapeColumns>[0],
  ) {
    await db
      .updateTable('ledger_imports')
      .set({
        status: 'failed',
        failure_reason: printable(reason),
        ...shapeColumns(shape),
        summary_json: JSON.stringify(summary),
        finished_at: new Date().toISOString(),
      })
      .where('organisation_id', '=', organisationId)
      .where('id', '=', importId)
      .execute()
  }

  const ctx: PassContext = {
    db,
    repo,
    pipeline,
    problemLog: (organisationId, importId) => imports.problemLog(organisationId, importId, printable),
    fail,
    stager: (organisationId, importId) => createRowStager(db, opts.sqlite ?? null, organisationId, importId),
  }

  /** A pass of the pipeline on a ledger import, with the import's column mapping. */
  async function runPass(
    imp: LedgerImport,
    phase: PassPhase,
    pass: (run: PassRun) => Promise<void>,
  ): Promise<LedgerImport> {
    await pipeline.runPass(imp, phase, async (held, lease) => {
      const mapping = await loadMapping(db, imp.organisation_id, imp.mapping_id)
      await pass({ imp: held, mapping, lease })
    })
    return getImport(imp.organisation_id, imp.id)
  }

  const service = {
    uploadLimitBytes: imports.uploadLimitBytes,
    uploadLimitMb: imports.uploadLimitMb,
    storeUpload: imports.storeUpload,
    storeFile: imports.storeFile,
    discardUpload: imports.discardUpload,

    /** Records a new import of a stored file, reserved for the validate pass this instance runs next. */
    begin: (by: Importer, file: Parameters<typeof beginImport>[3], mappingId: number | null) =>
      beginImport(db, imports.reserve(), by, file, mappingId),

    /** Chooses (or clears) the saved mapping, to validate again (reserved for this instance). */
    async useMapping(
      organisationId: number,
      importId: number,
      mappingId: number | null,
    ): Promise<LedgerImport> {
      const imp = await getImport(organisationId, importId)
      if (BUSY.includes(imp.status) || imp.status === 'committed')
        throw new HttpError(409, 'This import is being checked or has already been added to the ledger')
      const mapping = await loadMapping(db, organisationId, mappingId)
      await db
        .updateTable('ledger_imports')
        .set({ mapping_id: mapping.id, mapping_name: mapping.name })
        .where('id', '=', importId)
        .execute()
      return service.recheck(organisationId, importId)
    },

    /** Marks a failed or validated import to be checked again by this instance. */
    async recheck(organisationId: number, importId: number): Promise<LedgerImport> {
      const imp = await getImport(organisationId, importId)
      if (imp.status !== 'failed' && imp.status !== 'validated')
        throw new HttpError(409, 'This import is being checked or has already been added to the ledger')
      await db
        .updateTable('ledger_imports')
        .set({ status: 'validating', failure_reason: '', ...imports.reserve() })
        .where('id', '=', importId)
        .execute()
      return getImport(organisationId, importId)
    },

    /** The validate pass: nothing is added to the ledger; the import records what would be. */
    async validate(organisationId: number, importId: number): Promise<LedgerImport> {
      const imp = await getImport(organisationId, importId)
      if (imp.status !== 'validating') throw new HttpError(409, 'This import is not waiting to be checked')
      return runPass(imp, 'validating', (run) => validatePass(ctx, run))
    },

    /**
     * The commit pass, on whichever instance is asked: every new row of the file in one transaction. A
     * commit whose instance died (its lease lapsed) was rolled back and is ready to add again.
     */
    async commit(by: Importer, importId: number): Promise<LedgerImport> {
      const imp = await getImport(by.organisationId, importId)
      if (imp.status === 'committed') return imp
      imports.mustBeReady(imp, {
        failed: 'This import failed validation, so there is nothing to add',
        committing: 'This import is already being added',
        notChecked: 'This import has not finished validating yet',
      })
      try {
        return await runPass(imp, 'committing', (run) => commitPass(ctx, run, by))
      } catch (err) {
        if (err instanceof HttpError) throw err
        await db
          .updateTable('ledger_imports')
          .set({
            status: 'validated',
            failure_reason: `Adding the rows failed and nothing was added: ${err instanceof Error ? err.message : String(err)}`,
          })
          .where('id', '=', importId)
          .execute()
        throw err
      }
    },

    get: (scope: Scope, id: number) => imports.find(scope.organisationId, id),
    list: imports.list,
    problems: imports.problems,
  }
  return service
}

export type LedgerImportService = ReturnType<typeof createLedgerImportService>
