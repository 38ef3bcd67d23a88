import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  holderOverlapProblem,
  peakFteDuring,
  vacancyMonths,
  validatePost,
  validateSecondment,
  type PostInput,
} from './resourcing.rules.ts'

const held = (startsOn: string, endsOn: string | null, fteHundredths: number) => ({
  startsOn,
  endsOn,
  fteHundredths,
})

test('the peak FTE other holders hold counts only the days they overlap', () => {
  const others = [held('2020-01-01', '2020-06-30', 60), held('2020-05-01', null, 40)]
  assert.equal(peakFteDuring(others, '2020-07-01', null), 40)
  assert.equal(peakFteDuring(others, '2020-02-01', '2020-04-30'), 60)
  assert.equal(peakFteDuring(others, '2020-02-01', null), 100)
})

test('a holder beyond the post’s FTE is refused; a job share within it is not', () => {
  const others = [held('2020-01-01', null, 60)]
  const share = { personId: 1, startsOn: '2020-03-01', endsOn: null, fteHundredths: 40 }
  assert.equal(holderOverlapProblem(100, others, share), null)
  assert.match(holderOverlapProblem(100, others, { ...share, fteHundredths: 50 }) ?? '', /1 FTE/)
  // Once the first holder has left, the post is free again.
  assert.equal(
    holderOverlapProblem(100, [held('2020-01-01', '2020-02-29', 100)], { ...share, fteHundredths: 100 }),
    null,
  )
})

test('vacancy age is in whole calendar months', () => {
  assert.equal(vacancyMonths('2018-07-01', '2019-04-01'), 9)
  assert.equal(vacancyMonths('2018-07-01', '2019-03-31'), 8)
  assert.equal(vacancyMonths('2019-01-31', '2019-02-28'), 1)
  assert.equal(vacancyMonths('2019-05-01', '2019-04-01'), 0)
})

const post: PostInput = {
  title: 'Web developer',
  team: 'Digital',
  grade: 'G8',
  fteHundredths: 100,
  funded: false,
  annualCostPence: 3_800_000,
  budgetLineId: null,
  fundingStreamId: null,
  status: 'vacant',
  approvedOn: '2018-07-01',
  advertisedOn: null,
  appointedOn: null,
  startsOn: null,
}

test('a post’s FTE is between 0 and 1 and its recruitment dates run in order', () => {
  assert.deepEqual(validatePost(post), {})
  assert.equal(validatePost({ ...post, fteHundredths: 120 }).fte, 'FTE must be 1 or less')
  assert.equal(validatePost({ ...post, fteHundredths: 0 }).fte, 'FTE must be more than 0')
  assert.equal(
    validatePost({ ...post, advertisedOn: '2018-06-01' }).advertisedOn,
    'Date advertised must be the same as or after the date approved',
  )
  assert.equal(
    validatePost({ ...post, startsOn: '2018-06-30' }).startsOn,
    'Start date must be the same as or after the date approved',
  )
  assert.ok(validatePost({ ...post, funded: true }).budgetLineId)
})

test('a secondment that ends before it starts is refused on its end date', () => {
  const errors = validateSecondment({
    personId: 1,
    direction: 'out',
    fromTeam: 'Digital',
    fromOrganisation: '',
    toTeam: 'Covid-19 response',
    toOrganisation: '',
    startsOn: '2020-03-23',
    endsOn: '2020-03-01',
    reason: 'Covid-19 response',
    fteHundredths: 100,
  })
  assert.deepEqual(errors, { endsOn: 'End date must be the same as or after the start date' })
})
