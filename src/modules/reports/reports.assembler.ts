import { indicatorsReportSection, type IndicatorReportRow } from '../outcomes/indicators/index.ts'
import type { RatingScaleId } from '../../domain/dca.ts'
import { isRating, ratingLabel, rollUp } from '../../domain/dca.ts'
import { formatDate } from '../../domain/dates.ts'
import { formatPeriod } from '../../domain/periods.ts'
import type { Programme } from '../../db/schema.ts'
import {
  h2,
  h3,
  list,
  para,
  paragraphs,
  table,
  type Block,
  type PaperDocument,
} from '../../documents/document.model.ts'
import { projectStageLabel as stageLabel } from '../projects/projects.rules.ts'
import type { ProjectListRow } from '../projects/projects.service.ts'
import type { MilestoneView } from '../milestones/milestones.rules.ts'
import type { StatusReportView } from '../status-reports/status-reports.rules.ts'
import { RECOMMENDATION_STATUSES, responseLabel } from '../scrutiny/scrutiny.rules.ts'
import { isResponseOverdue } from '../../domain/due-dates.ts'
import type { MeetingSummary, MonitorRow } from './reports.repository.ts'
import {
  appendixA,
  financialSummary,
  risksAndExceptions,
  type GovernanceData,
} from './reports.governance-sections.ts'
import { milestoneInReport, monitorFigures, periodLabel } from './reports.rules.ts'

/** Everything a panel progress report is built from, read once before assembly. */
export interface ReportData extends GovernanceData {
  title: string
  periodFrom: string
  periodTo: string
  /** The last day of the reporting period: figures are "as at" this date. */
  asOf: string
  summary: string
  resourcesNarrative: string
  organisationName: string
  author: string
  programme: Programme
  meeting: MeetingSummary | null
  scale: RatingScaleId
  projects: Array<{
    project: ProjectListRow
    /** The latest status report for a month up to the end of the period. */
    status: StatusReportView | null
    milestones: MilestoneView[]
  }>
  recommendations: MonitorRow[]
  areas: Array<{ text: string; ownerName: string }>
  /** The indicators measuring the programme or its projects, as they stood (issue 11). */
  indicators?: IndicatorReportRow[]
}

/**
 * One section of the report. `build` returns no blocks when it has nothing to say, and the section is left
 * out (sections are numbered as they appear, as council papers are).
 */
export interface ReportSectionBuilder {
  key: string
  title: string
  build(data: ReportData): Block[]
}

const days = (v: number | null): string => {
  if (v === null) return ''
  if (v === 0) return 'On time'
  const n = Math.abs(v)
  return `${n} ${n === 1 ? 'day' : 'days'} ${v > 0 ? 'late' : 'early'}`
}
const rating = (data: ReportData, r: string | null | undefined) =>
  ratingLabel(data.scale, r && isRating(r) ? r : null)

const summary: ReportSectionBuilder = {
  key: 'summary',
  title: 'Summary',
  build(d) {
    const rated = d.projects.map((p) => ({
      rating: p.status && isRating(p.status.rating) ? p.status.rating : null,
      hasCurrentReport: p.status?.period === d.periodTo,
    }))
    const roll = rollUp(rated, d.scale)
    const milestones = d.projects.flatMap((p) => p.milestones)
    const due = milestones.filter((m) => {
      const on = m.actual_date ?? m.forecast_date ?? m.baseline_date
      return on !== null && on.slice(0, 7) >= d.periodFrom && on.slice(0, 7) <= d.periodTo
    })
    const completed = due.filter((m) => m.status === 'complete').length
    return [
      para(
        `This report shows the facts as they stood on ${formatDate(d.asOf)}, the end of the reporting period. ` +
          'A value changed since is shown as it was then, from the record of changes; risks recorded after that date are left out. ' +
          'Funding streams and partners are described as they stand now.',
      ),
      ...paragraphs(d.summary),
      para(
        `The programme has ${d.projects.length} ${d.projects.length === 1 ? 'project' : 'projects'}. ` +
          `${due.length} ${due.length === 1 ? 'milestone was' : 'milestones were'} due in the period, of which ${completed} ${completed === 1 ? 'was' : 'were'} complete. ` +
          `${roll.missingCurrent} ${roll.missingCurrent === 1 ? 'project has' : 'projects have'} no status report for ${formatPeriod(d.periodTo)}.`,
      ),
      table(
        `Delivery confidence of the programme's projects at ${formatDate(d.asOf)}`,
        ['Delivery confidence', 'Projects'],
        roll.distribution.map((x) => [x.label, String(x.count)]),
        [1],
      ),
    ]
  },
}

