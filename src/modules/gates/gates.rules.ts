import type { BusinessCase } from '../../db/schema.ts'
import { isIsoDate } from '../../domain/dates.ts'
import { isPence } from '../../domain/money.ts'
import { formatPeriod, nextPeriod, periodOf } from '../../domain/periods.ts'

/**
 * HM Treasury's Five Case Model (Green Book business case guidance): each case answers one question, and
 * the page shows it so the writer knows what the case must prove.
 */
export const FIVE_CASES = [
  {
    key: 'strategic',
    name: 'Strategic case',
    question: 'Is there a compelling case for change, and does it fit the council’s priorities?',
  },
  {
    key: 'economic',
    name: 'Economic case',
    question: 'Which option offers the best public value, having appraised the realistic options?',
  },
  {
    key: 'commercial',
    name: 'Commercial case',
    question: 'Can the preferred option be procured, and is the proposed deal commercially viable?',
  },
  {
    key: 'financial',
    name: 'Financial case',
    question: 'Is the proposal affordable, and is the funding in place across its whole life?',
  },
  {
    key: 'management',
    name: 'Management case',
    question: 'Can the proposal be delivered: governance, resources, plan, risks and benefits realisation?',
  },
] as const

export type CaseKey = (typeof FIVE_CASES)[number]['key']

export const COMPLETENESS = [
  { value: 'not_started', text: 'Not started', colour: 'grey' },
  { value: 'in_progress', text: 'In progress', colour: 'yellow' },
  { value: 'complete', text: 'Complete', colour: 'green' },
] as const

export const completenessLabel = (v: string) => COMPLETENESS.find((c) => c.value === v)?.text ?? v

export interface ResourceRow {
  role: string
  /** Full-time equivalents in hundredths (0.5 FTE = 50). */
  fteHundredths: number
  months: number
}

export interface BusinessCaseInput {
  cases: Record<CaseKey, { text: string; state: string }>
  scopeIn: string
  scopeOut: string
  optionsAppraised: string
  budgetRequestedPence: number | null
  resources: ResourceRow[]
}

export function emptyBusinessCase(): BusinessCaseInput {
  const cases = Object.fromEntries(FIVE_CASES.map((c) => [c.key, { text: '', state: 'not_started' }]))
  return {
    cases: cases as BusinessCaseInput['cases'],
    scopeIn: '',
    scopeOut: '',
    optionsAppraised: '',
    budgetRequestedPence: null,
    resources: [],
  }
}

export function toBusinessCaseInput(bc: BusinessCase, resources: ResourceRow[]): BusinessCaseInput {
  return {
    cases: {
      strategic: { text: bc.strategic_case, state: bc.strategic_state },
      economic: { text: bc.economic_case, state: bc.economic_state },
      commercial: { text: bc.commercial_case, state: bc.commercial_state },
      financial: { text: bc.financial_case, state: bc.financial_state },
      management: { text: bc.management_case, state: bc.management_state },
    },
    scopeIn: bc.scope_in,
    scopeOut: bc.scope_out,
    optionsAppraised: bc.options_appraised,
    budgetRequestedPence: bc.budget_requested_pence,
    resources,
  }
}

// FTE is read and shown in one place for every area (src/domain/fte.ts).
export { formatFte, parseFte } from '../../domain/fte.ts'

export function validateBusinessCase(b: BusinessCaseInput): Record<string, string> {
  const errors: Record<string, string> = {}
  for (const c of FIVE_CASES) {
    const part = b.cases[c.key]
    if (!COMPLETENESS.some((s) => s.value === part.state))
      errors[`${c.key}State`] = `Select how complete the ${c.name.toLowerCase()} is`
    if (part.text.length > 20000) errors[`${c.key}Case`] = `${c.name} must be 20,000 characters or fewer`
    // "Complete" must mean something is written: an empty case marked complete would pass the gate on a tick.
    if (part.state === 'complete' && part.text.trim() === '')
      errors[`${c.key}Case`] = `Write the ${c.name.toLowerCase()} before marking it complete`
  }
  for (const k of ['scopeIn', 'scopeOut', 'optionsAppraised'] as const)
    if (b[k].length > 10000) errors[k] = 'Must be 10,000 characters or fewer'
  if (b.budgetRequestedPence !== null && (!isPence(b.budgetRequestedPence) || b.budgetRequestedPence < 0))
    errors.budgetRequested = 'Budget requested must be an amount in pounds, like 250000 or 250000.50'
  b.resources.forEach((r, i) => {
    const n = i + 1
    if (r.role.trim() === '') errors[`resources-${n}-role`] = `Enter the role in resource row ${n}`
    else if (r.role.length > 200)
      errors[`resources-${n}-role`] = `Role in row ${n} must be 200 characters or fewer`
    if (!Number.isFinite(r.fteHundredths) || r.fteHundredths <= 0 || r.fteHundredths > 100000)
      errors[`resources-${n}-fte`] = `FTE in resource row ${n} must be a number greater than 0, like 0.5`
    if (!Number.isSafeInteger(r.months) || r.months < 1 || r.months > 240)
      errors[`resources-${n}-months`] = `Months in resource row ${n} must be a whole number from 1 to 240`
  })
  return errors
}

