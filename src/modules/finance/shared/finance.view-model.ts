import { todayInLondon } from '../../../domain/dates.ts'
import { formatMoney, formatPounds } from '../../../domain/money.ts'
import {
  financialYearOf,
  financialYearPeriods,
  formatPeriod,
  parseFinancialYear,
} from '../../../domain/periods.ts'

/** Money helpers the templates call: exact pounds and pence, or whole pounds for wide tables. */
export const moneyHelpers = { money: formatMoney, pounds: formatPounds }

/** "2025-26" in a URL (no slash to escape), "2025/26" everywhere else. */
export const yearSlug = (label: string) => label.replace('/', '-')

/** The financial year a page asks for, or the current one. */
export function yearFrom(query: string | undefined): string {
  const fy = query ? parseFinancialYear(query) : null
  return (fy ?? financialYearOf(todayInLondon())).label
}

export function periodItems(financialYear: string, selected: string) {
  const fy = parseFinancialYear(financialYear) ?? financialYearOf(todayInLondon())
  return financialYearPeriods(fy).map((p, i) => ({
    value: p,
    text: `P${i + 1} — ${formatPeriod(p)}`,
    selected: p === selected,
  }))
}