const progress: ReportSectionBuilder = {
  key: 'progress',
  title: 'Progress by project',
  build(d) {
    if (d.projects.length === 0) return [para('The programme has no projects yet.')]
    const blocks: Block[] = [
      table(
        'Projects, their stage and delivery confidence',
        ['Reference', 'Project', 'Stage', 'Delivery confidence', 'Rated for', 'Forecast end', 'Slippage'],
        d.projects.map(({ project: p, status }) => [
          p.reference,
          p.name,
          stageLabel(p.stage),
          rating(d, status?.rating),
          status ? formatPeriod(status.period) : 'No report',
          formatDate(p.actual_end ?? p.forecast_end ?? p.baseline_end),
          days(p.slippage.endDays),
        ]),
      ),
    ]
    for (const { project: p, status, milestones: all } of d.projects) {
      const milestones = all.filter((m) => milestoneInReport(m, d.periodFrom, d.periodTo, d.asOf))
      blocks.push(h3(`${p.reference} ${p.name}`))
      if (status) {
        blocks.push(
          para(
            `Delivery confidence: ${rating(d, status.rating)} (${formatPeriod(status.period)}, reported by ${status.reported_by_name}).`,
          ),
          ...paragraphs(status.narrative),
        )
        if (status.achievements.trim())
          blocks.push(para(`Achievements: ${status.achievements.replace(/\s+/g, ' ').trim()}`))
        if (status.next_steps.trim())
          blocks.push(para(`Next steps: ${status.next_steps.replace(/\s+/g, ' ').trim()}`))
      } else {
        blocks.push(para(`No status report has been made up to ${formatPeriod(d.periodTo)}.`))
      }
      if (milestones.length > 0)
        blocks.push(
          table(
            `Milestones of ${p.reference}`,
            ['Milestone', 'Baseline', 'Forecast or actual', 'Status', 'Slippage'],
            milestones.map((m) => [
              m.is_key === 1 ? `${m.name} (key)` : m.name,
              formatDate(m.baseline_date),
              formatDate(m.actual_date ?? m.forecast_date),
              m.statusLabel,
              days(m.slippageDays),
            ]),
          ),
        )
    }
    return blocks
  },
}

const resources: ReportSectionBuilder = {
  key: 'resources',
  title: 'Resources',
  build: (d) => paragraphs(d.resourcesNarrative),
}

// Finance ("Financial summary", "Appendix A") and governance ("Risks and exceptions", from the RAID log and
// tolerance exceptions) are built in reports.governance-sections.ts.
const issues: ReportSectionBuilder = {
  key: 'issues',
  title: 'Issues reported by projects',
  build(d) {
    const rows = d.projects.flatMap(({ project: p, status }) =>
      status && status.key_issues.trim()
        ? [
            [
              `${p.reference} ${p.name}`,
              rating(d, status.rating),
              status.key_issues.replace(/\s+/g, ' ').trim(),
            ],
          ]
        : [],
    )
    if (rows.length === 0) return [para('No project reported a key issue in the period.')]
    return [table('Key issues reported by projects', ['Project', 'Delivery confidence', 'Key issue'], rows)]
  },
}

const statusText = (r: MonitorRow, asOf: string) => {
  if (r.status === 'awaiting_response' && isResponseOverdue(r.responseDueOn, r.respondedOn, asOf))
    return 'Response overdue'
  return RECOMMENDATION_STATUSES.find((s) => s.value === r.status)?.text ?? r.status
}

const monitor: ReportSectionBuilder = {
  key: 'recommendations',
  title: 'Recommendations monitor',
  build(d) {
    if (d.recommendations.length === 0)
      return [para('The panel has made no recommendations about this programme.')]
    const f = monitorFigures(d.recommendations, d.asOf)
    return [
      table(
        `Recommendations about the programme at ${formatDate(d.asOf)}`,
        [
          'Made',
          'Answered on time',
          'Accepted',
          'Implemented',
          'Response overdue',
          'Median days to response',
        ],
        [
          [
            f.made,
            f.answeredOnTime,
            f.accepted,
            f.implemented,
            f.overdue,
            f.medianDaysToResponse ?? 'No responses yet',
          ].map(String),
        ],
        [0, 1, 2, 3, 4, 5],
      ),
      table(
        'Each recommendation and its response',
        ['Reference', 'Recommendation', 'Made', 'Response due', 'Response', 'Status'],
        d.recommendations.map((r) => [
          r.reference,
          r.text,
          formatDate(r.madeOn),
          formatDate(r.responseDueOn),
          r.response ? `${responseLabel(r.response)} (${formatDate(r.respondedOn)})` : 'None yet',
          statusText(r, d.asOf),
        ]),
      ),
    ]
  },
}

const areas: ReportSectionBuilder = {
  key: 'areas',
  title: 'Areas for consideration',
  build(d) {
    if (d.areas.length === 0) return []
    return [
      list(
        d.areas.map((a) => `${a.text} (owner: ${a.ownerName})`),
        true,
      ),
    ]
  },
}

/** The report's sections in the order the panel reads them. */
export const REPORT_SECTIONS: ReportSectionBuilder[] = [
  summary,
  progress,
  financialSummary,
  indicatorsReportSection,
  resources,
  risksAndExceptions,
  issues,
  monitor,
  areas,
  appendixA,
]

export function reportSubtitle(d: Pick<ReportData, 'meeting' | 'periodFrom' | 'periodTo'>): string {
  const period = `Reporting period: ${periodLabel(d.periodFrom, d.periodTo)}`
  return d.meeting
    ? `Report to the ${d.meeting.committeeName}, ${formatDate(d.meeting.meetingDate)}. ${period}.`
    : `${period}.`
}

export function assembleReport(
  data: ReportData,
  sections: ReportSectionBuilder[] = REPORT_SECTIONS,
): PaperDocument {
  const blocks: Block[] = []
  let n = 0
  for (const s of sections) {
    const body = s.build(data)
    if (body.length === 0) continue
    blocks.push(h2(`${++n}. ${s.title}`), ...body)
  }
  return {
    title: data.title,
    subtitle: reportSubtitle(data),
    language: 'en-GB',
    author: `${data.author}, ${data.organisationName}`,
    blocks,
  }
}
