import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { asAtEndOf } from './as-it-stood.ts'

describe('the end of a paper’s day, in London', () => {
  it('is midnight UTC in winter (GMT)', () => {
    assert.deepEqual(asAtEndOf('2021-02-28'), { date: '2021-02-28', instant: '2021-03-01T00:00:00.000Z' })
    assert.equal(asAtEndOf('2020-12-31').instant, '2021-01-01T00:00:00.000Z')
  })

  it('is 23:00 UTC in summer (BST), so a change at 23:30 UTC on 30 June is after it', () => {
    assert.equal(asAtEndOf('2021-06-30').instant, '2021-06-30T23:00:00.000Z')
  })

  it('follows the clocks on the days they change', () => {
    // The clocks went forward on 28 March 2021 and back on 31 October 2021.
    assert.equal(asAtEndOf('2021-03-27').instant, '2021-03-28T00:00:00.000Z')
    assert.equal(asAtEndOf('2021-03-28').instant, '2021-03-28T23:00:00.000Z')
    assert.equal(asAtEndOf('2021-10-30').instant, '2021-10-30T23:00:00.000Z')
    assert.equal(asAtEndOf('2021-10-31').instant, '2021-11-01T00:00:00.000Z')
  })
})
