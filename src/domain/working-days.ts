import { createRequire } from 'node:module'
import type Holidays from 'date-holidays'
import { BANK_HOLIDAY_TABLE, FIRST_TABLED_YEAR, LAST_TABLED_YEAR } from './bank-holidays.data.ts'
import { addDays, daysBetween, type IsoDate } from './dates.ts'

/**
 * Working days: Monday to Friday, not a bank holiday in the council's part of the UK, not a day the
 * council closed its offices. An exception report "within five working days" means five days the
 * council's offices are open. Bank holidays come from `date-holidays` (the GOV.UK lists, substitute days
 * and one-off royal days included) so they do not run out: a hard-coded list silently turned every later
 * holiday into a working day. For 2000–2099 they are read from a table generated from that package
 * (`bank-holidays.data.ts`, scripts/generate-bank-holidays.mjs; a test holds the two equal), because the
 * package loads every country's rules and time zones, ~20 MB in every server process; a year outside the
 * table loads the package then.
 */
export const HOLIDAY_REGIONS = {
  'GB-ENG': 'England and Wales',
  'GB-SCT': 'Scotland',
  'GB-NIR': 'Northern Ireland',
} as const

export type HolidayRegion = keyof typeof HOLIDAY_REGIONS

export const DEFAULT_HOLIDAY_REGION: HolidayRegion = 'GB-ENG'

export function isHolidayRegion(v: unknown): v is HolidayRegion {
  return typeof v === 'string' && Object.hasOwn(HOLIDAY_REGIONS, v)
}

/** Whether a date is a holiday (not counting weekends): built once per organisation. */
export type HolidayPredicate = (d: IsoDate) => boolean

const byRegion = new Map<HolidayRegion, Holidays>()
const byRegionYear = new Map<string, ReadonlySet<IsoDate>>()

/** The bank holidays of one region in one year: only date-holidays' "public" type, not observances. */
export function bankHolidays(region: HolidayRegion, year: number): ReadonlySet<IsoDate> {
  const key = `${region}:${year}`
  let days = byRegionYear.get(key)
  if (!days) {
    const tabled =
      year >= FIRST_TABLED_YEAR && year <= LAST_TABLED_YEAR
        ? BANK_HOLIDAY_TABLE[region]?.[year - FIRST_TABLED_YEAR]
        : undefined
    days =
      tabled !== undefined
        ? new Set(tabled.split(' ').map((monthDay) => `${year}-${monthDay}`))
        : bankHolidaysFromPackage(region, year)
    byRegionYear.set(key, days)
  }
  return days
}

/** The same, computed by `date-holidays` itself (loaded on first use): the source of the table. */
export function bankHolidaysFromPackage(region: HolidayRegion, year: number): ReadonlySet<IsoDate> {
  let calendar = byRegion.get(region)
  if (!calendar) {
    const [country, state] = region.split('-') as [string, string]
    const HolidaysOf = createRequire(import.meta.url)('date-holidays') as typeof Holidays
    calendar = new HolidaysOf(country, state)
    byRegion.set(region, calendar)
  }
  return new Set(
    calendar
      .getHolidays(year)
      .filter((h) => h.type === 'public')
      .map((h) => h.date.slice(0, 10)),
  )
}

/** The region's bank holidays plus the organisation's own closure days (a local closure, an extra holiday). */
export function holidayPredicate(
  region: HolidayRegion = DEFAULT_HOLIDAY_REGION,
  closureDays: Iterable<IsoDate> = [],
): HolidayPredicate {
  const closed = new Set(closureDays)
  return (d) => closed.has(d) || bankHolidays(region, Number(d.slice(0, 4))).has(d)
}

const ENGLAND_AND_WALES = holidayPredicate()

/** Monday to Friday, not a holiday. */
export function isWorkingDay(d: IsoDate, isHoliday: HolidayPredicate = ENGLAND_AND_WALES): boolean {
  // 1970-01-01 was a Thursday: day 0 → 4 (Sunday = 0).
  const weekday = (((daysBetween('1970-01-01', d) + 4) % 7) + 7) % 7
  return weekday !== 0 && weekday !== 6 && !isHoliday(d)
}

/** The date `n` working days after `from` (the day itself does not count). */
export function addWorkingDays(
  from: IsoDate,
  n: number,
  isHoliday: HolidayPredicate = ENGLAND_AND_WALES,
): IsoDate {
  let d = from
  let left = n
  while (left > 0) {
    d = addDays(d, 1)
    if (isWorkingDay(d, isHoliday)) left--
  }
  return d
}
