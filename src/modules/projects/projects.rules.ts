import { isIsoDate } from '../../domain/dates.ts'

/** The project lifecycle, in order; `cancelled` can follow any stage. */
export const PROJECT_STAGES = [
  { value: 'idea', text: 'Idea' },
  { value: 'business_case', text: 'Business case' },
  { value: 'approved', text: 'Approved' },
  { value: 'delivery', text: 'Delivery' },
  { value: 'closure', text: 'Closure' },
  { value: 'closed', text: 'Closed' },
  { value: 'cancelled', text: 'Cancelled' },
] as const

export type ProjectStage = (typeof PROJECT_STAGES)[number]['value']

export function isProjectStage(s: string): s is ProjectStage {
  return PROJECT_STAGES.some((x) => x.value === s)
}

export function projectStageLabel(stage: string): string {
  return PROJECT_STAGES.find((s) => s.value === stage)?.text ?? stage
}

/** Lifecycle position, for sorting and for telling forwards from backwards. */
export function stageOrder(stage: string): number {
  return PROJECT_STAGES.findIndex((s) => s.value === stage)
}

/**
 * The stages a forward move from `from` to `to` passes through, `to` included: each may have a gate.
 * Moving backwards, staying, or cancelling passes none (stopping work never waits for an approval).
 */
export function stagesOnTheWay(from: string, to: string): string[] {
  if (to === 'cancelled' || stageOrder(to) <= stageOrder(from)) return []
  return PROJECT_STAGES.map((s) => s.value as string).filter(
    (s) => s !== 'cancelled' && stageOrder(s) > stageOrder(from) && stageOrder(s) <= stageOrder(to),
  )
}

/**
 * A gate a project passed before the council started using Oversight: who approved it and when, each
 * null when not recorded. Creating a project (by form, API or import) records it as a published decision
 * whose reason is "Passed before Oversight": history transcribed, not an override.
 */
export interface GatePassBeforeOversight {
  gateId: number
  approvedBy: string | null
  approvedOn: string | null
}

export interface ProjectInput {
  reference: string
  name: string
  programmeId: number | null
  description: string
  /** The project manager in the people register; `projectManager` is their name (or a name to add). */
  projectManagerPersonId: number | null
  projectManager: string
  sponsorPersonId: number | null
  sponsor: string
  stage: string
  /** The partners the project is shared with: their partner officers see it. */
  partnerIds: number[]
  baselineStart: string | null
  baselineEnd: string | null
  forecastStart: string | null
  forecastEnd: string | null
  actualStart: string | null
  actualEnd: string | null
}

export const PROJECT_FIELD_ORDER = [
  'reference',
  'name',
  'programmeId',
  'description',
  'projectManagerPersonId',
  'projectManager',
  'sponsorPersonId',
  'sponsor',
  'stage',
  'partnerIds',
  'baselineStart',
  'baselineEnd',
  'forecastStart',
  'forecastEnd',
  'actualStart',
  'actualEnd',
]

const DATE_PAIRS = [
  { start: 'baselineStart', end: 'baselineEnd', label: 'Baseline' },
  { start: 'forecastStart', end: 'forecastEnd', label: 'Forecast' },
  { start: 'actualStart', end: 'actualEnd', label: 'Actual' },
] as const

/** Is this project valid to save? Field errors in the council's words, keyed by field name. */
export function validateProject(p: ProjectInput): Record<string, string> {
  const errors: Record<string, string> = {}
  if (p.reference.trim() === '') errors.reference = 'Enter a reference, for example DIG-01'
  else if (p.reference.length > 30) errors.reference = 'Reference must be 30 characters or fewer'
  else if (!/^[A-Za-z0-9][A-Za-z0-9/_.-]*$/.test(p.reference.trim()))
    errors.reference = 'Reference must use only letters, numbers, hyphens, slashes, dots and underscores'
  if (p.name.trim() === '') errors.name = 'Enter the project name'
  else if (p.name.length > 200) errors.name = 'Project name must be 200 characters or fewer'
  if (p.programmeId === null) errors.programmeId = 'Select the programme the project belongs to'
  if (p.description.length > 5000) errors.description = 'Description must be 5,000 characters or fewer'
  if (p.projectManager.length > 200) errors.projectManager = 'Project manager must be 200 characters or fewer'
  if (p.sponsor.length > 200) errors.sponsor = 'Sponsor must be 200 characters or fewer'
  if (!isProjectStage(p.stage)) errors.stage = 'Select the project stage'

  for (const pair of DATE_PAIRS) {
    const start = p[pair.start]
    const end = p[pair.end]
    if (start !== null && !isIsoDate(start))
      errors[pair.start] = `${pair.label} start date must be a real date`
    if (end !== null && !isIsoDate(end)) errors[pair.end] = `${pair.label} end date must be a real date`
    if (!errors[pair.start] && !errors[pair.end] && start && end && end < start)
      errors[pair.end] =
        `${pair.label} end date must be the same as or after the ${pair.label.toLowerCase()} start date`
  }
  // A project cannot have finished without having started; the start date is what is missing.
  if (p.actualEnd !== null && p.actualStart === null && !errors.actualEnd)
    errors.actualStart = 'Enter the actual start date, as the project has an actual end date'
  // Closing a project records when it actually finished, so that slippage is judged on the fact.
  if (p.stage === 'closed' && p.actualEnd === null && !errors.actualEnd)
    errors.actualEnd = 'Enter the actual end date of a closed project'
  return errors
}

/**
 * The conditions a stage change does not meet, each in words the person can act on; empty when the change is
 * allowed. Stage gates (an approved business case before delivery, and so on) belong here, so that every way
 * of changing a stage (form, API, import) applies the same gates.
 */
export function stageChangeProblems(current: ProjectInput, next: ProjectInput): string[] {
  const problems: string[] = []
  if (current.stage === next.stage) return problems
  // A closed or cancelled project's record is final: reopening work is a new project with its own approval.
  const ended = current.stage === 'closed' || current.stage === 'cancelled'
  if (ended && stageOrder(next.stage) < stageOrder('closed')) {
    problems.push(
      `A ${projectStageLabel(current.stage).toLowerCase()} project cannot move back to ${projectStageLabel(next.stage)}`,
    )
  }
  return problems
}
