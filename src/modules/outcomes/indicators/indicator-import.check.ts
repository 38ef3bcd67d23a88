/**
 * The check stage of an indicator values import (src/imports/pipeline.ts): the stored file read once in the
 * bounded worker; each row mapped (indicator-import.rows.ts) and validated against what is held, a problem kept
 * with its line for each row that cannot be used, and the good rows staged for the commit.
 */
import type { Kysely } from 'kysely'
import type { DB, IndicatorImport } from '../../../db/schema.ts'
import { FileRefusedError } from '../../../imports/bounded-parser.ts'
import { SAMPLE_BYTES, sniffSample } from '../../../imports/file-reader.ts'
import type { Lease } from '../../../imports/leases.ts'
import type { ImportService } from '../../../imports/import-service.ts'
import { checkRows } from '../../../imports/pipeline.ts'
import { indicatorsRepository } from './indicators.repository.ts'
import {
  IndicatorRowReader,
  indicatorKey,
  NotAnIndicatorFileError,
  printable,
  type ColumnNames,
  type ImportIndicator,
  type ReadRow,
} from './indicator-import.rows.ts'

const BATCH = 500

export interface ImportChoice {
  /** The indicator every row is for, when the file has no indicator column. */
  indicatorId: number | null
  /** Whose rows are ours, in a file with an organisation column. */
  organisation: string
  columns: ColumnNames
}

/** What the check found besides the counts, kept with the import (`mapping_json`). */
export interface ImportFindings extends ImportChoice {
  headings?: string[]
  /** The organisations a long file names, with their row counts: to choose from. */
  organisations?: Array<{ name: string; rows: number }>
}

export function findingsOf(imp: { mapping_json: string }): ImportFindings {
  try {
    return JSON.parse(imp.mapping_json) as ImportFindings
  } catch {
    return { indicatorId: null, organisation: '', columns: {} }
  }
}

/** The organisation's indicators by name (any case) for the rows to name, and the one chosen if any. */
async function indicatorsOf(db: Kysely<DB>, organisationId: number, onlyId: number | null) {
  const all = await indicatorsRepository.list(db, {
    organisationId,
    partnerId: null,
    partnerOnly: false,
    key: '',
  })
  const byName = new Map<string, ImportIndicator>(all.map((i) => [indicatorKey(i.name), i]))
  return { byName, only: all.find((i) => i.id === onlyId) ?? null }
}

export async function checkPass(
  db: Kysely<DB>,
  imports: ImportService<'indicator_imports'>,
  held: IndicatorImport & { stored_file_id: number },
  lease: Lease,
): Promise<void> {
  const organisationId = held.organisation_id
  const importId = held.id
  const findings = findingsOf(held)
  const { byName, only } = await indicatorsOf(db, organisationId, findings.indicatorId)
  const reader = new IndicatorRowReader({
    indicators: byName,
    only,
    organisation: findings.organisation,
    names: findings.columns,
  })
  const { pipeline } = imports
  const log = imports.problemLog(organisationId, importId, printable)
  await log.clear()
  await db.deleteFrom('indicator_import_rows').where('import_id', '=', importId).execute()
  const head = await pipeline.files.head(organisationId, held.stored_file_id, SAMPLE_BYTES)
  const shape = sniffSample(head)
  let seq = 0
  let extraBad = 0
  const inFile = new Set<string>()
  const { problem } = log
  const validate = async (rows: ReadRow[]) => {
    const held = await db
      .selectFrom('indicator_values')
      .select(['indicator_id', 'period', 'value'])
      .where('organisation_id', '=', organisationId)
      .where('indicator_id', 'in', [...new Set(rows.map((r) => r.indicatorId))])
      .where('period', 'in', [...new Set(rows.map((r) => r.period))])
      .execute()
    const there = new Map(held.map((h) => [`${h.indicator_id}|${h.period}`, Number(h.value)]))
    const fresh: ReadRow[] = []
    for (const r of rows) {
      const k = `${r.indicatorId}|${r.period}`
      if (inFile.has(k)) {
        extraBad++
        problem('bad', r.line, `This indicator's value for ${r.period} is given twice in the file`, '')
      } else if (there.has(k) && there.get(k) !== r.value) {
        extraBad++
        problem(
          'bad',
          r.line,
          `A different value for ${r.period} is already recorded: correct it on the indicator's page`,
          '',
        )
      } else if (!there.has(k)) fresh.push(r)
      inFile.add(k)
    }
    for (let i = 0; i < fresh.length; i += BATCH)
      await db
        .insertInto('indicator_import_rows')
        .values(
          fresh.slice(i, i + BATCH).map((r) => ({
            organisation_id: organisationId,
            import_id: importId,
            seq: seq++,
            line_number: r.line,
            indicator_id: r.indicatorId,
            period: r.period,
            value: r.value,
            note: r.note,
          })),
        )
        .execute()
  }
  const finish = async (status: string, reason: string, counts: Record<string, number>) => {
    await db
      .updateTable('indicator_imports')
      .set({
        status,
        failure_reason: reason,
        ...counts,
        mapping_json: JSON.stringify({
          ...findings,
          headings: reader.headings,
          organisations: [...reader.organisations].map(([name, rows]) => ({ name, rows })).slice(0, 500),
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
    if (reader.needsOrganisation()) {
      await db.deleteFrom('indicator_import_rows').where('import_id', '=', importId).execute()
      await log.clear()
      return finish(
        'failed',
        findings.organisation === ''
          ? 'The file has rows for several organisations: choose whose rows are yours'
          : `The file has no rows for "${printable(findings.organisation, 200)}": choose whose rows are yours`,
        { rows_other: reader.otherRows },
      )
    }
    const good = counts.good - extraBad
    const bad = counts.bad + extraBad
    return finish(
      good > 0 ? 'validated' : 'failed',
      good > 0
        ? ''
        : counts.read === 0
          ? 'The file has headings but no rows under them'
          : 'No row can be added; see the reasons below',
      { rows_read: counts.read, rows_good: good, rows_bad: bad, rows_other: reader.otherRows },
    )
  } catch (err) {
    if (!(err instanceof NotAnIndicatorFileError) && !(err instanceof FileRefusedError)) throw err
    await db.deleteFrom('indicator_import_rows').where('import_id', '=', importId).execute()
    return finish('failed', printable(err.message), {})
  }
}
