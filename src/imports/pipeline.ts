/**
 * The import pipeline: one path for every import of a file (the ledger now; indicators, portfolio and
 * posts later), in stages:
 *   1. upload   — the file streamed into the file store (the database, so any instance can take the next
 *                 step), hashed, refused past the size limit;
 *   2. check    — the file read once, in the bounded worker; each source row mapped to the import's
 *                 fields (its column mapping) and validated, a problem kept with its line number for each
 *                 row that cannot be used, and the rows to add staged for the commit;
 *   3. commit   — the staged rows written in ONE transaction, with the import marked done in it.
 * Each pass holds a lease on its import, renewed with its progress (so every instance's page can show
 * it); an import whose lease lapsed lost its instance, and is put back on the next look at it.
 * An import plugs in its own table of imports (with the lease and progress columns), its column mapping
 * and row validator (a CheckPlug) and its row writer (the pass given to runPass for the commit).
 */
import { open, type FileHandle } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../db/schema.ts'
import { HttpError } from '../errors.ts'
import type { SourceRow, SourceShape } from './file-reader.ts'
import { SourceError } from './file-reader.ts'
import { parseRows } from './bounded-parser.ts'
import { createFileStore, StoredFileTooLargeError, type StoredFileInfo } from './file-store.ts'
import { leaseIsLive, takeLease, type LeasedTable, type Lease } from './leases.ts'
import { importPassDuration } from '../metrics/metrics.ts'

export class FileTooLargeError extends HttpError {
  constructor(limitMb: number) {
    super(
      413,
      `The file is larger than ${limitMb} MB, the most an import can take. Split it into smaller files (a quarter or a month each) and import them one after another.`,
      { file: `The file must be smaller than ${limitMb} MB` },
    )
  }
}

/** How much of a file on disk is read at a time: the store's chunk. */
const FILE_READ_BYTES = 1024 * 1024

/** A file's bytes in order, each read into the same buffer: a part is only good until the next is asked for. */
async function* readInto(handle: FileHandle, bytes: number): AsyncGenerator<Buffer> {
  const buffer = Buffer.allocUnsafe(bytes)
  for (;;) {
    const { bytesRead } = await handle.read(buffer, 0, bytes, null)
    if (bytesRead === 0) return
    yield buffer.subarray(0, bytesRead)
  }
}

export type PassPhase = 'validating' | 'committing'

/** What the pipeline needs of an import's row: its status, its file and its lease. */
export interface ImportRecord {
  id: number
  organisation_id: number
  status: string
  file_size: number
  stored_file_id: number | null
  lease_expires_at: string | null
}

const BUSY = ['validating', 'committing']

/** How far through its file a pass is, 0–99 (100 is the pass having finished, which its status says). */
export function percentOf(bytes: number, size: number): number {
  return size > 0 ? Math.min(99, Math.floor((bytes / size) * 100)) : 0
}

/** How far the running pass has got, 0–99, from the progress its instance writes; null when none runs. */
export function progressOf(
  imp: ImportRecord & { progress_bytes: number },
): { phase: string; percent: number } | null {
  if (!BUSY.includes(imp.status) || !leaseIsLive(imp)) return null
  return { phase: imp.status, percent: percentOf(imp.progress_bytes, imp.file_size) }
}

/** One source row as the import's column mapping reads it. */
export type RowOutcome<Row> =
  { kind: 'good'; row: Row } | { kind: 'bad'; line: number; reason: string; raw: string } | { kind: 'blank' }

/** What an import gives the check stage: its column mapping and its row validator. */
export interface CheckPlug<Row> {
  /** Maps a source row to the import's fields; null for a row that is not data (headings, skipped). */
  map(src: SourceRow): RowOutcome<Row> | null
  /** True when the mapping has given up on the file (it is not this kind of file). */
  gaveUp(): boolean
  /** Called after the last row; may throw to say the file was not what it should be. */
  finish(): void
  /** Validates a batch of good rows against what is already held, and stages those to add. */
  validate(rows: Row[]): Promise<void>
  /** A row that cannot be used, with its line and the reason, for the person importing. */
  problem(kind: string, line: number, reason: string, raw: string): void
  /** Writes the problems kept so far (a chunk of the file at a time). */
  flushProblems(): Promise<void>
}

