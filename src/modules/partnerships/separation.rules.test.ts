import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { MAX_PENCE } from '../../domain/money.ts'
import {
  rechargeAfterEnd,
  readPercent,
  splitByPercent,
  validateSeparation,
  type SharedItem,
} from './separation.rules.ts'

const percent = fc.integer({ min: 1, max: 9999 }).map((bp) => bp / 100)

describe('separation rules', () => {
  it('splits a money record so the parts always sum exactly to the original pence', () => {
    fc.assert(
      fc.property(fc.integer({ min: -MAX_PENCE, max: MAX_PENCE }), percent, (amount, pct) => {
        const [council, partner] = splitByPercent(amount, pct)
        assert.ok(Number.isSafeInteger(council) && Number.isSafeInteger(partner))
        assert.equal(council + partner, amount)
        // Each part is within a penny of its exact share.
        assert.ok(Math.abs(council - (amount * pct) / 100) < 1.000001)
      }),
    )
    assert.deepEqual(splitByPercent(100_01, 50), [50_01, 50_00])
    assert.deepEqual(splitByPercent(100_00, 33.33), [33_33, 66_67])
  })

  it('reads a percentage of 0.01 to 99.99, to two places, and nothing else', () => {
    assert.equal(readPercent('60'), 60)
    assert.equal(readPercent('33.33 %'), 33.33)
    for (const bad of ['0', '100', '-5', '12.345', 'sixty', '', '0.00'])
      assert.equal(readPercent(bad), null, bad)
  })

  it('asks for a choice the record allows, and a percentage for a split', () => {
    const items: SharedItem[] = [
      { kind: 'project', id: 1, title: 'Website' },
      { kind: 'recharge', id: 2, title: 'June 2020: developer', amountPence: 100_00 },
    ]
    const errors = validateSeparation(
      {
        endedOn: '2015-01-01',
        reasons: '',
        choices: [
          { kind: 'project', id: 1, choice: 'split' },
          { kind: 'recharge', id: 2, choice: 'split', councilPercent: null },
          { kind: 'risk', id: 9, choice: 'close' },
        ],
      },
      items,
      '2016-04-01',
    )
    assert.match(errors.endedOn ?? '', /on or after the agreement started, 1 April 2016/)
    assert.match(errors.reasons ?? '', /Enter the reasons/)
    assert.match(errors['choice-project-1'] ?? '', /Select what happens to the project Website/)
    assert.match(errors['percent-recharge-2'] ?? '', /council’s share/)
    assert.match(errors['choice-risk-9'] ?? '', /not shared/)
  })

  it('refuses a recharge for a month after the end, not for the end date’s own month', () => {
    assert.equal(rechargeAfterEnd('2021-03', '2021-03-31'), false)
    assert.equal(rechargeAfterEnd('2021-04', '2021-03-31'), true)
    assert.equal(rechargeAfterEnd('2030-01', null), false)
  })
})
