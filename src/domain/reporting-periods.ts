/**
 * Financial reporting periods for performance indicators (issue 11). An indicator is measured monthly,
 * quarterly or annually, and every period is a part of the local-government financial year (April to March,
 * see periods.ts): a month is `YYYY-MM`, a quarter `2025/26-Q1` (Q1 is April to June), a year `2025/26`.
 * Councils publish periods in many spellings ("Q1 2025/26", "2025-26 Q1", "Apr-Jun 2025", "01/04/2025"), so
 * `readPeriodText` reads them all into one of those keys rather than asking anyone to retype a file.
 */

import { daysInMonth, MONTH_NAMES, type IsoDate } from './dates.ts'
import {
  financialPeriodOfPeriod,
  financialYear,
  formatPeriod,
  isPeriod,
  nextPeriod,
  parseFinancialYear,
  periodOf,
  previousPeriod,
  type Period,
} from './periods.ts'

export const FREQUENCIES = ['monthly', 'quarterly', 'annual'] as const
export type Frequency = (typeof FREQUENCIES)[number]

export const ROLLUPS = ['sum', 'average', 'latest'] as const
export type Rollup = (typeof ROLLUPS)[number]

/** A period of some frequency, as stored: `2025-04`, `2025/26-Q1` or `2025/26`. */
export type PeriodKey = string

const QUARTER_RE = /^(\d{4})\/(\d{2})-Q([1-4])$/
const YEAR_RE = /^(\d{4})\/(\d{2})$/

const fyLabel = (startYear: number) => financialYear(startYear).label

/** The frequency a key is written in, or null for text that is no key. */
export function frequencyOfKey(key: string): Frequency | null {
  if (isPeriod(key)) return 'monthly'
  const q = QUARTER_RE.exec(key)
  if (q && parseFinancialYear(`${q[1]}/${q[2]}`)) return 'quarterly'
  if (YEAR_RE.test(key) && parseFinancialYear(key)) return 'annual'
  return null
}

function startYearOf(key: PeriodKey): number {
  return Number(key.slice(0, 4))
}

/** The key of the period of this frequency that holds the month. */
export function periodKeyOfMonth(frequency: Frequency, month: Period): PeriodKey {
  if (frequency === 'monthly') return month
  const { year, period } = financialPeriodOfPeriod(month)
  if (frequency === 'annual') return year.label
  return `${year.label}-Q${Math.ceil(period / 3)}`
}

/** The months of a period, oldest first. */
export function monthsOf(key: PeriodKey): Period[] {
  const f = frequencyOfKey(key)
  if (f === null) throw new RangeError(`Not a reporting period: ${JSON.stringify(key)}`)
  if (f === 'monthly') return [key]
  const start = startYearOf(key)
  const first = f === 'annual' ? 0 : (Number(key.slice(-1)) - 1) * 3
  const count = f === 'annual' ? 12 : 3
  const out: Period[] = []
  let m = `${String(start).padStart(4, '0')}-04`
  for (let i = 0; i < first + count; i++) {
    if (i >= first) out.push(m)
    m = nextPeriod(m)
  }
  return out
}

/** The last day of a period. */
export function periodEnd(key: PeriodKey): IsoDate {
  const last = monthsOf(key).at(-1)!
  const [y, m] = last.split('-').map(Number) as [number, number]
  return `${last}-${String(daysInMonth(y, m)).padStart(2, '0')}`
}

/** The period after this one, of the same frequency. */
export function nextKey(key: PeriodKey): PeriodKey {
  const f = frequencyOfKey(key)!
  return periodKeyOfMonth(f, nextPeriod(monthsOf(key).at(-1)!))
}

/** Every period of the frequency from the one holding `from` to the one holding `to` (months), inclusive. */
export function keysBetween(frequency: Frequency, from: Period, to: Period): PeriodKey[] {
  const last = periodKeyOfMonth(frequency, to)
  const out: PeriodKey[] = []
  let k = periodKeyOfMonth(frequency, from)
  const end = monthsOf(last)[0]!
  while (monthsOf(k)[0]! <= end) {
    out.push(k)
    k = nextKey(k)
  }
  return out
}