export interface CheckCounts {
  read: number
  good: number
  bad: number
  blank: number
  /** Reading stopped at an unreadable point; the rows before it are counted, the point is a problem. */
  stoppedEarly?: string
}

/** Rows validated (and staged) at a time: one lookup of what is held per batch. */
const CHECK_BATCH = 500

/**
 * The check stage's loop: every source row mapped, counted, reported as a problem with its line or
 * validated in batches. A file unreadable part-way counts the rows before the point.
 */
export async function checkRows<Row>(
  rows: AsyncIterable<SourceRow[]>,
  plug: CheckPlug<Row>,
): Promise<CheckCounts> {
  const counts: CheckCounts = { read: 0, good: 0, bad: 0, blank: 0 }
  let batch: Row[] = []
  const flush = async () => {
    if (batch.length > 0) await plug.validate(batch)
    batch = []
  }
  try {
    reading: for await (const chunk of rows) {
      for (const src of chunk) {
        const o = plug.map(src)
        if (o === null) {
          if (plug.gaveUp()) break reading
          continue
        }
        if (o.kind === 'blank') {
          counts.blank++
          continue
        }
        counts.read++
        if (o.kind === 'bad') {
          counts.bad++
          plug.problem('bad', o.line, o.reason, o.raw)
          continue
        }
        counts.good++
        batch.push(o.row)
      }
      if (batch.length >= CHECK_BATCH) await flush()
      await plug.flushProblems()
    }
    plug.finish()
  } catch (err) {
    if (!(err instanceof SourceError)) throw err
    counts.bad++
    counts.stoppedEarly = err.message
    plug.problem('bad', err.line, err.message, '')
  }
  await flush()
  await plug.flushProblems()
  return counts
}

