import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { addDays } from './dates.ts'
import {
  currentPeriod,
  financialPeriodOf,
  financialPeriodOfPeriod,
  financialYear,
  financialYearBounds,
  financialYearOf,
  financialYearPeriods,
  formatPeriod,
  isPeriod,
  nextPeriod,
  parseFinancialYear,
  periodOf,
  periodsBetween,
  previousPeriod,
} from './periods.ts'

describe('reporting periods', () => {
  it('validates YYYY-MM', () => {
    for (const p of ['2026-01', '2026-12', '0001-01']) assert.ok(isPeriod(p), p)
    for (const p of ['2026-13', '2026-00', '2026-1', '26-01', '2026-01-01', '0000-05', '']) {
      assert.equal(isPeriod(p), false, p)
    }
  })
  it('derives the period of a date and of now in London', () => {
    assert.equal(periodOf('2026-11-25'), '2026-11')
    assert.throws(() => periodOf('2026-11-31'), RangeError)
    // 23:30 UTC on 31 May is 00:30 BST on 1 June
    assert.equal(currentPeriod(new Date('2026-05-31T23:30:00Z')), '2026-06')
    assert.equal(currentPeriod(new Date('2026-12-31T23:30:00Z')), '2026-12')
  })
  it('steps across year boundaries', () => {
    assert.equal(previousPeriod('2026-01'), '2025-12')
    assert.equal(nextPeriod('2025-12'), '2026-01')
    assert.equal(nextPeriod('2026-04'), '2026-05')
    assert.throws(() => nextPeriod('2026-13'), RangeError)
  })
  it('lists periods inclusively', () => {
    assert.deepEqual(periodsBetween('2025-11', '2026-02'), ['2025-11', '2025-12', '2026-01', '2026-02'])
    assert.deepEqual(periodsBetween('2026-02', '2026-02'), ['2026-02'])
    assert.deepEqual(periodsBetween('2026-03', '2026-02'), [])
    assert.equal(periodsBetween('2000-01', '2029-12').length, 360)
  })
  it('next and previous are inverse, and periodsBetween is consecutive', () => {
    const ps = periodsBetween('1999-01', '2031-12')
    for (let i = 1; i < ps.length; i++) {
      assert.equal(nextPeriod(ps[i - 1]!), ps[i])
      assert.equal(previousPeriod(ps[i]!), ps[i - 1])
    }
  })
  it('formats periods GOV.UK style', () => {
    assert.equal(formatPeriod('2026-11'), 'November 2026')
    assert.equal(formatPeriod('2027-01'), 'January 2027')
  })
})

describe('financial years', () => {
  it('runs 1 April to 31 March', () => {
    assert.deepEqual(financialYearOf('2026-03-31'), { startYear: 2025, label: '2025/26' })
    assert.deepEqual(financialYearOf('2026-04-01'), { startYear: 2026, label: '2026/27' })
    assert.deepEqual(financialYearOf('2027-01-01'), { startYear: 2026, label: '2026/27' })
  })
  it('wraps the two-digit end year at the century', () => {
    assert.equal(financialYear(2099).label, '2099/00')
    assert.equal(financialYear(1999).label, '1999/00')
    assert.equal(financialYear(2009).label, '2009/10')
    assert.equal(financialYearOf('2100-03-31').label, '2099/00')
  })
  it('parses labels with a slash or hyphen, and rejects mismatched halves', () => {
    assert.deepEqual(parseFinancialYear('2025/26'), { startYear: 2025, label: '2025/26' })
    assert.deepEqual(parseFinancialYear('2025-26'), { startYear: 2025, label: '2025/26' })
    assert.deepEqual(parseFinancialYear(' 2099/00 '), { startYear: 2099, label: '2099/00' })
    for (const s of ['2025/27', '2025/25', '2025', '25/26', '2025/2026', '2025_26', '', 'abcd/ef']) {
      assert.equal(parseFinancialYear(s), null, s)
    }
  })
  it('round-trips every label through parseFinancialYear', () => {
    for (let y = 1990; y <= 2110; y++)
      assert.deepEqual(parseFinancialYear(financialYear(y).label), financialYear(y))
  })
  it('numbers periods from April = P1 to March = P12', () => {
    assert.deepEqual(financialPeriodOf('2026-04-01'), { year: financialYear(2026), period: 1 })
    assert.deepEqual(financialPeriodOf('2026-12-25'), { year: financialYear(2026), period: 9 })
    assert.deepEqual(financialPeriodOf('2027-01-01'), { year: financialYear(2026), period: 10 })
    assert.deepEqual(financialPeriodOf('2027-03-31'), { year: financialYear(2026), period: 12 })
    assert.deepEqual(financialPeriodOfPeriod('2027-03'), { year: financialYear(2026), period: 12 })
  })
  it('lists the twelve months April first, and the bounds', () => {
    assert.deepEqual(financialYearPeriods(financialYear(2025)), [
      '2025-04',
      '2025-05',
      '2025-06',
      '2025-07',
      '2025-08',
      '2025-09',
      '2025-10',
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
      '2026-03',
    ])
    assert.deepEqual(financialYearBounds(financialYear(2025)), { start: '2025-04-01', end: '2026-03-31' })
  })
  it('agrees across every day of 1998-2032: year, period, months list and bounds', () => {
    for (let d = '1998-01-01'; d <= '2032-12-31'; d = addDays(d, 1)) {
      const fy = financialYearOf(d)
      const fp = financialPeriodOf(d)
      assert.deepEqual(fp.year, fy, d)
      assert.ok(fp.period >= 1 && fp.period <= 12, d)
      assert.equal(financialYearPeriods(fy)[fp.period - 1], periodOf(d), d)
      assert.deepEqual(financialPeriodOfPeriod(periodOf(d)), fp, d)
      const { start, end } = financialYearBounds(fy)
      assert.ok(start <= d && d <= end, d)
      assert.deepEqual(financialYearOf(start), fy)
      assert.deepEqual(financialYearOf(end), fy)
      assert.deepEqual(financialYearOf(addDays(end, 1)).startYear, fy.startYear + 1)
      assert.deepEqual(financialYearOf(addDays(start, -1)).startYear, fy.startYear - 1)
    }
  })
})
