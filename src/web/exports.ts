import { PassThrough, Readable } from 'node:stream'
import type { stream } from 'exceljs'
import { setImmediate } from 'node:timers/promises'
import { once } from 'node:events'
import { Type } from '@sinclair/typebox'
import type { FastifyReply } from 'fastify'
import { todayInLondon } from '../domain/dates.ts'
import { penceToDecimal } from '../domain/money.ts'
import { apiList } from './pagination.ts'

/**
 * Every CSV and Excel download goes through this module: lists, the people register, the spend file, open
 * data and the finance workbook. It is the one home of three rules:
 *
 * - Formulas are neutralised in text cells (OWASP "CSV injection"): a text cell starting =, +, -, @, tab or
 *   carriage return gets a leading apostrophe in CSV, and in Excel is written as an inline string, which a
 *   spreadsheet never evaluates. A supplier called "=HYPERLINK(…)" must never become a live link on a
 *   council desktop. Numbers, money and dates are not text: a negative amount stays a number.
 * - Money is exact: a decimal string of pounds in CSV (from integer pence, never a float), a number of pounds
 *   with a currency format in Excel.
 * - Rows are streamed as they are read, so a long list never sits in memory whole.
 */

const FORMULA_START = /^[=+\-@\t\r]/

export function neutraliseFormula(value: string): string {
  return FORMULA_START.test(value) ? `'${value}` : value
}

export type Cell = string | number | null | undefined

/**
 * `text` is neutralised; `money` holds integer pence; `date` an ISO date (YYYY-MM-DD); `number` a number or
 * an exact decimal string such as "-12.50" (a figure held in hundredths, written without a float's error).
 */
export type CellKind = 'text' | 'number' | 'money' | 'date'

export interface Column<R> {
  header: string
  kind?: CellKind
  value: (row: R) => Cell
  /** Width in characters in Excel. */
  width?: number
}

export interface ExportSpec<R> {
  /** The file name's stem and the sheet's name, such as "projects". */
  name: string
  /** The sheet's name in Excel, when not the name's. */
  sheet?: string
  columns: readonly Column<R>[]
}

export type ExportFormat = 'csv' | 'xlsx'

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/
const DECIMAL = /^-?\d+(\.\d+)?$/

/** One CSV cell, quoted when it holds a delimiter, quote or line break (RFC 4180). */
export function csvCell(value: Cell, kind: CellKind = 'text'): string {
  if (value === null || value === undefined || value === '') return ''
  let text: string
  if (typeof value === 'number') text = kind === 'money' ? penceToDecimal(value) : String(value)
  else if ((kind === 'date' && ISO_DATE.test(value)) || (kind === 'number' && DECIMAL.test(value)))
    text = value
  else text = neutraliseFormula(value)
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
}

function csvRow(cells: readonly Cell[], kinds: readonly (CellKind | undefined)[] = []): string {
  return `${cells.map((c, i) => csvCell(c, kinds[i])).join(',')}\r\n`
}

const BOM = '\uFEFF'

/** CSV text, row by row: a UTF-8 byte order mark first, so Excel opens "£" and accents correctly. */
export async function* csvLines<R>(
  columns: readonly Column<R>[],
  rows: AsyncIterable<R> | Iterable<R>,
): AsyncGenerator<string> {
  const kinds = columns.map((c) => c.kind)
  yield `${BOM}${csvRow(columns.map((c) => c.header))}`
  for await (const row of rows)
    yield csvRow(
      columns.map((c) => c.value(row)),
      kinds,
    )
}

/**
 * A CSV as a stream of chunks of about 64 KiB, each a whole number of rows: a stream of one chunk per row
 * spends more on moving each chunk through the stream and the socket than on the row (open data: 200,000 rows).
 */
export function csvStream<R>(columns: readonly Column<R>[], rows: AsyncIterable<R> | Iterable<R>): Readable {
  async function* chunks() {
    let chunk = ''
    for await (const line of csvLines(columns, rows)) {
      chunk += line
      if (chunk.length >= 65_536) {
        yield chunk
        chunk = ''
      }
    }
    if (chunk !== '') yield chunk
  }
  return Readable.from(chunks())
}

const MONEY_FORMAT = '"£"#,##0.00;[Red]-"£"#,##0.00'
const DATE_FORMAT = 'dd/mm/yyyy'

