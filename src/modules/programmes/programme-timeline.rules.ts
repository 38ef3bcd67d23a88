import type { Milestone, Project } from '../../db/schema.ts'
import { formatDate, type IsoDate } from '../../domain/dates.ts'
import type { TimelineRow } from '../../web/timeline-chart.ts'

/** A line of the timeline's table: the same facts as the chart, in words. */
export interface TimelineTableRow {
  kind: 'project' | 'milestone'
  reference: string | null
  name: string
  /** The project's page; a milestone is listed on its project's page. */
  href: string | null
  baseline: string
  forecast: string
  actual: string
}

const NOT_SET = 'Not set'

function spanText(start: IsoDate | null, end: IsoDate | null): string {
  if (start && end) return `${formatDate(start)} to ${formatDate(end)}`
  if (start) return `Starts ${formatDate(start)}`
  if (end) return `Ends ${formatDate(end)}`
  return NOT_SET
}

function actualText(start: IsoDate | null, end: IsoDate | null): string {
  if (start && end) return `${formatDate(start)} to ${formatDate(end)}`
  if (start) return `Started ${formatDate(start)}`
  if (end) return `Finished ${formatDate(end)}`
  return NOT_SET
}

const span = (start: IsoDate | null, end: IsoDate | null) => (start && end ? { start, end } : null)

/**
 * The programme timeline (issue 13): each project, then its milestones by baseline date, with the approved
 * baseline against the forecast and what actually happened. A project under way is drawn up to today; one with
 * only a start or an end has no bar (the table says which date it has).
 */
export function programmeTimeline(
  projects: ReadonlyArray<
    Pick<
      Project,
      | 'id'
      | 'reference'
      | 'name'
      | 'baseline_start'
      | 'baseline_end'
      | 'forecast_start'
      | 'forecast_end'
      | 'actual_start'
      | 'actual_end'
    >
  >,
  milestones: ReadonlyArray<Milestone>,
  today: IsoDate,
): { chart: TimelineRow[]; table: TimelineTableRow[]; projects: number; milestones: number } {
  const byProject = new Map<number, Milestone[]>()
  for (const m of milestones) byProject.set(m.project_id, [...(byProject.get(m.project_id) ?? []), m])
  const chart: TimelineRow[] = []
  const table: TimelineTableRow[] = []
  let milestoneCount = 0
  for (const p of projects) {
    const actualEnd = p.actual_end ?? (p.actual_start && p.actual_start <= today ? today : null)
    chart.push({
      kind: 'project',
      label: `${p.reference} ${p.name}`,
      baseline: span(p.baseline_start, p.baseline_end),
      forecast: span(p.forecast_start, p.forecast_end),
      actual: span(p.actual_start, actualEnd),
    })
    table.push({
      kind: 'project',
      reference: p.reference,
      name: p.name,
      href: `/projects/${p.id}`,
      baseline: spanText(p.baseline_start, p.baseline_end),
      forecast: spanText(p.forecast_start, p.forecast_end),
      actual: actualText(p.actual_start, p.actual_end),
    })
    for (const m of byProject.get(p.id) ?? []) {
      milestoneCount++
      chart.push({
        kind: 'milestone',
        label: m.name,
        baseline: m.baseline_date ? { start: m.baseline_date, end: m.baseline_date } : null,
        forecast: m.forecast_date ? { start: m.forecast_date, end: m.forecast_date } : null,
        actual: m.actual_date ? { start: m.actual_date, end: m.actual_date } : null,
      })
      table.push({
        kind: 'milestone',
        reference: null,
        name: m.name,
        href: null,
        baseline: m.baseline_date ? formatDate(m.baseline_date) : NOT_SET,
        forecast: m.forecast_date ? formatDate(m.forecast_date) : NOT_SET,
        actual: m.actual_date ? formatDate(m.actual_date) : NOT_SET,
      })
    }
  }
  return { chart, table, projects: projects.length, milestones: milestoneCount }
}
