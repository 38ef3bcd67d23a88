import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { logSafeUrl } from './log-safe-url.ts'

describe('logSafeUrl', () => {
  it('hides the secret of a calendar feed and an invitation, and leaves other addresses alone', () => {
    assert.equal(logSafeUrl('/calendar/abc123.ics'), '/calendar/[secret]')
    assert.equal(logSafeUrl('/invitations/tok_en-1?x=1'), '/invitations/[secret]?x=1')
    assert.equal(logSafeUrl('/invitations/tok/accept'), '/invitations/[secret]/accept')
    assert.equal(logSafeUrl('/projects/1?q=web'), '/projects/1?q=web')
    assert.equal(logSafeUrl('/account/calendar/revoke'), '/account/calendar/revoke')
  })
})
