import type { IsoDate } from '../../../domain/dates.ts'
import { personFteProblem, type FteHundredths } from '../../../domain/fte.ts'
import {
  formatPeriod,
  isPeriod,
  nextPeriod,
  periodOf,
  periodsBetween,
  type Period,
} from '../../../domain/periods.ts'

// Demand and allocation (issue 10): what a role may need, what one person may give it, and when a person has
// left. Pure rules: the services check with these and write; the capacity page sums with these.

/** A role may need more than one person (up to 99.99 FTE in a month); a person gives 0.01 to 1.00. */
export const MAX_ROLE_FTE: FteHundredths = 9999
/** The longest stretch the capacity page or the API summarise at once. */
export const MAX_CAPACITY_MONTHS = 36

export interface MonthFte {
  period: Period
  fteHundredths: FteHundredths
}

export interface RoleInput {
  title: string
  team: string
  skillIds: number[]
  months: MonthFte[]
}

export interface AllocationInput {
  personId: number | null
  postId: number | null
  months: MonthFte[]
}

/** Months given as a from–to stretch with the same FTE each month (the page forms' way of typing them). */
export function evenMonths(from: Period, to: Period, fteHundredths: FteHundredths): MonthFte[] {
  if (!isPeriod(from) || !isPeriod(to) || from > to) return []
  return periodsBetween(from, to).map((period) => ({ period, fteHundredths }))
}

function monthsProblem(months: MonthFte[]): string | null {
  const seen = new Set<string>()
  for (const m of months) {
    if (!isPeriod(m.period)) return `Month ${JSON.stringify(m.period)} must be a month like 2019-06`
    if (seen.has(m.period)) return `${formatPeriod(m.period)} is given more than once`
    seen.add(m.period)
  }
  return null
}

export function validateRole(r: RoleInput): Record<string, string> {
  const errors: Record<string, string> = {}
  if (r.title.trim() === '') errors.title = 'Enter the role’s title'
  else if (r.title.trim().length > 200) errors.title = 'Title must be 200 characters or fewer'
  if (r.team.trim().length > 200) errors.team = 'Team must be 200 characters or fewer'
  const problem = monthsProblem(r.months)
  if (problem) errors.months = problem
  else
    for (const m of r.months)
      if (!Number.isSafeInteger(m.fteHundredths) || m.fteHundredths < 0 || m.fteHundredths > MAX_ROLE_FTE) {
        errors.months = `FTE needed in ${formatPeriod(m.period)} must be a number from 0 to 99.99, like 1.5`
        break
      }
  return errors
}

/**
 * The day a person left, or null while they are here: the leaving date recorded in the people register
 * (`people.left_on`) when there is one; otherwise the end of their last post holding, once every holding has
 * ended. Someone with neither has not left.
 */
export function leftOn(
  recordedLeftOn: IsoDate | null,
  holdings: readonly { endsOn: IsoDate | null }[],
): IsoDate | null {
  if (recordedLeftOn !== null) return recordedLeftOn
  if (holdings.length === 0 || holdings.some((h) => h.endsOn === null)) return null
  return holdings.map((h) => h.endsOn!).reduce((a, b) => (a > b ? a : b))
}

/**
 * An allocation's field errors: one person or one vacant post; each month's FTE is one person's time (0.01 to
 * 1.00); every month is one the role needs; and none after the month the person left. Over-allocation (more
 * than the person's capacity) is allowed: the capacity page flags it.
 */
export function validateAllocation(
  a: AllocationInput,
  roleMonths: ReadonlySet<Period>,
  personLeftOn: IsoDate | null,
): Record<string, string> {
  const errors: Record<string, string> = {}
  if ((a.personId === null) === (a.postId === null))
    errors.personId = 'Choose a person, or a vacant post, to allocate'
  if (a.months.length === 0) {
    errors.months = 'Enter at least one month of FTE'
    return errors
  }
  const problem = monthsProblem(a.months)
  if (problem) {
    errors.months = problem
    return errors
  }
  // Someone who left part-way through a month worked some of it: they may be allocated up to that month.
  const leftFrom = personLeftOn === null ? null : nextPeriod(periodOf(personLeftOn))
  for (const m of a.months) {
    const fte = personFteProblem(m.fteHundredths, `FTE in ${formatPeriod(m.period)}`)
    if (fte) errors.months = fte
    else if (!roleMonths.has(m.period))
      errors.months = `The role needs no one in ${formatPeriod(m.period)}: allocate within its months`
    else if (leftFrom !== null && m.period >= leftFrom)
      errors.personId = `This person left on ${personLeftOn}: they cannot be allocated from ${formatPeriod(leftFrom)}`
    if (errors.months || errors.personId) break
  }
  return errors
}

/**
 * The months a business case's resource line becomes when demand is seeded from it: `months` months from the
 * project's start (forecast, else baseline, else actual), each at the line's FTE.
 */
export function seededMonths(start: IsoDate, line: { fteHundredths: number; months: number }): MonthFte[] {
  const first = periodOf(start)
  const out: MonthFte[] = []
  let p = first
  for (let i = 0; i < line.months; i++) {
    out.push({ period: p, fteHundredths: line.fteHundredths })
    p = nextPeriod(p)
  }
  return out
}

/** A role's demand and what named people give it, by month: for judging whether it is filled. */
export interface RoleCover {
  roleId: number
  title: string
  needed: readonly MonthFte[]
  /** FTE allocated to people (vacant posts fill nothing yet), summed by month. */
  people: readonly MonthFte[]
}

/**
 * The roles a project needs in its forecast start month that its people do not fill then (issue 10: "a role
 * still unfilled at the forecast start moves the forecast"), each with the first later month its people fill
 * all it needs, or null when no month is filled yet. A role that needs no one in the start month is left out.
 */
export function unfilledAtStart(
  start: Period,
  roles: readonly RoleCover[],
): { roleId: number; title: string; firstFilled: Period | null }[] {
  const filled = (r: RoleCover, p: Period) => {
    const need = r.needed.find((m) => m.period === p)?.fteHundredths ?? 0
    const given = r.people.filter((m) => m.period === p).reduce((s, m) => s + m.fteHundredths, 0)
    return need > 0 && given >= need
  }
  return roles
    .filter((r) => (r.needed.find((m) => m.period === start)?.fteHundredths ?? 0) > 0 && !filled(r, start))
    .map((r) => ({
      roleId: r.roleId,
      title: r.title,
      firstFilled:
        r.needed
          .map((m) => m.period)
          .filter((p) => p > start && filled(r, p))
          .sort()[0] ?? null,
    }))
}

/**
 * The forecast start a project could move to so that every role unfilled at its start is filled: the first
 * day of the latest of their first filled months; null when one of them is filled in no month yet (the user
 * picks a date).
 */
export function startWhenFilled(unfilled: readonly { firstFilled: Period | null }[]): IsoDate | null {
  if (unfilled.length === 0 || unfilled.some((u) => u.firstFilled === null)) return null
  return `${unfilled
    .map((u) => u.firstFilled!)
    .sort()
    .at(-1)!}-01`
}
