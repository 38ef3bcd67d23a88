/**
 * Calendar dates for Oversight.
 *
 * A date is an ISO 8601 calendar date string `YYYY-MM-DD` with no time or zone. Milestone and baseline dates
 * are days in the council's calendar, not instants, so storing them as instants would let a server in another
 * zone (or a DST change) move a deadline by a day. All arithmetic here is done on day numbers, never on local
 * `Date` objects, for the same reason.
 */

export type IsoDate = string

/** The council's legal time: "today" and timestamps are always as experienced in England and Wales. */
export const LONDON_TIME_ZONE = 'Europe/London'

export const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
] as const

const ISO_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31
}

interface Ymd {
  year: number
  month: number
  day: number
}

function toYmd(s: string): Ymd | null {
  const m = ISO_DATE_RE.exec(s)
  if (!m) return null
  const year = Number(m[1])
  const month = Number(m[2])
  const day = Number(m[3])
  // Year 0000 does not exist in ISO 8601's common usage and cannot be entered through a GOV.UK date input.
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null
  return { year, month, day }
}

function parseIso(d: IsoDate): Ymd {
  const ymd = toYmd(d)
  if (!ymd) throw new RangeError(`Not a valid ISO date (YYYY-MM-DD): ${JSON.stringify(d)}`)
  return ymd
}

const pad2 = (n: number): string => String(n).padStart(2, '0')

