/**
 * Reporting periods and financial years.
 *
 * Highlight reports are monthly, so a reporting period is a calendar month, `YYYY-MM`. Money is tracked by
 * local-government financial year: twelve months ending 31 March (Local Government Act 1972, s.270), which
 * council budget monitoring numbers from April as period 1.
 */

import { MONTH_NAMES, isIsoDate, todayInLondon } from './dates.ts'
import type { IsoDate } from './dates.ts'

export type Period = string

export interface FinancialYear {
  /** The calendar year in which the financial year starts on 1 April. */
  startYear: number
  /** "2025/26", the form used in council budget books and statements of accounts. */
  label: string
}

const PERIOD_RE = /^(\d{4})-(0[1-9]|1[0-2])$/

const pad2 = (n: number): string => String(n).padStart(2, '0')
const pad4 = (n: number): string => String(n).padStart(4, '0')

function parsePeriod(p: Period): { year: number; month: number } {
  const m = PERIOD_RE.exec(p)
  const year = Number(m?.[1])
  if (!m || year < 1) throw new RangeError(`Not a valid period (YYYY-MM): ${JSON.stringify(p)}`)
  return { year, month: Number(m[2]) }
}

function makePeriod(year: number, month: number): Period {
  if (year < 1 || year > 9999)
    throw new RangeError(`Period out of supported range (years 0001-9999): ${year}`)
  return `${pad4(year)}-${pad2(month)}`
}

function monthIndex(p: Period): number {
  const { year, month } = parsePeriod(p)
  return year * 12 + month - 1
}

function fromMonthIndex(i: number): Period {
  const year = Math.floor(i / 12)
  return makePeriod(year, i - year * 12 + 1)
}

function requireIsoDate(d: IsoDate): void {
  if (!isIsoDate(d)) throw new RangeError(`Not a valid ISO date (YYYY-MM-DD): ${JSON.stringify(d)}`)
}

export function isPeriod(s: string): boolean {
  const m = PERIOD_RE.exec(s)
  return m !== null && Number(m[1]) >= 1
}

export function periodOf(d: IsoDate): Period {
  requireIsoDate(d)
  return d.slice(0, 7)
}

/** The period containing today in London, so a report due "this month" flips at London midnight. */
export function currentPeriod(now: Date = new Date()): Period {
  return periodOf(todayInLondon(now))
}

export function previousPeriod(p: Period): Period {
  return fromMonthIndex(monthIndex(p) - 1)
}

export function nextPeriod(p: Period): Period {
  return fromMonthIndex(monthIndex(p) + 1)
}

/** Every period from `from` to `to` inclusive, oldest first; empty when `from` is after `to`. */
export function periodsBetween(from: Period, to: Period): Period[] {
  const start = monthIndex(from)
  const end = monthIndex(to)
  const out: Period[] = []
  for (let i = start; i <= end; i++) out.push(fromMonthIndex(i))
  return out
}

/** GOV.UK style, as for dates: "November 2026". */
export function formatPeriod(p: Period): string {
  const { year, month } = parsePeriod(p)
  return `${MONTH_NAMES[month - 1]} ${year}`
}

export function financialYear(startYear: number): FinancialYear {
  if (!Number.isSafeInteger(startYear) || startYear < 1 || startYear > 9998) {
    throw new RangeError(`Financial year start out of supported range: ${startYear}`)
  }
  // Two-digit end year, wrapping at the century ("2099/00"), as budget books write it.
  return { startYear, label: `${startYear}/${pad2((startYear + 1) % 100)}` }
}

/**
 * Accepts "2025/26" and "2025-26" (both are common in council documents) but rejects a label whose second
 * half is not the following year, such as "2025/27", rather than guessing which half was meant.
 */
export function parseFinancialYear(label: string): FinancialYear | null {
  const m = /^(\d{4})\s*[/-]\s*(\d{2})$/.exec(label.trim())
  if (!m) return null
  const start = Number(m[1])
  if (start < 1 || start > 9998 || Number(m[2]) !== (start + 1) % 100) return null
  return financialYear(start)
}

export function financialYearOf(d: IsoDate): FinancialYear {
  return financialPeriodOf(d).year
}

/** The financial period number: April is P1 and March is P12, as in council revenue monitoring. */
export function financialPeriodOf(d: IsoDate): { year: FinancialYear; period: number } {
  requireIsoDate(d)
  return financialPeriodOfMonth(Number(d.slice(0, 4)), Number(d.slice(5, 7)))
}

export function financialPeriodOfPeriod(p: Period): { year: FinancialYear; period: number } {
  const { year, month } = parsePeriod(p)
  return financialPeriodOfMonth(year, month)
}

function financialPeriodOfMonth(year: number, month: number): { year: FinancialYear; period: number } {
  return month >= 4
    ? { year: financialYear(year), period: month - 3 }
    : { year: financialYear(year - 1), period: month + 9 }
}

/** The twelve calendar months of a financial year, April first. */
export function financialYearPeriods(fy: FinancialYear): Period[] {
  const start = makePeriod(fy.startYear, 4)
  return periodsBetween(start, makePeriod(fy.startYear + 1, 3))
}

export function financialYearBounds(fy: FinancialYear): { start: IsoDate; end: IsoDate } {
  return { start: `${pad4(fy.startYear)}-04-01`, end: `${pad4(fy.startYear + 1)}-03-31` }
}
