import { readMoney } from '../../domain/money.ts'

/**
 * What an organisation can publish, by record type. Nothing is published until an administrator ticks it
 * (issue 12: "published on purpose"), and each record of a published type can still be withheld.
 */
export const PUBLISHED_TYPES = [
  { value: 'programmes', text: 'Programmes, with their projects’ stage, status and delivery confidence' },
  { value: 'ambitions', text: 'Strategic ambitions (not drafts)' },
  { value: 'outputs', text: 'Projects’ outputs' },
  { value: 'indicators', text: 'Performance indicators in use: values and targets' },
  { value: 'meetings', text: 'Committee meetings: agendas, minutes and resolutions' },
  { value: 'recommendations', text: 'The scrutiny recommendation tracker: responses, actions and outcomes' },
  { value: 'decisions', text: 'Published decisions' },
  { value: 'forward-plan', text: 'The forward plan of key decisions (exempt entries never)' },
  { value: 'spend', text: 'The programmes’ spend by month, from the ledger' },
] as const
export type PublishedType = (typeof PUBLISHED_TYPES)[number]['value']

/** The records a withholding can name; a withheld meeting or agenda item takes its recommendations with it. */
export const WITHHOLDABLE = [
  { value: 'programme', text: 'Programme', type: 'programmes' },
  { value: 'project', text: 'Project', type: 'programmes' },
  { value: 'ambition', text: 'Ambition', type: 'ambitions' },
  { value: 'output', text: 'Output', type: 'outputs' },
  { value: 'indicator', text: 'Indicator', type: 'indicators' },
  { value: 'meeting', text: 'Meeting', type: 'meetings' },
  { value: 'agenda_item', text: 'Agenda item', type: 'meetings' },
  { value: 'recommendation', text: 'Recommendation', type: 'recommendations' },
  { value: 'decision', text: 'Decision', type: 'decisions' },
  { value: 'forward_plan_entry', text: 'Forward plan entry', type: 'forward-plan' },
] as const
export type WithholdableRecord = (typeof WITHHOLDABLE)[number]['value']

export const WITHHOLDING_REASONS = [
  { value: 'exempt', text: 'Exempt information (Part B, Local Government Act 1972 Schedule 12A)' },
  { value: 'commercial', text: 'Commercially sensitive' },
  { value: 'personal', text: 'Personal data' },
  { value: 'other', text: 'Other reason recorded by the council' },
] as const

const has = (list: readonly { value: string }[], v: string) => list.some((o) => o.value === v)
export const isPublishedType = (v: string): v is PublishedType => has(PUBLISHED_TYPES, v)
export const isWithholdable = (v: string): v is WithholdableRecord => has(WITHHOLDABLE, v)
export const withholdableLabel = (v: string) => WITHHOLDABLE.find((o) => o.value === v)?.text ?? v
export const reasonLabel = (v: string) => WITHHOLDING_REASONS.find((o) => o.value === v)?.text ?? v

/** The published types stored as JSON; anything unknown (a type since removed) is dropped, never published. */
export function readPublishedTypes(json: string): PublishedType[] {
  try {
    const parsed: unknown = JSON.parse(json)
    return Array.isArray(parsed)
      ? parsed.filter((v): v is PublishedType => typeof v === 'string' && isPublishedType(v))
      : []
  } catch {
    return []
  }
}

export interface PublicationInput {
  types: string[]
  threshold: string
}

/** The settings form: known types only, and a threshold in pounds from £0 (default £500, the Transparency Code's). */
export function validatePublication(i: PublicationInput): {
  errors: Record<string, string>
  types: PublishedType[]
  thresholdPence: number
} {
  const errors: Record<string, string> = {}
  const types = PUBLISHED_TYPES.map((t) => t.value).filter((t) => i.types.includes(t))
  if (i.types.some((t) => !isPublishedType(t))) errors.types = 'Select only the record types listed'
  const money = i.threshold.trim() === '' ? null : readMoney(i.threshold)
  let thresholdPence = 0
  if (typeof money !== 'number' || money < 0)
    errors.threshold = 'Enter the cost threshold in pounds, for example 500'
  else thresholdPence = money
  return { errors, types, thresholdPence }
}

export interface WithholdingInput {
  recordType: string
  recordId: string
  reason: string
}

export function validateWithholding(i: WithholdingInput): {
  errors: Record<string, string>
  recordType: WithholdableRecord | null
  recordId: number | null
} {
  const errors: Record<string, string> = {}
  const recordType = isWithholdable(i.recordType) ? i.recordType : null
  if (recordType === null) errors.recordType = 'Select the kind of record to withhold'
  const id = /^\d{1,9}$/.test(i.recordId.trim()) ? Number(i.recordId.trim()) : null
  if (id === null) errors.recordId = 'Enter the record’s number, as shown in its address'
  if (!has(WITHHOLDING_REASONS, i.reason)) errors.reason = 'Select why the record is withheld'
  return { errors, recordType, recordId: id }
}
