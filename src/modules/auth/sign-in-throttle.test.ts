import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { clientNetwork, lockoutMs } from './sign-in-throttle.ts'

describe('sign-in throttle rules', () => {
  it('counts IPv4 addresses as they are and IPv6 addresses by their /64', () => {
    assert.equal(clientNetwork('198.51.100.7'), '198.51.100.7')
    assert.equal(clientNetwork('::ffff:198.51.100.7'), '198.51.100.7')
    assert.equal(clientNetwork('2001:db8:1:2:3:4:5:6'), '2001:db8:1:2::/64')
    assert.equal(clientNetwork('2001:0DB8:0001:0002:ffff::1'), '2001:db8:1:2::/64')
    assert.equal(clientNetwork('2001:db8::1'), '2001:db8:0:0::/64')
    assert.equal(clientNetwork('fe80::1%eth0'), 'fe80:0:0:0::/64')
    assert.notEqual(clientNetwork('2001:db8:1:2::1'), clientNetwork('2001:db8:1:3::1'))
  })

  it('waits nothing for the free failures, then doubles from 30 seconds to at most 15 minutes', () => {
    assert.deepEqual(
      [1, 4, 5, 6, 9, 10, 50, 10_000].map((n) => lockoutMs(n, 5) / 1000),
      [0, 0, 30, 60, 480, 900, 900, 900],
    )
  })
})
