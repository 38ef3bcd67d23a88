import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { validateOutput, type OutputInput } from './outputs.rules.ts'

const base: OutputInput = {
  title: 'Grants content',
  type: 'content',
  description: '',
  plannedOn: null,
  deliveredOn: null,
  acceptedByPersonId: null,
  acceptedBy: '',
  acceptedOn: null,
  status: 'planned',
  milestoneIds: [],
}
const TODAY = '2021-12-01'
const check = (o: Partial<OutputInput>, milestones: number[] = []) =>
  validateOutput({ ...base, ...o }, TODAY, new Set(milestones))

describe('output rules', () => {
  it('accepts a planned output, and one delivered and accepted on the same day', () => {
    assert.deepEqual(check({}), {})
    assert.deepEqual(
      check(
        {
          plannedOn: '2020-05-01',
          deliveredOn: '2020-05-11',
          acceptedOn: '2020-05-11',
          acceptedBy: 'Helen Marsh',
          status: 'accepted',
          milestoneIds: [4],
        },
        [4],
      ),
      {},
    )
  })

  it('needs a plan before a delivery, a delivery before an acceptance, and both in the past', () => {
    assert.match(check({ deliveredOn: '2021-01-01' }).plannedOn ?? '', /planned delivery date/)
    assert.match(check({ acceptedOn: '2021-01-01', acceptedBy: 'X' }).deliveredOn ?? '', /actual delivery/)
    assert.match(
      check({ plannedOn: '2021-01-01', deliveredOn: '2021-02-01', acceptedOn: '2021-01-31', acceptedBy: 'X' })
        .acceptedOn ?? '',
      /same as or after/,
    )
    assert.match(check({ plannedOn: '2021-01-01', deliveredOn: '2021-12-02' }).deliveredOn ?? '', /past/)
    assert.match(
      check({ plannedOn: '2021-01-01', deliveredOn: '2021-02-01', acceptedBy: 'X' }).acceptedOn ?? '',
      /Enter/,
    )
    assert.match(
      check({ plannedOn: '2021-01-01', deliveredOn: '2021-02-01', acceptedOn: '2021-02-01' })
        .acceptedByPersonId ?? '',
      /who accepted/,
    )
  })

  it("refuses a milestone that is not the project's, an unknown type and an impossible date", () => {
    assert.match(check({ milestoneIds: [9] }, [4]).milestoneIds ?? '', /this project/)
    assert.ok(check({ type: 'widget' }).type)
    assert.ok(check({ plannedOn: '2021-02-30' }).plannedOn)
    assert.ok(check({ status: 'accepted' }).acceptedOn)
  })

  it('keeps the status in step with the dates', () => {
    assert.match(
      check({ plannedOn: '2021-01-01', deliveredOn: '2021-02-01' }).status ?? '',
      /delivered or accepted/,
    )
    assert.match(
      check({
        plannedOn: '2021-01-01',
        deliveredOn: '2021-02-01',
        acceptedOn: '2021-02-01',
        acceptedBy: 'X',
        status: 'delivered',
      }).status ?? '',
      /Choose accepted/,
    )
    assert.deepEqual(check({ plannedOn: '2021-01-01', deliveredOn: '2021-02-01', status: 'delivered' }), {})
  })
})
