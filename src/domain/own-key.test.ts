import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ownValue } from './own-key.ts'

describe('ownValue', () => {
  const table: Record<string, number> = { project: 1, risk: 2 }

  it('finds the entries the table holds', () => {
    assert.equal(ownValue(table, 'project'), 1)
    assert.equal(ownValue(table, 'missing'), undefined)
  })

  it('never finds what every object inherits', () => {
    for (const key of ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf'])
      assert.equal(ownValue(table, key), undefined, key)
  })
})
