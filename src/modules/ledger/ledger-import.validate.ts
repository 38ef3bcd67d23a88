/**
 * The validate pass of a ledger import: reads the whole stored file (in the bounded worker) and records
 * what would happen — rows read, good, bad with line and reason, duplicates, changed, totals by month and
 * project, unmatched — without touching the ledger. Problems are written a chunk of the file at a time, and
 * the rows that would be added are staged for the commit (ledger-import.staging.ts), which so never reads
 * the file again.
 */
import type { SourceShape } from './ledger.reader.ts'
import { SourceError } from './ledger.reader.ts'
import { matchRule } from './ledger.repository.ts'
import { NotALedgerError, printable } from './ledger.rows.ts'
import { rulesKey, type StagedRow } from './ledger-import.staging.ts'
import type { ImportSummary, PassContext, PassRun, ProblemRow } from './ledger-import.pass.ts'
import { FileRefusedError } from '../../imports/bounded-parser.ts'

const BATCH = 500
const MAX_STORED_PROBLEMS = 10_000

function periodSort<T extends { period: string }>(a: T, b: T): number {
  return a.period < b.period ? -1 : a.period > b.period ? 1 : 0
}

export async function validatePass(ctx: PassContext, run: PassRun): Promise<void> {
  const { db, repo } = ctx
  const { imp, shape } = run
  const organisationId = imp.organisation_id
  const importId = imp.id
  const summary: ImportSummary = {}
  const { rows, interpreter } = ctx.read(run, db, (l) => {
    summary.layout = l.layout
    summary.headingLine = l.headingLine
    summary.headings = l.headings
    summary.columns = Object.fromEntries(
      Object.entries(l.columns).map(([f, i]) => [f, l.headings[i] ?? `column ${i + 1}`]),
    )
  })
  const rules = await repo.rules(organisationId)
  summary.rulesKey = rulesKey(rules)
  await db.deleteFrom('ledger_import_problems').where('import_id', '=', importId).execute()
  const stager = ctx.stager(organisationId, importId)
  await stager.clear()
  const counts = { read: 0, good: 0, bad: 0, duplicate: 0, changed: 0, unmatched: 0, blank: 0 }
  let storedProblems = 0
  let notStored = 0
  const byPeriod = new Map<string, { count: number; pence: number }>()
  const byProject = new Map<number | null, { count: number; pence: number }>()
  let newPence = 0
  let unmatchedPence = 0
  let totalPence = 0
  let firstDate: string | null = null
  let lastDate: string | null = null
  let problems: ProblemRow[] = []
  const problem = (kind: string, line: number, reason: string, raw: string) => {
    if (storedProblems >= MAX_STORED_PROBLEMS) {
      notStored++
      return
    }
    storedProblems++
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
    await ctx.insertProblems(problems)
    problems = []
  }
  let batch: StagedRow[] = []
  const flush = async () => {
    const fresh: StagedRow[] = []
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
      fresh.push({ row, projectId })
    }
    batch = []
    await stager.stage(fresh)
  }
  try {
    reading: for await (const chunk of rows) {
      for (const src of chunk) {
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
    if (err instanceof NotALedgerError || err instanceof FileRefusedError) await stager.clear()
    if (err instanceof NotALedgerError) {
      await ctx.insertProblems(problems)
      await ctx.fail(
        organisationId,
        importId,
        err.message,
        { candidateHeadings: err.candidateHeadings, candidateLine: err.candidateLine },
        shape,
      )
      return
    }
    if (err instanceof FileRefusedError) {
      await ctx.fail(organisationId, importId, err.message, {}, shape)
      return
    }
    if (!(err instanceof SourceError)) throw err
    // Everything before the unreadable point is counted; the point itself is a reported problem.
    counts.bad++
    summary.stoppedEarly = err.message
    problem('bad', err.line, err.message, '')
  }
  await flush()
  await ctx.insertProblems(problems)
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
  if (notStored > 0) summary.problemsNotStored = notStored
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
      ...shapeColumns(shape),
      layout: summary.layout ?? '',
      rows_read: counts.read,
      rows_good: counts.good,
      rows_bad: counts.bad,
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
