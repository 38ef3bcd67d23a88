import { isIsoDate } from '../../../domain/dates.ts'
import { labelOf } from '../../responsibilities/responsibilities.rules.ts'

export { labelOf }

// Strategic ambitions (issue 11): members said "the council's strategic ambitions relating to digital
// achievement needed to be transparent". An ambition is owned by a Portfolio Holder (a person of the register),
// serves a corporate plan theme, is to be met by a horizon date, and programmes and projects contribute to it.

export const AMBITION_STATUSES = [
  { value: 'draft', text: 'Draft' },
  { value: 'active', text: 'Active' },
  { value: 'achieved', text: 'Achieved' },
  { value: 'withdrawn', text: 'Withdrawn' },
] as const

export interface AmbitionInput {
  title: string
  statement: string
  theme: string
  horizonOn: string | null
  status: string
  /** The owner: a person of the register, or a name typed for someone not in it yet (person-refs.ts). */
  ownerPersonId: number | null
  owner: string
  programmeIds: number[]
  projectIds: number[]
}

export const AMBITION_FIELD_ORDER = [
  'title',
  'statement',
  'theme',
  'horizonOn',
  'status',
  'ownerPersonId',
  'programmeIds',
  'projectIds',
]

/** An ambition's field errors in GOV.UK wording; ids are checked against the organisation by the service. */
export function validateAmbition(a: AmbitionInput): Record<string, string> {
  const errors: Record<string, string> = {}
  if (a.title.trim() === '') errors.title = 'Enter the ambition'
  else if (a.title.length > 200) errors.title = 'Ambition must be 200 characters or fewer'
  if (a.statement.length > 4000) errors.statement = 'Statement must be 4000 characters or fewer'
  if (a.theme.length > 200) errors.theme = 'Corporate plan theme must be 200 characters or fewer'
  if (a.horizonOn !== null && !isIsoDate(a.horizonOn)) errors.horizonOn = 'Horizon must be a real date'
  if (!AMBITION_STATUSES.some((s) => s.value === a.status)) errors.status = 'Choose a status'
  if (a.owner.length > 200) errors.ownerPersonId = 'Name must be 200 characters or fewer'
  return errors
}
