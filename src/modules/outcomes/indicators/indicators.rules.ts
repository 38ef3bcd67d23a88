// Performance indicators (issue 11): pure rules. What a valid definition, target and value are; how a value
// typed in the indicator's unit is stored exactly (an integer at 10^scale; money in pence through the one
// money reader); and an indicator's status for a period against its target and warning threshold.

import {
  MAX_PENCE,
  moneyProblemMessage,
  penceToDecimal,
  readMoney,
  formatMoney,
} from '../../../domain/money.ts'
import { FREQUENCIES, ROLLUPS } from '../../../domain/reporting-periods.ts'

export const UNITS = [
  { value: 'count', text: 'Count', hint: 'For example, contacts by telephone' },
  { value: 'percent', text: 'Percentage', hint: 'From 0 to 100' },
  { value: 'money', text: 'Money (£)', hint: 'Stored in pence' },
  { value: 'days', text: 'Days' },
  { value: 'score', text: 'Score', hint: 'For example, satisfaction out of 10' },
] as const

export const POLARITIES = [
  { value: 'higher', text: 'Higher is better' },
  { value: 'lower', text: 'Lower is better' },
] as const

export const FREQUENCY_ITEMS = [
  { value: 'monthly', text: 'Monthly' },
  { value: 'quarterly', text: 'Quarterly (Q1 is April to June)' },
  { value: 'annual', text: 'Annual (financial year)' },
] as const

export const ROLLUP_ITEMS = [
  { value: 'sum', text: 'Add the months up', hint: 'For counts, such as contacts' },
  { value: 'average', text: 'Average the months', hint: 'For rates and scores' },
  { value: 'latest', text: 'Take the latest month', hint: 'For a position, such as a backlog' },
] as const

export const INDICATOR_STATUSES = [
  { value: 'active', text: 'Active' },
  { value: 'retired', text: 'Retired' },
] as const

export const labelOf = (list: ReadonlyArray<{ value: string; text: string }>, value: string) =>
  list.find((x) => x.value === value)?.text ?? value

const within = (list: ReadonlyArray<{ value: string }> | readonly string[], v: string) =>
  list.some((x) => (typeof x === 'string' ? x : x.value) === v)

export interface IndicatorInput {
  name: string
  description: string
  unit: string
  scale: number
  polarity: string
  frequency: string
  rollup: string
  groupName: string
  dataSource: string
  status: string
  ambitionIds: number[]
  programmeIds: number[]
  projectIds: number[]
}

export function validateIndicator(i: IndicatorInput): Record<string, string> {
  const errors: Record<string, string> = {}
  if (i.name.trim() === '') errors.name = 'Enter the name of the indicator'
  else if (i.name.length > 200) errors.name = 'Name must be 200 characters or fewer'
  if (i.description.length > 2000) errors.description = 'Description must be 2000 characters or fewer'
  if (!within(UNITS, i.unit)) errors.unit = 'Choose the unit the indicator is measured in'
  if (!Number.isInteger(i.scale) || i.scale < 0 || i.scale > 4)
    errors.scale = 'Decimal places must be a whole number from 0 to 4'
  else if (i.unit === 'money' && i.scale !== 0)
    errors.scale = 'Money is held in pence: leave decimal places at 0'
  if (!within(POLARITIES, i.polarity)) errors.polarity = 'Choose whether higher or lower is better'
  if (!within(FREQUENCIES, i.frequency)) errors.frequency = 'Choose how often it is measured'
  if (!within(ROLLUPS, i.rollup)) errors.rollup = 'Choose how months add up to a quarter and a year'
  if (i.groupName.length > 100) errors.groupName = 'Group must be 100 characters or fewer'
  if (i.dataSource.length > 500) errors.dataSource = 'Data source must be 500 characters or fewer'
  if (!within(INDICATOR_STATUSES, i.status)) errors.status = 'Choose a status'
  return errors
}

/** The most any value or target may be, at any scale: the same bound as money (ADR 0004). */
const LIMIT = BigInt(MAX_PENCE)

type ValueRead = { stored: number } | { error: string }

/**
 * A value typed in the indicator's unit, as the integer it is stored as: "1,234", "45.5%", "£1,250.00".
 * More decimal places than the indicator keeps, a negative count, or a percentage over 100 are refused
 * with the reason, never rounded or clipped.
 */
