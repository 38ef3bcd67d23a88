/**
 * A ledger import in three steps, on the shared import pipeline (src/imports/): the upload is kept in
 * the file store (the database, so any instance can take the next step); validate reads it in a bounded
 * worker, says what would happen without touching the ledger and stages the rows it would add
 * (ledger-import.validate.ts); commit adds the staged rows in ONE transaction, without reading the file
 * again (ledger-import.commit.ts). Each pass holds a lease on
 * the import that its instance renews, with the progress; an import whose lease lapsed (its instance
 * died) is failed on the next look at it, and can be taken up again — nothing of it was added.
 */
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import type SQLite from 'better-sqlite3'
import type { Kysely } from 'kysely'
import type { Scope } from '../../auth/actor.ts'
import type { DB, LedgerImport } from '../../db/schema.ts'
import { HttpError, notFound } from '../../errors.ts'
import { createFileStore, StoredFileTooLargeError, type StoredFileInfo } from '../../imports/file-store.ts'
import { leaseIsLive, reservation, takeLease } from '../../imports/leases.ts'
import type { ColumnMap, DateFormat } from './ledger.formats.ts'
import { SAMPLE_BYTES, sniffSample } from './ledger.reader.ts'
import { createLedgerRepository } from './ledger.repository.ts'
import { printable } from './ledger.rows.ts'
import { commitPass, type Importer } from './ledger-import.commit.ts'
import {
  percentOf,
  readRun,
  type ImportSummary,
  type MappingChoice,
  type PassContext,
  type PassRun,
  type ProblemRow,
} from './ledger-import.pass.ts'
import { createRowStager } from './ledger-import.staging.ts'
import { shapeColumns, validatePass } from './ledger-import.validate.ts'

export type { Importer } from './ledger-import.commit.ts'

export class FileTooLargeError extends HttpError {
  constructor(limitMb: number) {
    super(
      413,
      `The file is larger than ${limitMb} MB, the most an import can take. Split it into smaller files (a quarter or a month each) and import them one after another.`,
      {
        file: `The file must be smaller than ${limitMb} MB`,
      },
    )
  }
}

const BATCH = 500
const BUSY = ['validating', 'committing']

export function parseSummary(imp: Pick<LedgerImport, 'summary_json'>): ImportSummary {
  try {
    return JSON.parse(imp.summary_json) as ImportSummary
  } catch {
    return {}
  }
}

/** How far the running pass has got, 0–99, from the progress its instance writes; null when none runs. */
export function progressOf(imp: LedgerImport): { phase: string; percent: number } | null {
  if (!BUSY.includes(imp.status) || !leaseIsLive(imp)) return null
  return { phase: imp.status, percent: percentOf(imp.progress_bytes, imp.file_size) }
}