/** The latest period of the frequency that had ended before `today`. */
export function lastCompletePeriod(frequency: Frequency, today: IsoDate): PeriodKey {
  const current = monthsOf(periodKeyOfMonth(frequency, periodOf(today)))[0]!
  return periodKeyOfMonth(frequency, previousPeriod(current))
}

/** The period as people read it: "April 2025", "Q1 2025/26 (April to June 2025)", "2025/26". */
export function formatPeriodKey(key: PeriodKey): string {
  const f = frequencyOfKey(key)
  if (f === 'monthly') return formatPeriod(key)
  if (f === 'annual') return key
  if (f === 'quarterly') {
    const months = monthsOf(key)
    const first = MONTH_NAMES[Number(months[0]!.slice(5)) - 1]
    const last = MONTH_NAMES[Number(months[2]!.slice(5)) - 1]
    return `Q${key.slice(-1)} ${key.slice(0, 7)} (${first} to ${last} ${months[2]!.slice(0, 4)})`
  }
  return key
}

/** A short label for a chart's axis: "Apr 2025", "Q1 25/26", "2025/26". */
export function shortPeriodLabel(key: PeriodKey): string {
  const f = frequencyOfKey(key)
  if (f === 'monthly') return `${MONTH_NAMES[Number(key.slice(5)) - 1]!.slice(0, 3)} ${key.slice(0, 4)}`
  if (f === 'quarterly') return `Q${key.slice(-1)} ${key.slice(2, 7)}`
  return key
}

const MONTHS = new Map<string, number>(
  MONTH_NAMES.flatMap((name, i) => [
    [name.toLowerCase(), i + 1],
    [name.slice(0, 3).toLowerCase(), i + 1],
    ...(name === 'September' ? [['sept', 9] as [string, number]] : []),
  ]),
)

const twoOrFour = (y: string, century = 2000): number => (y.length === 2 ? century + Number(y) : Number(y))

/** "2025/26", "2025-26", "2025/2026", "FY2025/26", "FY 25/26" → 2025 (null when the halves disagree). */
function readYear(text: string): number | null {
  const m = /^(?:fy\s*)?(\d{4}|\d{2})\s*[/-]\s*(\d{4}|\d{2})$/i.exec(text.trim())
  if (!m) return null
  const start = twoOrFour(m[1]!)
  const end = twoOrFour(m[2]!)
  if (end % 100 !== (start + 1) % 100 || (m[2]!.length === 4 && end !== start + 1)) return null
  return start >= 1 && start <= 9998 ? start : null
}

const month = (y: number, m: number): Period | null =>
  y >= 1 && y <= 9999 && m >= 1 && m <= 12
    ? `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`
    : null

/**
 * A period written the ways councils publish them, as a key and its frequency; null for text that is none.
 * Quarters: "2025/26 Q1", "Q1 2025/26", "2025-26 Q1", "2025/26-Q1", "Quarter 1 2025/26", "Apr-Jun 2025",
 * "April to June 2025", "Jan-Mar 2026" (Q4 of 2025/26). Months: "April 2025", "Apr 2025", "Apr-25",
 * "2025-04", and a date ("01/04/2025", "2025-04-01") for the month it falls in. Years: "2025/26",
 * "2025-26", "FY2025/26", "2025/2026".
 */