/** One Excel cell: text as an inline string (never a formula), money in pounds, an ISO date as a date. */
function xlsxCell(value: Cell, kind: CellKind = 'text'): unknown {
  if (value === null || value === undefined || value === '') return null
  if (typeof value === 'number') return kind === 'money' ? value / 100 : value
  if (kind === 'date' && ISO_DATE.test(value)) return new Date(`${value}T00:00:00Z`)
  if (kind === 'number' && DECIMAL.test(value)) return Number(value)
  return { richText: [{ text: value }] }
}

type SheetWriter = ReturnType<stream.xlsx.WorkbookWriter['addWorksheet']>

/** One sheet of a streamed workbook: rows are committed (written out and let go) as they are added. */
export interface Sheet<R> {
  name: string
  columns: readonly Column<R>[]
  rows: AsyncIterable<R> | Iterable<R>
  /** Rows above the header, such as a title. */
  preamble?: string[]
  /** Rows to show in bold (a total), by a test on the row. */
  bold?: (row: R) => boolean
}

/**
 * A sheet of any row type, for a workbook of several: safe because each sheet's rows only ever meet its own
 * columns.
 */
export const sheetOf = <R>(s: Sheet<R>): Sheet<unknown> => s as unknown as Sheet<unknown>

/**
 * Lets the zip compress and the reader take what is written (a turn of the event loop, then until the
 * output has room), so rows are not read faster than they are sent: memory stays flat, however long the list.
 */
async function breathe(out: PassThrough) {
  await setImmediate()
  while (out.writableNeedDrain && !out.destroyed) await Promise.race([once(out, 'drain'), once(out, 'close')])
  if (out.destroyed) throw new Error('The download was abandoned')
}

async function writeSheet<R>(sheet: SheetWriter, s: Sheet<R>, out: PassThrough) {
  s.columns.forEach((c, i) => {
    const col = sheet.getColumn(i + 1)
    col.width = c.width ?? 20
    if (c.kind === 'money') col.numFmt = MONEY_FORMAT
    else if (c.kind === 'date') col.numFmt = DATE_FORMAT
  })
  for (const line of s.preamble ?? []) {
    const row = sheet.addRow([xlsxCell(line)])
    row.font = { bold: true }
    row.commit()
  }
  const head = sheet.addRow(s.columns.map((c) => xlsxCell(c.header)))
  head.font = { bold: true }
  head.commit()
  let n = 0
  for await (const r of s.rows) {
    const row = sheet.addRow(s.columns.map((c) => xlsxCell(c.value(r), c.kind)))
    if (s.bold?.(r)) row.font = { bold: true }
    row.commit()
    if (++n % 200 === 0) await breathe(out)
  }
  sheet.commit()
}

/**
 * A workbook streamed with exceljs's WorkbookWriter: no shared strings table (text is inline), so memory
 * does not grow with the rows. exceljs is loaded on the first export: it is large, and most processes
 * never need it.
 */
export function xlsxStream(sheets: readonly Sheet<unknown>[]): Readable {
  const out = new PassThrough()
  void (async () => {
    const { default: ExcelJS } = await import('exceljs')
    const wb = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: out,
      useStyles: true,
      useSharedStrings: false,
    })
    wb.creator = 'Oversight'
    for (const s of sheets) await writeSheet(wb.addWorksheet(s.name), s, out)
    await wb.commit()
  })().catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))))
  return out
}

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/** "marshland-projects-2026-12-05.csv": the organisation and the day, so two councils' files never mix. */
function exportFileName(organisationSlug: string, name: string, format: ExportFormat): string {
  const safe = (s: string) => s.replace(/[^A-Za-z0-9_-]+/g, '_')
  return `${safe(organisationSlug)}-${safe(name)}-${todayInLondon()}.${format}`
}

function attach(reply: FastifyReply, file: string, format: ExportFormat) {
  reply.header('content-disposition', `attachment; filename="${file}"`)
  reply.type(format === 'csv' ? 'text/csv; charset=utf-8' : XLSX_TYPE)
}

/** Sends rows as a CSV or Excel download, streamed; the caller has applied the reader's filters and visibility. */
export function sendExport<R>(
  reply: FastifyReply,
  format: ExportFormat,
  organisationSlug: string,
  spec: ExportSpec<R>,
  rows: AsyncIterable<R> | Iterable<R>,
) {
  attach(reply, exportFileName(organisationSlug, spec.name, format), format)
  if (format === 'csv') return reply.send(csvStream(spec.columns, rows))
  return reply.send(
    xlsxStream([sheetOf({ name: sheetName(spec.sheet ?? spec.name), columns: spec.columns, rows })]),
  )
}

