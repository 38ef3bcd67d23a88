import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import {
  benefitsReviewProblem,
  formatValue,
  missingRealisations,
  profileTotals,
  readValue,
  validateBenefit,
  valueText,
  type BenefitInput,
} from './benefits.rules.ts'

const base: BenefitInput = {
  projectId: 1,
  programmeId: null,
  title: 'Fewer telephone contacts',
  description: '',
  type: 'non_cashable',
  disBenefit: false,
  unit: 'contacts',
  ownerPersonId: null,
  ownerName: '',
  ambitionId: null,
  indicatorId: null,
  baselineYear: '2019/20',
  baselineValue: null,
  targetValue: null,
  targetOn: null,
  mtfs: false,
  profile: [],
}

describe('benefit values', () => {
  it('reads money for a cashable benefit and a number of the unit otherwise, both in hundredths', () => {
    assert.equal(readValue('£1,250.50', 'cashable', 'Planned'), 125050)
    assert.equal(readValue('2.5', 'societal', 'Planned'), 250)
    assert.equal(readValue('', 'societal', 'Planned'), null)
    assert.deepEqual(readValue('£3', 'societal', 'Planned'), {
      error: 'Planned must be a number, like 1,250 or 2.5',
    })
    assert.match(
      (readValue('1.234', 'non_cashable', 'Planned') as { error: string }).error,
      /2 decimal places/,
    )
  })

  it('shows values as people read them and as a form shows them again', () => {
    assert.equal(formatValue(125050, 'cashable', '£'), '£1,250.50')
    assert.equal(formatValue(1200000, 'non_cashable', 'contacts'), '12,000 contacts')
    assert.equal(formatValue(250, 'societal', 'days'), '2.5 days')
    assert.equal(formatValue(-5, 'societal', 'days'), '-0.05 days')
    assert.equal(valueText(125050, 'cashable'), '1250.50')
    assert.equal(valueText(250, 'societal'), '2.5')
  })

  it('sums exactly, realised to date being the sum of the years recorded', () => {
    const totals = profileTotals([
      { planned: 9_999_999_999_999, realised: 1 },
      { planned: 2, realised: null },
    ])
    assert.deepEqual(totals, { planned: 10_000_000_000_001, realised: 1 })
  })
})

describe('validateBenefit', () => {
  const today = '2022-06-30'
  it('names a year twice, a year before the baseline, a realised value for a year not begun, MTFS off cash', () => {
    const errors = validateBenefit(
      {
        ...base,
        mtfs: true,
        profile: [
          { year: '2018/19', planned: 1, realised: null },
          { year: '2021/22', planned: 1, realised: 1 },
          { year: '2021-22', planned: 1, realised: null },
          { year: '2023/24', planned: 1, realised: 1 },
          { year: '2022/23', planned: null, realised: null },
        ],
      },
      today,
    )
    assert.deepEqual(errors, {
      mtfs: 'Only a cashable benefit can be counted as a saving in the medium-term financial strategy',
      'profile-0': '2018/19 is before the baseline year 2019/20',
      'profile-2': '2021/22 is already in the profile: give each year once',
      'profile-3': '2023/24 has not begun: record a realised value only for a year that has begun',
      'profile-4': 'Enter the planned value for 2022/23',
    })
  })

  it('accepts a realised value for the year in progress', () => {
    assert.deepEqual(
      validateBenefit({ ...base, profile: [{ year: '2022/23', planned: 1, realised: 1 }] }, today),
      {},
    )
  })
})

describe('the benefits-review gate', () => {
  const benefits = [
    {
      title: 'Grants paid faster',
      profile: [
        { year: '2020/21', realised: 5 },
        { year: '2021/22', realised: null },
        { year: '2022/23', realised: null },
        { year: '2023/24', realised: null },
      ],
    },
    { title: 'Fewer contacts', profile: [{ year: '2020/21', realised: 1 }] },
  ]
  it('lists each benefit with the years begun by the review date that have no realised value', () => {
    const missing = missingRealisations(benefits, '2022-04-01')
    assert.deepEqual(missing, [{ title: 'Grants paid faster', years: ['2021/22', '2022/23'] }])
    assert.equal(
      benefitsReviewProblem(2, missing),
      'realised values are missing for Grants paid faster (2021/22, 2022/23)',
    )
    assert.deepEqual(missingRealisations(benefits, '2022-03-31')[0]?.years, ['2021/22'])
  })

  it('passes with every year realised, and not with no benefits at all', () => {
    assert.equal(benefitsReviewProblem(1, []), null)
    assert.match(benefitsReviewProblem(0, []) ?? '', /no benefits are recorded/)
  })
})
