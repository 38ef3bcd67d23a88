// Reading an indicator values file (issue 11), row by row: the column mapping (headings recognised, or named
// by the person importing) and each row read into an indicator, a period key and a stored value, or the
// reason it cannot be. Published benchmarking files (LG Inform, channel-shift returns) are "long": one row per
// organisation, indicator and period, so a file with an organisation column is read for the one organisation
// the person chose, and the other organisations' rows are counted and left out. Pure: no database.

import type { SourceRow } from '../../../imports/file-reader.ts'
import type { RowOutcome } from '../../../imports/pipeline.ts'
import { cleanText } from '../../../domain/text.ts'
import { readPeriodFor, type Frequency } from '../../../domain/reporting-periods.ts'
import { readValue } from './indicators.rules.ts'

export const IMPORT_FIELDS = ['indicator', 'period', 'value', 'note', 'organisation'] as const
export type ImportField = (typeof IMPORT_FIELDS)[number]
export type ColumnNames = Partial<Record<ImportField, string>>

/** Headings recognised for each field, lower case, as councils and LG Inform write them. */
const KNOWN: Record<ImportField, readonly string[]> = {
  indicator: ['indicator', 'indicator name', 'measure', 'metric', 'kpi', 'performance indicator'],
  period: ['period', 'time period', 'month', 'quarter', 'year', 'financial year', 'date', 'period end'],
  value: ['value', 'figure', 'actual', 'result', 'count', 'data value'],
  note: ['note', 'notes', 'comment', 'comments'],
  organisation: [
    'organisation',
    'organisation name',
    'council',
    'authority',
    'local authority',
    'area',
    'area name',
  ],
}

export interface ImportIndicator {
  id: number
  name: string
  unit: string
  scale: number
  frequency: string
}

export interface ReadRow {
  line: number
  indicatorId: number
  period: string
  value: number
  note: string
}

const key = (s: string) => s.trim().toLowerCase().replace(/\s+/g, ' ')
export const printable = (s: string, max = 2000) => cleanText(s).slice(0, max)

/** Why a file cannot be read at all (no headings for the period and value): the import fails with it. */
export class NotAnIndicatorFileError extends Error {}

/**
 * Reads rows once the heading row is found (the first row naming a period and a value column among the first
 * twenty). `only` is the indicator every row is for when the file has no indicator column; `organisation`
 * the organisation whose rows are ours in a file with an organisation column.
 */
export class IndicatorRowReader {
  private columns: Partial<Record<ImportField, number>> | null = null
  private seen = 0
  gaveUp = false
  headings: string[] = []
  headingLine = 0
  /** Organisations named in the file, with their rows: to offer when none was chosen. */
  readonly organisations = new Map<string, number>()
  otherRows = 0

  constructor(
    private readonly opts: {
      indicators: ReadonlyMap<string, ImportIndicator>
      only: ImportIndicator | null
      organisation: string
      names: ColumnNames
    },
  ) {}

  private findColumns(cells: string[]): Partial<Record<ImportField, number>> | null {
    const lower = cells.map(key)
    const found: Partial<Record<ImportField, number>> = {}
    for (const f of IMPORT_FIELDS) {
      const named = this.opts.names[f]
      const i = named ? lower.indexOf(key(named)) : lower.findIndex((h) => KNOWN[f].includes(h))
      if (i >= 0) found[f] = i
    }
    return found.period !== undefined && found.value !== undefined ? found : null
  }

  read(src: SourceRow): RowOutcome<ReadRow> | null {
    if (src.cells.every((c) => c.trim() === '')) return this.columns ? { kind: 'blank' } : null
    if (!this.columns) {
      this.columns = this.findColumns(src.cells)
      if (this.columns) {
        this.headings = src.cells.map((c) => printable(c, 200))
        this.headingLine = src.line
      } else if (++this.seen >= 20) this.gaveUp = true
      return null
    }
    const c = this.columns
    const cell = (f: ImportField) => (c[f] === undefined ? '' : (src.cells[c[f]] ?? '').trim())
    const raw = printable(src.cells.join(','))
    const bad = (reason: string): RowOutcome<ReadRow> => ({ kind: 'bad', line: src.line, reason, raw })
    if (c.organisation !== undefined) {
      const org = cell('organisation')
      this.organisations.set(org, (this.organisations.get(org) ?? 0) + 1)
      if (key(org) !== key(this.opts.organisation)) {
        this.otherRows++
        return null
      }
    }
    let indicator = this.opts.only
    if (c.indicator !== undefined && cell('indicator') !== '') {
      indicator = this.opts.indicators.get(key(cell('indicator'))) ?? null
      if (!indicator) return bad(`No indicator is called "${printable(cell('indicator'), 200)}"`)
      if (this.opts.only && indicator.id !== this.opts.only.id) return null
    }
    if (!indicator)
      return bad('Name the indicator: the row has no indicator and none was chosen for the file')
    const period = readPeriodFor(indicator.frequency as Frequency, cell('period'))
    if ('error' in period) return bad(`Period "${printable(cell('period'), 40)}": ${period.error}`)
    const value = readValue(indicator.unit, indicator.scale, cell('value'))
    if (value === null) return bad('The value is empty')
    if ('error' in value) return bad(value.error)
    const note = printable(cell('note'))
    return {
      kind: 'good',
      row: { line: src.line, indicatorId: indicator.id, period: period.key, value: value.stored, note },
    }
  }

  /** After the last row: a file whose headings were never found is not an indicator values file. */
  finish(): void {
    if (!this.columns)
      throw new NotAnIndicatorFileError(
        'The file has no headings for the period and the value: add a heading row (for example Indicator, Period, Value, Note) or name the columns',
      )
  }

  /** True when the file has an organisation column and no organisation (or one not in it) was chosen. */
  needsOrganisation(): boolean {
    return this.columns?.organisation !== undefined && !this.organisationFound()
  }

  private organisationFound(): boolean {
    return [...this.organisations.keys()].some((o) => key(o) === key(this.opts.organisation))
  }
}

export const indicatorKey = key
