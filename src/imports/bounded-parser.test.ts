import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { describe, it } from 'node:test'
import { xlsxBomb } from '../../test/helpers/xlsx-bomb.ts'
import { sniffSample } from './file-reader.ts'
import { FileRefusedError, parseRows } from './bounded-parser.ts'

async function all(text: string, opts: Parameters<typeof parseRows>[2] = {}) {
  const bytes = Buffer.from(text)
  // In small pieces, as the file store hands them over.
  const pieces: Buffer[] = []
  for (let i = 0; i < bytes.length; i += 7) pieces.push(bytes.subarray(i, i + 7))
  const rows = []
  for await (const batch of parseRows(Readable.from(pieces), sniffSample(bytes), opts)) rows.push(...batch)
  return rows
}

describe('parseRows (bounded worker)', () => {
  it('reads the rows of a CSV file in order, with their line numbers', async () => {
    const rows = await all('a,b\n1,"two\nlines"\n3,4\n')
    assert.deepEqual(
      rows.map((r) => [r.line, r.cells]),
      [
        [1, ['a', 'b']],
        [2, ['1', 'two\nlines']],
        [4, ['3', '4']],
      ],
    )
  })

  it('refuses a cell longer than a spreadsheet cell can be', async () => {
    await assert.rejects(all(`a,b\n1,${'x'.repeat(40_000)}\n`), (err: unknown) => {
      assert.ok(err instanceof FileRefusedError)
      assert.match(err.message, /A cell in row 2 holds more than 32767 characters/)
      return true
    })
  })

  it('refuses too many rows and too many columns', async () => {
    await assert.rejects(all('a\n1\n2\n3\n', { limits: { maxRows: 2 } }), /more than 2 rows/)
    await assert.rejects(all('a,b,c,d\n', { limits: { maxColumns: 3 } }), /Row 1 has more than 3 columns/)
  })

  it('stops a worker that works too long without getting anywhere', async () => {
    // Unpacking and parsing 60 MB of shared strings takes longer than this, with memory to spare.
    const bomb = xlsxBomb(60)
    await assert.rejects(
      (async () => {
        const opts = { stepTimeoutMs: 200, heapMb: 1024 }
        for await (const _ of parseRows(Readable.from([bomb]), sniffSample(bomb), opts)) void _
      })(),
      (err: unknown) => err instanceof FileRefusedError && /longer than/.test(err.message),
    )
  })

  it('refuses a workbook that unpacks to more than the limit', async () => {
    const bomb = xlsxBomb(20)
    await assert.rejects(
      (async () => {
        const opts = { limits: { maxUnpackedBytes: 8 * 1024 * 1024 } }
        for await (const _ of parseRows(Readable.from([bomb]), sniffSample(bomb), opts)) void _
      })(),
      (err: unknown) => err instanceof FileRefusedError && /unpacks to more than 8 MB/.test(err.message),
    )
  })

  it('reads a workbook whose worksheet is stored before its shared strings, as ExcelJS writes one', async () => {
    const { default: ExcelJS } = await import('exceljs')
    const book = new ExcelJS.Workbook()
    const sheet = book.addWorksheet('Portfolio')
    sheet.addRow(['Project code', 'Project name'])
    sheet.addRow(['P-1', 'Library refurbishment'])
    const bytes = Buffer.from(await book.xlsx.writeBuffer())
    const rows = []
    const opts = { stepTimeoutMs: 10_000 }
    for await (const batch of parseRows(Readable.from([bytes]), sniffSample(bytes), opts)) rows.push(...batch)
    assert.deepEqual(
      rows.map((r) => r.cells),
      [
        ['Project code', 'Project name'],
        ['P-1', 'Library refurbishment'],
      ],
    )
  })
})
