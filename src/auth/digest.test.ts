import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { describe, it } from 'node:test'
import { sha256 } from './digest.ts'

describe('sha256', () => {
  it('is hex SHA-256, the same as createHash gives, for the stored hashes to keep matching', () => {
    // FIPS 180-2's first example.
    assert.equal(sha256('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    for (const value of ['', 'ovt_Zm9vYmFy', 'naïve £ token ✓'])
      assert.equal(sha256(value), createHash('sha256').update(value).digest('hex'))
  })
})
