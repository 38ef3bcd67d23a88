import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { addDays } from './dates.ts'
import {
  MILESTONE_STATUSES,
  isMilestoneStatus,
  milestoneFlags,
  milestoneStatusLabel,
  projectSlippage,
  slippageDays,
} from './slippage.ts'
import type { MilestoneDates, MilestoneStatus } from './slippage.ts'

const today = '2026-11-25'

function m(overrides: Partial<MilestoneDates>): MilestoneDates {
  return { baselineDate: null, forecastDate: null, actualDate: null, status: 'in_progress', ...overrides }
}

describe('slippageDays', () => {
  it('is positive when late, negative when early, null when unknowable', () => {
    assert.equal(slippageDays('2026-11-01', '2026-11-15'), 14)
    assert.equal(slippageDays('2026-11-15', '2026-11-01'), -14)
    assert.equal(slippageDays('2026-11-15', '2026-11-15'), 0)
    assert.equal(slippageDays(null, '2026-11-15'), null)
    assert.equal(slippageDays('2026-11-15', null), null)
  })
})

describe('milestone statuses', () => {
  it('lists the four statuses with labels', () => {
    assert.deepEqual(
      MILESTONE_STATUSES.map((s) => s.label),
      ['Not started', 'In progress', 'Complete', 'Cancelled'],
    )
    assert.ok(isMilestoneStatus('complete'))
    assert.equal(isMilestoneStatus('done'), false)
    assert.equal(milestoneStatusLabel('not_started'), 'Not started')
  })
})

describe('milestoneFlags', () => {
  it('is late when open and the forecast has passed', () => {
    assert.deepEqual(milestoneFlags(m({ baselineDate: '2026-11-01', forecastDate: '2026-11-20' }), today), {
      slippageDays: 19,
      late: true,
      atRisk: false,
    })
  })
  it('falls back to the baseline when there is no forecast', () => {
    assert.deepEqual(milestoneFlags(m({ baselineDate: '2026-11-24', status: 'not_started' }), today), {
      slippageDays: null,
      late: true,
      atRisk: false,
    })
  })
  it('is not late on the due date itself, but is at risk', () => {
    assert.deepEqual(milestoneFlags(m({ baselineDate: today }), today), {
      slippageDays: null,
      late: false,
      atRisk: true,
    })
  })
  it('is at risk when due within the window, inclusive', () => {
    const flags = (due: string, window?: number) =>
      milestoneFlags(m({ baselineDate: due, forecastDate: due }), today, window)
    assert.equal(flags(addDays(today, 14)).atRisk, true)
    assert.equal(flags(addDays(today, 15)).atRisk, false)
    assert.equal(flags(addDays(today, 28), 28).atRisk, true)
    assert.equal(flags(addDays(today, 1), 0).atRisk, false)
    assert.equal(flags(addDays(today, 15)).slippageDays, 0)
  })
  it('is at risk whenever the forecast is beyond baseline, however far off', () => {
    assert.deepEqual(milestoneFlags(m({ baselineDate: '2027-06-01', forecastDate: '2027-06-30' }), today), {
      slippageDays: 29,
      late: false,
      atRisk: true,
    })
    assert.equal(
      milestoneFlags(m({ baselineDate: '2027-06-30', forecastDate: '2027-06-01' }), today).atRisk,
      false,
    )
  })
  it('is neither late nor at risk once complete or cancelled, but still reports slippage', () => {
    for (const status of ['complete', 'cancelled'] as const) {
      assert.deepEqual(
        milestoneFlags(
          m({ baselineDate: '2026-10-01', forecastDate: '2026-10-10', actualDate: '2026-10-15', status }),
          today,
        ),
        { slippageDays: 14, late: false, atRisk: false },
      )
    }
  })
  it('prefers the actual date over the forecast for slippage', () => {
    const f = milestoneFlags(
      m({
        baselineDate: '2026-10-01',
        forecastDate: '2026-10-10',
        actualDate: '2026-09-30',
        status: 'complete',
      }),
      today,
    )
    assert.equal(f.slippageDays, -1)
  })
  it('has no flags when there are no dates at all', () => {
    assert.deepEqual(milestoneFlags(m({}), today), { slippageDays: null, late: false, atRisk: false })
  })
  it('never reports both late and at risk, and never flags closed milestones (exhaustive over a grid)', () => {
    const dates = [
      null,
      '2026-10-01',
      '2026-11-24',
      today,
      '2026-11-26',
      '2026-12-09',
      '2026-12-10',
      '2027-03-01',
    ]
    const statuses: MilestoneStatus[] = MILESTONE_STATUSES.map((s) => s.value)
    for (const baselineDate of dates)
      for (const forecastDate of dates)
        for (const actualDate of [null, '2026-11-01'])
          for (const status of statuses) {
            const f = milestoneFlags({ baselineDate, forecastDate, actualDate, status }, today)
            assert.ok(!(f.late && f.atRisk))
            if (status === 'complete' || status === 'cancelled') assert.ok(!f.late && !f.atRisk)
            const due = forecastDate ?? baselineDate
            if (status !== 'complete' && status !== 'cancelled')
              assert.equal(f.late, due !== null && due < today)
          }
  })
})

describe('projectSlippage', () => {
  it('compares actual ?? forecast against baseline for start and end', () => {
    assert.deepEqual(
      projectSlippage({
        baselineStart: '2026-04-01',
        forecastStart: '2026-05-01',
        actualStart: '2026-04-15',
        baselineEnd: '2027-03-31',
        forecastEnd: '2027-06-30',
        actualEnd: null,
      }),
      { startDays: 14, endDays: 91 },
    )
    assert.deepEqual(
      projectSlippage({
        baselineStart: null,
        forecastStart: '2026-05-01',
        actualStart: null,
        baselineEnd: '2027-03-31',
        forecastEnd: null,
        actualEnd: null,
      }),
      { startDays: null, endDays: null },
    )
  })
})
