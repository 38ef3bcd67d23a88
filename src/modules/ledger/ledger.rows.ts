/**
 * From the rows of a file to payments: finds the heading row (after any report preamble), reads each
 * row through the layout's columns, and says in plain words why a row cannot be read. Pure apart from
 * consuming the rows it is given, so the validate pass and the commit pass read a file identically.
 */
import { createHash } from 'node:crypto'
import {
  matchMapping,
  parseLedgerAmount,
  parseLedgerDate,
  recogniseHeadings,
  type ColumnMap,
  type DateFormat,
  type HeadingMatch,
  type LedgerField,
} from './ledger.formats.ts'
import type { SourceRow } from './ledger.reader.ts'

/**
 * "2025/26" for a date already checked by parseLedgerDate: April starts the year (as financialYearOf in
 * domain/periods, without re-validating the date a quarter of a million times).
 */
function financialYearLabel(iso: string): string {
  const y = Number(iso.slice(0, 4))
  const start = Number(iso.slice(5, 7)) >= 4 ? y : y - 1
  return `${start}/${String((start + 1) % 100).padStart(2, '0')}`
}

export interface LedgerRow {
  line: number
  reference: string | null
  date: string
  period: string
  financialYear: string
  amountPence: number
  supplier: string
  description: string
  costCentre: string
  accountCode: string
  expenseType: string
  serviceArea: string
  /** What the payment says; a re-import with the same key but another hash is a changed row. */
  contentHash: string
  /** What makes it the same payment on re-import; see the migration. */
  dedupeKey: string
}

export type RowOutcome =
  | { kind: 'good'; row: LedgerRow }
  | { kind: 'bad'; line: number; reason: string; raw: string }
  | { kind: 'blank'; line: number }

export interface Layout extends HeadingMatch {
  headingLine: number
  headings: string[]
}

export interface ReadOptions {
  mapping?: ColumnMap | null
  dateFormat?: DateFormat
  /** Lines to pass over before looking for the headings (a saved mapping's known preamble). */
  skipLines?: number
}

/** The file has no heading row we can use: it is not a ledger, or needs a column mapping. */
export class NotALedgerError extends Error {
  constructor(
    message: string,
    public readonly candidateHeadings: string[],
    public readonly candidateLine: number,
  ) {
    super(message)
  }
}

/** How far into a file the headings may be: preambles are a few lines, not pages. */
const HEADING_SEARCH_ROWS = 60

/** Stray characters from a wrong encoding ("†", "Â", the replacement character) that mean nothing. */
const JUNK = /[\u2020\u00c2\ufffd\u00a0\u200b]/g

/** Control characters (NUL above all, which PostgreSQL text refuses) are never data in a ledger. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g

/** Safe to store and show: control characters out, length bounded. */
export function printable(s: string, max = 2000): string {
  return s.replace(CONTROL, '\ufffd').slice(0, max)
}

/** Most cells need nothing done: one test instead of three replacements. */
// eslint-disable-next-line no-control-regex
const NEEDS_CLEANING = /[\u0000-\u001f\u007f\u00a0\u00c2\u2020\u200b\ufffd]|\s\s|^\s|\s$/

function clean(s: string | undefined): string {
  if (s === undefined) return ''
  if (!NEEDS_CLEANING.test(s)) return s
  return (s ?? '').replace(CONTROL, ' ').replace(JUNK, ' ').replace(/\s+/g, ' ').trim()
}

function isBlank(cells: readonly string[]): boolean {
  return cells.every((c) => c === '' || clean(c) === '')
}

function describeRow(cells: readonly string[]): string {
  return cells
    .map(clean)
    .filter((c) => c !== '')
    .slice(0, 12)
    .join(', ')
}

function hashOf(parts: readonly string[]): string {
  return createHash('sha256').update(parts.join('\u001f')).digest('hex').slice(0, 40)
}

/**
 * Reads rows as payments. Every row after the headings comes out as good, bad (with a reason) or blank,
 * so the caller can account for each one; `onLayout` hears which columns were used before the first row.
 */