export function createImportPipeline(
  db: Kysely<DB>,
  opts: {
    table: LeasedTable
    uploadLimitMb: number
    leaseMs: number
    /** Where the rows go, in the words of a message to the person importing ("the ledger"). */
    target: string
    onProgress?: (importId: number, phase: PassPhase, percent: number) => void
    /** Removes what the check stage staged for these imports (their check died, so nothing will use it). */
    discardStaged?: (trx: Transaction<DB>, importIds: number[]) => Promise<void>
  },
) {
  const files = createFileStore(db)
  const { table, leaseMs } = opts
  const uploadLimitBytes = opts.uploadLimitMb * 1024 * 1024

  const pipeline = {
    files,
    uploadLimitBytes,
    uploadLimitMb: opts.uploadLimitMb,

    /** Stage 1: streams an upload into the file store, hashing as it goes; past the limit, says so. */
    storeUpload: async (
      organisationId: number,
      fileName: string,
      source: Readable | AsyncIterable<Buffer>,
    ): Promise<StoredFileInfo> => {
      try {
        const stored = await files.store(organisationId, fileName, source, uploadLimitBytes)
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

    /**
     * A file on disk (the command line), stored like an upload so that it takes the same path. It is read
     * into one buffer over and over (the store copies each part before asking for the next): a stream's
     * fresh 64 KiB buffer per read left tens of megabytes of the file's bytes for the collector, and the
     * memory they took stayed with the process for the rest of the import (bench/import.ts).
     */
    storeFile: async (organisationId: number, file: string, fileName: string): Promise<StoredFileInfo> => {
      const handle = await open(file)
      try {
        const info = await handle.stat()
        if (info.size > uploadLimitBytes) throw new FileTooLargeError(opts.uploadLimitMb)
        return await pipeline.storeUpload(organisationId, fileName, readInto(handle, FILE_READ_BYTES))
      } finally {
        await handle.close()
      }
    },

    discardUpload: (organisationId: number, file: StoredFileInfo) => files.discard(organisationId, file.id),

    /**
     * An import whose pass's lease lapsed lost its instance: a commit rolled back (so it is ready to add
     * again), a check never finished (so it is failed, and can be checked again).
     */
    sweepExpired: async (organisationId: number, importId?: number): Promise<void> => {
      const now = new Date().toISOString()
      const expired = (via: Transaction<DB>, status: string) => {
        let q = via
          .updateTable(table)
          .where('organisation_id', '=', organisationId)
          .where('status', '=', status)
          .where((eb) => eb.or([eb('lease_expires_at', 'is', null), eb('lease_expires_at', '<', now)]))
        if (importId !== undefined) q = q.where('id', '=', importId)
        return q
      }
      try {
        await db.transaction().execute(async (trx) => {
          await expired(trx, 'committing')
            .set({
              status: 'validated',
              failure_reason:
                'Adding the rows stopped before it finished (the server stopped), so nothing was added. You can add them again.',
              lease_owner: null,
              lease_expires_at: null,
              updated_at: now,
            })
            .execute()
          const failed = await expired(trx, 'validating')
            .set({
              status: 'failed',
              failure_reason: `Checking the file stopped before it finished (the server stopped). Nothing has been added to ${opts.target}; check the file again.`,
              lease_owner: null,
              lease_expires_at: null,
              updated_at: now,
              finished_at: now,
            })
            .returning('id')
            .execute()
          // What the dead check had staged would otherwise stay for ever: a failed import is never committed.
          if (failed.length > 0 && opts.discardStaged)
            await opts.discardStaged(
              trx,
              failed.map((r) => r.id),
            )
        })
      } catch {
        // On SQLite a commit in another process holds the write lock: its import is alive, not abandoned.
      }
    },

    /**
     * Takes the lease on an import for a pass and runs it; the lease (and the progress with it) is renewed
     * until the pass ends, then released. A check needs the file; a commit only what the check staged.
     */
    async runPass<T extends ImportRecord>(
      imp: T,
      phase: PassPhase,
      pass: (imp: T & { stored_file_id: number }, lease: Lease) => Promise<void>,
    ): Promise<void> {
      const fileId = imp.stored_file_id
      if (fileId === null || (phase === 'validating' && !(await files.info(imp.organisation_id, fileId))))
        throw new HttpError(409, 'The file for this import is no longer held; upload it again')
      const lease = await takeLease(db, table, imp.id, leaseMs)
      if (!lease)
        throw new HttpError(
          409,
          `This import is already being ${phase === 'validating' ? 'checked' : 'added'}`,
        )
      const started = performance.now()
      let outcome = 'failed'
      try {
        await db
          .updateTable(table)
          .set({ status: phase, progress_bytes: 0, rows_done: 0, updated_at: new Date().toISOString() })
          .where('id', '=', imp.id)
          .execute()
        await pass({ ...imp, stored_file_id: fileId }, lease)
        outcome = 'ok'
      } finally {
        await lease.release()
        importPassDuration.observe([table, phase, outcome], (performance.now() - started) / 1000)
      }
    },

    /**
     * Stage 2's reading: the stored file's rows in batches, parsed in the bounded worker, with the bytes
     * read reported to the lease (and so to every instance's page).
     */
    readRows(
      imp: ImportRecord & { stored_file_id: number },
      shape: SourceShape,
      lease: Lease,
      via: Kysely<DB> | Transaction<DB> = db,
    ): AsyncGenerator<SourceRow[]> {
      let bytes = 0
      let rowsDone = 0
      const parsed = parseRows(files.read(imp.organisation_id, imp.stored_file_id, via), shape, {
        onBytes: (n) => {
          bytes += n
          lease.report({ progress_bytes: bytes, rows_done: rowsDone })
          opts.onProgress?.(imp.id, 'validating', percentOf(bytes, imp.file_size))
        },
      })
      return (async function* () {
        for await (const batch of parsed) {
          rowsDone += batch.length
          yield batch
        }
      })()
    },

    /** Stage 3's progress: rows written of those staged, as a share of the file like the check's. */
    commitProgress(imp: ImportRecord, lease: Lease, done: number, total: number): void {
      const bytes = total > 0 ? Math.floor((imp.file_size * done) / total) : imp.file_size
      lease.report({ progress_bytes: bytes, rows_done: done })
      opts.onProgress?.(imp.id, 'committing', percentOf(bytes, imp.file_size))
    },
  }
  return pipeline
}

export type ImportPipeline = ReturnType<typeof createImportPipeline>
