/**
 * Delivery Confidence Assessment (DCA).
 *
 * The DCA is the Infrastructure and Projects Authority's (IPA, since 2025 part of NISTA) rating of how likely a project is to deliver to
 * time, cost and quality. Councils that report into central government, or that simply follow its assurance
 * practice, use either the original five-point scale or the three-point scale the IPA adopted in 2021, so both
 * are supported and a portfolio chooses one. Definitions are the IPA's own wording so that a rating means the
 * same thing in a council report as it does in the IPA's annual report.
 */

export type RatingScaleId = 'ipa5' | 'rag3'
export type Rating = 'green' | 'amber_green' | 'amber' | 'amber_red' | 'red'

export interface RatingDefinition {
  code: Rating
  label: string
  definition: string
  /**
   * Fill colour for charts and swatches. Each has at least 3:1 contrast against white, as WCAG 2.2 SC 1.4.11
   * (non-text contrast) requires, and is always shown with its text label, because colour alone must not carry
   * meaning (SC 1.4.1) and many people cannot tell red and green apart.
   */
  colour: string
  /** Text colour to use on top of `colour`; at least 4.5:1 against it (SC 1.4.3). */
  textColour: string
}

export interface RatingScale {
  id: RatingScaleId
  name: string
  /** Best to worst. */
  ratings: RatingDefinition[]
}

export const RATINGS: readonly Rating[] = ['green', 'amber_green', 'amber', 'amber_red', 'red']

const GREEN =
  'Successful delivery of the project to time, cost and quality appears highly likely and there are no major ' +
  'outstanding issues that at this stage appear to threaten delivery significantly.'
const RED =
  'Successful delivery of the project appears to be unachievable. There are major issues with project ' +
  'definition, schedule, budget, quality and/or benefits delivery, which at this stage do not appear to be ' +
  'manageable or resolvable. The project may need re-scoping and/or its overall viability reassessed.'

const WHITE = '#ffffff'

const COLOURS: Record<Rating, string> = {
  green: '#00703c',
  amber_green: '#687800',
  amber: '#b06000',
  amber_red: '#c2410c',
  red: '#b10e1e',
}

/** Labels for every rating regardless of scale, so a rating recorded before a portfolio changed scale still reads. */
const LABELS: Record<Rating, string> = {
  green: 'Green',
  amber_green: 'Amber/Green',
  amber: 'Amber',
  amber_red: 'Amber/Red',
  red: 'Red',
}

function def(code: Rating, definition: string): RatingDefinition {
  return { code, label: LABELS[code], definition, colour: COLOURS[code], textColour: WHITE }
}

export const RATING_SCALES: Record<RatingScaleId, RatingScale> = {
  ipa5: {
    id: 'ipa5',
    name: 'Five-point delivery confidence assessment (IPA)',
    ratings: [
      def('green', GREEN),
      def(
        'amber_green',
        'Successful delivery appears probable however constant attention will be needed to ensure risks do ' +
          'not materialise into major issues threatening delivery.',
      ),
      def(
        'amber',
        'Successful delivery appears feasible but significant issues already exist requiring management ' +
          'attention. These appear resolvable at this stage and, if addressed promptly, should not present a ' +
          'cost/schedule overrun.',
      ),
      def(
        'amber_red',
        'Successful delivery of the project is in doubt with major risks or issues apparent in a number of key ' +
          'areas. Urgent action is needed to ensure these are addressed, and establish whether resolution is ' +
          'feasible.',
      ),
      def('red', RED),
    ],
  },
  rag3: {
    id: 'rag3',
    name: 'Three-point delivery confidence assessment (IPA, 2021)',
    ratings: [
      def('green', GREEN),
      def(
        'amber',
        'Successful delivery appears feasible but significant issues already exist, requiring management ' +
          'attention. These appear resolvable at this stage and, if addressed promptly, should not present a ' +
          'cost/schedule overrun.',
      ),
      def('red', RED),
    ],
  },
}

export function isRatingScaleId(s: string): s is RatingScaleId {
  return s === 'ipa5' || s === 'rag3'
}

export function isRating(s: string): s is Rating {
  return (RATINGS as readonly string[]).includes(s)
}

export function isRatingOnScale(scale: RatingScaleId, r: string): r is Rating {
  return RATING_SCALES[scale].ratings.some((x) => x.code === r)
}

export function ratingDefinition(scale: RatingScaleId, r: Rating): RatingDefinition | undefined {
  return RATING_SCALES[scale].ratings.find((x) => x.code === r)
}

export function ratingLabel(scale: RatingScaleId, r: Rating | null): string {
  if (r === null) return 'Not rated'
  return ratingDefinition(scale, r)?.label ?? LABELS[r]
}

/** 0 (green) to 4 (red), on the five-point ordering, so ratings from either scale compare consistently. */
export function severity(r: Rating): number {
  return RATINGS.indexOf(r)
}

export function worstRating(ratings: readonly Rating[]): Rating | null {
  let worst: Rating | null = null
  for (const r of ratings) if (worst === null || severity(r) > severity(worst)) worst = r
  return worst
}

export type DistributionCode = Rating | 'none'

export interface RollUp {
  total: number
  /**
   * Every rating on the scale (best to worst), then `none` for unrated items. A rating from another scale (for
   * example Amber/Green after a portfolio moved to three points) gets its own bucket in severity order, only when
   * present, so that the counts always add up to `total` rather than silently dropping projects.
   */
  distribution: Array<{ code: DistributionCode; label: string; count: number }>
  worst: Rating | null
  /** Items with no report for the current period: a stale rating is not assurance. */
  missingCurrent: number
}

export function rollUp(
  items: ReadonlyArray<{ rating: Rating | null; hasCurrentReport: boolean }>,
  scale: RatingScaleId,
): RollUp {
  const counts = new Map<DistributionCode, number>()
  for (const item of items) {
    const code = item.rating ?? 'none'
    counts.set(code, (counts.get(code) ?? 0) + 1)
  }
  const distribution: RollUp['distribution'] = RATINGS.filter(
    (r) => isRatingOnScale(scale, r) || (counts.get(r) ?? 0) > 0,
  ).map((code) => ({ code, label: ratingLabel(scale, code), count: counts.get(code) ?? 0 }))
  distribution.push({ code: 'none', label: ratingLabel(scale, null), count: counts.get('none') ?? 0 })
  return {
    total: items.length,
    distribution,
    worst: worstRating(items.flatMap((i) => (i.rating === null ? [] : [i.rating]))),
    missingCurrent: items.filter((i) => !i.hasCurrentReport).length,
  }
}

/**
 * GOV.UK tag modifier per rating. The Design System has no amber, so the scale runs green, turquoise
 * (amber/green), yellow (amber), orange (amber/red), red: adjacent ratings stay distinguishable, and the tag's
 * text always names the rating, since the tag colours are not meant to carry meaning on their own.
 */
const TAG_CLASSES: Record<Rating, string> = {
  green: 'govuk-tag--green',
  amber_green: 'govuk-tag--turquoise',
  amber: 'govuk-tag--yellow',
  amber_red: 'govuk-tag--orange',
  red: 'govuk-tag--red',
}

export function ratingTag(scale: RatingScaleId, r: Rating | null): { text: string; classes: string } {
  if (r === null) return { text: 'Not rated', classes: 'govuk-tag--grey' }
  return { text: ratingLabel(scale, r), classes: TAG_CLASSES[r] }
}
