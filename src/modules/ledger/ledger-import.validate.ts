/**
 * The validate pass of a ledger import, the check stage of the import pipeline (src/imports/pipeline.ts):
 * reads the whole stored file once (in the bounded worker) and records what would happen — rows read,
 * good, bad with line and reason, duplicates, changed, totals by month and project, unmatched — without
 * touching the ledger. Problems are written a chunk of the file at a time, and the rows that would be
 * added are staged for the commit (ledger-import.staging.ts), which so never reads the file again.
 */
import { FileRefusedError } from '../../imports/bounded-parser.ts'
import { checkRows, type CheckCounts } from '../../imports/pipeline.ts'
import { SAMPLE_BYTES, sniffSample, type SourceShape } from '../../imports/file-reader.ts'
import { matchRule } from './ledger.repository.ts'
import { NotALedgerError, RowInterpreter, type LedgerRow } from './ledger.rows.ts'
import type { ImportSummary, PassContext, PassRun } from './ledger-import.pass.ts'
import { rulesKey, type StagedRow } from './ledger-import.staging.ts'

function periodSort<T extends { period: string }>(a: T, b: T): number {
  return a.period < b.period ? -1 : a.period > b.period ? 1 : 0
}

export async function validatePass(ctx: PassContext, run: PassRun): Promise<void> {
  const { db, repo, pipeline } = ctx
  const { imp, mapping, lease } = run
  const organisationId = imp.organisation_id
  const importId = imp.id
  const head = await pipeline.files.head(organisationId, imp.stored_file_id, SAMPLE_BYTES)
  const shape = sniffSample(head, { encoding: mapping.encoding, delimiter: mapping.delimiter })
  const summary: ImportSummary = {}
  // The column mapping: a saved one, or the LGA spend schema or headings recognised.
  const interpreter = new RowInterpreter(
    {
      mapping: mapping.columns,
      dateFormat: mapping.dateFormat,
      skipLines: mapping.skipLines,
      delimiter: shape.delimiter,
    },
    (l) => {
      summary.layout = l.layout
      summary.headingLine = l.headingLine
      summary.headings = l.headings
      summary.columns = Object.fromEntries(
        Object.entries(l.columns).map(([f, i]) => [f, l.headings[i] ?? `column ${i + 1}`]),
      )
    },
  )
  const rules = await repo.rules(organisationId)
  summary.rulesKey = rulesKey(rules)
  const log = ctx.problemLog(organisationId, importId)
  await log.clear()
  const stager = ctx.stager(organisationId, importId)
  await stager.clear()
  const counts = { duplicate: 0, changed: 0, unmatched: 0 }
  const byPeriod = new Map<string, { count: number; pence: number }>()
  const byProject = new Map<number | null, { count: number; pence: number }>()
  let newPence = 0
  let unmatchedPence = 0
  let totalPence = 0
  let firstDate: string | null = null
  let lastDate: string | null = null
  const { problem } = log
  // The row validator: a payment the ledger already holds is a duplicate (same content) or a changed
  // row (the ledger keeps what it has); the rest would be added, and are staged for the commit.
  const validate = async (batch: LedgerRow[]) => {
    const existing = await repo.existingKeys(
      organisationId,
      batch.map((row) => row.dedupeKey),
    )
    const fresh: StagedRow[] = []
    for (const row of batch) {
      totalPence += row.amountPence
      if (firstDate === null || row.date < firstDate) firstDate = row.date
      if (lastDate === null || row.date > lastDate) lastDate = row.date
      const held = existing.get(row.dedupeKey)
      // Only a key the ledger already holds needs the content compared.
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
      const projectId = matchRule(rules, row)
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
      fresh.push({ row, projectId })
    }
    await stager.stage(fresh)
  }
  let checked: CheckCounts
  try {
    checked = await stager.whileChecking(() =>
      checkRows<LedgerRow>(pipeline.readRows(imp, shape, lease), {
        map: (src) => interpreter.read(src),
        gaveUp: () => interpreter.gaveUp,
        finish: () => interpreter.finish(),
        validate,
        problem,
        flushProblems: log.flushProblems,
      }),
    )
  } catch (err) {
    if (!(err instanceof NotALedgerError) && !(err instanceof FileRefusedError)) throw err
    await stager.clear()
    if (err instanceof NotALedgerError) {
      await log.flushProblems()
      await ctx.fail(
        organisationId,
        importId,
        err.message,
        { candidateHeadings: err.candidateHeadings, candidateLine: err.candidateLine },
        shape,
      )
    } else await ctx.fail(organisationId, importId, err.message, {}, shape)
    return
  }
  if (checked.stoppedEarly !== undefined) summary.stoppedEarly = checked.stoppedEarly
  const names = await repo.projectNames(
    organisationId,
    [...byProject.keys()].filter((k): k is number => k !== null),
  )
  summary.blankRows = checked.blank
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
  if (log.notStored() > 0) summary.problemsNotStored = log.notStored()
  const noRows = checked.good === 0
  await db
    .updateTable('ledger_imports')
    .set({
      status: noRows ? 'failed' : 'validated',
      failure_reason: noRows
        ? checked.read === 0
          ? 'The file has headings but no rows under them'
          : `None of the ${checked.read} rows could be read as a payment; see the reasons below`
        : '',
      ...shapeColumns(shape),
      layout: summary.layout ?? '',
      rows_read: checked.read,
      rows_good: checked.good,
      rows_bad: checked.bad,
      rows_duplicate: counts.duplicate,
      rows_changed: counts.changed,
      rows_unmatched: counts.unmatched,
      total_pence: totalPence,
      progress_bytes: imp.file_size,
      summary_json: JSON.stringify(summary),
      finished_at: new Date().toISOString(),
    })
    .where('id', '=', importId)
    .execute()
}

export function shapeColumns(shape: SourceShape | undefined) {
  return {
    format: shape?.format ?? '',
    encoding: shape?.format === 'csv' ? shape.encoding : '',
    delimiter: shape?.delimiter ?? '',
  }
}
