/**
 * A ledger import in two steps. Validate reads the whole file and says what would happen (rows read,
 * good, bad with line and reason, duplicates, changed, totals by month and project, unmatched) without
 * touching the ledger. Commit reads the file again and adds its new rows in ONE transaction, so a
 * failure or a killed process leaves the ledger exactly as it was. Neither pass holds the rows in
 * memory: they are read from the stored file and written in batches.
 */
import { createHash, randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, stat, unlink } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { Transform, type Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import type SQLite from 'better-sqlite3'
import type { Kysely, Transaction } from 'kysely'
import type { Scope } from '../../auth/actor.ts'
import type { DB, LedgerImport } from '../../db/schema.ts'
import { HttpError, notFound } from '../../errors.ts'
import { recordAudit } from '../audit/audit.service.ts'
import type { ColumnMap, DateFormat } from './ledger.formats.ts'
import { readRowBatches, sniff, SourceError, type SourceShape } from './ledger.reader.ts'
import { createLedgerRepository, matchRule } from './ledger.repository.ts'
import { NotALedgerError, printable, RowInterpreter, type Layout, type LedgerRow } from './ledger.rows.ts'
import { sqliteInserter, toInsert } from './ledger-transactions.insert.ts'

export interface Importer {
  organisationId: number
  userId: number | null
  label: string
}

export interface StoredFile {
  path: string
  size: number
  sha256: string
  /** True when the file is our copy of an upload, to delete once it is committed. */
  temporary: boolean
}

export interface ImportSummary {
  layout?: string
  headingLine?: number
  headings?: string[]
  columns?: Record<string, string>
  blankRows?: number
  firstDate?: string | null
  lastDate?: string | null
  /** Rows that would be added, by month. */
  byPeriod?: Array<{ period: string; count: number; pence: number }>
  /** Rows that would be added, by project; projectId null is the suspense list. */
  byProject?: Array<{
    projectId: number | null
    reference: string
    name: string
    count: number
    pence: number
  }>
  newPence?: number
  unmatchedPence?: number
  /** Reading stopped early (for example at an unclosed quote); the rows before it are counted. */
  stoppedEarly?: string
  /** When the file was not recognised: the row that looked most like headings, for the mapping step. */
  candidateHeadings?: string[]
  candidateLine?: number
  problemsNotStored?: number
}

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

export interface MappingChoice {
  id: number | null
  name: string
  columns: ColumnMap | null
  dateFormat: DateFormat
  delimiter: string
  encoding: string
  skipLines: number
}

const BATCH = 500
const MAX_STORED_PROBLEMS = 10_000
const UPLOAD_DIR = path.join(os.tmpdir(), 'oversight-uploads')

function periodSort<T extends { period: string }>(a: T, b: T): number {
  return a.period < b.period ? -1 : a.period > b.period ? 1 : 0
}

export function parseSummary(imp: Pick<LedgerImport, 'summary_json'>): ImportSummary {
  try {
    return JSON.parse(imp.summary_json) as ImportSummary
  } catch {
    return {}
  }
}

export function createLedgerImportService(
  db: Kysely<DB>,
  opts: { uploadLimitMb: number; sqlite?: SQLite.Database | null },
) {
  const repo = createLedgerRepository(db)
  /** Live progress of passes running in this process, for the progress bar. */
  const running = new Map<number, { phase: 'validating' | 'committing'; bytes: number; size: number }>()

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

  async function getImport(organisationId: number, id: number): Promise<LedgerImport> {
    const imp = await db
      .selectFrom('ledger_imports')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .executeTakeFirst()
    if (!imp) throw notFound('Import')
    return imp
  }

  /**
   * The file's rows in chunks as they are read, with the interpreter that turns each into a payment:
   * both passes read a file identically. Progress is counted in bytes read.
   */
  function rowsOf(
    file: string,
    shape: SourceShape,
    mapping: MappingChoice,
    importId: number,
    phase: 'validating' | 'committing',
    size: number,
    onLayout: (l: Layout) => void,
  ) {
    const live = { phase, bytes: 0, size }
    running.set(importId, live)
    const chunks = readRowBatches(file, shape, (n) => {
      live.bytes += n
    })
    const interpreter = new RowInterpreter(
      { mapping: mapping.columns, dateFormat: mapping.dateFormat, skipLines: mapping.skipLines },
      onLayout,
    )
    return { chunks, interpreter }
  }

  async function insertProblems(
    rows: Array<{
      organisation_id: number
      import_id: number
      kind: string
      line_number: number
      reason: string
      raw_text: string
    }>,
  ) {
    // In slices: a chunk of a file of short rows can hold thousands of problems, and PostgreSQL takes at
    // most 65,535 parameters in a statement.
    for (let i = 0; i < rows.length; i += BATCH)
      await db
        .insertInto('ledger_import_problems')
        .values(rows.slice(i, i + BATCH))
        .execute()
  }

  const service = {
    uploadLimitBytes: opts.uploadLimitMb * 1024 * 1024,
    uploadLimitMb: opts.uploadLimitMb,

    /** Streams an upload to a temporary file, hashing as it goes; past the limit, stops and says so. */
    async storeUpload(source: Readable): Promise<StoredFile> {
      await mkdir(UPLOAD_DIR, { recursive: true, mode: 0o700 })
      const file = path.join(UPLOAD_DIR, `${randomUUID()}.upload`)
      const hash = createHash('sha256')
      let size = 0
      const limit = service.uploadLimitBytes
      const counter = new Transform({
        transform(chunk: Buffer, _enc, done) {
          size += chunk.length
          if (size > limit) return done(new FileTooLargeError(opts.uploadLimitMb))
          hash.update(chunk)
          done(null, chunk)
        },
      })
      try {
        await pipeline(source, counter, createWriteStream(file, { mode: 0o600 }))
        if ((source as Readable & { truncated?: boolean }).truncated)
          throw new FileTooLargeError(opts.uploadLimitMb)
      } catch (err) {
        await unlink(file).catch(() => undefined)
        throw err
      }
      return { path: file, size, sha256: hash.digest('hex'), temporary: true }
    },

    /** A file already on disk (the command line): hashed in place, never copied. */
    async describeFile(file: string): Promise<StoredFile> {
      const info = await stat(file)
      if (info.size > service.uploadLimitBytes) throw new FileTooLargeError(opts.uploadLimitMb)
      const hash = createHash('sha256')
      await pipeline(createReadStream(file), hash)
      return { path: path.resolve(file), size: info.size, sha256: hash.digest('hex'), temporary: false }
    },

    async discardUpload(file: StoredFile): Promise<void> {
      if (file.temporary) await unlink(file.path).catch(() => undefined)
    },

    /** Records a new import of a stored file; validate() reads it. */
    async begin(
      by: Importer,
      file: StoredFile & { fileName: string },
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
          stored_path: file.path,
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
        })
        .returningAll()
        .executeTakeFirstOrThrow()
    },

    /** Chooses (or clears) the saved mapping and validates again. */
    async useMapping(
      organisationId: number,
      importId: number,
      mappingId: number | null,
    ): Promise<LedgerImport> {
      const imp = await getImport(organisationId, importId)
      if (imp.status === 'committed' || imp.status === 'committing')
        throw new HttpError(409, 'This import has already been added to the ledger')
      const mapping = await loadMapping(organisationId, mappingId)
      await db
        .updateTable('ledger_imports')
        .set({ mapping_id: mapping.id, mapping_name: mapping.name, status: 'validating', failure_reason: '' })
        .where('id', '=', importId)
        .execute()
      return getImport(organisationId, importId)
    },

    /** The validate pass: nothing is added to the ledger; the import records what would be. */
    async validate(organisationId: number, importId: number): Promise<LedgerImport> {
      const imp = await getImport(organisationId, importId)
      if (!imp.stored_path)
        throw new HttpError(409, 'The file for this import is no longer held; upload it again')
      const mapping = await loadMapping(organisationId, imp.mapping_id)
      const rules = await repo.rules(organisationId)
      await db.deleteFrom('ledger_import_problems').where('import_id', '=', importId).execute()
      const counts = {
        read: 0,
        good: 0,
        bad: 0,
        duplicate: 0,
        changed: 0,
        unmatched: 0,
        blank: 0,
        storedProblems: 0,
        notStored: 0,
      }
      const summary: ImportSummary = {}
      const byPeriod = new Map<string, { count: number; pence: number }>()
      const byProject = new Map<number | null, { count: number; pence: number }>()
      let newPence = 0
      let unmatchedPence = 0
      let totalPence = 0
      let firstDate: string | null = null
      let lastDate: string | null = null
      // Problems are held for one chunk of the file at most, then written (up to MAX_STORED_PROBLEMS).
      let problems: Parameters<typeof insertProblems>[0] = []
      const problem = (kind: string, line: number, reason: string, raw: string) => {
        if (counts.storedProblems >= MAX_STORED_PROBLEMS) {
          counts.notStored++
          return
        }
        counts.storedProblems++
        problems.push({
          organisation_id: organisationId,
          import_id: importId,
          kind,
          line_number: line,
          reason: printable(reason),
          raw_text: printable(raw),
        })
      }
      const flushProblems = async () => {
        await insertProblems(problems)
        problems = []
      }
      let batch: Array<{ row: LedgerRow; projectId: number | null }> = []
      const flush = async () => {
        const existing = await repo.existingKeys(
          organisationId,
          batch.map((b) => b.row.dedupeKey),
        )
        for (const { row, projectId } of batch) {
          const held = existing.get(row.dedupeKey)
          // Only a key the ledger already holds needs the content compared (and so hashed).
          if (held !== undefined && held === row.contentHash) {
            counts.duplicate++
            continue
          }
          if (held !== undefined) {
            counts.changed++
            problem(
              'changed',
              row.line,
              `${row.reference ? `Transaction ${row.reference}` : 'This payment'} is already in the ledger with different details; the ledger keeps what it has`,
              '',
            )
            continue
          }
          const p = byPeriod.get(row.period) ?? { count: 0, pence: 0 }
          p.count++
          p.pence += row.amountPence
          byPeriod.set(row.period, p)
          const j = byProject.get(projectId) ?? { count: 0, pence: 0 }
          j.count++
          j.pence += row.amountPence
          byProject.set(projectId, j)
          newPence += row.amountPence
          if (projectId === null) {
            counts.unmatched++
            unmatchedPence += row.amountPence
          }
        }
        batch = []
      }

      let shape: SourceShape
      try {
        shape = await sniff(imp.stored_path, { encoding: mapping.encoding, delimiter: mapping.delimiter })
      } catch {
        return service.fail(
          organisationId,
          importId,
          'The file could not be opened; upload it again',
          summary,
        )
      }
      try {
        const { chunks, interpreter } = rowsOf(
          imp.stored_path,
          shape,
          mapping,
          importId,
          'validating',
          imp.file_size,
          (l) => {
            summary.layout = l.layout
            summary.headingLine = l.headingLine
            summary.headings = l.headings
            summary.columns = Object.fromEntries(
              Object.entries(l.columns).map(([f, i]) => [f, l.headings[i] ?? `column ${i + 1}`]),
            )
          },
        )
        reading: for await (const rows of chunks) {
          for (const src of rows) {
            const o = interpreter.read(src)
            if (o === null) {
              if (interpreter.gaveUp) break reading
              continue
            }
            if (o.kind === 'blank') {
              counts.blank++
              continue
            }
            counts.read++
            if (o.kind === 'bad') {
              counts.bad++
              problem('bad', o.line, o.reason, o.raw)
              continue
            }
            counts.good++
            totalPence += o.row.amountPence
            if (firstDate === null || o.row.date < firstDate) firstDate = o.row.date
            if (lastDate === null || o.row.date > lastDate) lastDate = o.row.date
            batch.push({ row: o.row, projectId: matchRule(rules, o.row) })
          }
          if (batch.length >= BATCH) await flush()
          if (problems.length > 0) await flushProblems()
        }
        interpreter.finish()
      } catch (err) {
        if (err instanceof NotALedgerError) {
          running.delete(importId)
          await insertProblems(problems)
          return service.fail(
            organisationId,
            importId,
            err.message,
            {
              candidateHeadings: err.candidateHeadings,
              candidateLine: err.candidateLine,
            },
            shape,
          )
        }
        if (!(err instanceof SourceError)) {
          running.delete(importId)
          throw err
        }
        // Everything before the unreadable point is counted; the point itself is a reported problem.
        counts.bad++
        summary.stoppedEarly = err.message
        problem('bad', err.line, err.message, '')
      }
      await flush()
      await insertProblems(problems)
      running.delete(importId)
      const names = await repo.projectNames(
        organisationId,
        [...byProject.keys()].filter((k): k is number => k !== null),
      )
      summary.blankRows = counts.blank
      summary.firstDate = firstDate
      summary.lastDate = lastDate
      summary.byPeriod = [...byPeriod.entries()].map(([period, v]) => ({ period, ...v })).sort(periodSort)
      summary.byProject = [...byProject.entries()]
        .map(([projectId, v]) => ({
          projectId,
          reference: projectId === null ? '' : (names.get(projectId)?.reference ?? ''),
          name: projectId === null ? 'Suspense (no project matched)' : (names.get(projectId)?.name ?? ''),
          ...v,
        }))
        .sort((a, b) =>
          a.projectId === null ? 1 : b.projectId === null ? -1 : a.reference.localeCompare(b.reference),
        )
      summary.newPence = newPence
      summary.unmatchedPence = unmatchedPence
      if (counts.notStored > 0) summary.problemsNotStored = counts.notStored
      const noRows = counts.good === 0
      await db
        .updateTable('ledger_imports')
        .set({
          status: noRows ? 'failed' : 'validated',
          failure_reason: noRows
            ? counts.read === 0
              ? 'The file has headings but no rows under them'
              : `None of the ${counts.read} rows could be read as a payment; see the reasons below`
            : '',
          format: shape.format,
          layout: summary.layout ?? '',
          encoding: shape.format === 'csv' ? shape.encoding : '',
          delimiter: shape.delimiter,
          rows_read: counts.read,
          rows_good: counts.good,
          rows_bad: counts.bad,
          rows_duplicate: counts.duplicate,
          rows_changed: counts.changed,
          rows_unmatched: counts.unmatched,
          total_pence: totalPence,
          summary_json: JSON.stringify(summary),
          finished_at: new Date().toISOString(),
        })
        .where('id', '=', importId)
        .execute()
      return getImport(organisationId, importId)
    },

    async fail(
      organisationId: number,
      importId: number,
      reason: string,
      summary: ImportSummary,
      shape?: SourceShape,
    ): Promise<LedgerImport> {
      await db
        .updateTable('ledger_imports')
        .set({
          status: 'failed',
          failure_reason: printable(reason),
          format: shape?.format ?? '',
          encoding: shape?.format === 'csv' ? shape.encoding : '',
          delimiter: shape?.delimiter ?? '',
          summary_json: JSON.stringify(summary),
          finished_at: new Date().toISOString(),
        })
        .where('id', '=', importId)
        .execute()
      return getImport(organisationId, importId)
    },

    /**
     * The commit pass: every new row of the file in one transaction, with the import marked committed
     * in the same transaction. Rows already in the ledger (same transaction number or content) are left
     * as they are, so committing twice, or an overlapping file, adds nothing twice.
     */
    async commit(by: Importer, importId: number): Promise<LedgerImport> {
      const imp = await getImport(by.organisationId, importId)
      if (imp.status === 'committed') return imp
      if (imp.status !== 'validated' && imp.status !== 'committing')
        throw new HttpError(
          409,
          imp.status === 'failed'
            ? 'This import failed validation, so there is nothing to add'
            : 'This import has not finished validating yet',
        )
      if (running.has(importId)) throw new HttpError(409, 'This import is already being added')
      if (!imp.stored_path)
        throw new HttpError(409, 'The file for this import is no longer held; upload it again')
      const path_ = imp.stored_path
      const current = await service.describeFile(path_).catch(() => null)
      if (!current || current.sha256 !== imp.sha256)
        throw new HttpError(409, 'The file has changed or gone since it was validated; upload it again')
      const mapping = await loadMapping(by.organisationId, imp.mapping_id)
      const shape = await sniff(path_, { encoding: mapping.encoding, delimiter: mapping.delimiter })
      await db
        .updateTable('ledger_imports')
        .set({ status: 'committing' })
        .where('id', '=', importId)
        .execute()
      let added = 0
      try {
        await db.transaction().execute(async (trx) => {
          const rules = await repo.rules(by.organisationId, trx)
          const at = new Date().toISOString()
          const organisationId = by.organisationId
          // On SQLite the rows go straight to the transaction's own connection (Kysely holds it for this
          // callback) through statements prepared once, INSERT_ROWS rows a statement: compiling each
          // insert, then running one statement a row, was most of the time of a commit.
          const sqlite = opts.sqlite ? sqliteInserter(opts.sqlite) : null
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
                  batch
                    .slice(i, i + BATCH)
                    .map((b) => toInsert(organisationId, importId, b.row, b.projectId, at)),
                )
                .onConflict((oc) => oc.columns(['organisation_id', 'dedupe_key']).doNothing())
                .executeTakeFirst()
              added += Number(result.numInsertedOrUpdatedRows ?? 0)
            }
            batch = []
          }
          const { chunks, interpreter } = rowsOf(
            path_,
            shape,
            mapping,
            importId,
            'committing',
            imp.file_size,
            () => undefined,
          )
          try {
            reading: for await (const rows of chunks) {
              for (const src of rows) {
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
          await service.markCommitted(trx, by, importId, added, imp)
        })
      } catch (err) {
        await db
          .updateTable('ledger_imports')
          .set({
            status: 'validated',
            failure_reason: `Adding the rows failed and nothing was added: ${err instanceof Error ? err.message : String(err)}`,
          })
          .where('id', '=', importId)
          .execute()
        throw err
      } finally {
        running.delete(importId)
      }
      if (current.temporary || path_.startsWith(UPLOAD_DIR)) {
        await unlink(path_).catch(() => undefined)
        await db.updateTable('ledger_imports').set({ stored_path: null }).where('id', '=', importId).execute()
      }
      return getImport(by.organisationId, importId)
    },

    async markCommitted(
      trx: Transaction<DB>,
      by: Importer,
      importId: number,
      added: number,
      imp: LedgerImport,
    ) {
      const at = new Date().toISOString()
      await trx
        .updateTable('ledger_imports')
        .set({
          status: 'committed',
          rows_added: added,
          committed_at: at,
          finished_at: at,
          failure_reason: '',
          version: imp.version + 1,
        })
        .where('id', '=', importId)
        .execute()
      await recordAudit(trx, {
        organisationId: by.organisationId,
        actor: { userId: by.userId, label: by.label },
        action: 'commit',
        entityType: 'ledger_import',
        entityId: importId,
        after: {
          fileName: imp.file_name,
          sha256: imp.sha256,
          rowsAdded: added,
          rowsGood: imp.rows_good,
          rowsBad: imp.rows_bad,
        },
      })
    },

    /** How far a pass running in this process has got, 0–100; null when none is running. */
    progressOf(importId: number): { phase: 'validating' | 'committing'; percent: number } | null {
      const live = running.get(importId)
      if (!live) return null
      return {
        phase: live.phase,
        percent: live.size > 0 ? Math.min(99, Math.floor((live.bytes / live.size) * 100)) : 0,
      }
    },

    get: (scope: Scope, id: number) =>
      db
        .selectFrom('ledger_imports')
        .selectAll()
        .where('organisation_id', '=', scope.organisationId)
        .where('id', '=', id)
        .executeTakeFirst(),

    list: (scope: Scope, offset: number, limit: number) =>
      db
        .selectFrom('ledger_imports')
        .selectAll()
        .where('organisation_id', '=', scope.organisationId)
        .orderBy('started_at', 'desc')
        .orderBy('id', 'desc')
        .offset(offset)
        .limit(limit)
        .execute(),

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
