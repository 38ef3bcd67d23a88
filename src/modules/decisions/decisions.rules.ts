import { isIsoDate } from '../../domain/dates.ts'
import { formatMoney, formatPounds, isPence } from '../../domain/money.ts'

/** The capacity a decision is taken in: the constitution says who may decide what (scheme of delegation). */
export const DECISION_CAPACITIES = [
  { value: 'portfolio_holder', text: 'Portfolio Holder' },
  { value: 'cabinet', text: 'Cabinet' },
  { value: 'board', text: 'Programme board' },
  { value: 'delegated_officer', text: 'Delegated officer' },
  { value: 'sro', text: 'Senior Responsible Owner' },
] as const

/** Board members' capacities, as the board's terms of reference name them. */
export const BOARD_CAPACITIES = [
  { value: 'chair', text: 'Chair' },
  { value: 'member', text: 'Member' },
  { value: 'portfolio_holder', text: 'Portfolio Holder' },
  { value: 'sro', text: 'Senior Responsible Owner' },
  { value: 'programme_manager', text: 'Programme manager' },
  { value: 'finance', text: 'Finance representative' },
  { value: 'adviser', text: 'Adviser' },
] as const

export const DECISION_STATUSES = [
  { value: 'draft', text: 'Draft' },
  { value: 'awaiting_decision', text: 'Awaiting decision' },
  { value: 'published', text: 'Published' },
] as const

export const DECISION_KINDS = [
  { value: 'general', text: 'Decision' },
  { value: 'gate_approval', text: 'Gate approval' },
  { value: 'gate_override', text: 'Gate override' },
  { value: 'budget_approval', text: 'Budget approval' },
  { value: 'exception', text: 'Exception decision' },
  { value: 'gate_before_oversight', text: 'Gate passed before Oversight' },
  { value: 'partnership_end', text: 'End of a partnership' },
] as const

export const LINK_TYPES = ['gate', 'exception', 'project', 'budget', 'business_case', 'risk'] as const
export type LinkType = (typeof LINK_TYPES)[number]

const label = (list: readonly { value: string; text: string }[], v: string) =>
  list.find((x) => x.value === v)?.text ?? v
export const capacityLabel = (v: string) => label(DECISION_CAPACITIES, v)
export const boardCapacityLabel = (v: string) => label(BOARD_CAPACITIES, v)
export const decisionStatusLabel = (v: string) => label(DECISION_STATUSES, v)
export const decisionKindLabel = (v: string) => label(DECISION_KINDS, v)

export interface DecisionInput {
  kind: string
  title: string
  decisionText: string
  decidedOn: string | null
  decidedByUserId: number | null
  decidedByName: string
  capacity: string
  boardId: number | null
  optionsConsidered: string
  reasons: string
  isKey: boolean
  status: string
  approvedBudgetPence: number | null
  links: { recordType: LinkType; recordId: number }[]
}

export const DECISION_FIELD_ORDER = [
  'title',
  'decisionText',
  'capacity',
  'decidedByName',
  'boardId',
  'decidedOn',
  'optionsConsidered',
  'reasons',
  'isKey',
  'status',
]

export function emptyDecision(): DecisionInput {
  return {
    kind: 'general',
    title: '',
    decisionText: '',
    decidedOn: null,
    decidedByUserId: null,
    decidedByName: '',
    capacity: '',
    boardId: null,
    optionsConsidered: '',
    reasons: '',
    isKey: false,
    status: 'draft',
    approvedBudgetPence: null,
    links: [],
  }
}

/** Is this decision valid to record? A published decision must say what, when, by whom and why. */
export function validateDecision(d: DecisionInput): Record<string, string> {
  const errors: Record<string, string> = {}
  if (d.title.trim() === '') errors.title = 'Enter a title for the decision'
  else if (d.title.length > 200) errors.title = 'Title must be 200 characters or fewer'
  if (!DECISION_KINDS.some((k) => k.value === d.kind)) errors.kind = 'Select the kind of decision'
  // A gate passed before Oversight is history transcribed: who, when and in what capacity may not be known.
  const transcribed = d.kind === 'gate_before_oversight'
  if (!DECISION_CAPACITIES.some((c) => c.value === d.capacity) && !(transcribed && d.capacity === ''))
    errors.capacity = 'Select the capacity the decision is taken in'
  if (!DECISION_STATUSES.some((s) => s.value === d.status)) errors.status = 'Select the status'
  if (d.decidedOn !== null && !isIsoDate(d.decidedOn)) errors.decidedOn = 'Date decided must be a real date'
  if (d.capacity === 'board' && d.boardId === null) errors.boardId = 'Select the board that decided'
  for (const [k, max] of [
    ['decisionText', 10000],
    ['optionsConsidered', 10000],
    ['reasons', 10000],
    ['decidedByName', 200],
  ] as const) {
    if (d[k].length > max) errors[k] = `Must be ${max.toLocaleString('en-GB')} characters or fewer`
  }
  if (d.approvedBudgetPence !== null && (!isPence(d.approvedBudgetPence) || d.approvedBudgetPence < 0))
    errors.approvedBudget = 'Approved budget must be an amount in pounds, like 125000 or 125000.50'
  if (d.status === 'published') {
    // The decision log is the record the council relies on: a published entry answers what, when, who and why.
    if (d.decisionText.trim() === '' && !errors.decisionText) errors.decisionText = 'Enter what was decided'
    if (d.decidedOn === null && !errors.decidedOn && !transcribed)
      errors.decidedOn = 'Enter the date the decision was taken'
    if (d.decidedByName.trim() === '' && d.decidedByUserId === null)
      errors.decidedByName = 'Enter who took the decision'
    if (d.reasons.trim() === '' && !errors.reasons) errors.reasons = 'Enter the reasons for the decision'
  }
  if (d.kind === 'gate_override' && d.reasons.trim() === '' && !errors.reasons)
    errors.reasons = 'Enter the reason for overriding the gate'
  return errors
}

/** An approved or requested budget as a decision states it: "£250,000", or "£250,000.50" with pence. */
export function formatPence(pence: number | null | undefined): string {
  if (pence === null || pence === undefined) return ''
  return pence % 100 === 0 ? formatPounds(pence) : formatMoney(pence)
}
