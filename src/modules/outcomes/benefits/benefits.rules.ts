import { isIsoDate, type IsoDate } from '../../../domain/dates.ts'
import { formatMoney, MAX_PENCE, readMoney, sumPence } from '../../../domain/money.ts'
import { financialYearBounds, parseFinancialYear } from '../../../domain/periods.ts'

// The benefits register's rules (issue 11): what a benefit must say, its realisation profile by financial year,
// and what the benefits-review gate needs. Values are exact integers in hundredths: pence for a cashable
// benefit (src/domain/money.ts), the value × 100 of its unit for a non-cashable or societal one (scale 2, so
// "2.5 days" and "12,000 contacts" are both exact), bounded as money is (ADR 0004).

export const BENEFIT_TYPES = [
  { value: 'cashable', text: 'Cashable', hint: 'Money saved or earned, in pounds' },
  {
    value: 'non_cashable',
    text: 'Non-cashable',
    hint: 'A measurable gain that frees no money, like staff time',
  },
  { value: 'societal', text: 'Societal', hint: 'A gain to residents or the area, like faster grants' },
] as const

export const labelOf = (list: ReadonlyArray<{ value: string; text: string }>, v: string) =>
  list.find((x) => x.value === v)?.text ?? v

export interface ProfileYearInput {
  year: string
  planned: number | null
  realised: number | null
}

export interface BenefitInput {
  /** The project it comes from; null for a benefit of the whole programme. */
  projectId: number | null
  /** The programme: of a project's benefit, the project's programme, whatever is given. */
  programmeId: number | null
  title: string
  description: string
  type: string
  disBenefit: boolean
  unit: string
  ownerPersonId: number | null
  ownerName: string
  ambitionId: number | null
  indicatorId: number | null
  baselineYear: string
  baselineValue: number | null
  targetValue: number | null
  targetOn: string | null
  mtfs: boolean
  profile: ProfileYearInput[]
}

const bounded = (v: number | null) => v === null || (Number.isSafeInteger(v) && Math.abs(v) <= MAX_PENCE)

/**
 * A value typed on a form, in hundredths: a cashable amount through readMoney; a count or a number of days
 * the same way, less the pound sign. Null for empty; a string is the field error.
 */
export function readValue(text: string, type: string, label: string): number | null | { error: string } {
  if (text.trim() === '') return null
  if (type !== 'cashable' && /[£()]/.test(text))
    return { error: `${label} must be a number, like 1,250 or 2.5` }
  const v = readMoney(text)
  if (typeof v === 'number') return v
  if (v === 'not-money')
    return {
      error:
        type === 'cashable'
          ? `${label} must be an amount of money, like £1,250.00`
          : `${label} must be a number with at most 2 decimal places, like 1,250 or 2.5`,
    }
  return { error: `${label} is too large` }
}

/** A value as people read it: "£1,250.00", or "1,250 contacts", "2.5 days". */
export function formatValue(v: number | null, type: string, unit: string): string {
  if (v === null) return ''
  if (type === 'cashable') return formatMoney(v)
  const whole = Math.trunc(Math.abs(v) / 100)
  const part = Math.abs(v) % 100
  const digits = part === 0 ? '' : `.${String(part).padStart(2, '0').replace(/0$/, '')}`
  return `${v < 0 ? '-' : ''}${whole.toLocaleString('en-GB')}${digits}${unit ? ` ${unit}` : ''}`
}

/** A value as a form shows it again: "1250.00", "2.5". */
export function valueText(v: number | null, type: string): string {
  if (v === null) return ''
  const s = formatValue(v, type, '').replace(/[£,]/g, '')
  return s
}

const notBegun = (year: string) =>
  `${year} has not begun: record a realised value only for a year that has begun`

/** The year's first day: a year has begun on or after it. */
const yearStart = (label: string) => {
  const fy = parseFinancialYear(label)
  return fy ? financialYearBounds(fy).start : null
}

/**
 * A benefit's field errors, in GOV.UK wording. `today` decides which years have begun: a realised value is
 * what happened, so a year that has not begun has none. Profile rows' errors are keyed `profile-<n>`.
 */