export function readPeriodText(text: string): { frequency: Frequency; key: PeriodKey } | null {
  const s = text.trim().replace(/\s+/g, ' ')
  if (s === '') return null
  // "2008-09" is this app's own key for September 2008 before it is the year 2008/09 (readPeriodFor reads it as
  // the year for an annual indicator).
  if (/^\d{4}-(0[1-9]|1[0-2])$/.test(s) && isPeriod(s)) return { frequency: 'monthly', key: s }
  const year = readYear(s)
  if (year !== null) return { frequency: 'annual', key: fyLabel(year) }

  const q =
    /^(?:q|quarter ?)([1-4]) ?[-,]? ?(.+)$/i.exec(s) ?? /^(.+?) ?[-,]? ?(?:q|quarter ?)([1-4])$/i.exec(s)
  if (q) {
    const [n, y] = /^\d$/.test(q[1]!) ? [q[1]!, q[2]!] : [q[2]!, q[1]!]
    const start = readYear(y)
    return start === null ? null : { frequency: 'quarterly', key: `${fyLabel(start)}-Q${n}` }
  }

  const range = /^([a-z]+)(?: ?[-–] ?| to )([a-z]+) (\d{4})$/i.exec(s)
  if (range) {
    const from = MONTHS.get(range[1]!.toLowerCase())
    const to = MONTHS.get(range[2]!.toLowerCase())
    const y = Number(range[3])
    if (from === undefined || to === undefined || (from - 4 + 12) % 3 !== 0 || (to - from + 12) % 12 !== 2)
      return null
    const last = month(y, to)
    if (last === null) return null
    return { frequency: 'quarterly', key: periodKeyOfMonth('quarterly', last) }
  }

  const named = /^([a-z]+)[ -](\d{4}|\d{2})$/i.exec(s)
  if (named) {
    const m = MONTHS.get(named[1]!.toLowerCase())
    const key = m === undefined ? null : month(twoOrFour(named[2]!), m)
    return key === null ? null : { frequency: 'monthly', key }
  }

  const iso = /^(\d{4})-(\d{1,2})(?:-(\d{1,2}))?$/.exec(s)
  if (iso) return monthOfDate(Number(iso[1]), Number(iso[2]), iso[3] === undefined ? 1 : Number(iso[3]))
  const uk = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$/.exec(s)
  if (uk) return monthOfDate(Number(uk[3]), Number(uk[2]), Number(uk[1]))
  return null
}

function monthOfDate(y: number, m: number, d: number): { frequency: Frequency; key: PeriodKey } | null {
  const key = month(y, m)
  if (key === null || d < 1 || d > daysInMonth(y, m)) return null
  return { frequency: 'monthly', key }
}

/** Why a period cannot be used for an indicator of this frequency (GOV.UK wording), or its key. */
export function readPeriodFor(frequency: Frequency, text: string): { key: PeriodKey } | { error: string } {
  const read = readPeriodText(text)
  if (read === null) return { error: `Enter a period like ${EXAMPLES[frequency]}` }
  const year = frequency === 'annual' && read.frequency === 'monthly' ? readYear(text) : null
  if (year !== null) return { key: fyLabel(year) }
  if (read.frequency !== frequency)
    return {
      error: `This indicator is measured ${FREQUENCY_WORDS[frequency]}: enter a period like ${EXAMPLES[frequency]}`,
    }
  return { key: read.key }
}

const EXAMPLES: Record<Frequency, string> = {
  monthly: 'April 2025 or 2025-04',
  quarterly: 'Q1 2025/26 or Apr-Jun 2025',
  annual: '2025/26',
}
const FREQUENCY_WORDS: Record<Frequency, string> = {
  monthly: 'monthly',
  quarterly: 'quarterly',
  annual: 'annually',
}

/**
 * Months' values rolled up to the periods of a longer frequency, by the indicator's rule: a count of contacts
 * is summed, a satisfaction score averaged (rounded half away from zero, at the stored scale), a caseload
 * taken at its latest month. A period is rolled up from the months it has; `complete` says whether it had
 * them all.
 */
export function rollUp(
  values: ReadonlyArray<{ period: Period; value: number }>,
  rollup: Rollup,
  to: Frequency,
): Array<{ key: PeriodKey; value: number; months: number; complete: boolean }> {
  const groups = new Map<PeriodKey, Array<{ period: Period; value: number }>>()
  for (const v of [...values].sort((a, b) => (a.period < b.period ? -1 : 1))) {
    const k = periodKeyOfMonth(to, v.period)
    const g = groups.get(k) ?? []
    g.push(v)
    groups.set(k, g)
  }
  return [...groups].map(([key, g]) => {
    let value: number
    if (rollup === 'latest') value = g.at(-1)!.value
    else {
      const sum = g.reduce((s, v) => s + BigInt(v.value), 0n)
      value = rollup === 'sum' ? Number(sum) : roundDiv(sum, BigInt(g.length))
    }
    return { key, value, months: g.length, complete: g.length === monthsOf(key).length }
  })
}

function roundDiv(n: bigint, d: bigint): number {
  const neg = n < 0n
  const a = neg ? -n : n
  const q = (a * 2n + d) / (2n * d)
  return Number(neg ? -q : q)
}
