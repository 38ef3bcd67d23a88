import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { SourceRow } from './file-reader.ts'
import { SourceError } from './file-reader.ts'
import { checkRows, percentOf, type CheckPlug, type RowOutcome } from './pipeline.ts'

// A later import (here a toy one: a name and a whole number a row) plugs into the check stage with its own
// column mapping and row validator, and gets the counting, the problems with line numbers and the
// batching from the pipeline.
function toyImport(held: Set<string>) {
  const problems: Array<[string, number, string]> = []
  const staged: Array<{ name: string; n: number }> = []
  const batches: number[] = []
  const plug: CheckPlug<{ line: number; name: string; n: number }> = {
    map(src: SourceRow): RowOutcome<{ line: number; name: string; n: number }> | null {
      if (src.line === 1) return null // the heading row
      const [name = '', n = ''] = src.cells
      if (name === '' && n === '') return { kind: 'blank' }
      if (!/^\d+$/.test(n))
        return { kind: 'bad', line: src.line, reason: 'Not a whole number', raw: src.raw ?? '' }
      return { kind: 'good', row: { line: src.line, name, n: Number(n) } }
    },
    gaveUp: () => false,
    finish: () => undefined,
    async validate(rows) {
      batches.push(rows.length)
      for (const r of rows)
        if (held.has(r.name)) problems.push(['duplicate', r.line, `${r.name} is already held`])
        else staged.push({ name: r.name, n: r.n })
    },
    problem: (kind, line, reason) => problems.push([kind, line, reason]),
    flushProblems: async () => undefined,
  }
  return { plug, problems, staged, batches }
}

function rows(lines: string[][]): SourceRow[] {
  return lines.map((cells, i) => ({ line: i + 1, cells, raw: cells.join(',') }))
}

async function* chunks(...parts: SourceRow[][]): AsyncGenerator<SourceRow[]> {
  for (const p of parts) yield p
}

describe('import pipeline: the check stage', () => {
  it('maps, counts and validates rows, with a problem and its line for each row that cannot be used', async () => {
    const toy = toyImport(new Set(['held']))
    const all = rows([
      ['name', 'n'],
      ['a', '1'],
      ['', ''],
      ['b', 'x'],
      ['held', '2'],
      ['c', '3'],
    ])
    const counts = await checkRows(chunks(all.slice(0, 3), all.slice(3)), toy.plug)
    assert.deepEqual(counts, { read: 4, good: 3, bad: 1, blank: 1 })
    assert.deepEqual(toy.staged, [
      { name: 'a', n: 1 },
      { name: 'c', n: 3 },
    ])
    assert.deepEqual(toy.problems, [
      ['bad', 4, 'Not a whole number'],
      ['duplicate', 5, 'held is already held'],
    ])
  })

  it('validates rows in batches (once 500 have gathered, and the rest at the end), not a row at a time', async () => {
    const toy = toyImport(new Set())
    const many = rows([['name', 'n'], ...Array.from({ length: 1200 }, (_, i) => [`r${i}`, String(i)])])
    await checkRows(chunks(many.slice(0, 400), many.slice(400, 900), many.slice(900)), toy.plug)
    assert.equal(toy.staged.length, 1200)
    assert.deepEqual(toy.batches, [899, 301])
  })

  it('counts the rows before an unreadable point, and reports the point as a problem', async () => {
    const toy = toyImport(new Set())
    async function* broken(): AsyncGenerator<SourceRow[]> {
      yield rows([
        ['name', 'n'],
        ['a', '1'],
      ])
      throw new SourceError('A quoted cell that starts on line 3 is never closed', 3)
    }
    const counts = await checkRows(broken(), toy.plug)
    assert.equal(counts.good, 1)
    assert.equal(counts.bad, 1)
    assert.match(counts.stoppedEarly ?? '', /never closed/)
    assert.deepEqual(toy.problems, [['bad', 3, 'A quoted cell that starts on line 3 is never closed']])
    assert.deepEqual(toy.staged, [{ name: 'a', n: 1 }])
  })

  it('says how far a pass is without claiming to have finished', () => {
    assert.equal(percentOf(0, 0), 0)
    assert.equal(percentOf(50, 200), 25)
    assert.equal(percentOf(200, 200), 99)
  })
})
