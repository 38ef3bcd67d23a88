import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { formatPence } from './decisions.rules.ts'

describe('a decision’s budget as it reads', () => {
  it('is whole pounds when there are no pence, and pounds and pence otherwise, as money is shown elsewhere', () => {
    assert.equal(formatPence(250_000_00), '£250,000')
    assert.equal(formatPence(250_000_50), '£250,000.50')
    assert.equal(formatPence(-5_00), '-£5')
    assert.equal(formatPence(null), '')
    assert.equal(formatPence(2 ** 53), 'about £90,071,992,547,409.92')
  })
})
