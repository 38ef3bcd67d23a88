/**
 * The check stage of a portfolio import (src/imports/pipeline.ts): the stored file read once in the bounded
 * worker; each row mapped (portfolio-import.rows.ts), a problem kept with its line for each row that cannot
 * be used (and a note for each cell that held a sentence instead of a figure), and the good rows staged for
 * the commit. A project code given twice, or a milestone reference twice within a project, is refused by line.
 */
import type { Kysely } from 'kysely'
import type { DB, PortfolioImport } from '../../db/schema.ts'
import type { RatingScaleId } from '../../domain/dca.ts'
import { FileRefusedError } from '../../imports/bounded-parser.ts'
import { SAMPLE_BYTES, sniffSample } from '../../imports/file-reader.ts'
import type { Lease } from '../../imports/leases.ts'
import type { ImportService } from '../../imports/import-service.ts'
import { checkRows } from '../../imports/pipeline.ts'
import {
  NotAPortfolioFileError,
  PortfolioRowReader,
  printable,
  type ColumnNames,
  type PortfolioRow,
} from './portfolio-import.rows.ts'

const BATCH = 500

/**
 * A good row as staged for the commit: a project's first row whole, each later row of the same project only
 * its line, code and milestone. The commit takes a project's columns from its first row alone, so repeating
 * them on every milestone's row (ten times over in a typical return) only made the staging slower.
 */
export type StagedRow = PortfolioRow | Pick<PortfolioRow, 'line' | 'code' | 'milestone'>

export const isFirstRow = (row: StagedRow): row is PortfolioRow => 'programme' in row

export interface ImportChoice {
  columns: ColumnNames
}

/** What the check found besides the counts, kept with the import (`mapping_json`). */
export interface ImportFindings extends ImportChoice {
  headings?: string[]
  headingLine?: number
  encoding?: string
  delimiter?: string
  /** The columns were the ones saved for files with these headings (src/imports/column-mappings.ts). */
  savedMapping?: boolean
}

export function findingsOf(imp: { mapping_json: string }): ImportFindings {
  try {
    return JSON.parse(imp.mapping_json) as ImportFindings
  } catch {
    return { columns: {} }
  }
}

export async function checkPass(
  db: Kysely<DB>,
  imports: ImportService<'portfolio_imports'>,
  held: PortfolioImport & { stored_file_id: number },
  lease: Lease,
  scale: RatingScaleId,
): Promise<boolean> {
  const organisationId = held.organisation_id
  const importId = held.id
  const { pipeline } = imports
  const findings = findingsOf(held)
  const reader = new PortfolioRowReader({ names: findings.columns, scale })
  const log = imports.problemLog(organisationId, importId, (text) => printable(text))
  await log.clear()
  await db.deleteFrom('portfolio_import_rows').where('import_id', '=', importId).execute()
  const head = await pipeline.files.head(organisationId, held.stored_file_id, SAMPLE_BYTES)
  const shape = sniffSample(head)
  let seq = 0
  let extraBad = 0
  const codes = new Map<string, { line: number; code: string; milestones: Map<string, number> }>()
  const { problem } = log
  const validate = async (rows: PortfolioRow[]) => {
    const fresh: StagedRow[] = []
    for (const r of rows) {
      const key = r.code.toLowerCase()
      const first = codes.get(key)
      if (first && !r.milestone) {
        extraBad++
        problem(
          'bad',
          r.line,
          `Project ${r.code} is given twice in the file (first on line ${first.line})`,
          '',
        )
        continue
      }
      const mref = r.milestone?.reference.toLowerCase()
      const mline = mref === undefined ? undefined : first?.milestones.get(mref)
      if (mline !== undefined) {
        extraBad++
        problem(
          'bad',
          r.line,
          `Milestone ${r.milestone!.reference} of project ${r.code} is given twice in the file (first on line ${mline})`,
          '',
        )
        continue
      }
      const entry = first ?? { line: r.line, code: r.code, milestones: new Map<string, number>() }
      if (mref !== undefined) entry.milestones.set(mref, r.line)
      codes.set(key, entry)
      for (const n of r.notes) problem('note', r.line, `Kept as written, not as a figure or date: ${n}`, '')
      // A later row whose code is written otherwise (another case) stays whole: the commit keys by the code as written.
      fresh.push(first?.code === r.code ? { line: r.line, code: r.code, milestone: r.milestone } : r)
    }
    for (let i = 0; i < fresh.length; i += BATCH)
      await db
        .insertInto('portfolio_import_rows')
        .values(
          fresh.slice(i, i + BATCH).map((r) => ({
            organisation_id: organisationId,
            import_id: importId,
            seq: seq++,
            line_number: r.line,
            row_json: JSON.stringify(r),
          })),
        )
        .execute()
  }
  const finish = async (status: string, reason: string, counts: Record<string, number>) => {
    await db
      .updateTable('portfolio_imports')
      .set({
        status,
        failure_reason: reason,
        ...counts,
        mapping_json: JSON.stringify({
          ...findings,
          headings: reader.headings.length > 0 ? reader.headings : reader.firstCells,
          headingLine: reader.headingLine,
          encoding: shape.encoding,
          delimiter: shape.delimiter,
        } satisfies ImportFindings),
        progress_bytes: held.file_size,
        finished_at: new Date().toISOString(),
      })
      .where('id', '=', importId)
      .execute()
  }
  try {
    const counts = await checkRows(pipeline.readRows(held, shape, lease), {
      map: (src) => reader.read(src),
      gaveUp: () => reader.gaveUp,
      finish: () => reader.finish(),
      validate,
      problem,
      flushProblems: log.flushProblems,
    })
    const good = counts.good - extraBad
    const bad = counts.bad + extraBad
    await finish(
      good > 0 ? 'validated' : 'failed',
      good > 0
        ? ''
        : counts.read === 0
          ? 'The file has headings but no rows under them'
          : 'No row can be imported; see the reasons below',
      { rows_read: counts.read, rows_good: good, rows_bad: bad },
    )
    return good > 0
  } catch (err) {
    if (!(err instanceof NotAPortfolioFileError) && !(err instanceof FileRefusedError)) throw err
    await db.deleteFrom('portfolio_import_rows').where('import_id', '=', importId).execute()
    await finish('failed', printable(err.message), {})
    return false
  }
}