/** Sends a workbook of several sheets (the finance summary) as a download. */
export function sendWorkbook(
  reply: FastifyReply,
  organisationSlug: string,
  name: string,
  sheets: readonly Sheet<unknown>[],
) {
  attach(reply, exportFileName(organisationSlug, name, 'xlsx'), 'xlsx')
  return reply.send(xlsxStream(sheets))
}

/** Excel allows 31 characters and no []:*?/\ in a sheet's name. */
const sheetName = (name: string) =>
  (name.charAt(0).toUpperCase() + name.slice(1)).replace(/[[\]:*?/\\-]+/g, ' ').slice(0, 31)

/**
 * A list read in windows of `size` rows through the list's own query (the same filters, order and
 * visibility as the page), so an export holds one window in memory, never the whole list.
 */
export async function* inBatches<R>(
  fetch: (window: { offset: number; limit: number }) => Promise<R[]>,
  size = 500,
): AsyncGenerator<R> {
  for await (const rows of inWindows(fetch, size)) yield* rows
}

/** The windows themselves, for a list that narrows each window further (the recommendations tracker). */
export async function* inWindows<R>(
  fetch: (window: { offset: number; limit: number }) => Promise<R[]>,
  size = 500,
): AsyncGenerator<R[]> {
  for (let offset = 0; ; offset += size) {
    const rows = await fetch({ offset, limit: size })
    yield rows
    if (rows.length < size) return
    // SQLite answers synchronously: let other requests in between windows, however fast the reader.
    await setImmediate()
  }
}

/** The `format` an API list takes to answer a file instead of a page of JSON. */
export const ExportFormatQuery = Type.Optional(
  Type.Union([Type.Literal('csv'), Type.Literal('xlsx')], {
    description:
      'Answer the whole list (every page, the same filters) as a CSV or Excel (XLSX) download instead of JSON. ' +
      'Text cells starting =, +, -, @, tab or carriage return are neutralised; money is in pounds.',
  }),
)

/**
 * A table already worked out in memory (the people register, the capacity report): header, rows of cells,
 * and which columns hold money (integer pence), numbers as decimal strings, and dates.
 */
export interface Table {
  name: string
  header: string[]
  rows: Cell[][]
  money: number[]
  /** Columns holding numbers as exact decimal strings (kept numbers, never neutralised as text). */
  numeric?: number[]
  /** Columns holding ISO dates. */
  dates?: number[]
}

function tableSpec(t: Table): ExportSpec<Cell[]> {
  return {
    name: t.name,
    columns: t.header.map((header, i) => ({
      header,
      kind: t.money.includes(i)
        ? 'money'
        : t.numeric?.includes(i)
          ? 'number'
          : t.dates?.includes(i)
            ? 'date'
            : 'text',
      value: (row: Cell[]) => row[i],
    })),
  }
}

/** Sends a table as a CSV or Excel download named for the reader's organisation. */
export function download(reply: FastifyReply, table: Table, file: string, format: ExportFormat) {
  const spec = tableSpec(table)
  return sendExport(
    reply,
    format,
    reply.request.actor!.organisationSlug,
    { ...spec, name: file, sheet: table.name },
    table.rows,
  )
}

export const EXPORT_FORMATS: readonly ExportFormat[] = ['csv', 'xlsx']

/**
 * The "Download CSV" and "Download Excel" links of a list page (the partial src/views/export-links.njk): the
 * page's own query, the current filters and sort, without its paging.
 */
export function exportLinks(path: string, query: object): { csv: string; xlsx: string; what: string } {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query))
    if (k !== 'cursor' && k !== 'format' && (typeof v === 'string' || typeof v === 'number') && v !== '')
      params.set(k, String(v))
  const qs = params.toString()
  // "risks" from "/risks/export": says which list each link downloads when a page has two.
  const what = path.split('/')[1] ?? ''
  return { csv: `${path}.csv${qs ? `?${qs}` : ''}`, xlsx: `${path}.xlsx${qs ? `?${qs}` : ''}`, what }
}

/**
 * An API list's answer: a page of JSON, or with `format` the whole list as a download, read window by window
 * through the same fetch (the same filters, order and visibility).
 */
export async function apiListOrExport<R, J>(
  reply: FastifyReply,
  query: { cursor?: string; limit?: number; format?: ExportFormat },
  fetch: (window: { offset: number; limit: number }) => Promise<R[]>,
  toJson: (row: R) => J | Promise<J>,
  spec: ExportSpec<R>,
) {
  if (query.format)
    return sendExport(reply, query.format, reply.request.actor!.organisationSlug, spec, inBatches(fetch))
  return apiList(query, fetch, toJson)
}
