/**
 * Reads an imported file (a ledger now; indicators, portfolio and posts later) as a stream of rows,
 * whatever its format: CSV in UTF-8 (with or without a byte
 * order mark) or Windows-1252/ISO-8859-1, `,` `;` or tab delimited, with CR, LF or mixed line ends and
 * quoted cells over several lines; or the first worksheet of an XLSX workbook. Rows are read one at a
 * time from a stream of the file's bytes, so memory stays flat however large the file is. The import takes
 * them in chunks (readRowBatches): one await per chunk of a few hundred rows rather than per row. Uploads
 * are read in a worker thread with limits (src/imports/parse-worker.ts), never on the main thread.
 */
import { createReadStream } from 'node:fs'
import { open } from 'node:fs/promises'
import type { Readable } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
import type { CellValue } from 'exceljs'
import { CsvTokenizer, UnclosedQuoteError } from './csv-tokenizer.ts'

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
  /**
   * The row as written, when its cells joined with the delimiter would not give it back (a row with
   * quotes, a worksheet row). Most rows have no quotes and carry no copy of themselves: it is needed only
   * for a row that cannot be read, and was half of the text handed from the reading thread (rawText).
   */
  raw?: string
}

/** The row as written in the file, for the person importing: see SourceRow.raw. */
export function rawText(src: SourceRow, delimiter: string): string {
  return src.raw ?? src.cells.join(delimiter)
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

export const SAMPLE_BYTES = 64 * 1024
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

/** Looks at the start of a file on disk (see sniffSample). */
export async function sniff(
  path: string,
  hints: { encoding?: string; delimiter?: string } = {},
): Promise<SourceShape> {
  return sniffSample(await readSample(path), hints)
}

/** Looks at the start of the file: XLSX by its ZIP signature, otherwise CSV in the encoding the bytes fit. */
export function sniffSample(
  sample: Buffer,
  hints: { encoding?: string; delimiter?: string } = {},
): SourceShape {
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
 * UTF-8 goes through Node's own decoder (several times faster than TextDecoder on a 60 MB file); like it,
 * an invalid byte becomes the replacement character, which the cleaning then drops.
 */
class LineDecoder {
  private readonly decode_: (chunk?: Buffer) => string
  private pendingCr = false

  constructor(encoding: Encoding) {
    if (encoding === 'utf-8') {
      const decoder = new StringDecoder('utf8')
      this.decode_ = (chunk) => (chunk ? decoder.write(chunk) : decoder.end())
    } else {
      const decoder = new TextDecoder(encoding)
      this.decode_ = (chunk) => (chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode())
    }
  }

  private lines(text: string): string {
    let s = this.pendingCr ? `\r${text}` : text
    this.pendingCr = s.endsWith('\r')
    if (this.pendingCr) s = s.slice(0, -1)
    return s.includes('\r') ? s.replace(/\r\n?/g, '\n') : s
  }

  write(chunk: Buffer): string {
    return this.lines(this.decode_(chunk))
  }

  end(): string {
    const s = this.lines(this.decode_())
    return this.pendingCr ? `${s}\n` : s
  }
}

async function* csvRows(
  file: Readable,
  shape: SourceShape,
  onBytes?: (n: number) => void,
): AsyncGenerator<SourceRow[]> {
  const decoder = new LineDecoder(shape.encoding)
  const tokenizer = new CsvTokenizer(shape.delimiter, MAX_RECORD_CHARS)
  let rows: SourceRow[] = []
  let lastLine = 0
  let failure: SourceError | null = null
  try {
    for await (const chunk of file as AsyncIterable<Buffer>) {
      onBytes?.(chunk.length)
      tokenizer.push(decoder.write(chunk), rows)
      if (rows.length > 0) {
        lastLine = rows[rows.length - 1]!.line
        yield rows
        rows = []
      }
    }
    tokenizer.push(decoder.end(), rows)
    tokenizer.end(rows)
  } catch (err) {
    if (err instanceof UnclosedQuoteError) {
      failure = new SourceError(
        `A quoted cell that starts on line ${err.line} is never closed, so nothing from line ${err.line} to the end of the file could be read`,
        err.line,
      )
    } else {
      const message = err instanceof Error ? err.message : String(err)
      failure = new SourceError(`The file could not be read after line ${lastLine}: ${message}`, lastLine + 1)
    }
  } finally {
    file.destroy()
  }
  // The rows completed before the unreadable point are still read (and counted) before it is reported.
  if (rows.length > 0) yield rows
  if (failure) throw failure
}

/** An XLSX number cell as the decimal text that was typed: 1534.2399999999998 was typed as 1534.24. */
export function numberCellText(n: number): string {
  if (!Number.isFinite(n)) return String(n)
  const text = String(n)
  if (!/e/i.test(text) && !/\.\d{3,}/.test(text)) return text
  const hundredths = n * 100
  if (Math.abs(hundredths - Math.round(hundredths)) < 1e-6) return n.toFixed(2)
  return text
}

function cellText(value: CellValue): string {
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

/** Called with each block of bytes unpacked from the workbook's zip entries, to bound a zip bomb. */
export type UnpackedWatcher = (entry: Readable) => void

async function* xlsxRows(
  input: Readable,
  onBytes?: (n: number) => void,
  watchUnpacked?: UnpackedWatcher,
): AsyncGenerator<SourceRow[]> {
  // Loaded when a workbook is read: it is a large library, and most imports (and every other command)
  // are CSV.
  const { default: ExcelJS } = await import('exceljs')
  if (watchUnpacked) watchZipEntries(input, watchUnpacked)
  if (onBytes) input.on('data', (chunk: Buffer) => onBytes(chunk.length))
  const reader = new ExcelJS.stream.xlsx.WorkbookReader(input, {
    sharedStrings: 'cache',
    styles: 'cache',
    hyperlinks: 'ignore',
    worksheets: 'emit',
    entries: 'ignore',
  })
  let rows: SourceRow[] = []
  try {
    // The first worksheet only: a finance export's other sheets are notes and pivot tables.
    for await (const sheet of reader) {
      for await (const row of sheet) {
        const values = row.values as CellValue[]
        const cells: string[] = []
        for (let i = 1; i < values.length; i++) cells.push(cellText(values[i]))
        rows.push({ line: row.number, cells, raw: cells.join(', ') })
        if (rows.length >= XLSX_BATCH) {
          yield rows
          rows = []
        }
      }
      break
    }
  } catch (err) {
    if (rows.length > 0) yield rows
    if (err instanceof SourceError) throw err
    const message = err instanceof Error ? err.message : String(err)
    throw new SourceError(`The workbook could not be read: ${message}`, 0)
  } finally {
    input.destroy()
  }
  if (rows.length > 0) yield rows
}

const XLSX_BATCH = 500

/**
 * ExcelJS unzips the workbook itself and gives no say over how much an entry may inflate to. It pipes
 * the input into its unzipper, which pushes one stream per zip entry: catching that pipe lets every
 * entry's unpacked bytes be counted as they come out, so a small file that unpacks to gigabytes is
 * stopped by its size, not by running out of memory.
 */
function isZipEntry(chunk: unknown): chunk is Readable {
  return chunk !== null && typeof chunk === 'object' && 'path' in chunk
}

function watchZipEntries(input: Readable, watch: UnpackedWatcher): void {
  const pipe = input.pipe.bind(input)
  input.pipe = <T extends NodeJS.WritableStream>(dest: T, options?: { end?: boolean }): T => {
    const unzipper = dest as unknown as { push: (chunk: unknown) => boolean }
    const push = unzipper.push.bind(unzipper)
    unzipper.push = (chunk: unknown) => {
      if (isZipEntry(chunk)) watch(chunk)
      return push(chunk)
    }
    return pipe(dest, options)
  }
}

/** Every row of the file in order, blank ones included, in chunks as they are read. */
export function readRowBatches(
  input: Readable,
  shape: SourceShape,
  onBytes?: (n: number) => void,
  watchUnpacked?: UnpackedWatcher,
): AsyncGenerator<SourceRow[]> {
  return shape.format === 'xlsx' ? xlsxRows(input, onBytes, watchUnpacked) : csvRows(input, shape, onBytes)
}

/** Every row of a file on disk in order, blank ones included (the caller decides what a blank row means). */
export async function* readRows(
  path: string,
  shape: SourceShape,
  onBytes?: (n: number) => void,
): AsyncGenerator<SourceRow> {
  const input = createReadStream(path, { highWaterMark: 256 * 1024 })
  for await (const rows of readRowBatches(input, shape, onBytes)) yield* rows
}