export function readValue(unit: string, scale: number, text: string, label = 'Value'): ValueRead | null {
  const s = text.trim()
  if (s === '') return null
  if (unit === 'money') {
    const p = readMoney(s)
    if (typeof p !== 'number') return { error: moneyProblemMessage(p ?? 'not-money', label) }
    return { stored: p }
  }
  const plain = s.replace(/,(?=\d{3}(\D|$))/g, '').replace(/\s*%$/, '')
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(plain)
  if (!m) return { error: `${label} must be a number, like ${example(unit, scale)}` }
  const decimals = m[3] ?? ''
  if (decimals.replace(/0+$/, '').length > scale)
    return {
      error:
        scale === 0
          ? `${label} must be a whole number`
          : `${label} must have ${scale} decimal place${scale === 1 ? '' : 's'} or fewer`,
    }
  const digits = BigInt(m[2]! + decimals.padEnd(scale, '0').slice(0, scale))
  const stored = m[1] === '-' ? -digits : digits
  if (stored > LIMIT || -stored > LIMIT) return { error: `${label} is too large` }
  if (stored < 0n && (unit === 'count' || unit === 'percent' || unit === 'days'))
    return { error: `${label} cannot be negative` }
  if (unit === 'percent' && stored > 100n * 10n ** BigInt(scale))
    return { error: `${label} must be a percentage from 0 to 100` }
  return { stored: Number(stored) }
}

function example(unit: string, scale: number): string {
  const n = scale === 0 ? '120' : `12.${'5'.padEnd(scale, '0')}`
  return unit === 'percent' ? `${n}%` : n
}

/** A stored value as people read it, in the indicator's unit: "1,234", "45.5%", "£1,250.00", "3.5 days". */
export function formatValue(unit: string, scale: number, stored: number | null | undefined): string {
  if (stored === null || stored === undefined) return ''
  if (unit === 'money') return formatMoney(stored)
  const text = decimalOf(stored, scale)
  const [whole, frac] = text.split('.') as [string, string | undefined]
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (frac === undefined ? '' : `.${frac}`)
  if (unit === 'percent') return `${grouped}%`
  if (unit === 'days') return `${grouped} day${text === '1' ? '' : 's'}`
  return grouped
}

/** A stored value as exact decimal text in the unit (pounds for money): for the API, CSV and forms. */
export function decimalOf(stored: number, scale: number): string {
  if (scale === 0) return String(stored)
  const neg = stored < 0
  const digits = String(Math.abs(stored)).padStart(scale + 1, '0')
  return `${neg ? '-' : ''}${digits.slice(0, -scale)}.${digits.slice(-scale)}`
}

export const decimalInUnit = (unit: string, scale: number, stored: number) =>
  unit === 'money' ? penceToDecimal(stored) : decimalOf(stored, scale)

/**
 * A target's warning threshold must lie on the side of the target that is worse: below it when higher is
 * better, above it when lower is better. A threshold on the other side would make a better result "warning".
 */
export function validateTarget(
  polarity: string,
  target: number,
  warning: number | null,
): Record<string, string> {
  if (warning === null) return {}
  if (polarity === 'higher' && warning >= target)
    return { warning: 'Higher is better for this indicator: the warning threshold must be below the target' }
  if (polarity === 'lower' && warning <= target)
    return { warning: 'Lower is better for this indicator: the warning threshold must be above the target' }
  return {}
}

export type PeriodStatus = 'on-target' | 'warning' | 'off-target' | 'no-target' | 'missing'

export const STATUS_LABELS: Record<PeriodStatus, { text: string; tag: string }> = {
  'on-target': { text: 'On target', tag: 'govuk-tag--green' },
  warning: { text: 'Warning', tag: 'govuk-tag--yellow' },
  'off-target': { text: 'Off target', tag: 'govuk-tag--red' },
  'no-target': { text: 'No target', tag: 'govuk-tag--grey' },
  missing: { text: 'Missing', tag: 'govuk-tag--orange' },
}

/** A period's status: its value against its target and warning threshold, by the indicator's polarity. */
export function statusOf(
  polarity: string,
  value: number | null,
  target: { target: number; warning: number | null } | null,
): PeriodStatus {
  if (value === null) return 'missing'
  if (target === null) return 'no-target'
  const better = (a: number, b: number) => (polarity === 'lower' ? a <= b : a >= b)
  if (better(value, target.target)) return 'on-target'
  if (target.warning !== null && better(value, target.warning)) return 'warning'
  return 'off-target'
}
