import { isIsoDate } from '../../domain/dates.ts'

/** Risk categories; "resilience" covers loss of service, such as network failure or hosting outage. */
export const RISK_CATEGORIES = [
  { value: 'strategic', text: 'Strategic' },
  { value: 'financial', text: 'Financial' },
  { value: 'commercial', text: 'Commercial' },
  { value: 'delivery', text: 'Delivery' },
  { value: 'resourcing', text: 'Resourcing' },
  { value: 'technical', text: 'Technical' },
  { value: 'resilience', text: 'Resilience' },
  { value: 'information', text: 'Information governance' },
  { value: 'reputational', text: 'Reputational' },
] as const

/** How soon the risk could happen (PRINCE2 proximity). */
export const PROXIMITIES = [
  { value: 'imminent', text: 'Imminent' },
  { value: 'within_month', text: 'Within a month' },
  { value: 'within_quarter', text: 'Within three months' },
  { value: 'within_year', text: 'Within a year' },
  { value: 'beyond_year', text: 'More than a year away' },
] as const

export const RISK_STATUSES = [
  { value: 'open', text: 'Open' },
  { value: 'closed', text: 'Closed' },
] as const

export const ISSUE_PRIORITIES = [
  { value: 'high', text: 'High' },
  { value: 'medium', text: 'Medium' },
  { value: 'low', text: 'Low' },
] as const

export const ISSUE_STATUSES = [
  { value: 'open', text: 'Open' },
  { value: 'resolved', text: 'Resolved' },
  { value: 'closed', text: 'Closed' },
] as const

export const LIKELIHOOD_LABELS = ['Rare', 'Unlikely', 'Possible', 'Likely', 'Almost certain'] as const
export const IMPACT_LABELS = ['Negligible', 'Minor', 'Moderate', 'Major', 'Severe'] as const

const label = (list: readonly { value: string; text: string }[], v: string) =>
  list.find((x) => x.value === v)?.text ?? v
export const categoryLabel = (v: string) => label(RISK_CATEGORIES, v)
export const proximityLabel = (v: string) => label(PROXIMITIES, v)
export const priorityLabel = (v: string) => label(ISSUE_PRIORITIES, v)
export const riskStatusLabel = (v: string) => label(RISK_STATUSES, v)
export const issueStatusLabel = (v: string) => label(ISSUE_STATUSES, v)

export interface RiskInput {
  title: string
  cause: string
  event: string
  effect: string
  category: string
  likelihood: number | null
  impact: number | null
  residualLikelihood: number | null
  residualImpact: number | null
  proximity: string
  /** The owner in the people register (wins over `owner`, a name found in it or added to it). */
  ownerPersonId?: number | null
  owner: string
  reviewDate: string | null
  status: string
}

export const RISK_FIELD_ORDER = [
  'title',
  'cause',
  'event',
  'effect',
  'category',
  'likelihood',
  'impact',
  'residualLikelihood',
  'residualImpact',
  'proximity',
  'ownerPersonId',
  'owner',
  'reviewDate',
  'status',
]

const onScale = (n: number | null) => n !== null && Number.isInteger(n) && n >= 1 && n <= 5

export function validateRisk(r: RiskInput): Record<string, string> {
  const errors: Record<string, string> = {}
  if (r.title.trim() === '') errors.title = 'Enter a short title for the risk'
  else if (r.title.length > 200) errors.title = 'Title must be 200 characters or fewer'
  // PRINCE2 risk description: cause, event, effect — a risk without its event is not yet a risk.
  if (r.event.trim() === '') errors.event = 'Enter the risk event: what might happen'
  for (const k of ['cause', 'event', 'effect'] as const)
    if (r[k].length > 5000 && !errors[k]) errors[k] = 'Must be 5,000 characters or fewer'
  if (!RISK_CATEGORIES.some((c) => c.value === r.category)) errors.category = 'Select the risk category'
  if (!onScale(r.likelihood)) errors.likelihood = 'Select the likelihood, from 1 (rare) to 5 (almost certain)'
  if (!onScale(r.impact)) errors.impact = 'Select the impact, from 1 (negligible) to 5 (severe)'
  const resL = r.residualLikelihood
  const resI = r.residualImpact
  if (resL !== null && !onScale(resL)) errors.residualLikelihood = 'Residual likelihood must be from 1 to 5'
  if (resI !== null && !onScale(resI)) errors.residualImpact = 'Residual impact must be from 1 to 5'
  if ((resL === null) !== (resI === null)) {
    if (resL === null)
      errors.residualLikelihood = 'Select the residual likelihood as well as the residual impact'
    else errors.residualImpact = 'Select the residual impact as well as the residual likelihood'
  }
  if (r.proximity !== '' && !PROXIMITIES.some((p) => p.value === r.proximity))
    errors.proximity = 'Select how soon the risk could happen'
  if (r.owner.length > 200) errors.owner = 'Owner must be 200 characters or fewer'
  if (r.reviewDate !== null && !isIsoDate(r.reviewDate)) errors.reviewDate = 'Review date must be a real date'
  if (!RISK_STATUSES.some((s) => s.value === r.status)) errors.status = 'Select the status'
  return errors
}

