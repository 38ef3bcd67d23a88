import type { StatusReport } from '../../db/schema.ts'
import { MONTH_NAMES } from '../../domain/dates.ts'
import {
  isRating,
  isRatingOnScale,
  RATING_SCALES,
  ratingDefinition,
  ratingLabel,
  ratingTag,
  type RatingScaleId,
} from '../../domain/dca.ts'
import { formatPeriod, isPeriod, type Period } from '../../domain/periods.ts'

export interface StatusReportInput {
  period: Period
  rating: string
  narrative: string
  achievements: string
  nextSteps: string
  keyIssues: string
}

export const STATUS_REPORT_FIELD_ORDER = [
  'period',
  'rating',
  'narrative',
  'achievements',
  'nextSteps',
  'keyIssues',
]

/** A report as people read it: the stored row plus its rating's label and tag, and a short summary. */
export interface StatusReportView extends StatusReport {
  ratingLabel: string
  tag: { text: string; classes: string }
  summary: string
}

const TEXT_LIMIT = 10_000

export function toStatusReportInput(r: StatusReport): StatusReportInput {
  return {
    period: r.period,
    rating: r.rating,
    narrative: r.narrative,
    achievements: r.achievements,
    nextSteps: r.next_steps,
    keyIssues: r.key_issues,
  }
}

/** The label of a stored rating, even one from a scale the organisation no longer uses. */
export function labelOfRating(scale: RatingScaleId, rating: string): string {
  return isRating(rating) ? ratingLabel(scale, rating) : rating
}

/** The official definition, from the organisation's scale, else the five-point one it was recorded on. */
export function definitionOfRating(scale: RatingScaleId, rating: string): string {
  if (!isRating(rating)) return ''
  return (ratingDefinition(scale, rating) ?? ratingDefinition('ipa5', rating))?.definition ?? ''
}

/** The first sentence-ish of the narrative, for tables: whole words, at most `max` characters. */
export function summarise(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim()
  if (flat.length <= max) return flat
  const cut = flat.slice(0, max)
  const space = cut.lastIndexOf(' ')
  return `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:.–-]+$/, '')}…`
}

export function statusReportView(r: StatusReport, scale: RatingScaleId): StatusReportView {
  return {
    ...r,
    ratingLabel: labelOfRating(scale, r.rating),
    tag: isRating(r.rating) ? ratingTag(scale, r.rating) : { text: r.rating, classes: 'govuk-tag--grey' },
    summary: summarise(r.narrative),
  }
}

/**
 * Reads the month and year boxes of the reporting period, with messages worded as the GOV.UK date input
 * pattern recommends. Month names ("November", "Nov") are accepted as well as numbers, because people type them.
 */
export function parsePeriodParts(
  monthText: string,
  yearText: string,
): { ok: true; value: Period } | { ok: false; error: string } {
  const month = monthText.trim()
  const year = yearText.trim()
  if (month === '' && year === '') return { ok: false, error: 'Enter the reporting period' }
  if (month === '') return { ok: false, error: 'Reporting period must include a month' }
  if (year === '') return { ok: false, error: 'Reporting period must include a year' }
  if (!/^\d{4}$/.test(year)) return { ok: false, error: 'Reporting period year must include 4 numbers' }
  const lower = month
    .toLowerCase()
    .replace(/\.$/, '')
    .replace(/^sept$/, 'sep')
  const byName = MONTH_NAMES.findIndex(
    (m) => m.toLowerCase() === lower || m.slice(0, 3).toLowerCase() === lower,
  )
  const n = /^\d{1,2}$/.test(month) ? Number(month) : byName + 1
  const period = `${year}-${String(n).padStart(2, '0')}`
  if (n < 1 || n > 12 || !isPeriod(period))
    return { ok: false, error: 'Reporting period must be a real month' }
  return { ok: true, value: period }
}

export function duplicatePeriodMessage(period: Period): string {
  return `A report for ${formatPeriod(period)} already exists – update that report instead`
}

function listOfLabels(scale: RatingScaleId): string {
  const labels = RATING_SCALES[scale].ratings.map((r) => r.label)
  return labels.length > 1 ? `${labels.slice(0, -1).join(', ')} or ${labels.at(-1)}` : (labels[0] ?? '')
}

/**
 * Is this report valid to save? `keepRating` lets a report keep a rating recorded on a scale the organisation
 * has since left (a five-point Amber/Green stays as it was assessed), while any new rating must be on the
 * organisation's scale.
 */
export function validateStatusReport(
  r: StatusReportInput,
  opts: { scale: RatingScaleId; currentPeriod: Period; keepRating?: string },
): Record<string, string> {
  const errors: Record<string, string> = {}
  if (r.period === '') errors.period = 'Enter the reporting period'
  else if (!isPeriod(r.period)) errors.period = 'Reporting period must be a real month'
  // A monthly report describes a month that has happened or is happening, never one still to come.
  else if (r.period > opts.currentPeriod) errors.period = 'Reporting period must be this month or earlier'
  if (r.rating === '') errors.rating = 'Select the delivery confidence rating'
  else if (!isRatingOnScale(opts.scale, r.rating) && r.rating !== opts.keepRating)
    errors.rating = `Delivery confidence must be ${listOfLabels(opts.scale)}`
  if (r.narrative.trim() === '') errors.narrative = 'Enter the progress narrative'
  else if (r.narrative.length > TEXT_LIMIT)
    errors.narrative = 'Progress narrative must be 10,000 characters or fewer'
  if (r.achievements.length > TEXT_LIMIT)
    errors.achievements = 'Achievements must be 10,000 characters or fewer'
  if (r.nextSteps.length > TEXT_LIMIT) errors.nextSteps = 'Next steps must be 10,000 characters or fewer'
  if (r.keyIssues.length > TEXT_LIMIT) errors.keyIssues = 'Key issues must be 10,000 characters or fewer'
  return errors
}
