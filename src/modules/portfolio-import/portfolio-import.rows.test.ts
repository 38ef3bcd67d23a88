import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { readMoneyMillions } from '../../domain/money.ts'
import { mapRating, PortfolioRowReader } from './portfolio-import.rows.ts'

describe('portfolio import rules', () => {
  it('reads £ millions to exact pence, never through a float', () => {
    assert.equal(readMoneyMillions('12.3'), 1_230_000_000)
    assert.equal(readMoneyMillions('£12.3m'), 1_230_000_000)
    assert.equal(readMoneyMillions('£0.1M'), 10_000_000)
    assert.equal(readMoneyMillions('£1,234.56'), 123_456_000_000)
    assert.equal(readMoneyMillions('0.00000001'), 1)
    assert.equal(readMoneyMillions(''), null)
    assert.equal(readMoneyMillions('0.000000001'), 'not-money', 'a fraction of a penny')
    assert.equal(readMoneyMillions('£12.3.4'), 'not-money')
    assert.equal(readMoneyMillions('1,00'), 'not-money')
    assert.equal(readMoneyMillions('£100,000'), 'too-large')
  })

  it('agrees with exact decimal arithmetic for any amount of millions with up to eight decimals', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 0, max: 99_999_999 }), (m, frac) => {
        const text = `${m}.${String(frac).padStart(8, '0')}`
        assert.equal(readMoneyMillions(text), m * 100_000_000 + frac)
      }),
    )
  })

  it('maps ratings off the five-point scale to the organisation’s scale, keeping the text as written', () => {
    assert.deepEqual(mapRating('Amber/Red', 'ipa5'), { text: 'Amber/Red', rating: 'amber_red' })
    assert.deepEqual(mapRating('Amber-Green', 'ipa5'), { text: 'Amber-Green', rating: 'amber_green' })
    assert.deepEqual(mapRating('amber / green', 'ipa5'), { text: 'amber / green', rating: 'amber_green' })
    // On three points the assessors' doubt is not rounded away: Amber/Red is Red, Amber/Green is Amber.
    assert.deepEqual(mapRating('Amber/Red', 'rag3'), { text: 'Amber/Red', rating: 'red' })
    assert.deepEqual(mapRating('Amber-Green', 'rag3'), { text: 'Amber-Green', rating: 'amber' })
    assert.deepEqual(mapRating('Reset', 'ipa5'), { text: 'Reset', rating: null })
    assert.deepEqual(mapRating('Exempt under Section 43', 'rag3'), {
      text: 'Exempt under Section 43',
      rating: null,
    })
    assert.equal(mapRating('  ', 'ipa5'), null)
  })

  it('recognises the GMPP 2022 headings, the IPA rating before the SRO’s, and keeps sentences in money cells as notes', () => {
    const reader = new PortfolioRowReader({ names: {}, scale: 'ipa5' })
    const head =
      'year;project_number;project_name;department;colour_rating;colour_rating;total_baseline;wlc_baseline_incl_NCG'
    assert.equal(reader.read({ line: 1, cells: head.split(';') }), null)
    const row = reader.read({
      line: 2,
      cells: ['2022', 'X_1', 'Thing', 'MOD', '', 'Amber', 'Exempt under Section 43', '£278'],
    })
    assert.ok(row && row.kind === 'good')
    assert.equal(row.row.rating?.rating, 'amber')
    assert.equal(row.row.period, '2022-03')
    assert.equal(row.row.budgetPence, null)
    assert.equal(row.row.wholeLifeCostPence, 27_800_000_000)
    assert.deepEqual(row.row.notes, ['Budget: Exempt under Section 43'])
  })

  it("applies the projects' and milestones' own rules to each row, naming what to correct", () => {
    const reader = new PortfolioRowReader({ names: {}, scale: 'ipa5', today: '2026-01-15' })
    const head =
      'Project code,Project name,Start date,End date,Milestone reference,Milestone,Milestone baseline,Milestone actual'
    assert.equal(reader.read({ line: 1, cells: head.split(',') }), null)
    const reasons = [
      ['P 1', 'Spaced', '', '', '', '', '', ''],
      ['P-2', 'Backwards', '2025-06-01', '2025-01-01', '', '', '', ''],
      ['P-3', 'Milestone with no baseline', '', '', 'M1', 'Consent', '', ''],
      ['P-4', 'Done in future', '', '', 'M1', 'Consent', '2025-01-01', '2026-02-01'],
    ].map((cells, i) => {
      const o = reader.read({ line: i + 2, cells })
      return o?.kind === 'bad' ? o.reason : o?.kind
    })
    assert.deepEqual(reasons, [
      'Project P 1: Reference must use only letters, numbers, hyphens, slashes, dots and underscores',
      'Project P-2: Baseline end date must be the same as or after the baseline start date',
      'Milestone M1 of project P-3: Enter baseline date',
      'Milestone M1 of project P-4: Actual date must be today or in the past',
    ])
  })
})
