import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { startWhenFilled, unfilledAtStart, type RoleCover } from './capacity.rules.ts'

const months = (pairs: [string, number][]) =>
  pairs.map(([period, fteHundredths]) => ({ period, fteHundredths }))

describe('a role unfilled at the forecast start', () => {
  const developer: RoleCover = {
    roleId: 1,
    title: 'Web developer',
    needed: months([
      ['2019-06', 100],
      ['2019-07', 100],
      ['2019-08', 100],
      ['2019-09', 100],
    ]),
    // Half a person in July, then two halves from September.
    people: months([
      ['2019-07', 50],
      ['2019-09', 50],
      ['2019-09', 50],
    ]),
  }
  const designer: RoleCover = {
    roleId: 2,
    title: 'Content designer',
    needed: months([['2019-06', 50]]),
    people: months([['2019-06', 50]]),
  }
  const later: RoleCover = { roleId: 3, title: 'Trainer', needed: months([['2019-10', 100]]), people: [] }

  it('is a role needed in the start month that its people do not fill, with the first month they do', () => {
    assert.deepEqual(unfilledAtStart('2019-06', [developer, designer, later]), [
      { roleId: 1, title: 'Web developer', firstFilled: '2019-09' },
    ])
  })

  it('moves the start to the first day of the latest first filled month, or asks when one is never filled', () => {
    assert.equal(startWhenFilled(unfilledAtStart('2019-06', [developer])), '2019-09-01')
    const never = { ...developer, people: [] }
    assert.equal(startWhenFilled(unfilledAtStart('2019-06', [developer, never])), null)
    assert.equal(startWhenFilled([]), null)
  })
})