/** Likelihood × impact on the 1–5 scales: 1 to 25. */
export const riskScore = (likelihood: number, impact: number) => likelihood * impact

/** The score that counts now: residual once mitigation is assessed, otherwise inherent. */
export function currentScore(r: { inherent_score: number; residual_score: number | null }): number {
  return r.residual_score ?? r.inherent_score
}

/** An open risk at or above the organisation's threshold is escalated to the programme. */
export function escalates(score: number, status: string, threshold: number): boolean {
  return status === 'open' && score >= threshold
}

export interface IssueInput {
  title: string
  description: string
  priority: string
  /** The owner in the people register (wins over `owner`, a name found in it or added to it). */
  ownerPersonId?: number | null
  owner: string | null
  resolution: string
  dueDate: string | null
  status: string
}

export const ISSUE_FIELD_ORDER = [
  'title',
  'description',
  'priority',
  'ownerPersonId',
  'owner',
  'resolution',
  'dueDate',
  'status',
]

export function validateIssue(i: IssueInput): Record<string, string> {
  const errors: Record<string, string> = {}
  if (i.title.trim() === '') errors.title = 'Enter a short title for the issue'
  else if (i.title.length > 200) errors.title = 'Title must be 200 characters or fewer'
  if (i.description.length > 5000) errors.description = 'Description must be 5,000 characters or fewer'
  if (!ISSUE_PRIORITIES.some((p) => p.value === i.priority)) errors.priority = 'Select the priority'
  if (i.owner !== null && i.owner.length > 200) errors.owner = 'Owner must be 200 characters or fewer'
  if (i.resolution.length > 5000) errors.resolution = 'Resolution must be 5,000 characters or fewer'
  if (i.dueDate !== null && !isIsoDate(i.dueDate)) errors.dueDate = 'Due date must be a real date'
  if (!ISSUE_STATUSES.some((s) => s.value === i.status)) errors.status = 'Select the status'
  if (i.status === 'resolved' && i.resolution.trim() === '' && !errors.resolution)
    errors.resolution = 'Enter how the issue was resolved'
  return errors
}

export interface ActionInput {
  action: string
  /** The owner in the people register (wins over `owner`, a name found in it or added to it). */
  ownerPersonId?: number | null
  owner: string
  dueDate: string | null
}

export function validateAction(a: ActionInput): Record<string, string> {
  const errors: Record<string, string> = {}
  if (a.action.trim() === '') errors.action = 'Enter the mitigating action'
  else if (a.action.length > 2000) errors.action = 'Action must be 2,000 characters or fewer'
  if (a.owner.trim() === '' && a.ownerPersonId == null)
    errors.actionOwnerPersonId = 'Choose who owns the action, or add a person not in the list'
  if (a.dueDate !== null && !isIsoDate(a.dueDate)) errors.actionDue = 'Due date must be a real date'
  return errors
}

/** Counts per cell of the 5×5 matrix: `grid[impact-1][likelihood-1]`. */
export function heatMapCounts(risks: { likelihood: number; impact: number }[]): number[][] {
  const grid = Array.from({ length: 5 }, () => [0, 0, 0, 0, 0])
  for (const r of risks) {
    const row = grid[r.impact - 1]
    if (row && r.likelihood >= 1 && r.likelihood <= 5) row[r.likelihood - 1]! += 1
  }
  return grid
}

/** The band a score falls in, as the council's risk appetite statement colours it. */
export function scoreBand(score: number): { text: string; colour: string; tag: string } {
  if (score >= 15) return { text: 'High', colour: '#d4351c', tag: 'govuk-tag--red' }
  if (score >= 8) return { text: 'Medium', colour: '#f47738', tag: 'govuk-tag--orange' }
  if (score >= 4) return { text: 'Low', colour: '#ffdd00', tag: 'govuk-tag--yellow' }
  return { text: 'Very low', colour: '#00703c', tag: 'govuk-tag--green' }
}