function fromYmd({ year, month, day }: Ymd): IsoDate {
  // Four-digit years only: anything else would not round-trip through isIsoDate or a GOV.UK date input.
  if (year < 1 || year > 9999) throw new RangeError(`Date out of supported range (years 0001-9999): ${year}`)
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`
}

/*
 * Day-number conversion (days since 1970-01-01, proleptic Gregorian), after Howard Hinnant's
 * `days_from_civil` / `civil_from_days`. Pure integer maths avoids both DST (there are no hours) and the
 * `Date.UTC` quirk that maps years 0-99 onto 1900-1999.
 */
function toDayNumber({ year, month, day }: Ymd): number {
  const y = month <= 2 ? year - 1 : year
  const era = Math.floor(y / 400)
  const yoe = y - era * 400
  const mp = (month + 9) % 12
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy
  return era * 146097 + doe - 719468
}

function fromDayNumber(n: number): Ymd {
  const z = n + 719468
  const era = Math.floor(z / 146097)
  const doe = z - era * 146097
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  )
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1
  const month = mp < 10 ? mp + 3 : mp - 9
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0)
  return { year, month, day }
}

function requireInteger(n: number, what: string): void {
  if (!Number.isSafeInteger(n)) throw new RangeError(`${what} must be a whole number, got ${n}`)
}

const londonDateFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: LONDON_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
})

// h23 rather than hour12 so we control the am/pm rendering: GOV.UK style is "3:04pm", which no locale produces.
const londonDateTimeFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: LONDON_TIME_ZONE,
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  hourCycle: 'h23',
})

function partsOf(fmt: Intl.DateTimeFormat, date: Date): Record<string, number> {
  const out: Record<string, number> = {}
  for (const p of fmt.formatToParts(date)) {
    if (p.type !== 'literal') out[p.type] = Number(p.value)
  }
  return out
}

let today: { minute: number; date: IsoDate } = { minute: NaN, date: '' }

/**
 * Today's date in London. Deadlines are judged against the council's calendar day, so a server running in
 * UTC must not treat 00:30 BST as still being yesterday.
 */
export function todayInLondon(now: Date = new Date()): IsoDate {
  const ms = now.getTime()
  if (Number.isNaN(ms)) throw new RangeError('Invalid Date')
  // London's offset from UTC is always whole hours, so its date can only change on a minute boundary:
  // the answer for one minute holds for all of it, and Intl formatting is the costly part of a request's
  // "what period is it" check.
  const minute = Math.floor(ms / 60_000)
  if (minute === today.minute) return today.date
  const p = partsOf(londonDateFormat, now)
  const date = fromYmd({ year: p.year ?? NaN, month: p.month ?? NaN, day: p.day ?? NaN })
  today = { minute, date }
  return date
}

/** Strict `YYYY-MM-DD` that names a real calendar day (so 2021-02-30 and 2023-02-29 are rejected). */
export function isIsoDate(s: string): boolean {
  return toYmd(s) !== null
}

/** `b − a` in whole days; positive when b is later. */
export function daysBetween(a: IsoDate, b: IsoDate): number {
  return dayNumberOf(b) - dayNumberOf(a)
}

// Lists judge slippage on every row of every page, and the same few thousand dates recur request after
// request: remembering each date's day number saves the parse. Bounded, so odd inputs cannot grow it.
const dayNumbers = new Map<string, number>()
const DAY_NUMBER_CACHE = 8192

function dayNumberOf(d: IsoDate): number {
  let n = dayNumbers.get(d)
  if (n === undefined) {
    n = toDayNumber(parseIso(d))
    if (dayNumbers.size >= DAY_NUMBER_CACHE) dayNumbers.clear()
    dayNumbers.set(d, n)
  }
  return n
}

export function addDays(d: IsoDate, n: number): IsoDate {
  requireInteger(n, 'Days')
  return fromYmd(fromDayNumber(toDayNumber(parseIso(d)) + n))
}

/**
 * Adds calendar months, clamping to the end of a shorter month (31 January + 1 month = 28 or 29 February)
 * rather than overflowing into the next month as `Date#setMonth` does: a monthly review due "a month after
 * 31 January" is due in February, not on 3 March.
 */
export function addMonths(d: IsoDate, n: number): IsoDate {
  requireInteger(n, 'Months')
  const { year, month, day } = parseIso(d)
  const index = year * 12 + (month - 1) + n
  const newYear = Math.floor(index / 12)
  const newMonth = index - newYear * 12 + 1
  return fromYmd({ year: newYear, month: newMonth, day: Math.min(day, daysInMonth(newYear, newMonth)) })
}

/** GOV.UK style ("25 November 2026"): no leading zero, month in full, no ordinal, no weekday. */
export function formatDate(d: IsoDate | null | undefined): string {
  if (d === null || d === undefined || d === '') return ''
  const { year, month, day } = parseIso(d)
  return `${day} ${MONTH_NAMES[month - 1]} ${year}`
}

/**
 * A timestamp as GOV.UK style writes it, in London time: "25 November 2026 at 3:04pm". The style guide uses
 * the 12-hour clock with lower-case am/pm and no leading zero; 12:xx is pm (midday) and 00:xx is 12:xxam
 * (midnight). Minutes are always shown because these are audit times, where "3pm" would imply rounding.
 */
export function formatDateTime(isoTimestamp: string): string {
  const date = new Date(isoTimestamp)
  if (isoTimestamp.trim() === '' || Number.isNaN(date.getTime())) {
    throw new RangeError(`Not a valid timestamp: ${JSON.stringify(isoTimestamp)}`)
  }
  const p = partsOf(londonDateTimeFormat, date)
  const hour = p.hour ?? 0
  const hour12 = hour % 12 === 0 ? 12 : hour % 12
  const suffix = hour < 12 ? 'am' : 'pm'
  const day = formatDate(fromYmd({ year: p.year ?? NaN, month: p.month ?? NaN, day: p.day ?? NaN }))
  return `${day} at ${hour12}:${pad2(p.minute ?? 0)}${suffix}`
}

export type DatePart = 'day' | 'month' | 'year'

export interface DateParts {
  day?: string | undefined
  month?: string | undefined
  year?: string | undefined
}

export type ParseDateResult =
  | { ok: true; value: IsoDate | null }
  /** `fields` lists the inputs to highlight, as the GOV.UK date input pattern asks for only the wrong parts. */
  | { ok: false; error: string; fields: DatePart[] }

// GOV.UK date inputs accept month names and common abbreviations as well as numbers, because users type them.
const MONTH_LOOKUP: ReadonlyMap<string, number> = new Map(
  MONTH_NAMES.flatMap((name, i): Array<[string, number]> => [
    [name.toLowerCase(), i + 1],
    [name.slice(0, 3).toLowerCase(), i + 1],
  ]).concat([['sept', 9]]),
)

function parseMonth(s: string): number | null {
  if (/^\d{1,2}$/.test(s)) return Number(s)
  return MONTH_LOOKUP.get(s.toLowerCase().replace(/\.$/, '')) ?? null
}

/**
 * GOV.UK error messages start with the field's label, but "Enter …" puts it mid-sentence. Lower-case its
 * first letter unless it looks like an acronym ("IPA review date").
 */
function midSentence(label: string): string {
  if (/^[A-Z][A-Z]/.test(label)) return label
  return label.charAt(0).toLowerCase() + label.slice(1)
}

function sentenceStart(label: string): string {
  return label.charAt(0).toUpperCase() + label.slice(1)
}

function joinParts(parts: DatePart[]): string {
  return parts.length === 2 ? `${parts[0]} and ${parts[1]}` : (parts[0] ?? '')
}

/**
 * Validates the three boxes of a GOV.UK date input, with messages worded as the Design System's date input
 * pattern recommends: "Enter …" when nothing is entered, "… must include a month" when a part is missing,
 * "… must be a real date" when the date cannot exist. Dates are required unless `required: false`, in which
 * case three empty boxes mean "no date".
 */
export function parseDateParts(
  parts: DateParts,
  label: string,
  opts: { required?: boolean } = {},
): ParseDateResult {
  const required = opts.required ?? true
  const raw = {
    day: (parts.day ?? '').trim(),
    month: (parts.month ?? '').trim(),
    year: (parts.year ?? '').trim(),
  }
  const all: DatePart[] = ['day', 'month', 'year']
  const missing = all.filter((k) => raw[k] === '')

  if (missing.length === 3) {
    return required
      ? { ok: false, error: `Enter ${midSentence(label)}`, fields: all }
      : { ok: true, value: null }
  }
  if (missing.length > 0) {
    return {
      ok: false,
      error: `${sentenceStart(label)} must include a ${joinParts(missing)}`,
      fields: missing,
    }
  }
  if (!/^\d{4}$/.test(raw.year)) {
    return { ok: false, error: `${sentenceStart(label)} year must include 4 numbers`, fields: ['year'] }
  }

  const day = /^\d{1,2}$/.test(raw.day) ? Number(raw.day) : null
  const month = parseMonth(raw.month)
  const year = Number(raw.year)
  const monthOk = month !== null && month >= 1 && month <= 12
  const maxDay = monthOk ? daysInMonth(year, month) : 31
  const bad: DatePart[] = []
  if (day === null || day < 1 || day > maxDay) bad.push('day')
  if (!monthOk) bad.push('month')
  if (year < 1) bad.push('year')
  if (bad.length > 0 || month === null || day === null) {
    return { ok: false, error: `${sentenceStart(label)} must be a real date`, fields: bad.length ? bad : all }
  }
  return { ok: true, value: fromYmd({ year, month, day }) }
}

/** Splits a stored date back into the three input values (no leading zeros, as a user would type them). */
export function splitDate(d: IsoDate | null | undefined): { day: string; month: string; year: string } {
  if (d === null || d === undefined || d === '') return { day: '', month: '', year: '' }
  const { year, month, day } = parseIso(d)
  return { day: String(day), month: String(month), year: String(year) }
}