export interface GateFacts {
  businessCase: BusinessCaseInput | null
  budgetApproved: boolean
  riskCount: number
}

export interface GateCondition {
  key: 'businessCase' | 'scope' | 'resources' | 'budget' | 'risks'
  label: string
  met: boolean
  /** What is missing, in words the person can act on; empty when met. */
  problem: string
}

/**
 * What a project needs before it passes its delivery gate: the panel's first lesson was that the
 * programme started "without an accompanying detailed business case or scoping exercise". The approval
 * decision itself is the last condition and is recorded when the gate is approved.
 */
export function gateConditions(f: GateFacts): GateCondition[] {
  const bc = f.businessCase
  const incomplete = bc ? FIVE_CASES.filter((c) => bc.cases[c.key].state !== 'complete') : [...FIVE_CASES]
  const scopeStated = bc !== null && bc.scopeIn.trim() !== '' && bc.scopeOut.trim() !== ''
  const resourcesStated = bc !== null && bc.resources.length > 0
  const cond = (key: GateCondition['key'], label: string, met: boolean, problem: string): GateCondition => ({
    key,
    label,
    met,
    problem: met ? '' : problem,
  })
  return [
    cond(
      'businessCase',
      'Business case complete (all five cases)',
      incomplete.length === 0,
      bc === null
        ? 'there is no business case'
        : `the business case is not complete (${incomplete.map((c) => c.name).join(', ')})`,
    ),
    cond(
      'scope',
      'Scope stated (in and out)',
      scopeStated,
      'the scope in and out of the project is not stated',
    ),
    cond(
      'resources',
      'Resource requirement stated',
      resourcesStated,
      'the resource requirement is not stated',
    ),
    cond('budget', 'Budget approved', f.budgetApproved, 'the budget requested has not been approved'),
    cond('risks', 'Risks identified', f.riskCount > 0, 'no risks are identified in the RAID log'),
  ]
}

/** The reason every gate recorded as passed before Oversight gives, in the decision log. */
export const PASSED_BEFORE_OVERSIGHT = 'Passed before Oversight'

/**
 * Who approved a gate passed before Oversight and when: each may be not recorded (null), but what is
 * given must be sound: a name of 200 characters or fewer, a real date not after today.
 */
export function passBeforeOversightErrors(
  pass: { gateId: number; approvedBy: string | null; approvedOn: string | null },
  today: string,
): Record<string, string> {
  const errors: Record<string, string> = {}
  const key = `gate-${pass.gateId}`
  if ((pass.approvedBy ?? '').length > 200) errors[`${key}-approvedBy`] = 'Must be 200 characters or fewer'
  if (pass.approvedOn !== null) {
    if (!isIsoDate(pass.approvedOn)) errors[`${key}-approvedOn`] = 'Date approved must be a real date'
    else if (pass.approvedOn > today)
      errors[`${key}-approvedOn`] = 'Date approved must be today or in the past'
  }
  return errors
}

/** The months a gate requiring resources looks ahead: the decision's month and the two after it. */
export const RESOURCES_WINDOW_MONTHS = 3

export const RESOURCES_HINT =
  `Every role the project needs in the ${RESOURCES_WINDOW_MONTHS} months from the month of the gate’s decision ` +
  'has people allocated to cover it (a vacant post does not count). A project with no roles passes.'

/** The months a gate decided on `decidedOn` checks for resources, first and last ('YYYY-MM'). */
export function resourcesWindow(decidedOn: string): { from: string; to: string } {
  const from = periodOf(decidedOn)
  let to = from
  for (let i = 1; i < RESOURCES_WINDOW_MONTHS; i++) to = nextPeriod(to)
  return { from, to }
}

/** Why resources are not in place: each role with months its people do not cover; null when none. */
export function resourcesProblem(
  unfilled: readonly { title: string; months: number }[],
  window: { from: string; to: string },
): string | null {
  if (unfilled.length === 0) return null
  const roles = unfilled.map(
    (r) => `${r.title} (short in ${r.months} ${Number(r.months) === 1 ? 'month' : 'months'})`,
  )
  return (
    `Resources are not in place from ${formatPeriod(window.from)} to ${formatPeriod(window.to)}: ` +
    `allocate people to ${roles.join(', ')}`
  )
}
