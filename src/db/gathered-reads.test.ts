import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { gatheredReads } from './gathered-reads.ts'

/** A store read by a gathered read whose answers the test releases one at a time. */
function store() {
  const values = new Map<string, number>()
  const reads: Array<{ keys: readonly string[]; answer: () => void; fail: (err: Error) => void }> = []
  const lookup = gatheredReads<string, number>(
    (keys) =>
      new Promise((resolve, reject) => {
        // The values as they stand when the read starts, as a statement's snapshot is taken when it starts.
        const snapshot = new Map(keys.flatMap((k) => (values.has(k) ? [[k, values.get(k)!] as const] : [])))
        reads.push({ keys, answer: () => resolve(snapshot), fail: reject })
      }),
  )
  return { values, reads, lookup }
}

const turn = () => new Promise((resolve) => setImmediate(resolve))

describe('gatheredReads', () => {
  it("starts a lone caller's read at the end of the event loop's turn", async () => {
    const s = store()
    s.values.set('a', 1)
    const answer = s.lookup('a')
    assert.equal(s.reads.length, 0, 'not yet: others asking in this turn may share it')
    await turn()
    assert.equal(s.reads.length, 1)
    assert.deepEqual(s.reads[0]!.keys, ['a'])
    s.reads[0]!.answer()
    assert.equal(await answer, 1)
    const missing = s.lookup('missing')
    await turn()
    s.reads[1]!.answer()
    assert.equal(await missing, undefined)
  })

  it('answers the callers who ask in the same turn from one read', async () => {
    const s = store()
    s.values.set('a', 1)
    s.values.set('b', 2)
    const answers = [s.lookup('a'), s.lookup('b'), s.lookup('a')]
    await turn()
    assert.equal(s.reads.length, 1)
    assert.deepEqual([...s.reads[0]!.keys].sort(), ['a', 'b'])
    s.reads[0]!.answer()
    assert.deepEqual(await Promise.all(answers), [1, 2, 1])
    await turn()
    assert.equal(s.reads.length, 1, 'nothing left to read')
  })

  it('answers callers who arrive during a read from the next one, one read for all of them', async () => {
    const s = store()
    s.values.set('a', 1)
    s.values.set('b', 2)
    const first = s.lookup('a')
    await turn()
    // These arrive while the first read is on its way.
    const later = [s.lookup('a'), s.lookup('b'), s.lookup('a'), s.lookup('c')]
    assert.equal(s.reads.length, 1, 'no second read while one is in flight')
    s.reads[0]!.answer()
    assert.equal(await first, 1)
    await turn()
    assert.equal(s.reads.length, 2)
    assert.deepEqual([...s.reads[1]!.keys].sort(), ['a', 'b', 'c'], 'each key asked for once')
    s.reads[1]!.answer()
    assert.deepEqual(await Promise.all(later), [1, 2, 1, undefined])
  })

  it('never answers a caller from a read that started before it asked', async () => {
    const s = store()
    s.values.set('session', 1)
    const before = s.lookup('session')
    await turn()
    // A sign-out is committed while that read is on its way; then another request asks.
    s.values.delete('session')
    const after = s.lookup('session')
    s.reads[0]!.answer()
    assert.equal(await before, 1, 'the earlier caller saw the session as it stood when it asked')
    await turn()
    s.reads[1]!.answer()
    assert.equal(await after, undefined, 'the later caller sees the sign-out')
  })

  it('fails the callers of a failed read and reads afresh for those after them', async () => {
    const s = store()
    s.values.set('a', 1)
    const failing = s.lookup('a')
    await turn()
    const next = s.lookup('a')
    s.reads[0]!.fail(new Error('connection lost'))
    await assert.rejects(failing, /connection lost/)
    await turn()
    s.reads[1]!.answer()
    assert.equal(await next, 1)
  })

  it('fails its callers when the read throws before it starts', async () => {
    const lookup = gatheredReads<string, number>(() => {
      throw new Error('no pool')
    })
    await assert.rejects(lookup('a'), /no pool/)
    await assert.rejects(lookup('b'), /no pool/)
  })

  it('asks for at most 200 keys at once', async () => {
    const s = store()
    const first = s.lookup('k0')
    await turn()
    const rest = Array.from({ length: 450 }, (_, i) => s.lookup(`k${i + 1}`))
    s.reads[0]!.answer()
    await first
    for (const [i, expected] of [200, 200, 50].entries()) {
      // The next read starts at the end of the turn in which the one before it was answered.
      while (s.reads.length < i + 2) await turn()
      const read = s.reads.at(-1)!
      assert.equal(read.keys.length, expected)
      read.answer()
    }
    assert.equal((await Promise.all(rest)).length, 450)
    assert.equal(s.reads.length, 4)
  })
})
