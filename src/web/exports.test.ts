import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import ExcelJS from 'exceljs'
import {
  csvCell,
  csvLines,
  csvStream,
  inBatches,
  neutraliseFormula,
  xlsxStream,
  sheetOf,
  type Column,
} from './exports.ts'

describe('formula neutralising', () => {
  it('prefixes every text cell a spreadsheet would run, even one that looks like a number', () => {
    assert.equal(neutraliseFormula('=HYPERLINK("x")'), `'=HYPERLINK("x")`)
    assert.equal(neutraliseFormula('+1'), `'+1`)
    assert.equal(neutraliseFormula('-2'), `'-2`)
    assert.equal(neutraliseFormula('@SUM(A1)'), `'@SUM(A1)`)
    assert.equal(neutraliseFormula('\t=1+1'), `'\t=1+1`)
    assert.equal(neutraliseFormula('\r=1'), `'\r=1`)
    assert.equal(neutraliseFormula('Plain'), 'Plain')
  })
  it('keeps numbers, money and dates as they are', () => {
    assert.equal(csvCell(-2, 'number'), '-2')
    assert.equal(csvCell(-1234567, 'money'), '-12345.67')
    assert.equal(csvCell(5, 'money'), '0.05')
    assert.equal(csvCell('-12.50', 'number'), '-12.50')
    assert.equal(csvCell('-12.50 or so', 'number'), `'-12.50 or so`)
    assert.equal(csvCell('2026-03-31', 'date'), '2026-03-31')
    assert.equal(csvCell('a,"b"'), '"a,""b"""')
    assert.equal(csvCell('\r=1'), `"'\r=1"`)
    assert.equal(csvCell(null), '')
  })
})

interface Row {
  n: number
  text: string
}
const columns: Column<Row>[] = [
  { header: 'N', kind: 'number', value: (r) => r.n },
  { header: 'Text', value: (r) => r.text },
  { header: 'Amount', kind: 'money', value: (r) => -r.n },
]

/** Rows made on demand, counting how many have been asked for. */
function source(total: number) {
  const state = { pulled: 0 }
  async function* rows() {
    for (let n = 1; n <= total; n++) {
      state.pulled = n
      yield { n, text: `=row ${n} ${'x'.repeat(40)}` }
    }
  }
  return { state, rows: rows() }
}

describe('streamed exports', () => {
  it('writes CSV rows as they are read, not after reading the whole list', async () => {
    const total = 20_000
    const { state, rows } = source(total)
    let firstAt = -1
    let lines = 0
    for await (const _line of csvLines(columns, rows)) {
      if (firstAt < 0 && lines > 0) firstAt = state.pulled
      lines++
    }
    assert.equal(lines, total + 1)
    assert.ok(firstAt >= 0 && firstAt < 10, `the first row went out after ${firstAt} were read`)
  })

  it('sends a large CSV in chunks of whole rows, the same bytes as its lines', async () => {
    const total = 20_000
    const expected: string[] = []
    for await (const line of csvLines(columns, source(total).rows)) expected.push(line)
    const chunks: string[] = []
    for await (const chunk of csvStream(columns, source(total).rows)) chunks.push(String(chunk))
    assert.equal(chunks.join(''), expected.join(''))
    assert.ok(chunks.length < total / 100, `${chunks.length} chunks for ${total} rows`)
    assert.ok(chunks.every((c) => c.endsWith('\r\n')))
  })

  it('writes a workbook while its rows are still being read', async () => {
    const total = 20_000
    const { state, rows } = source(total)
    const out = xlsxStream([sheetOf({ name: 'Rows', columns, rows })])
    let pulledAtFirstData = -1
    const chunks: Buffer[] = []
    for await (const chunk of out) {
      if (pulledAtFirstData < 0) pulledAtFirstData = state.pulled
      chunks.push(chunk as Buffer)
    }
    assert.ok(pulledAtFirstData < total, `output began only after all ${total} rows were read`)
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer)
    const sheet = wb.getWorksheet('Rows')!
    assert.equal(sheet.rowCount, total + 1)
    const row = sheet.getRow(total + 1)
    assert.equal(row.getCell(1).value, total)
    assert.equal(row.getCell(2).text, `=row ${total} ${'x'.repeat(40)}`)
    assert.equal(row.getCell(2).type, ExcelJS.ValueType.RichText)
    assert.equal(row.getCell(3).value, -total / 100)
  })

  it('reads a list in windows through its own query', async () => {
    const windows: Array<{ offset: number; limit: number }> = []
    const all = Array.from({ length: 1234 }, (_, i) => i)
    const seen: number[] = []
    for await (const n of inBatches(async (w) => {
      windows.push(w)
      return all.slice(w.offset, w.offset + w.limit)
    }, 500))
      seen.push(n)
    assert.deepEqual(seen, all)
    assert.deepEqual(windows, [
      { offset: 0, limit: 500 },
      { offset: 500, limit: 500 },
      { offset: 1000, limit: 500 },
    ])
  })
})
