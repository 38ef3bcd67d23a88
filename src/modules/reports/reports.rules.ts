import { addDays, daysBetween, isIsoDate } from '../../domain/dates.ts'
import { answeredOnTime, isResponseOverdue, median } from '../../domain/due-dates.ts'
import {
  formatPeriod,
  isPeriod,
  nextPeriod,
  periodsBetween,
  previousPeriod,
  type Period,
} from '../../domain/periods.ts'

export const REPORT_STATUSES = [
  { value: 'draft', text: 'Draft', classes: 'govuk-tag--grey' },
  { value: 'submitted', text: 'Submitted', classes: 'govuk-tag--green' },
] as const

export const reportStatusTag = (status: string) =>
  REPORT_STATUSES.find((s) => s.value === status) ?? {
    value: status,
    text: status,
    classes: 'govuk-tag--grey',
  }

export interface ReportInput {
  programmeId: number | null
  meetingId: number | null
  /** `YYYY-MM` for a month, or `YYYY-MM..YYYY-MM` for a quarter. */
  period: string
  title: string
  summary: string
  resourcesNarrative: string
}

export const REPORT_FIELD_ORDER = [
  'programmeId',
  'period',
  'meetingId',
  'title',
  'summary',
  'resourcesNarrative',
]

/** A reporting period: one month, or a quarter of three months. */
export function parseReportPeriod(v: string): { from: Period; to: Period } | null {
  const [from, to] = v.includes('..') ? v.split('..') : [v, v]
  if (!from || !to || !isPeriod(from) || !isPeriod(to)) return null
  const months = periodsBetween(from, to).length
  return months === 1 || months === 3 ? { from, to } : null
}

export const periodValue = (from: Period, to: Period) => (from === to ? from : `${from}..${to}`)

export function periodLabel(from: Period, to: Period): string {
  if (from === to) return formatPeriod(from)
  const first = formatPeriod(from)
  // "April to June 2021" within a year; "November 2020 to January 2021" across one.
  return from.slice(0, 4) === to.slice(0, 4)
    ? `${first.split(' ')[0]} to ${formatPeriod(to)}`
    : `${first} to ${formatPeriod(to)}`
}

/** The last day of a period: the date a report's figures are "as at". */
export function lastDayOf(p: Period): string {
  return addDays(`${nextPeriod(p)}-01`, -1)
}

/**
 * The periods offered: the last 36 months, and the financial quarters (April–June, July–September,
 * October–December, January–March) ending in them, newest first.
 */
export function periodOptions(current: Period, count = 36): Array<{ value: string; text: string }> {
  const out: Array<{ value: string; text: string }> = []
  let p = current
  for (let i = 0; i < count; i++) {
    out.push({ value: p, text: formatPeriod(p) })
    const month = Number(p.slice(5))
    if (month % 3 === 0) {
      const from = previousPeriod(previousPeriod(p))
      out.push({ value: periodValue(from, p), text: `Quarter: ${periodLabel(from, p)}` })
    }
    p = previousPeriod(p)
  }
  return out
}

export function validateReport(i: ReportInput): Record<string, string> {
  const errors: Record<string, string> = {}
  if (i.programmeId === null) errors.programmeId = 'Select the programme the report is about'
  if (!parseReportPeriod(i.period)) errors.period = 'Select the reporting period'
  if (i.title.trim() === '') errors.title = 'Enter a title for the report'
  else if (i.title.length > 200) errors.title = 'Title must be 200 characters or fewer'
  if (i.summary.length > 20000) errors.summary = 'Summary must be 20,000 characters or fewer'
  if (i.resourcesNarrative.length > 20000)
    errors.resourcesNarrative = 'Resources must be 20,000 characters or fewer'
  return errors
}

export function validateArea(
  text: string,
  ownerUserId: number | null,
  owners: number[],
): Record<string, string> {
  const errors: Record<string, string> = {}
  if (text.trim() === '') errors.areaText = 'Enter the area for consideration'
  else if (text.length > 2000) errors.areaText = 'Area for consideration must be 2,000 characters or fewer'
  // Areas for consideration are things someone must take forward: each needs a named owner.
  if (ownerUserId === null || !owners.includes(ownerUserId))
    errors.areaOwner = 'Select who will take this forward'
  return errors
}

export interface MonitorInput {
  madeOn: string
  responseDueOn: string
  response: string | null
  respondedOn: string | null
  status: string
}

/** The recommendations monitor's figures, as at a date. */
export function monitorFigures(rows: MonitorInput[], asOf: string) {
  const answered = rows.filter(
    (r) => r.respondedOn !== null && isIsoDate(r.respondedOn) && r.respondedOn <= asOf,
  )
  return {
    made: rows.length,
    answeredOnTime: answered.filter((r) => answeredOnTime(r.responseDueOn, r.respondedOn)).length,
    accepted: answered.filter((r) => r.response === 'accepted' || r.response === 'partly_accepted').length,
    implemented: rows.filter((r) => r.status === 'implemented').length,
    overdue: rows.filter((r) =>
      isResponseOverdue(r.responseDueOn, r.respondedOn && r.respondedOn <= asOf ? r.respondedOn : null, asOf),
    ).length,
    medianDaysToResponse: median(answered.map((r) => daysBetween(r.madeOn, r.respondedOn!))),
  }
}

export interface ReportableMilestone {
  baseline_date: string | null
  forecast_date: string | null
  actual_date: string | null
  status: string
  is_key: number
}

/**
 * The milestones a panel report shows for a project: those due or delivered in the period, any still open
 * that are already late by the end of it, and key milestones still to come. Milestones delivered or
 * cancelled before the period are history the panel has already had, and routine future ones are noise.
 */
export function milestoneInReport(m: ReportableMilestone, from: Period, to: Period, asOf: string): boolean {
  const due = m.actual_date ?? m.forecast_date ?? m.baseline_date
  const month = due?.slice(0, 7) ?? null
  const open = m.status !== 'complete' && m.status !== 'cancelled'
  if (month !== null && month >= from && month <= to) return true
  if (open && due !== null && due <= asOf) return true
  if (!open) return false
  return m.is_key === 1 || due === null
}

/**
 * Whether a milestone was in the plan on the paper's date. Its record is the only date it has: one recorded
 * later but due by then is history filled in afterwards, and belongs; one recorded later and due later was
 * not planned yet.
 */
export function milestonePlannedBy(
  m: { created_at: string; baseline_date: string | null },
  asOf: string,
  instant: string,
): boolean {
  return m.created_at < instant || (m.baseline_date !== null && m.baseline_date <= asOf)
}

/**
 * A record as the paper's date knew it when no change was recorded: an actual date still to come then had
 * not happened, so the milestone was still open.
 */
export function beforeItHappened<M extends { actual_date: string | null; status: string }>(
  m: M,
  asOf: string,
): M {
  if (m.actual_date === null || m.actual_date <= asOf) return m
  return { ...m, actual_date: null, status: m.status === 'complete' ? 'in_progress' : m.status }
}
