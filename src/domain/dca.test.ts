import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  RATINGS,
  RATING_SCALES,
  isRating,
  isRatingOnScale,
  ratingLabel,
  ratingTag,
  rollUp,
  severity,
  worstRating,
} from './dca.ts'
import type { Rating, RatingScaleId } from './dca.ts'

// WCAG 2.x relative luminance and contrast ratio.
function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const v = parseInt(hex.slice(i, i + 2), 16) / 255
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4
  }) as [number, number, number]
  return 0.2126 * r + 0.7152 * g + 0.0722 * b
}
function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number]
  return (hi + 0.05) / (lo + 0.05)
}

const SCALES: RatingScaleId[] = ['ipa5', 'rag3']

describe('rating scales', () => {
  it('orders ipa5 and rag3 best to worst', () => {
    assert.deepEqual(
      RATING_SCALES.ipa5.ratings.map((r) => r.label),
      ['Green', 'Amber/Green', 'Amber', 'Amber/Red', 'Red'],
    )
    assert.deepEqual(
      RATING_SCALES.rag3.ratings.map((r) => r.code),
      ['green', 'amber', 'red'],
    )
    for (const id of SCALES) {
      assert.equal(RATING_SCALES[id].id, id)
      const sev = RATING_SCALES[id].ratings.map((r) => severity(r.code))
      assert.deepEqual(
        sev,
        [...sev].sort((a, b) => a - b),
      )
    }
  })
  it('uses the IPA definitions', () => {
    const ipa5 = RATING_SCALES.ipa5.ratings
    assert.match(
      ipa5[0]!.definition,
      /^Successful delivery of the project to time, cost and quality appears highly/,
    )
    assert.match(ipa5[1]!.definition, /^Successful delivery appears probable however constant attention/)
    assert.match(
      ipa5[3]!.definition,
      /is in doubt with major risks or issues apparent in a number of key areas/,
    )
    assert.match(ipa5[4]!.definition, /overall viability reassessed\.$/)
    assert.equal(RATING_SCALES.rag3.ratings[2]!.definition, ipa5[4]!.definition)
    assert.match(RATING_SCALES.rag3.ratings[1]!.definition, /significant issues already exist, requiring/)
    for (const id of SCALES) for (const r of RATING_SCALES[id].ratings) assert.match(r.definition, /\.$/)
  })
  it('meets WCAG contrast: 3:1 fill on white, 4.5:1 text on fill', () => {
    for (const id of SCALES) {
      for (const r of RATING_SCALES[id].ratings) {
        assert.match(r.colour, /^#[0-9a-f]{6}$/)
        assert.ok(contrast(r.colour, '#ffffff') >= 3, `${r.code} fill ${contrast(r.colour, '#ffffff')}`)
        assert.ok(
          contrast(r.textColour, r.colour) >= 4.5,
          `${r.code} text ${contrast(r.textColour, r.colour)}`,
        )
      }
    }
  })
})

describe('rating helpers', () => {
  it('knows which ratings are on which scale', () => {
    assert.ok(isRatingOnScale('ipa5', 'amber_green'))
    assert.equal(isRatingOnScale('rag3', 'amber_green'), false)
    assert.ok(isRatingOnScale('rag3', 'amber'))
    assert.equal(isRatingOnScale('ipa5', 'purple'), false)
    assert.ok(isRating('amber_red'))
    assert.equal(isRating('Amber'), false)
  })
  it('labels ratings even when recorded on another scale', () => {
    assert.equal(ratingLabel('rag3', 'amber_green'), 'Amber/Green')
    assert.equal(ratingLabel('rag3', 'amber_red'), 'Amber/Red')
    assert.equal(ratingLabel('ipa5', 'amber'), 'Amber')
    assert.equal(ratingLabel('ipa5', null), 'Not rated')
  })
  it('ranks severity and finds the worst', () => {
    assert.deepEqual(
      RATINGS.map((r) => severity(r)),
      [0, 1, 2, 3, 4],
    )
    assert.equal(worstRating([]), null)
    assert.equal(worstRating(['green', 'amber_red', 'amber']), 'amber_red')
    assert.equal(worstRating(['red', 'green']), 'red')
    // worstRating is order-independent
    for (const a of RATINGS) for (const b of RATINGS) assert.equal(worstRating([a, b]), worstRating([b, a]))
  })
  it('gives GOV.UK tags that name the rating', () => {
    assert.deepEqual(ratingTag('ipa5', 'green'), { text: 'Green', classes: 'govuk-tag--green' })
    assert.deepEqual(ratingTag('ipa5', 'amber_green'), {
      text: 'Amber/Green',
      classes: 'govuk-tag--turquoise',
    })
    assert.deepEqual(ratingTag('rag3', 'amber'), { text: 'Amber', classes: 'govuk-tag--yellow' })
    assert.deepEqual(ratingTag('ipa5', 'amber_red'), { text: 'Amber/Red', classes: 'govuk-tag--orange' })
    assert.deepEqual(ratingTag('rag3', 'red'), { text: 'Red', classes: 'govuk-tag--red' })
    assert.deepEqual(ratingTag('rag3', null), { text: 'Not rated', classes: 'govuk-tag--grey' })
    const classes = RATINGS.map((r) => ratingTag('ipa5', r).classes)
    assert.equal(new Set(classes).size, RATINGS.length, 'each rating has a distinct tag colour')
  })
})

describe('rollUp', () => {
  it('counts every rating on the scale plus unrated, and missing current reports', () => {
    const result = rollUp(
      [
        { rating: 'green', hasCurrentReport: true },
        { rating: 'amber', hasCurrentReport: true },
        { rating: 'amber', hasCurrentReport: false },
        { rating: null, hasCurrentReport: false },
      ],
      'rag3',
    )
    assert.deepEqual(result, {
      total: 4,
      distribution: [
        { code: 'green', label: 'Green', count: 1 },
        { code: 'amber', label: 'Amber', count: 2 },
        { code: 'red', label: 'Red', count: 0 },
        { code: 'none', label: 'Not rated', count: 1 },
      ],
      worst: 'amber',
      missingCurrent: 2,
    })
  })
  it('handles an empty portfolio', () => {
    const result = rollUp([], 'ipa5')
    assert.equal(result.total, 0)
    assert.equal(result.worst, null)
    assert.equal(result.distribution.length, 6)
    assert.ok(result.distribution.every((d) => d.count === 0))
  })
  it('keeps off-scale ratings in severity order so counts still add up', () => {
    const result = rollUp(
      [
        { rating: 'amber_red', hasCurrentReport: true },
        { rating: 'green', hasCurrentReport: true },
      ],
      'rag3',
    )
    assert.deepEqual(
      result.distribution.map((d) => [d.code, d.count]),
      [
        ['green', 1],
        ['amber', 0],
        ['amber_red', 1],
        ['red', 0],
        ['none', 0],
      ],
    )
    assert.equal(result.worst, 'amber_red')
  })
  it('distribution always sums to total (all combinations of up to three items)', () => {
    const options: Array<Rating | null> = [...RATINGS, null]
    for (const scale of SCALES)
      for (const a of options)
        for (const b of options)
          for (const c of options) {
            const items = [a, b, c].map((rating, i) => ({ rating, hasCurrentReport: i !== 1 }))
            const r = rollUp(items, scale)
            assert.equal(
              r.distribution.reduce((n, d) => n + d.count, 0),
              3,
            )
            assert.equal(r.missingCurrent, 1)
            assert.equal(r.worst, worstRating([a, b, c].filter((x): x is Rating => x !== null)))
          }
  })
})
