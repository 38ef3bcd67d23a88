/**
 * Reads a ledger file as a stream of rows, whatever its format: CSV in UTF-8 (with or without a byte
 * order mark) or Windows-1252/ISO-8859-1, `,` `;` or tab delimited, with CR, LF or mixed line ends and
 * quoted cells over several lines; or the first worksheet of an XLSX workbook. Rows are read one at a
 * time from the file on disk, so memory stays flat however large the file is.
 */
import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import { Transform, type TransformCallback } from 'node:stream'
import ExcelJS from 'exceljs'
import { CsvTokenizer, UnclosedQuoteError } from './ledger.csv-tokenizer.ts'
import { numberCellText } from './ledger.formats.ts'

export type FileFormat = 'csv' | 'xlsx'
export type Encoding = 'utf-8' | 'windows-1252'

export interface SourceShape {
  format: FileFormat
  encoding: Encoding
  delimiter: string
}

export interface SourceRow {
  /** The line (CSV) or row (XLSX) the record starts on, as a spreadsheet or text editor numbers it. */
  line: number
  cells: string[]
  raw: string
}

/** A row that could not be read at all; reading stops there (for example an unclosed quote). */
export class SourceError extends Error {
  constructor(
    message: string,
    public readonly line: number,
  ) {
    super(message)
  }
}

const SAMPLE_BYTES = 64 * 1024
/** A "row" longer than this is a runaway quote, not data; stop rather than read the file into one cell. */
const MAX_RECORD_CHARS = 200_000

async function readSample(path: string): Promise<Buffer> {
  const handle = await open(path, 'r')
  try {
    const buffer = Buffer.alloc(SAMPLE_BYTES)
    const { bytesRead } = await handle.read(buffer, 0, SAMPLE_BYTES, 0)
    return buffer.subarray(0, bytesRead)
  } finally {
    await handle.close()
  }
}

function looksLikeUtf8(sample: Buffer): boolean {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return true
  try {
    // `stream: true` so a character cut in half at the end of the sample is not an error.
    new TextDecoder('utf-8', { fatal: true }).decode(sample, { stream: true })
    return true
  } catch {
    return false
  }
}

/** The delimiter used most evenly across the sample's first lines (headings and data agree on it). */
export function guessDelimiter(text: string): string {
  const lines = text.split(/\r\n|\r|\n/).slice(0, 40)
  let best = ','
  let bestScore = -1
  for (const d of [',', ';', '\t', '|']) {
    const counts = lines.map((l) => l.split(d).length - 1)
    const max = Math.max(0, ...counts)
    const score = max === 0 ? 0 : max * 1000 + counts.filter((c) => c === max).length
    if (score > bestScore) {
      best = d
      bestScore = score
    }
  }
  return best
}

/** Looks at the start of the file: XLSX by its ZIP signature, otherwise CSV in the encoding the bytes fit. */
export async function sniff(
  path: string,
  hints: { encoding?: string; delimiter?: string } = {},
): Promise<SourceShape> {
  const sample = await readSample(path)
  if (sample[0] === 0x50 && sample[1] === 0x4b && sample[2] === 0x03 && sample[3] === 0x04) {
    return { format: 'xlsx', encoding: 'utf-8', delimiter: '' }
  }
  const encoding: Encoding =
    hints.encoding === 'utf-8' || hints.encoding === 'windows-1252'
      ? hints.encoding
      : looksLikeUtf8(sample)
        ? 'utf-8'
        : 'windows-1252'
  const text = new TextDecoder(encoding).decode(sample)
  const delimiter = hints.delimiter && hints.delimiter !== 'auto' ? hints.delimiter : guessDelimiter(text)
  return { format: 'csv', encoding, delimiter }
}

/**
 * Bytes → text in the file's encoding, with every line end made "\n": files saved on old Macs (CR) or
 * stitched together from several systems (CRLF, CR and LF in one file) then count lines as people do.
 */
class DecodeLines extends Transform {
  private readonly decoder: TextDecoder
  private pendingCr = false

  constructor(encoding: Encoding) {
    super({ readableObjectMode: false, decodeStrings: true, encoding: 'utf8' })
    this.decoder = new TextDecoder(encoding)
  }

  private emit_(text: string): void {
    let s = this.pendingCr ? `\r${text}` : text
    this.pendingCr = s.endsWith('\r')
    if (this.pendingCr) s = s.slice(0, -1)
    if (s.length > 0) this.push(s.replace(/\r\n?/g, '\n'))
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.emit_(this.decoder.decode(chunk, { stream: true }))
    done()
  }

  override _flush(done: TransformCallback): void {
    this.emit_(this.decoder.decode())
    if (this.pendingCr) this.push('\n')
    done()
  }
}

async function* csvRows(
  path: string,
  shape: SourceShape,
  onBytes?: (n: number) => void,
): AsyncGenerator<SourceRow> {
  const file = createReadStream(path, { highWaterMark: 256 * 1024 })
  if (onBytes) file.on('data', (chunk) => onBytes(chunk.length))
  const decoded = file.pipe(new DecodeLines(shape.encoding))
  file.on('error', (err) => decoded.destroy(err))
  const tokenizer = new CsvTokenizer(shape.delimiter, MAX_RECORD_CHARS)
  const rows: SourceRow[] = []
  let lastLine = 0
  try {
    for await (const chunk of decoded as AsyncIterable<string>) {
      tokenizer.push(chunk, rows)
      for (const row of rows) yield row
      if (rows.length > 0) lastLine = rows[rows.length - 1]!.line
      rows.length = 0
    }
    tokenizer.end(rows)
    for (const row of rows) yield row
  } catch (err) {
    if (err instanceof UnclosedQuoteError) {
      throw new SourceError(
        `A quoted cell that starts on line ${err.line} is never closed, so nothing from line ${err.line} to the end of the file could be read`,
        err.line,
      )
    }
    const message = err instanceof Error ? err.message : String(err)
    throw new SourceError(`The file could not be read after line ${lastLine}: ${message}`, lastLine + 1)
  } finally {
    file.destroy()
  }
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'number') return numberCellText(value)
  if (typeof value === 'string') return value
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE'
  if (value instanceof Date) {
    // Spreadsheet dates are calendar days stored as UTC midnight; take the day as written.
    return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10)
  }
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('')
    if ('result' in value) return cellText(value.result)
    if ('text' in value && typeof value.text === 'string') return value.text
    if ('error' in value) return ''
  }
  return ''
}

async function* xlsxRows(path: string, onBytes?: (n: number) => void): AsyncGenerator<SourceRow> {
  const input = createReadStream(path)
  if (onBytes) input.on('data', (chunk) => onBytes(chunk.length))
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  })
  try {
    // The first worksheet only: a finance export's other sheets are notes and pivot tables.
    for await (const sheet of reader) {
      for await (const row of sheet) {
        const values = row.values as ExcelJS.CellValue[]
        const cells: string[] = []
        for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]))
        yield { line: row.number, cells, raw: cells.join(', ') }
      }
      break
    }
  } catch (err) {
    if (err instanceof SourceError) throw err
    const message = err instanceof Error ? err.message : String(err)
    throw new SourceError(`The workbook could not be read: ${message}`, 0)
  } finally {
    input.destroy()
  }
}

/** Every row of the file in order, blank ones included (the caller decides what a blank row means). */
export function readRows(
  path: string,
  shape: SourceShape,
  onBytes?: (n: number) => void,
): AsyncGenerator<SourceRow> {
  return shape.format === 'xlsx' ? xlsxRows(path, onBytes) : csvRows(path, shape, onBytes)
}
