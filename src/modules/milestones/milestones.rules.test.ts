import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { Milestone } from '../../db/schema.ts'
import { daysBehindBaseline, hasSlipped, milestoneView, validateMilestone } from './milestones.rules.ts'

const TODAY = '2026-11-25'
const valid = {
  name: 'Forms live',
  description: '',
  baselineDate: '2026-12-01',
  forecastDate: null,
  actualDate: null,
  status: 'not_started',
  isKey: false,
}

function row(over: Partial<Milestone>): Milestone {
  return {
    id: 1,
    organisation_id: 1,
    project_id: 1,
    name: 'M',
    description: '',
    baseline_date: '2026-11-01',
    forecast_date: null,
    actual_date: null,
    status: 'in_progress',
    is_key: 0,
    reference: '',
    version: 1,
    created_at: '',
    updated_at: '',
    ...over,
  }
}

describe('milestone rules', () => {
  it('accepts a named milestone with a baseline date', () => {
    assert.deepEqual(validateMilestone(valid, TODAY), {})
  })

  it('needs a name and a baseline date, the commitment slippage is measured against', () => {
    assert.deepEqual(validateMilestone({ ...valid, name: ' ', baselineDate: null }, TODAY), {
      name: 'Enter the milestone name',
      baselineDate: 'Enter baseline date',
    })
  })

  it('needs an actual date once complete, and an actual date cannot be in the future', () => {
    assert.equal(
      validateMilestone({ ...valid, status: 'complete' }, TODAY).actualDate,
      'Enter the actual date, as the milestone is complete',
    )
    assert.equal(
      validateMilestone({ ...valid, actualDate: '2026-11-26' }, TODAY).actualDate,
      'Actual date must be today or in the past',
    )
    assert.deepEqual(validateMilestone({ ...valid, status: 'complete', actualDate: TODAY }, TODAY), {})
  })

  it('refuses dates that do not exist and unknown statuses', () => {
    const errors = validateMilestone({ ...valid, forecastDate: '2026-02-30', status: 'done' }, TODAY)
    assert.equal(errors.forecastDate, 'Forecast date must be a real date')
    assert.equal(errors.status, 'Select the milestone status')
  })

  it('a late milestone is at least as far behind as today is after its baseline', () => {
    const late = milestoneView(row({ forecast_date: '2026-11-10' }), TODAY)
    assert.equal(late.slippageDays, 9)
    assert.equal(daysBehindBaseline(late, TODAY), 24)
    assert.equal(hasSlipped(late), true)
    const done = milestoneView(row({ actual_date: '2026-11-20', status: 'complete' }), TODAY)
    assert.equal(hasSlipped(done), false)
    const early = milestoneView(row({ baseline_date: '2026-12-20', forecast_date: '2026-12-10' }), TODAY)
    assert.equal(hasSlipped(early), false)
  })
})
