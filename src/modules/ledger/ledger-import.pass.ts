/**
 * What the validate and commit passes of a ledger import share: the import they run on, its mapping, the
 * import pipeline (src/imports/pipeline.ts) and the ledger's tables of problems and staged rows.
 */
import type { Kysely } from 'kysely'
import type { DB, LedgerImport } from '../../db/schema.ts'
import type { Lease } from '../../imports/leases.ts'
import type { ImportPipeline } from '../../imports/pipeline.ts'
import type { ProblemLog } from '../../imports/import-service.ts'
import type { ColumnMap, DateFormat } from './ledger.formats.ts'
import type { SourceShape } from '../../imports/file-reader.ts'
import type { createLedgerRepository } from './ledger.repository.ts'
import type { RowStager } from './ledger-import.staging.ts'

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

/** One pass over one import, with the lease its instance holds on it. */
export interface PassRun {
  imp: LedgerImport & { stored_file_id: number }
  mapping: MappingChoice
  lease: Lease
}

/** What the ledger's passes share: the pipeline they run on and the ledger's own tables. */
export interface PassContext {
  db: Kysely<DB>
  repo: ReturnType<typeof createLedgerRepository>
  pipeline: ImportPipeline
  /** The check's record of the rows that cannot be used (src/imports/import-service.ts). */
  problemLog(organisationId: number, importId: number): ProblemLog
  fail(
    organisationId: number,
    importId: number,
    reason: string,
    summary: ImportSummary,
    shape?: SourceShape,
  ): Promise<unknown>
  stager(organisationId: number, importId: number): RowStager
}