export async function* interpretRows(
  source: AsyncIterable<SourceRow>,
  options: ReadOptions,
  onLayout: (layout: Layout) => void,
): AsyncGenerator<RowOutcome> {
  let layout: Layout | null = null
  let searched = 0
  let firstCandidate: { cells: string[]; line: number } | null = null
  // The nth time a transaction number (or, without one, identical content) appears in this file: a
  // payment split over several lines, or two genuinely identical invoices, stays two rows, and the same
  // file imported again gives the same keys.
  const occurrences = new Map<string, number>()
  const dateFormat = options.dateFormat ?? 'auto'

  for await (const src of source) {
    if (layout === null) {
      if (src.line <= (options.skipLines ?? 0) || isBlank(src.cells)) continue
      const match = options.mapping ? matchMapping(src.cells, options.mapping) : recogniseHeadings(src.cells)
      if (match) {
        layout = { ...match, headingLine: src.line, headings: src.cells.map(clean) }
        onLayout(layout)
        continue
      }
      const nonEmpty = src.cells.filter((c) => clean(c) !== '').length
      if (!firstCandidate || nonEmpty > firstCandidate.cells.filter((c) => clean(c) !== '').length) {
        if (nonEmpty >= 2) firstCandidate = { cells: src.cells.map(clean), line: src.line }
      }
      if (++searched >= HEADING_SEARCH_ROWS) break
      continue
    }
    if (isBlank(src.cells)) {
      yield { kind: 'blank', line: src.line }
      continue
    }
    yield readRow(src, layout, dateFormat, occurrences)
  }

  if (layout === null) {
    const seen = firstCandidate ? describeRow(firstCandidate.cells) : ''
    const wanted = options.mapping
      ? `the headings of the saved mapping (${Object.values(options.mapping).filter(Boolean).join(', ')})`
      : 'a payment date and an amount column (for example the LGA spend headings PaymentDate and Amount)'
    throw new NotALedgerError(
      `This file does not look like a ledger: no row near the top has ${wanted}.` +
        (seen ? ` The headings found were: ${seen}.` : ' No headings were found.'),
      firstCandidate?.cells ?? [],
      firstCandidate?.line ?? 0,
    )
  }
}

function readRow(
  src: SourceRow,
  layout: Layout,
  dateFormat: DateFormat,
  occurrences: Map<string, number>,
): RowOutcome {
  const cells = src.cells
  const cell = (f: LedgerField): string => {
    const i = layout.columns[f]
    return i === undefined ? '' : clean(cells[i])
  }
  const bad = (reason: string): RowOutcome => ({
    kind: 'bad',
    line: src.line,
    reason: printable(reason),
    raw: printable(src.raw),
  })

  const first = cells.map(clean).find((c) => c !== '') ?? ''
  if (/^(grand |sub-?)?totals?\b/i.test(first) && cell('date') === '') {
    return bad(`A total line (“${first}”), not a payment`)
  }
  const date = parseLedgerDate(cell('date'), dateFormat)
  if (!date.ok) return bad(date.reason)
  // A row with more cells than headings has an unquoted delimiter in it: its columns have shifted and
  // any amount read from it would be a guess. Trailing empty cells are only padding.
  let width = cells.length
  while (width > layout.headings.length && clean(cells[width - 1]) === '') width--
  if (width > layout.headings.length) {
    return bad(
      `The row has ${width} columns but the headings have ${layout.headings.length}, so its columns have shifted (a comma or semicolon in a name that was not quoted?)`,
    )
  }
  const amount = parseLedgerAmount(cell('amount'))
  if (!amount.ok) {
    if (cells.length < layout.headings.length && cell('amount') === '')
      return bad(
        `The row has ${cells.length} columns but the headings have ${layout.headings.length}, and no amount`,
      )
    return bad(amount.reason)
  }
  const reference = cell('reference') || null
  const row = {
    date: date.value,
    amountPence: amount.value,
    supplier: cell('supplier'),
    description: cell('description'),
    costCentre: cell('costCentre'),
    accountCode: cell('accountCode'),
    expenseType: cell('expenseType'),
    serviceArea: cell('serviceArea'),
  }
  const contentHash = hashOf([
    reference ?? '',
    row.date,
    String(row.amountPence),
    row.supplier.toLowerCase(),
    row.description.toLowerCase(),
    row.costCentre.toLowerCase(),
    row.accountCode.toLowerCase(),
    row.expenseType.toLowerCase(),
    row.serviceArea.toLowerCase(),
  ])
  const base = reference !== null ? `ref:${reference}` : `hash:${contentHash}`
  const n = (occurrences.get(base) ?? 0) + 1
  occurrences.set(base, n)
  return {
    kind: 'good',
    row: {
      line: src.line,
      reference,
      ...row,
      period: row.date.slice(0, 7),
      financialYear: financialYearLabel(row.date),
      contentHash,
      dedupeKey: `${base}#${n}`,
    },
  }
}
