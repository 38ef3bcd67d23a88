import assert from 'node:assert/strict'
import { test } from 'node:test'
import { capacityInMonth, daysCovered, fteInMonth } from './capacity.ts'

const post = (startsOn: string, endsOn: string | null, fteHundredths: number) => ({
  startsOn,
  endsOn,
  fteHundredths,
})

test('capacity is contracted FTE minus secondments out plus secondments in', () => {
  const c = capacityInMonth(
    [post('2019-01-01', null, 100)],
    [
      { ...post('2020-03-23', '2020-09-30', 60), direction: 'out' },
      { ...post('2020-04-01', '2020-04-30', 20), direction: 'in' },
    ],
    '2020-04',
  )
  assert.deepEqual(c, { contracted: 100, secondedOut: 60, secondedIn: 20, available: 60 })
})

test('a part-time person seconded away entirely has no capacity, and never less than none', () => {
  const c = capacityInMonth(
    [post('2019-01-01', null, 60)],
    [{ ...post('2020-04-01', null, 100), direction: 'out' }],
    '2020-05',
  )
  assert.equal(c.available, 0)
  assert.equal(c.contracted, 60)
})

test('a commitment counts in proportion to the days of the month it covers', () => {
  assert.equal(daysCovered(post('2020-04-16', null, 100), '2020-04'), 15)
  assert.equal(fteInMonth(post('2020-04-16', null, 100), '2020-04'), 50)
  assert.equal(fteInMonth(post('2020-01-01', '2020-02-14', 100), '2020-02'), 48) // 14 of 29 days
  assert.equal(fteInMonth(post('2020-01-01', '2020-01-31', 100), '2020-02'), 0)
  assert.equal(fteInMonth(post('2020-03-01', null, 100), '2020-02'), 0)
  assert.equal(fteInMonth(post('2020-02-29', '2020-02-29', 100), '2020-02'), 3)
})

test('two posts held at once add up exactly in hundredths', () => {
  const c = capacityInMonth([post('2021-01-01', null, 10), post('2021-01-01', null, 20)], [], '2021-06')
  assert.equal(c.contracted, 30)
})
