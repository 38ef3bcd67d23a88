/**
 * The occurrence number is part of every payment's key: counted any other way than a Map would count
 * it, a file imported again would give its rows other keys and add them twice.
 */
import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { OccurrenceCounter } from './ledger-occurrences.ts'

/** The reference: what a Map of text to count says. */
function byMap(texts: readonly string[]): number[] {
  const seen = new Map<string, number>()
  return texts.map((t) => {
    const n = (seen.get(t) ?? 0) + 1
    seen.set(t, n)
    return n
  })
}

function byCounter(texts: readonly string[]): number[] {
  const counter = new OccurrenceCounter()
  return texts.map((t) => counter.next(t))
}

describe('OccurrenceCounter', () => {
  it('counts each text as a Map would, across growth, prefixes, empty and non-Latin text', () => {
    // A small alphabet makes repeats, prefixes of one another and hash collisions common.
    const text = fc.string({
      unit: fc.constantFrom('a', 'b', 'A', '0', '#', 'é', 'Σ', '😀', '\u0000'),
      maxLength: 6,
    })
    fc.assert(
      fc.property(fc.array(text, { maxLength: 3000 }), (texts) => {
        assert.deepEqual(byCounter(texts), byMap(texts))
      }),
      { numRuns: 200 },
    )
  })

  it('keeps a quarter of a million transaction numbers apart, each repeated one more time', () => {
    const texts: string[] = []
    for (let i = 0; i < 250_000; i++) texts.push(`TX${String(i).padStart(8, '0')}`)
    for (let i = 0; i < 250_000; i += 1000) texts.push(`TX${String(i).padStart(8, '0')}`)
    const counts = byCounter(texts)
    assert.equal(counts.filter((n) => n === 1).length, 250_000)
    assert.equal(counts.filter((n) => n === 2).length, 250)
    assert.deepEqual(counts, byMap(texts))
  })
})
