import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import {
  allocate,
  formatMoney,
  formatPounds,
  hasInexactPence,
  MAX_PENCE,
  moneyProblemMessage,
  parseMoney,
  readMoney,
  penceToDecimal,
  profileAmounts,
  splitEvenly,
  sumPence,
} from './money.ts'

const amount = fc.integer({ min: -MAX_PENCE, max: MAX_PENCE })
const weights = fc
  .array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 40 })
  .filter((ws) => ws.some((w) => w > 0))

describe('money', () => {
  it('apportions £100.00 three ways to pennies that sum back to £100.00', () => {
    assert.deepEqual(splitEvenly(100_00, 3), [33_34, 33_33, 33_33])
    assert.deepEqual(splitEvenly(-100_00, 3), [-33_34, -33_33, -33_33])
  })

  it('never gains or loses a penny when allocating by weights', () => {
    fc.assert(
      fc.property(amount, weights, (total, ws) => {
        const shares = allocate(total, ws)
        assert.equal(shares.length, ws.length)
        assert.equal(sumPence(shares), total)
        shares.forEach((s, i) => {
          assert.ok(Number.isSafeInteger(s))
          if (ws[i] === 0) assert.equal(s, 0, 'a zero weight gets nothing')
          // Each share is within a penny of its exact proportion.
          const exact = (total * ws[i]!) / ws.reduce((a, b) => a + b, 0)
          assert.ok(Math.abs(s - exact) < 1.000001, `share ${s} vs exact ${exact}`)
        })
      }),
    )
  })

  it('never gains or loses a penny with fractional weights', () => {
    fc.assert(
      fc.property(
        amount,
        fc.array(fc.double({ min: 0.001, max: 1000, noNaN: true }), { minLength: 1, maxLength: 20 }),
        (total, ws) => assert.equal(sumPence(allocate(total, ws)), total),
      ),
    )
  })

  it('profiles a budget line so its periods sum exactly to the line', () => {
    fc.assert(
      fc.property(amount, fc.integer({ min: 1, max: 12 }), (total, n) => {
        const flat = profileAmounts(total, n, 'flat')
        const front = profileAmounts(total, n, 'front_loaded')
        assert.equal(sumPence(flat), total)
        assert.equal(sumPence(front), total)
        // Flat months differ by at most a penny; front-loaded months never rise.
        assert.ok(Math.max(...flat) - Math.min(...flat) <= 1)
        if (total >= 0) for (let i = 1; i < n; i++) assert.ok(front[i]! <= front[i - 1]!)
      }),
    )
  })

  it('sums are exact and order does not matter', () => {
    fc.assert(
      fc.property(fc.array(amount, { maxLength: 200 }), (xs) => {
        assert.equal(sumPence(xs), sumPence([...xs].reverse()))
        assert.equal(
          sumPence(xs),
          xs.reduce((a, b) => a + b, 0),
        )
      }),
    )
  })

  it('adds amounts at the bound exactly, as BigInt, and never fails a report past 2^53', () => {
    assert.equal(sumPence(Array.from({ length: 900 }, () => MAX_PENCE)), 900 * MAX_PENCE)
    assert.equal(sumPence(Array.from({ length: 900 }, () => -MAX_PENCE)), -900 * MAX_PENCE)
    // 2^53 − 1 + 2 is not a safe integer: the nearest number, not an exception.
    assert.equal(sumPence([Number.MAX_SAFE_INTEGER, 2]), 2 ** 53)
    assert.equal(sumPence([1e308, -1e308]), 0)
    assert.throws(() => sumPence([Number.NaN]), RangeError)
  })

  it('formats pounds and pence as GOV.UK shows money', () => {
    assert.equal(formatMoney(123456), '£1,234.56')
    assert.equal(formatMoney(5), '£0.05')
    assert.equal(formatMoney(0), '£0.00')
    assert.equal(formatMoney(-123456), '-£1,234.56')
    assert.equal(formatMoney(1_000_000_00), '£1,000,000.00')
    assert.equal(formatPounds(123450), '£1,235')
    assert.equal(formatPounds(-123449), '-£1,234')
    assert.equal(formatPounds(-49), '£0')
    assert.equal(penceToDecimal(-5), '-0.05')
    assert.equal(penceToDecimal(123456), '1234.56')
    assert.equal(formatMoney(MAX_PENCE), '£99,999,999,999.99')
    assert.equal(formatMoney(-MAX_PENCE), '-£99,999,999,999.99')
  })

  it('shows whatever the database holds, marking an amount past 2^53 as not exact', () => {
    assert.equal(formatMoney(9e15), '£90,000,000,000,000.00')
    assert.equal(formatMoney(2 ** 53), 'about £90,071,992,547,409.92')
    assert.equal(formatMoney(-(2 ** 53)), 'about -£90,071,992,547,409.92')
    assert.equal(formatPounds(2 ** 53), 'about £90,071,992,547,410')
    assert.ok(formatMoney(1e308).startsWith('about £1'))
    assert.equal(formatMoney(Number.NaN), '—')
    assert.equal(penceToDecimal(2 ** 53), '90071992547409.92')
  })

  it('finds an amount that is no longer exact pence anywhere in an answer', () => {
    assert.equal(hasInexactPence({ a: [1, { b: MAX_PENCE * 900 }], c: null, d: 'x' }), false)
    assert.equal(hasInexactPence({ a: [1, { b: 2 ** 53 }] }), true)
    assert.equal(hasInexactPence([{ p: 1e308 }]), true)
    assert.equal(hasInexactPence({ p: Number.NaN }), true)
  })

  it('refuses amounts beyond ±£99,999,999,999.99, with the reason', () => {
    assert.equal(readMoney('£99,999,999,999.99'), MAX_PENCE)
    assert.equal(readMoney('-99999999999.99'), -MAX_PENCE)
    assert.equal(readMoney('100000000000'), 'too-large')
    assert.equal(readMoney('9,999,999,999,999.99'), 'too-large')
    assert.equal(readMoney('(100,000,000,000.00)'), 'too-small')
    assert.equal(readMoney('1' + '0'.repeat(400)), 'too-large')
    assert.equal(readMoney('1e308'), 'not-money')
    assert.equal(readMoney('  '), null)
    assert.equal(readMoney('-0'), 0)
    assert.equal(parseMoney('100000000000'), null)
    assert.equal(moneyProblemMessage('too-large', 'Amount'), 'Amount must be less than £100,000,000,000')
    assert.equal(moneyProblemMessage('too-small', 'Amount'), 'Amount must be more than -£100,000,000,000')
  })

  it('accepts every amount within the bound and refuses every one beyond it (property)', () => {
    const beyond = fc.bigInt({ min: BigInt(MAX_PENCE) + 1n, max: 10n ** 30n })
    fc.assert(
      fc.property(beyond, fc.boolean(), (p, negative) => {
        const text = `${negative ? '-' : ''}${p / 100n}.${String(p % 100n).padStart(2, '0')}`
        assert.equal(readMoney(text), negative ? 'too-small' : 'too-large')
      }),
    )
  })

  it('reads amounts as people and ledgers write them', () => {
    assert.equal(parseMoney('£1,234.56'), 123456)
    assert.equal(parseMoney('1234'), 123400)
    assert.equal(parseMoney('12.5'), 1250)
    assert.equal(parseMoney('-£12.50'), -1250)
    assert.equal(parseMoney('£-12.50'), -1250)
    assert.equal(parseMoney('(12.50)'), -1250)
    assert.equal(parseMoney(' 7 '), 700)
    for (const bad of ['', 'abc', '1.234', '12,34', '1,2345', '£', '--1', '(-1)', '1e5'])
      assert.equal(parseMoney(bad), null, bad)
  })

  it('formatting and reading round-trip every amount', () => {
    fc.assert(
      fc.property(amount, (p) => {
        assert.equal(parseMoney(formatMoney(p)), p)
        assert.equal(parseMoney(penceToDecimal(p)), p)
      }),
    )
  })
})
