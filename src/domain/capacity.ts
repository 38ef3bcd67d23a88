import { addDays, addMonths, daysBetween, daysInMonth, type IsoDate } from './dates.ts'
import type { FteHundredths } from './fte.ts'
import type { Period } from './periods.ts'

/** A commitment of a person's time over dates: holding a post, or a secondment. `endsOn` null: open-ended. */
export interface DatedFte {
  startsOn: IsoDate
  endsOn: IsoDate | null
  fteHundredths: FteHundredths
}

export interface DatedSecondment extends DatedFte {
  /** out: the person's time goes to another team or organisation; in: it comes to ours. */
  direction: 'out' | 'in'
}

export interface MonthCapacity {
  contracted: FteHundredths
  secondedOut: FteHundredths
  secondedIn: FteHundredths
  /** contracted − seconded out + seconded in, never below 0. */
  available: FteHundredths
}

/** The days of `period` ('YYYY-MM') that a commitment covers, inclusive of both its ends. */
export function daysCovered(d: Pick<DatedFte, 'startsOn' | 'endsOn'>, period: Period): number {
  const first = `${period}-01`
  const last = addMonths(first, 1)
  const from = d.startsOn > first ? d.startsOn : first
  const after = d.endsOn === null ? last : addDays(d.endsOn, 1)
  return Math.max(0, daysBetween(from, after < last ? after : last))
}

/**
 * The FTE a commitment gives in a month, in proportion to the days of the month it covers (rounded to the
 * nearest hundredth): a post taken up on the 16th of a 30-day month counts as half of its FTE that month.
 * Capacity is planned by the month (issue 10), so a month is the grain and days only weight it.
 */
export function fteInMonth(d: DatedFte, period: Period): FteHundredths {
  const [y, m] = period.split('-').map(Number) as [number, number]
  const covered = daysCovered(d, period)
  if (covered === 0) return 0
  return Math.round((d.fteHundredths * covered) / daysInMonth(y, m))
}

/**
 * A person's capacity in a month (issue 10): their contracted FTE (the posts they hold) minus the time
 * seconded out, plus the time seconded in. The capacity page and allocation checks read this one rule.
 */
export function capacityInMonth(
  holdings: readonly DatedFte[],
  secondments: readonly DatedSecondment[],
  period: Period,
): MonthCapacity {
  const sum = (list: readonly DatedFte[]) => list.reduce((s, d) => s + fteInMonth(d, period), 0)
  const contracted = sum(holdings)
  const secondedOut = sum(secondments.filter((s) => s.direction === 'out'))
  const secondedIn = sum(secondments.filter((s) => s.direction === 'in'))
  return {
    contracted,
    secondedOut,
    secondedIn,
    available: Math.max(0, contracted - secondedOut + secondedIn),
  }
}
