import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  formatPeriodKey,
  frequencyOfKey,
  keysBetween,
  lastCompletePeriod,
  monthsOf,
  periodEnd,
  periodKeyOfMonth,
  readPeriodFor,
  readPeriodText,
  rollUp,
} from './reporting-periods.ts'

describe('financial reporting periods', () => {
  it('knows the keys of each frequency', () => {
    assert.equal(frequencyOfKey('2025-04'), 'monthly')
    assert.equal(frequencyOfKey('2025/26-Q1'), 'quarterly')
    assert.equal(frequencyOfKey('2025/26'), 'annual')
    for (const bad of ['2025/27', '2025/26-Q5', '2025-13', 'Q1', '', '2025/26 Q1'])
      assert.equal(frequencyOfKey(bad), null, bad)
  })

  it('puts Q1 in April to June and January to March in Q4 of the year before', () => {
    assert.equal(periodKeyOfMonth('quarterly', '2025-04'), '2025/26-Q1')
    assert.equal(periodKeyOfMonth('quarterly', '2025-06'), '2025/26-Q1')
    assert.equal(periodKeyOfMonth('quarterly', '2025-07'), '2025/26-Q2')
    assert.equal(periodKeyOfMonth('quarterly', '2026-03'), '2025/26-Q4')
    assert.equal(periodKeyOfMonth('annual', '2026-03'), '2025/26')
    assert.deepEqual(monthsOf('2025/26-Q4'), ['2026-01', '2026-02', '2026-03'])
    assert.equal(monthsOf('2025/26').length, 12)
    assert.equal(periodEnd('2025/26-Q3'), '2025-12-31')
    assert.equal(periodEnd('2023/24-Q4'), '2024-03-31')
    assert.equal(periodEnd('2024-02'), '2024-02-29')
    assert.equal(formatPeriodKey('2025/26-Q1'), 'Q1 2025/26 (April to June 2025)')
    assert.equal(formatPeriodKey('2025-04'), 'April 2025')
  })

  it('lists periods between two months and finds the last complete one', () => {
    assert.deepEqual(keysBetween('quarterly', '2025-05', '2026-01'), [
      '2025/26-Q1',
      '2025/26-Q2',
      '2025/26-Q3',
      '2025/26-Q4',
    ])
    assert.deepEqual(keysBetween('annual', '2024-03', '2025-04'), ['2023/24', '2024/25', '2025/26'])
    assert.equal(keysBetween('monthly', '2019-04', '2026-11').length, 92)
    assert.equal(lastCompletePeriod('monthly', '2026-12-05'), '2026-11')
    assert.equal(lastCompletePeriod('quarterly', '2026-12-05'), '2026/27-Q2')
    assert.equal(lastCompletePeriod('quarterly', '2026-10-01'), '2026/27-Q2')
    assert.equal(lastCompletePeriod('annual', '2026-12-05'), '2025/26')
  })

  it('reads periods the ways councils publish them', () => {
    const cases: Array<[string, string]> = [
      ['2025/26 Q1', '2025/26-Q1'],
      ['Q1 2025/26', '2025/26-Q1'],
      ['2025-26 Q1', '2025/26-Q1'],
      ['2025/26-Q1', '2025/26-Q1'],
      ['Quarter 2 2025/26', '2025/26-Q2'],
      ['q3 2025-26', '2025/26-Q3'],
      ['Apr-Jun 2025', '2025/26-Q1'],
      ['April to June 2025', '2025/26-Q1'],
      ['Jan-Mar 2026', '2025/26-Q4'],
      ['April 2025', '2025-04'],
      ['Apr 2025', '2025-04'],
      ['Sept 2025', '2025-09'],
      // Not "Oc" to "ber": a month whose name holds "to" is a month, not a range.
      ['October 2025', '2025-10'],
      ['October to December 2025', '2025/26-Q3'],
      ['Oct–Dec 2025', '2025/26-Q3'],
      ['Apr-25', '2025-04'],
      ['2025-04', '2025-04'],
      ['01/04/2025', '2025-04'],
      ['30/04/2025', '2025-04'],
      ['2025-04-01', '2025-04'],
      ['2025/26', '2025/26'],
      ['2025-26', '2025/26'],
      ['FY2025/26', '2025/26'],
      ['FY 2025/26', '2025/26'],
      ['2025/2026', '2025/26'],
      ['1999/00', '1999/00'],
    ]
    for (const [text, key] of cases) assert.equal(readPeriodText(text)?.key, key, text)
    for (const bad of [
      '',
      'Q5 2025/26',
      '2025/27',
      'Feb-Apr 2025',
      'Smarch 2025',
      '31/04/2025',
      '2025-13',
      'soon',
    ])
      assert.equal(readPeriodText(bad), null, bad)
  })

  it('reads "2008-09" as September 2008 (the month key), or as 2008/09 for an annual indicator', () => {
    assert.equal(readPeriodText('2008-09')?.key, '2008-09')
    assert.equal(readPeriodText('2011-12')?.key, '2011-12')
    assert.deepEqual(readPeriodFor('annual', '2008-09'), { key: '2008/09' })
    assert.deepEqual(readPeriodFor('monthly', '2008-09'), { key: '2008-09' })
    assert.ok('error' in readPeriodFor('monthly', '2025-26'))
  })

  it('refuses a period that does not match the frequency, in words', () => {
    assert.deepEqual(readPeriodFor('quarterly', 'Apr-Jun 2025'), { key: '2025/26-Q1' })
    const wrong = readPeriodFor('quarterly', 'April 2025')
    assert.ok('error' in wrong && /measured quarterly/.test(wrong.error))
    assert.ok('error' in readPeriodFor('monthly', 'nonsense'))
  })

  it('rolls months up by sum, average or latest', () => {
    const months = [
      { period: '2025-04', value: 10 },
      { period: '2025-06', value: 31 },
      { period: '2025-05', value: 20 },
      { period: '2025-07', value: 5 },
    ]
    assert.deepEqual(
      rollUp(months, 'sum', 'quarterly').map((r) => [r.key, r.value, r.complete]),
      [
        ['2025/26-Q1', 61, true],
        ['2025/26-Q2', 5, false],
      ],
    )
    assert.equal(rollUp(months, 'average', 'quarterly')[0]!.value, 20)
    assert.equal(rollUp(months, 'latest', 'quarterly')[0]!.value, 31)
    assert.equal(rollUp(months, 'sum', 'annual')[0]!.value, 66)
    // Half away from zero: (1 + 2) / 2 = 1.5 → 2, and -1.5 → -2.
    assert.equal(
      rollUp(
        [
          { period: '2025-04', value: 1 },
          { period: '2025-05', value: 2 },
        ],
        'average',
        'annual',
      )[0]!.value,
      2,
    )
    assert.equal(
      rollUp(
        [
          { period: '2025-04', value: -1 },
          { period: '2025-05', value: -2 },
        ],
        'average',
        'annual',
      )[0]!.value,
      -2,
    )
  })
})
