import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  addDays,
  addMonths,
  daysBetween,
  daysInMonth,
  formatDate,
  formatDateTime,
  isIsoDate,
  parseDateParts,
  splitDate,
  todayInLondon,
} from './dates.ts'

describe('todayInLondon', () => {
  it('uses BST: 23:30 UTC in summer is already tomorrow in London', () => {
    assert.equal(todayInLondon(new Date('2026-06-30T23:30:00Z')), '2026-07-01')
  })
  it('uses GMT in winter: 23:30 UTC is still today', () => {
    assert.equal(todayInLondon(new Date('2026-12-31T23:30:00Z')), '2026-12-31')
  })
  it('handles the spring-forward and fall-back nights', () => {
    assert.equal(todayInLondon(new Date('2026-03-28T23:59:59Z')), '2026-03-28')
    assert.equal(todayInLondon(new Date('2026-03-29T00:30:00Z')), '2026-03-29')
    assert.equal(todayInLondon(new Date('2026-10-24T23:30:00Z')), '2026-10-25')
    assert.equal(todayInLondon(new Date('2026-10-25T23:30:00Z')), '2026-10-25')
  })
  it('returns a valid ISO date for now', () => {
    assert.ok(isIsoDate(todayInLondon()))
  })
  it('rejects an invalid Date', () => {
    assert.throws(() => todayInLondon(new Date('nope')), RangeError)
  })
})

describe('isIsoDate', () => {
  it('accepts real dates', () => {
    for (const d of ['2026-11-25', '2024-02-29', '2000-02-29', '0001-01-01', '9999-12-31'])
      assert.ok(isIsoDate(d), d)
  })
  it('rejects impossible or malformed dates', () => {
    for (const d of [
      '2021-02-30',
      '2023-02-29',
      '1900-02-29',
      '2026-04-31',
      '2026-13-01',
      '2026-00-10',
      '2026-01-00',
      '0000-01-01',
      '2026-1-05',
      '2026-01-5',
      '26-01-05',
      '2026/01/05',
      ' 2026-01-05',
      '2026-01-05T00:00:00Z',
      '２０２６-01-05',
      '',
    ]) {
      assert.equal(isIsoDate(d), false, d)
    }
  })
})

describe('daysBetween / addDays', () => {
  it('counts whole days across DST changes', () => {
    assert.equal(daysBetween('2026-03-28', '2026-03-30'), 2)
    assert.equal(daysBetween('2026-10-24', '2026-10-26'), 2)
    assert.equal(daysBetween('2026-11-25', '2026-11-20'), -5)
    assert.equal(daysBetween('2024-01-01', '2025-01-01'), 366)
    assert.equal(daysBetween('1970-01-01', '2000-01-01'), 10957)
  })
  it('adds days across month, year and leap boundaries', () => {
    assert.equal(addDays('2024-02-28', 1), '2024-02-29')
    assert.equal(addDays('2023-02-28', 1), '2023-03-01')
    assert.equal(addDays('2026-12-31', 1), '2027-01-01')
    assert.equal(addDays('2026-01-01', -1), '2025-12-31')
    assert.equal(addDays('0050-03-01', -1), '0050-02-28')
  })
  it('round-trips with daysBetween for every day of 1999-2031 and a spread of offsets', () => {
    const offsets = [-1000, -366, -365, -31, -1, 0, 1, 28, 29, 30, 31, 59, 365, 366, 1461, 10000]
    let d = '1999-01-01'
    let count = 0
    while (d !== '2032-01-01') {
      assert.ok(isIsoDate(d), d)
      for (const n of offsets) {
        const e = addDays(d, n)
        assert.ok(isIsoDate(e), e)
        assert.equal(daysBetween(d, e), n)
      }
      const next = addDays(d, 1)
      assert.ok(next > d, 'string order matches date order')
      d = next
      count++
    }
    assert.equal(count, daysBetween('1999-01-01', '2032-01-01'))
  })
  it('agrees with Date.UTC arithmetic', () => {
    for (let i = 0; i < 2000; i++) {
      const ms = Date.UTC(1990, 0, 1) + i * 7 * 86400000
      const a = new Date(ms).toISOString().slice(0, 10)
      const b = new Date(ms + 123 * 86400000).toISOString().slice(0, 10)
      assert.equal(daysBetween(a, b), 123)
      assert.equal(addDays(a, 123), b)
    }
  })
  it('rejects bad input rather than returning NaN', () => {
    assert.throws(() => daysBetween('2021-02-30', '2021-03-01'), RangeError)
    assert.throws(() => addDays('2021-01-01', 1.5), RangeError)
    assert.throws(() => addDays('9999-12-31', 1), RangeError)
  })
})