export function validateBenefit(b: BenefitInput, today: IsoDate): Record<string, string> {
  const errors: Record<string, string> = {}
  if (b.title.trim() === '') errors.title = 'Enter the benefit'
  else if (b.title.length > 200) errors.title = 'Benefit must be 200 characters or fewer'
  if (b.description.length > 4000) errors.description = 'Description must be 4000 characters or fewer'
  const type = BENEFIT_TYPES.find((t) => t.value === b.type)
  if (!type) errors.type = 'Choose whether the benefit is cashable, non-cashable or societal'
  if (b.type !== 'cashable' && type) {
    if (b.unit.trim() === '') errors.unit = 'Enter the unit the benefit is counted in, like contacts or days'
    else if (b.unit.length > 40) errors.unit = 'Unit must be 40 characters or fewer'
  }
  if (b.mtfs && b.type !== 'cashable')
    errors.mtfs = 'Only a cashable benefit can be counted as a saving in the medium-term financial strategy'
  const baseline = b.baselineYear.trim() === '' ? null : parseFinancialYear(b.baselineYear)
  if (b.baselineYear.trim() !== '' && !baseline)
    errors.baselineYear = 'Enter the baseline year as a financial year, like 2019/20'
  if (!bounded(b.baselineValue)) errors.baselineValue = 'Baseline is too large'
  if (!bounded(b.targetValue)) errors.targetValue = 'Target is too large'
  if (b.targetOn !== null && !isIsoDate(b.targetOn)) errors.targetOn = 'Enter a real date, like 31 3 2026'
  if (b.profile.length > 30) errors.profile = 'Give at most 30 years in the profile'
  const seen = new Set<string>()
  b.profile.forEach((p, i) => {
    const key = `profile-${i}`
    const fy = parseFinancialYear(p.year)
    if (!fy) errors[key] = 'Enter the year as a financial year, like 2025/26'
    else if (seen.has(fy.label)) errors[key] = `${fy.label} is already in the profile: give each year once`
    else if (baseline && fy.startYear < baseline.startYear)
      errors[key] = `${fy.label} is before the baseline year ${baseline.label}`
    else if (p.planned === null) errors[key] = `Enter the planned value for ${fy.label}`
    else if (!bounded(p.planned) || !bounded(p.realised))
      errors[key] = `The value for ${fy.label} is too large`
    else if (p.realised !== null && financialYearBounds(fy).start > today) errors[key] = notBegun(fy.label)
    if (fy) seen.add(fy.label)
  })
  return errors
}

/** The profile in year order, with its labels normalised ("2025-26" is "2025/26"). */
export function normalisedProfile(profile: readonly ProfileYearInput[]): ProfileYearInput[] {
  return profile
    .map((p) => ({ ...p, year: parseFinancialYear(p.year)?.label ?? p.year }))
    .sort((a, b) => a.year.localeCompare(b.year))
}

export interface ProfileTotals {
  planned: number
  realised: number
}

/** Planned and realised to date: exact sums (realised to date is the sum of the realised values). */
export function profileTotals(
  profile: ReadonlyArray<{ planned: number; realised: number | null }>,
): ProfileTotals {
  return {
    planned: sumPence(profile.map((p) => p.planned)),
    realised: sumPence(profile.flatMap((p) => (p.realised === null ? [] : [p.realised]))),
  }
}

export interface MissingRealisation {
  title: string
  years: string[]
}

/**
 * What the benefits-review gate still needs, as at the review date: for each benefit, the profile years that
 * had begun by then with no realised value recorded. A year in progress counts: the review reports what has
 * been realised to date, including this year's part.
 */
export function missingRealisations(
  benefits: ReadonlyArray<{
    title: string
    profile: ReadonlyArray<{ year: string; realised: number | null }>
  }>,
  reviewOn: IsoDate,
): MissingRealisation[] {
  return benefits.flatMap((b) => {
    const years = b.profile
      .filter((p) => p.realised === null && (yearStart(p.year) ?? '9999') <= reviewOn)
      .map((p) => p.year)
    return years.length > 0 ? [{ title: b.title, years }] : []
  })
}

/** The gate's problem in words, or null when the benefits review may pass. */
export function benefitsReviewProblem(
  benefitCount: number,
  missing: readonly MissingRealisation[],
): string | null {
  if (benefitCount === 0) return 'no benefits are recorded for this project in the benefits register'
  if (missing.length === 0) return null
  return `realised values are missing for ${missing.map((m) => `${m.title} (${m.years.join(', ')})`).join('; ')}`
}

/**
 * A cashable benefit's profile with the realised values finance gives (each for a year of the profile), or the
 * field errors: another type of benefit, a year the profile lacks, a value for a year not begun.
 */
export function withRealised(
  benefit: { type: string },
  profile: ReadonlyArray<{ year: string; planned: number; realised: number | null }>,
  realised: ReadonlyArray<{ year: string; realised: number | null }>,
  today: IsoDate,
): { profile: ProfileYearInput[]; errors: Record<string, string> } {
  const errors: Record<string, string> = {}
  if (benefit.type !== 'cashable') {
    errors.realised =
      'Only a cashable benefit has its realised values recorded by finance: ask the project manager'
    return { profile: [], errors }
  }
  const given = new Map<string, number | null>()
  realised.forEach((r, i) => {
    const label = parseFinancialYear(r.year)?.label ?? r.year
    if (!profile.some((p) => p.year === label))
      errors[`profile-${i}`] = `${r.year} is not a year of the profile`
    else if (!bounded(r.realised)) errors[`profile-${i}`] = `The value for ${label} is too large`
    else if (r.realised !== null && financialYearBounds(parseFinancialYear(label)!).start > today)
      errors[`profile-${i}`] = notBegun(label)
    given.set(label, r.realised)
  })
  return {
    profile: profile.map((p) => ({
      year: p.year,
      planned: p.planned,
      realised: given.has(p.year) ? (given.get(p.year) ?? null) : p.realised,
    })),
    errors,
  }
}
