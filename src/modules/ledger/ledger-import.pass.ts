/**
 * What the validate and commit passes of a ledger import share: the import they run on, its mapping and
 * file shape, and its rows read from the file store through the bounded worker, with progress reported
 * to the pass's lease (and so to every instance's import page).
 */
import type { Kysely, Transaction } from 'kysely'
import type { DB, LedgerImport } from '../../db/schema.ts'
import { parseRows } from '../../imports/bounded-parser.ts'
import type { FileStore } from '../../imports/file-store.ts'
import type { Lease } from '../../imports/leases.ts'
import type { ColumnMap, DateFormat } from './ledger.formats.ts'
import type { SourceRow, SourceShape } from './ledger.reader.ts'
import type { createLedgerRepository } from './ledger.repository.ts'
import type { RowStager } from './ledger-import.staging.ts'
import { RowInterpreter, type Layout } from './ledger.rows.ts'

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
  /** The cost mapping rules the check matched rows with: a commit under other rules matches them again. */
  rulesKey?: string
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

export interface ProblemRow {
  organisation_id: number
  import_id: number
  kind: string
  line_number: number
  reason: string
  raw_text: string
}

/** One pass over one import, with the lease its instance holds on it. */
export interface PassRun {
  imp: LedgerImport & { stored_file_id: number }
  mapping: MappingChoice
  shape: SourceShape
  lease: Lease
  phase: 'validating' | 'committing'
}

export interface PassContext {
  db: Kysely<DB>
  repo: ReturnType<typeof createLedgerRepository>
  files: FileStore
  insertProblems(rows: ProblemRow[]): Promise<void>
  fail(
    organisationId: number,
    importId: number,
    reason: string,
    summary: ImportSummary,
    shape?: SourceShape,
  ): Promise<unknown>
  read(
    run: PassRun,
    via: Kysely<DB> | Transaction<DB>,
    onLayout?: (l: Layout) => void,
  ): { rows: AsyncGenerator<SourceRow[]>; interpreter: RowInterpreter }
  onProgress?: (importId: number, phase: 'validating' | 'committing', percent: number) => void
  stager(organisationId: number, importId: number): RowStager
}

export function readRun(
  ctx: Pick<PassContext, 'files' | 'onProgress'>,
  run: PassRun,
  via: Kysely<DB> | Transaction<DB>,
  onLayout: (l: Layout) => void = () => undefined,
) {
  const { imp, mapping, shape, lease, phase } = run
  let bytes = 0
  let rowsDone = 0
  const source = ctx.files.read(imp.organisation_id, imp.stored_file_id, via)
  const parsed = parseRows(source, shape, {
    onBytes: (n) => {
      bytes += n
      lease.report({ progress_bytes: bytes, rows_done: rowsDone })
      ctx.onProgress?.(imp.id, phase, percentOf(bytes, imp.file_size))
    },
  })
  async function* rows() {
    for await (const batch of parsed) {
      rowsDone += batch.length
      yield batch
    }
  }
  const interpreter = new RowInterpreter(
    { mapping: mapping.columns, dateFormat: mapping.dateFormat, skipLines: mapping.skipLines },
    onLayout,
  )
  return { rows: rows(), interpreter }
}

/** How far through its file a pass is, 0–99 (100 is the pass having finished, which its status says). */
export function percentOf(bytes: number, size: number): number {
  return size > 0 ? Math.min(99, Math.floor((bytes / size) * 100)) : 0
}
