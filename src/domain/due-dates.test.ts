import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import fc from 'fast-check'
import { addDays, daysBetween, daysInMonth, isIsoDate } from './dates.ts'
import {
  answeredOnTime,
  isResponseOverdue,
  median,
  municipalYear,
  municipalYearOf,
  parseMunicipalYear,
  responseDueOn,
} from './due-dates.ts'
import { holidayPredicate } from './working-days.ts'

const isoDate = fc
  .date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10))

describe('response due dates', () => {
  it('given the organisation’s holidays, a due date on a day the offices are shut moves to the next working day', () => {
    // 30 November 2021 + 2 months = Sunday 30 January 2022 → Monday 31 January.
    assert.equal(responseDueOn('2021-11-30', 2, holidayPredicate('GB-ENG')), '2022-01-31')
    // 30 September 2028 + 2 months = Thursday 30 November: St Andrew's Day in Scotland only.
    assert.equal(responseDueOn('2028-09-30', 2, holidayPredicate('GB-ENG')), '2028-11-30')
    assert.equal(responseDueOn('2028-09-30', 2, holidayPredicate('GB-SCT')), '2028-12-01')
    // 12 May 2028 + 2 months = Wednesday 12 July: a bank holiday in Northern Ireland.
    assert.equal(responseDueOn('2028-05-12', 2, holidayPredicate('GB-NIR')), '2028-07-13')
    // A closure day the administrator added: Friday 1 December → Monday 4 December.
    assert.equal(responseDueOn('2028-09-30', 2, holidayPredicate('GB-SCT', ['2028-12-01'])), '2028-12-04')
  })

  it('is two calendar months after the meeting by default', () => {
    assert.equal(responseDueOn('2021-03-18'), '2021-05-18')
    assert.equal(responseDueOn('2021-11-30'), '2022-01-30')
  })
  it('clamps to the end of a shorter month', () => {
    assert.equal(responseDueOn('2020-12-31'), '2021-02-28')
    assert.equal(responseDueOn('2023-12-31'), '2024-02-29')
    assert.equal(responseDueOn('2021-08-31', 1), '2021-09-30')
  })
  it('honours a committee’s own number of months and refuses nonsense', () => {
    assert.equal(responseDueOn('2021-03-18', 3), '2021-06-18')
    for (const bad of [0, -1, 1.5, 13, Number.NaN])
      assert.throws(() => responseDueOn('2021-03-18', bad), RangeError)
    assert.throws(() => responseDueOn('2021-02-30'), RangeError)
  })
  it('is overdue only from the day after the due date, and never once answered', () => {
    assert.equal(isResponseOverdue('2021-05-18', null, '2021-05-18'), false)
    assert.equal(isResponseOverdue('2021-05-18', null, '2021-05-19'), true)
    assert.equal(isResponseOverdue('2021-05-18', '2021-06-01', '2021-07-01'), false)
    assert.equal(answeredOnTime('2021-05-18', '2021-05-18'), true)
    assert.equal(answeredOnTime('2021-05-18', '2021-05-19'), false)
    assert.equal(answeredOnTime('2021-05-18', null), false)
  })
  it('property: due date is a real day, later than the meeting, in the right month, day clamped', () => {
    fc.assert(
      fc.property(isoDate, fc.integer({ min: 1, max: 12 }), (d, months) => {
        const due = responseDueOn(d, months)
        assert.ok(isIsoDate(due))
        assert.ok(due > d)
        const [y, m, day] = d.split('-').map(Number) as [number, number, number]
        const idx = y * 12 + (m - 1) + months
        const ey = Math.floor(idx / 12)
        const em = (idx % 12) + 1
        assert.equal(due.slice(0, 7), `${ey}-${String(em).padStart(2, '0')}`)
        assert.equal(Number(due.slice(8)), Math.min(day, daysInMonth(ey, em)))
        // never more than the months' worth of days (31 a month) and at least 28 a month less clamping
        const span = daysBetween(d, due)
        assert.ok(span <= 31 * months && span >= 28 * months - 3)
      }),
    )
  })
  it('property: a later meeting never has an earlier due date', () => {
    fc.assert(
      fc.property(isoDate, fc.integer({ min: 0, max: 400 }), (d, n) => {
        assert.ok(responseDueOn(addDays(d, n)) >= responseDueOn(d))
      }),
    )
  })
})

describe('municipal years', () => {
  it('run from May to April', () => {
    assert.deepEqual(municipalYearOf('2021-03-18'), municipalYear(2020))
    assert.equal(municipalYearOf('2021-03-18').label, '2020/21')
    assert.equal(municipalYearOf('2021-05-01').label, '2021/22')
    assert.equal(municipalYearOf('2021-04-30').label, '2020/21')
    assert.equal(municipalYear(1999).label, '1999/00')
    assert.equal(municipalYear(2020).start, '2020-05-01')
    assert.equal(municipalYear(2020).end, '2021-04-30')
  })
  it('parses labels', () => {
    assert.equal(parseMunicipalYear('2020/21')?.startYear, 2020)
    assert.equal(parseMunicipalYear('2020')?.startYear, 2020)
    assert.equal(parseMunicipalYear('2020/22'), null)
    assert.equal(parseMunicipalYear('twenty'), null)
  })
  it('property: every date lies within its municipal year', () => {
    fc.assert(
      fc.property(isoDate, (d) => {
        const my = municipalYearOf(d)
        assert.ok(my.start <= d && d <= my.end)
      }),
    )
  })
})

describe('median', () => {
  it('takes the middle, or the mean of the middle two', () => {
    assert.equal(median([]), null)
    assert.equal(median([5]), 5)
    assert.equal(median([9, 1, 5]), 5)
    assert.equal(median([1, 2, 3, 10]), 2.5)
  })
})
