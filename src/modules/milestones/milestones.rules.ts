import { daysBetween, isIsoDate, type IsoDate } from '../../domain/dates.ts'
import {
  isMilestoneStatus,
  isOpenStatus,
  milestoneFlags,
  milestoneStatusLabel,
  type MilestoneFlags,
} from '../../domain/slippage.ts'
import type { Milestone } from '../../db/schema.ts'

export interface MilestoneInput {
  name: string
  description: string
  baselineDate: IsoDate | null
  forecastDate: IsoDate | null
  actualDate: IsoDate | null
  status: string
  isKey: boolean
}

export const MILESTONE_FIELD_ORDER = [
  'name',
  'description',
  'baselineDate',
  'forecastDate',
  'actualDate',
  'status',
  'isKey',
]

/** A milestone as people read it: the stored row plus the flags derived from its dates today. */
export type MilestoneView = Milestone & MilestoneFlags & { statusLabel: string }

export function toMilestoneInput(m: Milestone): MilestoneInput {
  return {
    name: m.name,
    description: m.description,
    baselineDate: m.baseline_date,
    forecastDate: m.forecast_date,
    actualDate: m.actual_date,
    status: m.status,
    isKey: m.is_key === 1,
  }
}

export function statusLabelOf(status: string): string {
  return isMilestoneStatus(status) ? milestoneStatusLabel(status) : status
}

/** The stored fields that slippage and the flags are derived from. */
type DatedMilestone = Pick<Milestone, 'status' | 'baseline_date' | 'forecast_date' | 'actual_date'>

/** Slippage and flags are derived every time they are read, never stored, so they always match the dates. */
export function milestoneView<M extends DatedMilestone>(
  m: M,
  today: IsoDate,
): M & MilestoneFlags & { statusLabel: string } {
  const status = isMilestoneStatus(m.status) ? m.status : 'not_started'
  const flags = milestoneFlags(
    { baselineDate: m.baseline_date, forecastDate: m.forecast_date, actualDate: m.actual_date, status },
    today,
  )
  return { ...m, ...flags, statusLabel: statusLabelOf(m.status) }
}

/**
 * How far behind its baseline an open milestone already is. A late milestone has not happened yet, so it is
 * at least as far behind as today is after its baseline, whatever its (passed) forecast says.
 */
export function daysBehindBaseline(
  m: Pick<MilestoneView, 'baseline_date' | 'forecast_date' | 'late' | 'slippageDays'>,
  today: IsoDate,
): number {
  const baseline = m.baseline_date
  const due = m.forecast_date ?? baseline
  if (m.late) return baseline ? daysBetween(baseline, today) : due ? daysBetween(due, today) : 0
  return m.slippageDays ?? 0
}

/** Open, and either already late or forecast after the baseline it was approved against. */
export function hasSlipped(m: Pick<MilestoneView, 'status' | 'late' | 'slippageDays'>): boolean {
  const open = isMilestoneStatus(m.status) ? isOpenStatus(m.status) : true
  return open && (m.late || (m.slippageDays !== null && m.slippageDays > 0))
}

function checkDate(
  errors: Record<string, string>,
  key: 'baselineDate' | 'forecastDate' | 'actualDate',
  value: IsoDate | null,
  label: string,
) {
  if (value !== null && !isIsoDate(value)) errors[key] = `${label} must be a real date`
}

/** Is this milestone valid to save? Field errors in GOV.UK wording, keyed by field name. */
export function validateMilestone(m: MilestoneInput, today: IsoDate): Record<string, string> {
  const errors: Record<string, string> = {}
  if (m.name.trim() === '') errors.name = 'Enter the milestone name'
  else if (m.name.length > 200) errors.name = 'Milestone name must be 200 characters or fewer'
  if (m.description.length > 5000) errors.description = 'Description must be 5,000 characters or fewer'
  // The baseline is the approved commitment that slippage is measured against, so it cannot be left out.
  if (m.baselineDate === null) errors.baselineDate = 'Enter baseline date'
  checkDate(errors, 'baselineDate', m.baselineDate, 'Baseline date')
  checkDate(errors, 'forecastDate', m.forecastDate, 'Forecast date')
  checkDate(errors, 'actualDate', m.actualDate, 'Actual date')
  if (!isMilestoneStatus(m.status)) errors.status = 'Select the milestone status'
  else if (m.status === 'complete' && m.actualDate === null && !errors.actualDate)
    errors.actualDate = 'Enter the actual date, as the milestone is complete'
  // An actual date records what happened; a date still to come is a forecast.
  if (!errors.actualDate && m.actualDate !== null && m.actualDate > today)
    errors.actualDate = 'Actual date must be today or in the past'
  return errors
}
