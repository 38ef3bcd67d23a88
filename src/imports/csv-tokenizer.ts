/**
 * A small, fast CSV tokenizer for imported files (RFC 4180 quoting, relaxed as spreadsheets write it).
 * csv-parse took most of the import's time on a year of spend; rows without quotes (nearly all of
 * them) are split with one `indexOf` and one `split` here. Text must already have "\n" line ends.
 */
import type { SourceRow } from './file-reader.ts'

export class UnclosedQuoteError extends Error {
  constructor(public readonly line: number) {
    super(`A quoted cell that starts on line ${line} is never closed`)
  }
}

const QUOTE = 34 // "

export class CsvTokenizer {
  private rest = ''
  private line = 1
  private started = false

  constructor(
    private readonly delimiter: string,
    private readonly maxRecordChars: number,
  ) {}

  /** Rows completed by this chunk of text; an unfinished last row waits for the next chunk. */
  push(chunk: string, out: SourceRow[]): void {
    let text = this.rest + chunk
    if (!this.started) {
      this.started = true
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
    }
    const consumed = this.scan(text, false, out)
    this.rest = text.slice(consumed)
    if (this.rest.length > this.maxRecordChars) throw new UnclosedQuoteError(this.line)
  }

  /** The last row, which may have no line end. */
  end(out: SourceRow[]): void {
    if (this.rest.length > 0) this.scan(this.rest, true, out)
    this.rest = ''
  }

  /** Reads whole rows from `text`; returns how much of it was used. */
  private scan(text: string, final: boolean, out: SourceRow[]): number {
    const d = this.delimiter
    let pos = 0
    const len = text.length
    while (pos < len) {
      let nl = text.indexOf('\n', pos)
      if (nl < 0) {
        if (!final) return pos
        nl = len
      }
      const q = text.indexOf('"', pos)
      if (q < 0 || q > nl) {
        // No quotes in this row: the common case. Its cells joined give the row back (rawText).
        out.push({ line: this.line, cells: text.slice(pos, nl).split(d) })
        this.line++
        pos = nl + 1
        continue
      }
      const end = this.quoted(text, pos, nl, final, out)
      if (end < 0) return pos
      pos = end
    }
    return pos
  }

  /**
   * A row with quotes, cell by cell; -1 when it runs past the text (more is needed). `nl` is the line end
   * the row would have without quotes: looked up again only after a quoted cell that holds a line end.
   */
  private quoted(text: string, start: number, nl: number, final: boolean, out: SourceRow[]): number {
    const d = this.delimiter
    const len = text.length
    const cells: string[] = []
    let cell = ''
    let pos = start
    let lines = 0
    let fieldStart = true
    for (;;) {
      if (pos >= len) {
        if (!final) return -1
        cells.push(cell)
        break
      }
      const c = text.charCodeAt(pos)
      if (fieldStart && c === QUOTE) {
        // A quoted cell: runs to the next lone quote, "" is a quote, line ends are kept.
        let j = pos + 1
        for (;;) {
          const k = text.indexOf('"', j)
          if (k < 0) {
            if (!final) return -1
            throw new UnclosedQuoteError(this.line)
          }
          if (k > nl) {
            // The quoted cell runs over a line end (or several): count them, as people number lines.
            for (let i = text.indexOf('\n', j); i >= 0 && i < k; i = text.indexOf('\n', i + 1)) lines++
          }
          cell += text.slice(j, k)
          if (k + 1 >= len && !final) return -1
          if (text.charCodeAt(k + 1) === QUOTE) {
            cell += '"'
            j = k + 2
            continue
          }
          pos = k + 1
          break
        }
        if (pos > nl) {
          nl = text.indexOf('\n', pos)
          if (nl < 0) nl = final ? len : -1
        }
        fieldStart = false
        continue
      }
      // An unquoted cell (or what follows a closing quote): up to the next delimiter or line end.
      // A stray quote inside it is part of the cell as written.
      fieldStart = false
      const di = text.indexOf(d, pos)
      const ni = nl >= len ? -1 : nl
      if (di < 0 && ni < 0) {
        if (!final) return -1
        cells.push(cell + text.slice(pos))
        pos = len
        break
      }
      if (di >= 0 && (ni < 0 || di < ni)) {
        cells.push(cell + text.slice(pos, di))
        cell = ''
        pos = di + d.length
        fieldStart = true
        if (pos >= len && !final) return -1
        continue
      }
      cells.push(cell + text.slice(pos, ni))
      pos = ni + 1
      break
    }
    const rawEnd = text.charCodeAt(pos - 1) === 10 ? pos - 1 : pos
    out.push({ line: this.line, cells, raw: text.slice(start, rawEnd) })
    this.line += lines + 1
    return pos
  }
}
