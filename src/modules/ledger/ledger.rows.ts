/**
 * From the rows of a file to payments: finds the heading row (after any report preamble), reads each
 * row through the layout's columns, and says in plain words why a row cannot be read. Pure apart from
 * consuming the rows it is given, so the validate pass and the commit pass read a file identically.
 */
import { hash } from 'node:crypto'
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
import { rawText, type SourceRow } from '../../imports/file-reader.ts'
import { OccurrenceCounter } from './ledger-occurrences.ts'

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
  /** The file's delimiter, to show a row that cannot be read as it was written (rawText). */
  delimiter?: string
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

/** JavaScript's `\s` above the ASCII range: a cell holding one of these needs cleaning. */
function isWideSpace(c: number): boolean {
  return (
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  )
}

/**
 * Most cells need nothing done. One pass over the characters instead of a regular expression: the
 * expression (with its `\s$` alternative tried at every position) was a tenth of an import's time.
 * True for anything `clean` would change (it may also say true for a cell `clean` leaves alone).
 */
function needsCleaning(s: string): boolean {
  const n = s.length
  if (n === 0) return false
  let prevSpace = true // a leading space needs trimming
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i)
    if (c === 32) {
      if (prevSpace) return true
      prevSpace = true
    } else if (c < 127) {
      if (c < 32) return true
      prevSpace = false
    } else if (
      c === 0x7f ||
      c === 0x85 ||
      c === 0xa0 ||
      c === 0xc2 ||
      c === 0x2020 ||
      c === 0x200b ||
      c === 0xfffd ||
      isWideSpace(c)
    ) {
      return true
    } else prevSpace = false
  }
  return prevSpace // a trailing space
}

function clean(s: string | undefined): string {
  if (s === undefined) return ''
  if (!needsCleaning(s)) return s
  return s.replace(CONTROL, ' ').replace(JUNK, ' ').replace(/\s+/g, ' ').trim()
}

function isBlank(cells: readonly string[]): boolean {
  for (const c of cells) if (c !== '' && clean(c) !== '') return false
  return true
}

function describeRow(cells: readonly string[]): string {
  return cells
    .map(clean)
    .filter((c) => c !== '')
    .slice(0, 12)
    .join(', ')
}

const SEP = '\u001f'

/**
 * What the payment says, case aside: a re-import with the same key but another hash is a changed row.
 * The SHA-256 of its fields joined by U+001F (the text fields lower-cased), cut to 40 hex digits: stored
 * in the ledger, so every import must work it out exactly so. A short fixed-length digest, one-shot (no
 * Hash object per row: there are a quarter of a million), the text fields lower-cased in one call (the
 * separator is neither a letter nor case-ignorable, so even a Greek final sigma lowers as it does alone).
 */
export function contentHashOf(row: Omit<LedgerRow, 'contentHash' | 'dedupeKey' | 'line'>): string {
  const text =
    row.supplier +
    SEP +
    row.description +
    SEP +
    row.costCentre +
    SEP +
    row.accountCode +
    SEP +
    row.expenseType +
    SEP +
    row.serviceArea
  const input =
    (row.reference ?? '') + SEP + row.date + SEP + String(row.amountPence) + SEP + text.toLowerCase()
  return hash('sha256', input, 'hex').slice(0, 40)
}

/**
 * A good row. Its content hash is worked out when first asked for: a validate pass needs it only for
 * the rows whose key the ledger already holds (duplicate or changed?), so a first import never hashes
 * a row twice.
 */
class ReadRow implements LedgerRow {
  private hash_: string | undefined
  period: string
  financialYear: string
  dedupeKey = ''
  constructor(
    public line: number,
    public reference: string | null,
    public date: string,
    public amountPence: number,
    public supplier: string,
    public description: string,
    public costCentre: string,
    public accountCode: string,
    public expenseType: string,
    public serviceArea: string,
  ) {
    this.period = date.slice(0, 7)
    this.financialYear = financialYearLabel(date)
  }

  get contentHash(): string {
    if (this.hash_ === undefined) this.hash_ = contentHashOf(this)
    return this.hash_
  }
}

const TOTAL_LINE = /^(grand |sub-?)?totals?\b/i

/**
 * Reads rows as payments, one at a time and synchronously (the import reads a file in chunks of rows and
 * hands each chunk over whole). Before the headings it looks for them; after, every row comes out as good,
 * bad (with a reason) or blank, so the caller can account for each one.
 */
export class RowInterpreter {
  layout: Layout | null = null
  /** The headings were not found near the top: stop reading and call finish(), which says why. */
  gaveUp = false
  private searched = 0
  private firstCandidate: { cells: string[]; line: number } | null = null
  // The nth time a transaction number (or, without one, identical content) appears in this file: a
  // payment split over several lines, or two genuinely identical invoices, stays two rows, and the same
  // file imported again gives the same keys.
  // Keyed by the transaction number itself (and, apart, by the content hash): no key string is built per
  // row just to count it. Every distinct one is held to the end of the file, compactly (ledger-occurrences.ts).
  private readonly refOccurrences = new OccurrenceCounter()
  private readonly hashOccurrences = new OccurrenceCounter()
  private readonly dateFormat: DateFormat
  // Column positions of the layout, -1 where the file has no such column.
  private cDate = -1
  private cAmount = -1
  private cReference = -1
  private cSupplier = -1
  private cDescription = -1
  private cCostCentre = -1
  private cAccountCode = -1
  private cExpenseType = -1
  private cServiceArea = -1
  private width = 0

