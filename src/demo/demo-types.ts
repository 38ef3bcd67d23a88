import type { Rating } from '../domain/dca.ts'
import type { IsoDate } from '../domain/dates.ts'
import type { Period } from '../domain/periods.ts'
import type { MilestoneStatus } from '../domain/slippage.ts'

/** Who in the demo organisation writes a project's monthly reports. */
export type DemoReporter = 'programme_manager' | 'project_manager' | 'administrator'

export interface DemoMilestone {
  name: string
  description: string
  baseline: IsoDate
  forecast: IsoDate | null
  actual: IsoDate | null
  status: MilestoneStatus
  key: boolean
  /** When it was first planned, if later than the project's start. */
  added?: IsoDate
  /** How it stood until a re-forecast on `until` (the values above are those since). */
  was?: { until: IsoDate; forecast: IsoDate | null; status: MilestoneStatus }
}

/** The milestone as it stood until `until`: the demo records the change then, so older papers show this. */
export function until(
  m: DemoMilestone,
  date: IsoDate,
  was: { forecast: IsoDate | null; status: MilestoneStatus },
): DemoMilestone {
  return { ...m, was: { until: date, ...was } }
}

/**
 * One stretch of a project's monthly reports that tells the same part of the story. `to` is the last period
 * it covers: a fixed month, or a number of months before the current one (0 = this month), for the part of
 * the story that must always be "now" whenever the demo is loaded.
 */
export interface DemoReportPhase {
  to: Period | number
  rating: Rating
  narrative: string
  achievements: string
  nextSteps: string
  keyIssues: string
}

export interface DemoProject {
  reference: string
  name: string
  description: string
  projectManager: string
  sponsor: string
  /** A value of PROJECT_STAGES in src/modules/projects/projects.rules.ts. */
  stage: 'idea' | 'business_case' | 'approved' | 'delivery' | 'closure' | 'closed' | 'cancelled'
  /** Delivered with the shared ICT service (PSPS), so its partner officer sees it. */
  shared: boolean
  baselineStart: IsoDate
  baselineEnd: IsoDate
  forecastStart: IsoDate | null
  forecastEnd: IsoDate | null
  actualStart: IsoDate | null
  actualEnd: IsoDate | null
  milestones: DemoMilestone[]
  /** How the project stood until a change on `until` (the values above are those since). */
  was?: {
    until: IsoDate
    stage: DemoProject['stage']
    forecastEnd: IsoDate | null
    actualEnd: IsoDate | null
  }
  reporter: DemoReporter
  /** Monthly reports run from the actual start (or `reportsFrom`) to this period: fixed, or months before now. */
  reportsUntil: Period | number
  reportsFrom?: Period | number
  phases: DemoReportPhase[]
}

export interface DemoProgramme {
  reference: string
  name: string
  purpose: string
  sro: string
  portfolioHolder: string
  startDate: IsoDate
  endDate: IsoDate
  status: 'proposed' | 'active' | 'on_hold' | 'closed'
  projects: DemoProject[]
}

/** A milestone in one line: name, baseline, forecast, actual, status, key?, description. */
export function milestone(
  name: string,
  baseline: IsoDate,
  forecast: IsoDate | null,
  actual: IsoDate | null,
  status: MilestoneStatus,
  key: boolean,
  description = '',
): DemoMilestone {
  return { name, description, baseline, forecast, actual, status, key }
}