describe('addMonths', () => {
  it('clamps to the end of shorter months', () => {
    assert.equal(addMonths('2026-01-31', 1), '2026-02-28')
    assert.equal(addMonths('2024-01-31', 1), '2024-02-29')
    assert.equal(addMonths('2026-03-31', 1), '2026-04-30')
    assert.equal(addMonths('2026-05-31', -1), '2026-04-30')
    assert.equal(addMonths('2024-02-29', 12), '2025-02-28')
  })
  it('crosses year boundaries in both directions', () => {
    assert.equal(addMonths('2026-11-15', 3), '2027-02-15')
    assert.equal(addMonths('2026-02-15', -3), '2025-11-15')
    assert.equal(addMonths('2026-02-15', -26), '2023-12-15')
    assert.equal(addMonths('2026-02-15', 0), '2026-02-15')
  })
  it('lands in the target month on the same day, or its last day, for every start day of 2024', () => {
    for (let d = '2024-01-01'; d <= '2024-12-31'; d = addDays(d, 1)) {
      const [y, m, day] = d.split('-').map(Number) as [number, number, number]
      for (let n = -25; n <= 25; n++) {
        const r = addMonths(d, n)
        const [ry, rm, rd] = r.split('-').map(Number) as [number, number, number]
        assert.equal(ry * 12 + rm, y * 12 + m + n, `${d} + ${n}`)
        assert.equal(rd, Math.min(day, daysInMonth(ry, rm)), `${d} + ${n}`)
      }
    }
  })
})

describe('formatDate / formatDateTime', () => {
  it('formats dates GOV.UK style', () => {
    assert.equal(formatDate('2026-11-25'), '25 November 2026')
    assert.equal(formatDate('2026-03-01'), '1 March 2026')
    assert.equal(formatDate(null), '')
    assert.equal(formatDate(undefined), '')
    assert.equal(formatDate(''), '')
    assert.throws(() => formatDate('2026-02-30'), RangeError)
  })
  it('formats timestamps in London time with lower-case am/pm', () => {
    assert.equal(formatDateTime('2026-11-25T15:04:00Z'), '25 November 2026 at 3:04pm')
    // BST: 14:04 UTC is 3:04pm in London
    assert.equal(formatDateTime('2026-06-25T14:04:00Z'), '25 June 2026 at 3:04pm')
    assert.equal(formatDateTime('2026-06-25T14:04:00+01:00'), '25 June 2026 at 2:04pm')
    assert.equal(formatDateTime('2026-01-05T09:00:00Z'), '5 January 2026 at 9:00am')
  })
  it('treats 12:xx as pm and 00:xx as 12am', () => {
    assert.equal(formatDateTime('2026-01-05T12:00:00Z'), '5 January 2026 at 12:00pm')
    assert.equal(formatDateTime('2026-01-05T12:59:00Z'), '5 January 2026 at 12:59pm')
    assert.equal(formatDateTime('2026-01-05T00:00:00Z'), '5 January 2026 at 12:00am')
    assert.equal(formatDateTime('2026-01-05T11:59:00Z'), '5 January 2026 at 11:59am')
    // Midnight BST is 23:00 UTC the day before
    assert.equal(formatDateTime('2026-07-04T23:15:00Z'), '5 July 2026 at 12:15am')
  })
  it('rejects unparseable timestamps', () => {
    assert.throws(() => formatDateTime('yesterday'), RangeError)
    assert.throws(() => formatDateTime(''), RangeError)
  })
})

