import { isIsoDate } from '../../domain/dates.ts'

export const PROGRAMME_STATUSES = [
  { value: 'proposed', text: 'Proposed' },
  { value: 'active', text: 'Active' },
  { value: 'on_hold', text: 'On hold' },
  { value: 'closed', text: 'Closed' },
] as const

export type ProgrammeStatus = (typeof PROGRAMME_STATUSES)[number]['value']

export interface ProgrammeInput {
  reference: string
  name: string
  purpose: string
  sro: string
  /** The Portfolio Holder in the people register; `portfolioHolder` is their name (or a name to add). */
  portfolioHolderPersonId: number | null
  portfolioHolder: string
  startDate: string | null
  endDate: string | null
  status: string
}

export const PROGRAMME_FIELD_ORDER = [
  'reference',
  'name',
  'purpose',
  'sro',
  'portfolioHolderPersonId',
  'portfolioHolder',
  'startDate',
  'endDate',
  'status',
]

export function programmeStatusLabel(status: string): string {
  return PROGRAMME_STATUSES.find((s) => s.value === status)?.text ?? status
}

/** Is this programme valid to save? Field errors in the council's words, keyed by field name. */
export function validateProgramme(p: ProgrammeInput): Record<string, string> {
  const errors: Record<string, string> = {}
  if (p.reference.trim() === '') errors.reference = 'Enter a reference, for example ICT-2019'
  else if (p.reference.length > 30) errors.reference = 'Reference must be 30 characters or fewer'
  else if (!/^[A-Za-z0-9][A-Za-z0-9/_.-]*$/.test(p.reference))
    errors.reference = 'Reference must use only letters, numbers, hyphens, slashes, dots and underscores'
  if (p.name.trim() === '') errors.name = 'Enter the programme name'
  else if (p.name.length > 200) errors.name = 'Programme name must be 200 characters or fewer'
  if (p.purpose.length > 5000) errors.purpose = 'Purpose must be 5,000 characters or fewer'
  if (p.sro.length > 200) errors.sro = 'Senior Responsible Owner must be 200 characters or fewer'
  if (p.portfolioHolder.length > 200)
    errors.portfolioHolder = 'Portfolio Holder must be 200 characters or fewer'
  if (p.startDate !== null && !isIsoDate(p.startDate)) errors.startDate = 'Start date must be a real date'
  if (p.endDate !== null && !isIsoDate(p.endDate)) errors.endDate = 'End date must be a real date'
  if (!errors.startDate && !errors.endDate && p.startDate && p.endDate && p.endDate < p.startDate)
    errors.endDate = 'End date must be the same as or after the start date'
  if (!PROGRAMME_STATUSES.some((s) => s.value === p.status)) errors.status = 'Select the programme status'
  return errors
}
