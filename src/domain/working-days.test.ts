import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { addWorkingDays, bankHolidays, holidayPredicate, isWorkingDay } from './working-days.ts'

describe('working days and bank holidays', () => {
  it('counts bank holidays after 2027 in England and Wales (the old list stopped there)', () => {
    // Thursday 13 April 2028 + 1 working day: Good Friday and Easter Monday → Tuesday 18 April.
    assert.equal(addWorkingDays('2028-04-13', 1), '2028-04-18')
    // Friday 22 December 2028 + 1: Christmas Day and Boxing Day → Wednesday 27 December.
    assert.equal(addWorkingDays('2028-12-22', 1), '2028-12-27')
    assert.equal(isWorkingDay('2031-08-25'), false, 'the summer bank holiday of 2031')
  })

  it('Scotland: 2 January and St Andrew’s Day, but not Easter Monday', () => {
    const scotland = holidayPredicate('GB-SCT')
    // 2029: 2 January is a Tuesday.
    assert.equal(isWorkingDay('2029-01-02', scotland), false)
    assert.equal(isWorkingDay('2029-01-02'), true, 'a working day in England')
    // St Andrew's Day 2028 is a Thursday.
    assert.equal(isWorkingDay('2028-11-30', scotland), false)
    assert.equal(isWorkingDay('2028-04-17', scotland), true, 'Easter Monday is not a Scottish bank holiday')
    assert.equal(addWorkingDays('2028-11-29', 1, scotland), '2028-12-01')
  })

  it('Northern Ireland: 12 July (and St Patrick’s Day)', () => {
    const ni = holidayPredicate('GB-NIR')
    assert.equal(isWorkingDay('2028-07-12', ni), false)
    assert.equal(isWorkingDay('2028-07-12'), true)
    assert.equal(addWorkingDays('2028-07-11', 1, ni), '2028-07-13')
    assert.ok(bankHolidays('GB-NIR', 2028).has('2028-03-17'))
  })

  it('only public holidays count, not observances such as Mother’s Day', () => {
    assert.ok(!bankHolidays('GB-ENG', 2028).has('2028-03-26'))
  })

  it('a closure day an administrator adds is not a working day', () => {
    const withClosure = holidayPredicate('GB-ENG', ['2028-06-14'])
    assert.equal(isWorkingDay('2028-06-14', withClosure), false)
    assert.equal(addWorkingDays('2028-06-13', 1, withClosure), '2028-06-15')
    assert.equal(addWorkingDays('2028-06-13', 1), '2028-06-14')
  })
})