describe('parseDateParts', () => {
  const label = 'Baseline end date'
  const ok = (value: string | null) => ({ ok: true, value })

  it('parses numeric parts, trimming spaces and leading zeros', () => {
    assert.deepEqual(parseDateParts({ day: '25', month: '11', year: '2026' }, label), ok('2026-11-25'))
    assert.deepEqual(parseDateParts({ day: ' 05 ', month: '03 ', year: ' 2026' }, label), ok('2026-03-05'))
    assert.deepEqual(parseDateParts({ day: '29', month: '2', year: '2024' }, label), ok('2024-02-29'))
  })
  it('accepts month names and abbreviations in any case', () => {
    for (const month of ['Jan', 'jan', 'JANUARY', 'January', 'jan.']) {
      assert.deepEqual(parseDateParts({ day: '1', month, year: '2026' }, label), ok('2026-01-01'), month)
    }
    assert.deepEqual(parseDateParts({ day: '9', month: 'Sept', year: '2026' }, label), ok('2026-09-09'))
    assert.deepEqual(parseDateParts({ day: '9', month: 'sep', year: '2026' }, label), ok('2026-09-09'))
  })
  it('requires a date by default and allows empty only when not required', () => {
    assert.deepEqual(parseDateParts({}, label), {
      ok: false,
      error: 'Enter baseline end date',
      fields: ['day', 'month', 'year'],
    })
    assert.deepEqual(parseDateParts({ day: ' ', month: '', year: '' }, label, { required: false }), ok(null))
    assert.deepEqual(parseDateParts({}, label, { required: false }), ok(null))
    assert.equal((parseDateParts({}, 'IPA review date') as { error: string }).error, 'Enter IPA review date')
  })
  it('names the missing parts', () => {
    const err = (parts: Record<string, string>) => parseDateParts(parts, label, { required: false })
    assert.deepEqual(err({ day: '1', month: '2' }), {
      ok: false,
      error: 'Baseline end date must include a year',
      fields: ['year'],
    })
    assert.deepEqual(err({ day: '1', year: '2026' }), {
      ok: false,
      error: 'Baseline end date must include a month',
      fields: ['month'],
    })
    assert.deepEqual(err({ month: '1', year: '2026' }), {
      ok: false,
      error: 'Baseline end date must include a day',
      fields: ['day'],
    })
    assert.deepEqual(err({ year: '2026' }), {
      ok: false,
      error: 'Baseline end date must include a day and month',
      fields: ['day', 'month'],
    })
    assert.deepEqual(err({ month: '3' }), {
      ok: false,
      error: 'Baseline end date must include a day and year',
      fields: ['day', 'year'],
    })
    assert.deepEqual(err({ day: '3' }), {
      ok: false,
      error: 'Baseline end date must include a month and year',
      fields: ['month', 'year'],
    })
  })
  it('requires a four-digit year', () => {
    for (const year of ['26', '202', '20266', 'twenty']) {
      assert.deepEqual(
        parseDateParts({ day: '1', month: '1', year }, label),
        { ok: false, error: 'Baseline end date year must include 4 numbers', fields: ['year'] },
        year,
      )
    }
  })
  it('rejects dates that cannot exist, highlighting the wrong part', () => {
    const bad = (day: string, month: string, year: string, fields: string[]) =>
      assert.deepEqual(
        parseDateParts({ day, month, year }, label),
        { ok: false, error: 'Baseline end date must be a real date', fields },
        `${day}/${month}/${year}`,
      )
    bad('30', '2', '2021', ['day'])
    bad('29', '2', '2023', ['day'])
    bad('31', '4', '2026', ['day'])
    bad('0', '1', '2026', ['day'])
    bad('1', '13', '2026', ['month'])
    bad('1', '0', '2026', ['month'])
    bad('1', 'Smarch', '2026', ['month'])
    bad('1st', '1', '2026', ['day'])
    bad('1.5', '1', '2026', ['day'])
    bad('-1', '1', '2026', ['day'])
    bad('32', '13', '2026', ['day', 'month'])
    bad('31', 'Smarch', '2026', ['month'])
    bad('1', '1', '0000', ['year'])
  })
})

describe('splitDate', () => {
  it('drops leading zeros and round-trips through parseDateParts', () => {
    assert.deepEqual(splitDate('2026-03-05'), { day: '5', month: '3', year: '2026' })
    assert.deepEqual(splitDate(null), { day: '', month: '', year: '' })
    for (let d = '2023-12-20'; d < '2025-01-10'; d = addDays(d, 1)) {
      assert.deepEqual(parseDateParts(splitDate(d), 'Date'), { ok: true, value: d })
    }
  })
})