export function createLedgerImportService(
  db: Kysely<DB>,
  opts: {
    uploadLimitMb: number
    leaseSeconds?: number
    sqlite?: SQLite.Database | null
    onProgress?: PassContext['onProgress']
  },
) {
  const repo = createLedgerRepository(db)
  const files = createFileStore(db)
  const leaseMs = (opts.leaseSeconds ?? 30) * 1000

  async function loadMapping(organisationId: number, mappingId: number | null): Promise<MappingChoice> {
    if (mappingId === null) {
      return {
        id: null,
        name: '',
        columns: null,
        dateFormat: 'auto',
        delimiter: 'auto',
        encoding: 'auto',
        skipLines: 0,
      }
    }
    const m = await db
      .selectFrom('column_mappings')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('id', '=', mappingId)
      .executeTakeFirst()
    if (!m)
      throw new HttpError(400, 'That column mapping does not exist', { mappingId: 'Choose a saved mapping' })
    return {
      id: m.id,
      name: m.name,
      columns: JSON.parse(m.columns_json) as ColumnMap,
      dateFormat: m.date_format as DateFormat,
      delimiter: m.delimiter,
      encoding: m.encoding,
      skipLines: m.skip_lines,
    }
  }

  /**
   * An import whose pass's lease lapsed lost its instance: a commit rolled back (so it is ready to add
   * again), a validation never finished (so it is failed, and can be checked again).
   */
  async function sweepExpired(organisationId: number, importId?: number): Promise<void> {
    const now = new Date().toISOString()
    const expired = (status: string) => {
      let q = db
        .updateTable('ledger_imports')
        .where('organisation_id', '=', organisationId)
        .where('status', '=', status)
        .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', now)]))
      if (importId !== undefined) q = q.where('id', '=', importId)
      return q
    }
    try {
      await expired('committing')
        .set({
          status: 'validated',
          failure_reason:
            'Adding the rows stopped before it finished (the server stopped), so nothing was added. You can add them again.',
          lease_owner: null,
          lease_expires_at: null,
          updated_at: now,
        })
        .execute()
      await expired('validating')
        .set({
          status: 'failed',
          failure_reason:
            'Checking the file stopped before it finished (the server stopped). Nothing has been added to the ledger; check the file again.',
          lease_owner: null,
          lease_expires_at: null,
          updated_at: now,
          finished_at: now,
        })
        .execute()
    } catch {
      // On SQLite a commit in another process holds the write lock: its import is alive, not abandoned.
    }
  }

  async function getImport(organisationId: number, id: number): Promise<LedgerImport> {
    await sweepExpired(organisationId, id)
    const imp = await db
      .selectFrom('ledger_imports')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .executeTakeFirst()
    if (!imp) throw notFound('Import')
    return imp
  }

  async function insertProblems(rows: ProblemRow[]) {
    // In slices: a chunk of a file of short rows can hold thousands of problems, and PostgreSQL takes at
    // most 65,535 parameters in a statement.
    for (let i = 0; i < rows.length; i += BATCH)
      await db
        .insertInto('ledger_import_problems')
        .values(rows.slice(i, i + BATCH))
        .execute()
  }

  async function fail(
    organisationId: number,
    importId: number,
    reason: string,
    summary: ImportSummary,
    shape?: PassRun['shape'],
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
    files,
    insertProblems,
    fail,
    read: (run, via, onLayout) => readRun(ctx, run, via, onLayout),
    stager: (organisationId, importId) => createRowStager(db, opts.sqlite ?? null, organisationId, importId),
    onProgress: opts.onProgress,
  }

  /**
   * Takes the lease on an import for a pass and runs it; the lease (and the progress with it) is renewed
   * until the pass ends, then released.
   */
  async function runPass(
    imp: LedgerImport,
    phase: 'validating' | 'committing',
    pass: (run: PassRun) => Promise<void>,
  ): Promise<LedgerImport> {
    const fileId = imp.stored_file_id
    if (fileId === null || !(await files.info(imp.organisation_id, fileId)))
      throw new HttpError(409, 'The file for this import is no longer held; upload it again')
    const lease = await takeLease(db, 'ledger_imports', imp.id, leaseMs)
    if (!lease)
      throw new HttpError(409, `This import is already being ${phase === 'validating' ? 'checked' : 'added'}`)
    try {
      const mapping = await loadMapping(imp.organisation_id, imp.mapping_id)
      const head = await files.head(imp.organisation_id, fileId, SAMPLE_BYTES)
      const shape = sniffSample(head, { encoding: mapping.encoding, delimiter: mapping.delimiter })
      await db
        .updateTable('ledger_imports')
        .set({ status: phase, progress_bytes: 0, rows_done: 0, updated_at: new Date().toISOString() })
        .where('id', '=', imp.id)
        .execute()
      await pass({ imp: { ...imp, stored_file_id: fileId }, mapping, shape, lease, phase })
    } finally {
      await lease.release()
    }
    return getImport(imp.organisation_id, imp.id)
  }

  const service = {
    uploadLimitBytes: opts.uploadLimitMb * 1024 * 1024,
    uploadLimitMb: opts.uploadLimitMb,

    /** Streams an upload into the file store, hashing as it goes; past the limit, stops and says so. */
    async storeUpload(organisationId: number, fileName: string, source: Readable): Promise<StoredFileInfo> {
      try {
        const stored = await files.store(organisationId, fileName, source, service.uploadLimitBytes)
        if ((source as Readable & { truncated?: boolean }).truncated) {
          await files.discard(organisationId, stored.id)
          throw new FileTooLargeError(opts.uploadLimitMb)
        }
        return stored
      } catch (err) {
        if (err instanceof StoredFileTooLargeError) throw new FileTooLargeError(opts.uploadLimitMb)
        throw err
      }
    },

    /** A file on disk (the command line), stored like an upload so that it takes the same path. */
    async storeFile(organisationId: number, file: string, fileName: string): Promise<StoredFileInfo> {
      const info = await stat(file)
      if (info.size > service.uploadLimitBytes) throw new FileTooLargeError(opts.uploadLimitMb)
      return service.storeUpload(organisationId, fileName, createReadStream(file))
    },

    discardUpload: (organisationId: number, file: StoredFileInfo) => files.discard(organisationId, file.id),

    /** Records a new import of a stored file, reserved for the validate pass this instance runs next. */
    async begin(
      by: Importer,
      file: StoredFileInfo & { fileName: string },
      mappingId: number | null,
    ): Promise<LedgerImport> {
      const mapping = await loadMapping(by.organisationId, mappingId)
      const at = new Date().toISOString()
      return db
        .insertInto('ledger_imports')
        .values({
          organisation_id: by.organisationId,
          file_name: printable(file.fileName, 255) || 'ledger',
          file_size: file.size,
          sha256: file.sha256,
          stored_file_id: file.id,
          format: '',
          mapping_id: mapping.id,
          mapping_name: mapping.name,
          status: 'validating',
          layout: '',
          encoding: '',
          delimiter: '',
          failure_reason: '',
          rows_read: 0,
          rows_good: 0,
          rows_bad: 0,
          rows_duplicate: 0,
          rows_changed: 0,
          rows_unmatched: 0,
          rows_added: 0,
          total_pence: 0,
          progress_bytes: 0,
          summary_json: '{}',
          finished_at: null,
          committed_at: null,
          created_by: by.userId,
          created_by_name: by.label,
          started_at: at,
          updated_at: at,
          ...reservation(leaseMs),
        })
        .returningAll()
        .executeTakeFirstOrThrow()
    },

    /** Chooses (or clears) the saved mapping, to validate again (reserved for this instance). */
    async useMapping(
      organisationId: number,
      importId: number,
      mappingId: number | null,
    ): Promise<LedgerImport> {
      const imp = await getImport(organisationId, importId)
      if (BUSY.includes(imp.status) || imp.status === 'committed')
        throw new HttpError(409, 'This import is being checked or has already been added to the ledger')
      const mapping = await loadMapping(organisationId, mappingId)
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
        .set({ status: 'validating', failure_reason: '', ...reservation(leaseMs) })
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
      if (imp.status !== 'validated')
        throw new HttpError(
          409,
          imp.status === 'failed'
            ? 'This import failed validation, so there is nothing to add'
            : imp.status === 'committing'
              ? 'This import is already being added'
              : 'This import has not finished validating yet',
        )
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

    get: async (scope: Scope, id: number) => {
      await sweepExpired(scope.organisationId, id)
      return db
        .selectFrom('ledger_imports')
        .selectAll()
        .where('organisation_id', '=', scope.organisationId)
        .where('id', '=', id)
        .executeTakeFirst()
    },

    list: async (scope: Scope, offset: number, limit: number) => {
      await sweepExpired(scope.organisationId)
      await files.removeAbandoned(scope.organisationId)
      return db
        .selectFrom('ledger_imports')
        .selectAll()
        .where('organisation_id', '=', scope.organisationId)
        .orderBy('started_at', 'desc')
        .orderBy('id', 'desc')
        .offset(offset)
        .limit(limit)
        .execute()
    },

    problems: (scope: Scope, importId: number, offset: number, limit: number) =>
      db
        .selectFrom('ledger_import_problems')
        .select(['kind', 'line_number', 'reason', 'raw_text'])
        .where('organisation_id', '=', scope.organisationId)
        .where('import_id', '=', importId)
        .orderBy('line_number')
        .orderBy('id')
        .offset(offset)
        .limit(limit)
        .execute(),
  }
  return service
}

export type LedgerImportService = ReturnType<typeof createLedgerImportService>
