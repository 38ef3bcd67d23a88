import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { stageChangeProblems, validateProject, type ProjectInput } from './projects.rules.ts'

function p(overrides: Partial<ProjectInput>): ProjectInput {
  return {
    reference: 'DIG-01',
    name: 'Online contact forms',
    programmeId: 1,
    description: '',
    projectManagerPersonId: null,
    projectManager: '',
    sponsorPersonId: null,
    sponsor: '',
    stage: 'delivery',
    partnerIds: [],
    baselineStart: null,
    baselineEnd: null,
    forecastStart: null,
    forecastEnd: null,
    actualStart: null,
    actualEnd: null,
    ...overrides,
  }
}

describe('validateProject', () => {
  it('accepts a minimal project', () => {
    assert.deepEqual(validateProject(p({})), {})
  })

  it('needs each end on or after its start, pair by pair', () => {
    assert.deepEqual(validateProject(p({ baselineStart: '2021-04-01', baselineEnd: '2021-04-01' })), {})
    assert.deepEqual(validateProject(p({ forecastStart: '2021-04-02', forecastEnd: '2021-04-01' })), {
      forecastEnd: 'Forecast end date must be the same as or after the forecast start date',
    })
    // Dates of different pairs are not compared: a forecast end before the baseline start is just very early.
    assert.deepEqual(validateProject(p({ baselineStart: '2021-04-02', forecastEnd: '2021-04-01' })), {})
  })

  it('an actual end needs an actual start, and a closed project needs an actual end', () => {
    assert.deepEqual(validateProject(p({ actualEnd: '2021-04-01' })), {
      actualStart: 'Enter the actual start date, as the project has an actual end date',
    })
    assert.deepEqual(validateProject(p({ stage: 'closed', actualStart: '2020-01-01' })), {
      actualEnd: 'Enter the actual end date of a closed project',
    })
    assert.deepEqual(
      validateProject(p({ stage: 'closed', actualStart: '2020-01-01', actualEnd: '2021-01-01' })),
      {},
    )
  })

  it('names the missing essentials', () => {
    const errors = validateProject(p({ reference: ' ', name: '', programmeId: null, stage: 'finished' }))
    assert.deepEqual(Object.keys(errors), ['reference', 'name', 'programmeId', 'stage'])
  })
})

describe('stageChangeProblems', () => {
  it('allows moving forwards, backwards before closure, and cancelling', () => {
    assert.deepEqual(stageChangeProblems(p({ stage: 'idea' }), p({ stage: 'delivery' })), [])
    assert.deepEqual(stageChangeProblems(p({ stage: 'delivery' }), p({ stage: 'business_case' })), [])
    assert.deepEqual(stageChangeProblems(p({ stage: 'delivery' }), p({ stage: 'cancelled' })), [])
  })

  it('refuses reopening a closed or cancelled project', () => {
    assert.deepEqual(stageChangeProblems(p({ stage: 'closed' }), p({ stage: 'delivery' })), [
      'A closed project cannot move back to Delivery',
    ])
    assert.deepEqual(stageChangeProblems(p({ stage: 'cancelled' }), p({ stage: 'idea' })), [
      'A cancelled project cannot move back to Idea',
    ])
    assert.deepEqual(stageChangeProblems(p({ stage: 'closed' }), p({ stage: 'closed' })), [])
  })
})
