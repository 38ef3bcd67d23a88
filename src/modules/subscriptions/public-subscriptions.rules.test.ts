import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { readPending, readUnsubscribe, signPending, unsubscribeToken } from './public-subscriptions.rules.ts'

describe('public subscription links', () => {
  const p = {
    organisationId: 1,
    email: 'a@b.test',
    recordType: 'programme' as const,
    recordId: 2,
    expires: 1000,
  }
  it('a confirmation link carries the request until it expires, and not once altered', () => {
    const token = signPending('secret', p)
    assert.deepEqual(readPending('secret', token, 999), p)
    assert.equal(readPending('secret', token, 1001), 'expired')
    assert.equal(readPending('other secret', token, 999), 'invalid')
    const [body, sig] = token.split('.')
    const forged = Buffer.from(JSON.stringify([1, 'x@y.test', 'programme', 2, 1000])).toString('base64url')
    assert.equal(readPending('secret', `${forged}.${sig}`, 999), 'invalid')
    assert.equal(readPending('secret', `${body}.`, 999), 'invalid')
  })
  it('an unsubscribe link names one subscriber', () => {
    assert.equal(readUnsubscribe('secret', unsubscribeToken('secret', 42)), 42)
    assert.equal(readUnsubscribe('secret', unsubscribeToken('secret', 42).replace(/^42/, '43')), null)
  })
})
