/**
 * When a response to a scrutiny recommendation is due, and which municipal year a meeting falls in.
 *
 * Councils' scrutiny protocols commonly give the executive two calendar months from the meeting to respond
 * to a panel's recommendation; a committee may set a different number. "Two calendar months after
 * 31 December" is the end of February, never 3 March: the deadline clamps to the shorter month's last day.
 */
import { addDays, addMonths, daysBetween, isIsoDate, type IsoDate } from './dates.ts'
import { isWorkingDay, type HolidayPredicate } from './working-days.ts'

export const DEFAULT_RESPONSE_MONTHS = 2
export const MAX_RESPONSE_MONTHS = 12

/**
 * The day a response is due: `months` calendar months after the meeting, clamped to the month's end.
 * Given the organisation's holidays, a deadline that falls on a weekend, a bank holiday or a closure day
 * moves to the next working day, as a deadline does when the offices are shut.
 */
export function responseDueOn(
  meetingDate: IsoDate,
  months: number = DEFAULT_RESPONSE_MONTHS,
  isHoliday?: HolidayPredicate,
): IsoDate {
  if (!Number.isSafeInteger(months) || months < 1 || months > MAX_RESPONSE_MONTHS) {
    throw new RangeError(
      `Response months must be a whole number from 1 to ${MAX_RESPONSE_MONTHS}, got ${months}`,
    )
  }
  let due = addMonths(meetingDate, months)
  if (isHoliday) while (!isWorkingDay(due, isHoliday)) due = addDays(due, 1)
  return due
}

/** A response is overdue from the day after it was due until it is given. */
export function isResponseOverdue(dueOn: IsoDate, respondedOn: IsoDate | null, today: IsoDate): boolean {
  return respondedOn === null && today > dueOn
}

/** Answered on time: a response given on or before the due date. */
export function answeredOnTime(dueOn: IsoDate, respondedOn: IsoDate | null): boolean {
  return respondedOn !== null && respondedOn <= dueOn
}

export interface MunicipalYear {
  /** The calendar year in which the municipal year starts (May). */
  startYear: number
  /** "2020/21" */
  label: string
  start: IsoDate
  end: IsoDate
}

/**
 * The municipal year runs from the annual council meeting in May to the end of April, so committees'
 * work programmes and their monitors run May–April rather than by financial or calendar year.
 */
export function municipalYear(startYear: number): MunicipalYear {
  if (!Number.isSafeInteger(startYear) || startYear < 1 || startYear > 9998) {
    throw new RangeError(`Not a municipal year start: ${startYear}`)
  }
  const next = String((startYear + 1) % 100).padStart(2, '0')
  const y = String(startYear).padStart(4, '0')
  const y1 = String(startYear + 1).padStart(4, '0')
  return { startYear, label: `${y}/${next}`, start: `${y}-05-01`, end: `${y1}-04-30` }
}

export function municipalYearOf(d: IsoDate): MunicipalYear {
  if (!isIsoDate(d)) throw new RangeError(`Not a valid ISO date (YYYY-MM-DD): ${JSON.stringify(d)}`)
  const year = Number(d.slice(0, 4))
  const month = Number(d.slice(5, 7))
  return municipalYear(month >= 5 ? year : year - 1)
}

/** "2020/21" or "2020" → the municipal year, or null. */
export function parseMunicipalYear(label: string): MunicipalYear | null {
  const m = /^(\d{4})(?:\/(\d{2}))?$/.exec(label.trim())
  if (!m) return null
  const start = Number(m[1])
  if (start < 1 || start > 9998) return null
  const my = municipalYear(start)
  if (m[2] !== undefined && my.label !== `${m[1]}/${m[2]}`) return null
  return my
}

/** Whole days from the meeting to the response (for the monitor's median). */
export function daysToResponse(madeOn: IsoDate, respondedOn: IsoDate): number {
  return daysBetween(madeOn, respondedOn)
}

/** The median of whole-day counts, or null when there are none (the monitor says "no responses yet"). */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2
}
