import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parsePeriodParts, summarise, validateStatusReport } from './status-reports.rules.ts'

const valid = {
  period: '2026-11',
  rating: 'amber',
  narrative: 'On track',
  achievements: '',
  nextSteps: '',
  keyIssues: '',
}

describe('status report rules', () => {
  it('reads the month and year boxes, accepting month names', () => {
    assert.deepEqual(parsePeriodParts('11', '2026'), { ok: true, value: '2026-11' })
    assert.deepEqual(parsePeriodParts('Sept', '2021'), { ok: true, value: '2021-09' })
    assert.deepEqual(parsePeriodParts('Smarch', '2021'), {
      ok: false,
      error: 'Reporting period must be a real month',
    })
    assert.deepEqual(parsePeriodParts('sep', '2021'), { ok: true, value: '2021-09' })
    assert.deepEqual(parsePeriodParts('13', '2021'), {
      ok: false,
      error: 'Reporting period must be a real month',
    })
    assert.deepEqual(parsePeriodParts('', ''), { ok: false, error: 'Enter the reporting period' })
    assert.deepEqual(parsePeriodParts('3', '21'), {
      ok: false,
      error: 'Reporting period year must include 4 numbers',
    })
  })

  it('refuses a period still to come and a rating off the organisation’s scale', () => {
    const opts = { scale: 'rag3' as const, currentPeriod: '2026-11' }
    assert.deepEqual(validateStatusReport(valid, opts), {})
    assert.equal(
      validateStatusReport({ ...valid, period: '2026-12' }, opts).period,
      'Reporting period must be this month or earlier',
    )
    assert.equal(
      validateStatusReport({ ...valid, rating: 'amber_green' }, opts).rating,
      'Delivery confidence must be Green, Amber or Red',
    )
    // A rating recorded before the organisation changed scale may be kept, not newly given.
    assert.deepEqual(
      validateStatusReport({ ...valid, rating: 'amber_green' }, { ...opts, keepRating: 'amber_green' }),
      {},
    )
  })

  it('summarises a long narrative on a word boundary', () => {
    const s = summarise('word '.repeat(100), 30)
    assert.ok(s.length <= 31)
    assert.match(s, /^word( word)*…$/)
    assert.equal(summarise('Short and\n sweet'), 'Short and sweet')
  })
})
