/**
 * The ledger's own CSV tokenizer against a reference parser (csv-parse): the same cells from any
 * RFC 4180 text, however the text is cut into chunks as it arrives from the stream.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parse } from 'csv-parse/sync'
import fc from 'fast-check'
import { rawText, type SourceRow } from './file-reader.ts'
import { CsvTokenizer, UnclosedQuoteError } from './csv-tokenizer.ts'

// Cells are drawn from the characters that matter to CSV (delimiters, quotes, line ends, spaces),
// with letters, digits, £ and a character outside the Basic Multilingual Plane.
const cellChar = fc.constantFrom('a', 'B', '7', ' ', ',', ';', '"', '\n', '£', 'é', '😀', '.', '-')
const cell = fc.string({ unit: cellChar, maxLength: 12 })
// A row with one empty cell would be an empty line, which the two parsers treat differently on purpose
// (csv-parse keeps it as one empty cell only with options we do not use), so every row has content.
const row = fc
  .array(cell, { minLength: 1, maxLength: 6 })
  .filter((cells) => cells.length > 1 || cells[0] !== '')

function encode(cells: string[], delimiter: string): string {
  return cells
    .map((c) =>
      c.includes(delimiter) || c.includes('"') || c.includes('\n') ? `"${c.replaceAll('"', '""')}"` : c,
    )
    .join(delimiter)
}

/** Cuts `text` at the given fractions of its length: the chunks a stream might deliver. */
function chunks(text: string, cuts: number[]): string[] {
  const points = [...new Set(cuts.map((f) => Math.floor(f * text.length)))].sort((a, b) => a - b)
  const out: string[] = []
  let from = 0
  for (const p of points) {
    out.push(text.slice(from, p))
    from = p
  }
  out.push(text.slice(from))
  return out
}

function tokenize(parts: string[], delimiter: string): SourceRow[] {
  const tokenizer = new CsvTokenizer(delimiter, 1_000_000)
  const out: SourceRow[] = []
  for (const part of parts) tokenizer.push(part, out)
  tokenizer.end(out)
  return out
}

describe('the ledger CSV tokenizer against csv-parse', () => {
  it('reads the same cells and starting lines, whatever the chunk boundaries', () => {
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 1, maxLength: 25 }),
        fc.constantFrom(',', ';', '|'),
        fc.boolean(),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 8 }),
        (rows, delimiter, finalNewline, cuts) => {
          const text = rows.map((r) => encode(r, delimiter)).join('\n') + (finalNewline ? '\n' : '')
          const reference: string[][] = parse(text, { delimiter, relax_column_count: true })
          const ours = tokenize(chunks(text, cuts), delimiter)
          assert.deepEqual(
            ours.map((r) => r.cells),
            reference,
          )
          // Lines as a text editor numbers them: a quoted line end inside a cell moves the next row down.
          let line = 1
          const expectedLines = rows.map((r) => {
            const start = line
            line += 1 + r.join('').split('\n').length - 1
            return start
          })
          assert.deepEqual(
            ours.map((r) => r.line),
            expectedLines,
          )
          // The row as written, for a row that cannot be read, whether or not it kept a copy of itself.
          assert.deepEqual(
            ours.map((r) => rawText(r, delimiter)),
            rows.map((r) => encode(r, delimiter)),
          )
        },
      ),
      { numRuns: 2000 },
    )
  })

  it('keeps no copy of a row without quotes, only of one with them', () => {
    const ours = tokenize(['date,amount,supplier\n2024-04-01,12.50,Acme\n2024-04-02,3.00,"Smith, J"\n'], ',')
    assert.deepEqual(
      ours.map((r) => r.raw),
      [undefined, undefined, '2024-04-02,3.00,"Smith, J"'],
    )
  })

  it('drops a byte-order mark however the first chunk is cut', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), (cut) => {
        const text = '\ufeffdate,amount\n2024-04-01,12.50\n'
        const ours = tokenize([text.slice(0, cut), text.slice(cut)], ',')
        assert.deepEqual(
          ours.map((r) => r.cells),
          [
            ['date', 'amount'],
            ['2024-04-01', '12.50'],
          ],
        )
      }),
    )
  })

  it('names the line of a quote that is never closed', () => {
    assert.throws(
      () => tokenize(['a,b\n', 'c,"open\nd,e\n'], ','),
      (error: unknown) => error instanceof UnclosedQuoteError && error.line === 2,
    )
  })
})