  constructor(
    private readonly options: ReadOptions,
    private readonly onLayout: (layout: Layout) => void,
  ) {
    this.dateFormat = options.dateFormat ?? 'auto'
  }

  /** The outcome of one row; null for rows before (and including) the headings. */
  read(src: SourceRow): RowOutcome | null {
    if (this.layout === null) {
      this.look(src)
      return null
    }
    if (isBlank(src.cells)) return { kind: 'blank', line: src.line }
    return this.readRow(src)
  }

  /** At the end of the rows: throws NotALedgerError when no headings were found. */
  finish(): void {
    if (this.layout !== null) return
    const options = this.options
    const seen = this.firstCandidate ? describeRow(this.firstCandidate.cells) : ''
    const wanted = options.mapping
      ? `the headings of the saved mapping (${Object.values(options.mapping).filter(Boolean).join(', ')})`
      : 'a payment date and an amount column (for example the LGA spend headings PaymentDate and Amount)'
    throw new NotALedgerError(
      `This file does not look like a ledger: no row near the top has ${wanted}.` +
        (seen ? ` The headings found were: ${seen}.` : ' No headings were found.'),
      this.firstCandidate?.cells ?? [],
      this.firstCandidate?.line ?? 0,
    )
  }

  private look(src: SourceRow): void {
    const options = this.options
    if (this.gaveUp || src.line <= (options.skipLines ?? 0) || isBlank(src.cells)) return
    const match = options.mapping ? matchMapping(src.cells, options.mapping) : recogniseHeadings(src.cells)
    if (match) {
      const layout = { ...match, headingLine: src.line, headings: src.cells.map(clean) }
      this.layout = layout
      const at = (f: LedgerField) => layout.columns[f] ?? -1
      this.cDate = at('date')
      this.cAmount = at('amount')
      this.cReference = at('reference')
      this.cSupplier = at('supplier')
      this.cDescription = at('description')
      this.cCostCentre = at('costCentre')
      this.cAccountCode = at('accountCode')
      this.cExpenseType = at('expenseType')
      this.cServiceArea = at('serviceArea')
      this.width = layout.headings.length
      this.onLayout(layout)
      return
    }
    const nonEmpty = src.cells.filter((c) => clean(c) !== '').length
    const best = this.firstCandidate
    if (!best || nonEmpty > best.cells.filter((c) => clean(c) !== '').length) {
      if (nonEmpty >= 2) this.firstCandidate = { cells: src.cells.map(clean), line: src.line }
    }
    if (++this.searched >= HEADING_SEARCH_ROWS) this.gaveUp = true
  }

  private bad(src: SourceRow, reason: string): RowOutcome {
    return {
      kind: 'bad',
      line: src.line,
      reason: printable(reason),
      raw: printable(rawText(src, this.options.delimiter ?? ',')),
    }
  }

  private readRow(src: SourceRow): RowOutcome {
    const cells = src.cells
    const dateText = cellAt(cells, this.cDate)
    if (dateText === '') {
      let first = ''
      for (const c of cells) {
        first = clean(c)
        if (first !== '') break
      }
      if (TOTAL_LINE.test(first)) return this.bad(src, `A total line (“${first}”), not a payment`)
    }
    const date = parseLedgerDate(dateText, this.dateFormat)
    if (!date.ok) return this.bad(src, date.reason)
    // A row with more cells than headings has an unquoted delimiter in it: its columns have shifted and
    // any amount read from it would be a guess. Trailing empty cells are only padding.
    const headings = this.width
    let width = cells.length
    while (width > headings && clean(cells[width - 1]) === '') width--
    if (width > headings) {
      return this.bad(
        src,
        `The row has ${width} columns but the headings have ${headings}, so its columns have shifted (a comma or semicolon in a name that was not quoted?)`,
      )
    }
    const amountText = cellAt(cells, this.cAmount)
    const amount = parseLedgerAmount(amountText)
    if (!amount.ok) {
      if (cells.length < headings && amountText === '')
        return this.bad(
          src,
          `The row has ${cells.length} columns but the headings have ${headings}, and no amount`,
        )
      return this.bad(src, amount.reason)
    }
    const row = new ReadRow(
      src.line,
      cellAt(cells, this.cReference) || null,
      date.value,
      amount.value,
      cellAt(cells, this.cSupplier),
      cellAt(cells, this.cDescription),
      cellAt(cells, this.cCostCentre),
      cellAt(cells, this.cAccountCode),
      cellAt(cells, this.cExpenseType),
      cellAt(cells, this.cServiceArea),
    )
    const ref = row.reference
    const key = ref ?? row.contentHash
    const n = (ref !== null ? this.refOccurrences : this.hashOccurrences).next(key)
    row.dedupeKey = `${ref !== null ? 'ref' : 'hash'}:${key}#${n}`
    return { kind: 'good', row }
  }
}

function cellAt(cells: readonly string[], i: number): string {
  return i < 0 ? '' : clean(cells[i])
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
  const interpreter = new RowInterpreter(options, onLayout)
  for await (const src of source) {
    const o = interpreter.read(src)
    if (o !== null) yield o
    else if (interpreter.gaveUp) break
  }
  interpreter.finish()
}
