import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { addDays, daysBetween } from '../domain/dates.ts'
import { isWorkingDay } from '../domain/working-days.ts'
import { nextMeetingDate } from './scrutiny-demo.ts'

describe("the demo's next panel meeting", () => {
  it('is never on Christmas Day, a weekend or a bank holiday: the demo loaded on 4 December 2026', () => {
    const d = nextMeetingDate('2026-12-04')
    assert.notEqual(d, '2026-12-25')
    assert.ok(isWorkingDay(d), d)
  })

  it('is the first working day at least three weeks ahead, whatever day the demo is loaded', () => {
    for (let i = 0; i < 3 * 366; i++) {
      const today = addDays('2025-01-01', i)
      const d = nextMeetingDate(today)
      assert.ok(isWorkingDay(d), `${today} → ${d}`)
      assert.ok(daysBetween(today, d) >= 21, `${today} → ${d}`)
      for (let e = addDays(today, 21); e < d; e = addDays(e, 1))
        assert.ok(!isWorkingDay(e), `${today}: ${e} was free`)
    }
  })
})
