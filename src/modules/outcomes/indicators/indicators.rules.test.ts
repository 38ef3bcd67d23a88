import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import {
  formatPeriodKey,
  keysBetween,
  monthsOf,
  readPeriodFor,
  type Frequency,
} from '../../../domain/reporting-periods.ts'
import { decimalInUnit, formatValue, readValue, statusOf, validateTarget } from './indicators.rules.ts'

describe('indicator values, targets and statuses', () => {
  it('stores a value exactly at the indicator scale, and refuses what it cannot keep', () => {
    assert.deepEqual(readValue('percent', 1, '45.5%'), { stored: 455 })
    assert.deepEqual(readValue('percent', 1, '100'), { stored: 1000 })
    assert.deepEqual(readValue('count', 0, '1,234'), { stored: 1234 })
    assert.deepEqual(readValue('money', 0, '£1,250.50'), { stored: 125050 })
    assert.deepEqual(readValue('score', 2, '-1.5'), { stored: -150 })
    assert.deepEqual(readValue('days', 1, '3.50'), { stored: 35 }, 'trailing zeros are not extra places')
    assert.equal(readValue('count', 0, '  '), null)
    const error = (unit: string, scale: number, text: string) => {
      const r = readValue(unit, scale, text)
      return r && 'error' in r ? r.error : null
    }
    assert.match(error('percent', 1, '100.1') ?? '', /from 0 to 100/)
    assert.match(error('percent', 0, '12.5') ?? '', /whole number/)
    assert.match(error('count', 0, '-3') ?? '', /cannot be negative/)
    assert.match(error('money', 0, '£1.234') ?? '', /amount of money/)
    assert.match(error('count', 0, '12 contacts') ?? '', /must be a number/)
    assert.match(error('score', 0, '99999999999999') ?? '', /too large/)
  })

  it('writes values back in their unit, exactly', () => {
    assert.equal(formatValue('percent', 1, 455), '45.5%')
    assert.equal(formatValue('count', 0, 1234567), '1,234,567')
    assert.equal(formatValue('money', 0, 125050), '£1,250.50')
    assert.equal(formatValue('days', 1, 35), '3.5 days')
    assert.equal(decimalInUnit('score', 2, -5), '-0.05')
    assert.equal(decimalInUnit('money', 0, 125050), '1250.50')
  })

  it('reads back every value it writes, at every scale', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 10 ** 12 }), (scale, stored) => {
        assert.deepEqual(readValue('score', scale, decimalInUnit('score', scale, stored)), { stored })
      }),
    )
  })

  it('puts the warning threshold on the worse side of the target', () => {
    assert.deepEqual(validateTarget('higher', 90, 80), {})
    assert.match(validateTarget('higher', 90, 95).warning ?? '', /below the target/)
    assert.match(validateTarget('higher', 90, 90).warning ?? '', /below the target/)
    assert.deepEqual(validateTarget('lower', 4000, 4400), {})
    assert.match(validateTarget('lower', 4000, 3000).warning ?? '', /above the target/)
    assert.deepEqual(validateTarget('lower', 4000, null), {})
  })

  it('gives each period its status by polarity', () => {
    const t = { target: 100, warning: 80 }
    assert.equal(statusOf('higher', 100, t), 'on-target')
    assert.equal(statusOf('higher', 85, t), 'warning')
    assert.equal(statusOf('higher', 79, t), 'off-target')
    assert.equal(statusOf('lower', 100, { target: 100, warning: 120 }), 'on-target')
    assert.equal(statusOf('lower', 110, { target: 100, warning: 120 }), 'warning')
    assert.equal(statusOf('lower', 121, { target: 100, warning: 120 }), 'off-target')
    assert.equal(statusOf('lower', 101, { target: 100, warning: null }), 'off-target')
    assert.equal(statusOf('higher', 5, null), 'no-target')
    assert.equal(statusOf('higher', null, t), 'missing')
  })

  it('reads every period back from the ways it is written', () => {
    const keys = (f: Frequency) => keysBetween(f, '1999-04', '2040-03')
    fc.assert(
      fc.property(
        fc.constantFrom(...keys('monthly'), ...keys('quarterly'), ...keys('annual')),
        fc.boolean(),
        (key, dashes) => {
          const months = monthsOf(key)
          const first = months[0]!
          const spellings =
            months.length === 1
              ? [key, formatPeriodKey(key), `01/${key.slice(5)}/${key.slice(0, 4)}`]
              : months.length === 3
                ? [
                    key,
                    `Q${key.slice(-1)} ${key.slice(0, 7)}`,
                    `${key.slice(0, 7).replace('/', dashes ? '-' : '/')} Q${key.slice(-1)}`,
                  ]
                : [
                    key,
                    `FY${key}`,
                    key.replace('/', '-'),
                    `${first.slice(0, 4)}/${Number(first.slice(0, 4)) + 1}`,
                  ]
          const frequency: Frequency =
            months.length === 1 ? 'monthly' : months.length === 3 ? 'quarterly' : 'annual'
          // As forms and imports read them: for the indicator's frequency ("2007-08" is August 2007 or 2007/08).
          for (const s of spellings) assert.deepEqual(readPeriodFor(frequency, s), { key }, s)
        },
      ),
    )
  })
})
