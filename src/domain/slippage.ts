/**
 * Schedule slippage.
 *
 * Slippage is always derived from the baseline and the latest forecast or actual date, never stored: a stored
 * figure goes stale the moment someone edits a forecast, and scrutiny committees need the number to agree with
 * the dates they can see.
 */

import { daysBetween } from './dates.ts'
import type { IsoDate } from './dates.ts'

export type MilestoneStatus = 'not_started' | 'in_progress' | 'complete' | 'cancelled'

export const MILESTONE_STATUSES: ReadonlyArray<{ readonly value: MilestoneStatus; readonly label: string }> =
  [
    { value: 'not_started', label: 'Not started' },
    { value: 'in_progress', label: 'In progress' },
    { value: 'complete', label: 'Complete' },
    { value: 'cancelled', label: 'Cancelled' },
  ]

export function isMilestoneStatus(s: string): s is MilestoneStatus {
  return MILESTONE_STATUSES.some((x) => x.value === s)
}

export function milestoneStatusLabel(s: MilestoneStatus): string {
  return MILESTONE_STATUSES.find((x) => x.value === s)?.label ?? s
}

/** Complete and cancelled milestones can no longer be late or at risk; everything else still can. */
export function isOpenStatus(s: MilestoneStatus): boolean {
  return s !== 'complete' && s !== 'cancelled'
}

/** Days later than baseline (negative = early); null when either date is missing, as it is then unknowable. */
export function slippageDays(baseline: IsoDate | null, forecastOrActual: IsoDate | null): number | null {
  if (baseline === null || forecastOrActual === null) return null
  return daysBetween(baseline, forecastOrActual)
}

export interface MilestoneDates {
  baselineDate: IsoDate | null
  forecastDate: IsoDate | null
  actualDate: IsoDate | null
  status: MilestoneStatus
}

export interface MilestoneFlags {
  slippageDays: number | null
  late: boolean
  atRisk: boolean
}

/**
 * - `slippageDays`: actual (once there is one, as it is the fact) else forecast, against baseline.
 * - `late`: still open and its due date (forecast, else baseline) has passed.
 * - `atRisk`: still open, not yet late, and either already forecast beyond its baseline or due within
 *   `atRiskWindowDays`. The window gives boards notice before a date is missed rather than after, and a
 *   forecast beyond baseline is at risk however far away it is, because the approved plan is already broken.
 *
 * A milestone due today is not late: it can still be met today.
 */
export function milestoneFlags(m: MilestoneDates, today: IsoDate, atRiskWindowDays = 14): MilestoneFlags {
  const slip = slippageDays(m.baselineDate, m.actualDate ?? m.forecastDate)
  if (!isOpenStatus(m.status)) return { slippageDays: slip, late: false, atRisk: false }

  const due = m.forecastDate ?? m.baselineDate
  const daysToDue = due === null ? null : daysBetween(today, due)
  const late = daysToDue !== null && daysToDue < 0
  const forecastBeyondBaseline =
    m.forecastDate !== null && m.baselineDate !== null && daysBetween(m.baselineDate, m.forecastDate) > 0
  const dueSoon = daysToDue !== null && daysToDue <= atRiskWindowDays
  return { slippageDays: slip, late, atRisk: !late && (forecastBeyondBaseline || dueSoon) }
}

export interface ProjectDates {
  baselineStart: IsoDate | null
  forecastStart: IsoDate | null
  actualStart: IsoDate | null
  baselineEnd: IsoDate | null
  forecastEnd: IsoDate | null
  actualEnd: IsoDate | null
}

export function projectSlippage(p: ProjectDates): { startDays: number | null; endDays: number | null } {
  return {
    startDays: slippageDays(p.baselineStart, p.actualStart ?? p.forecastStart),
    endDays: slippageDays(p.baselineEnd, p.actualEnd ?? p.forecastEnd),
  }
}
