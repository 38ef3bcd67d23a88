import { formatDate, isIsoDate } from '../../domain/dates.ts'
import { allocate, formatMoney, type Pence } from '../../domain/money.ts'
import { periodOf } from '../../domain/periods.ts'

// Ending a partnership (issue 10): what is shared with the partner, what may become of each record, and
// the arithmetic of a split. Pure: the service gathers and writes, these decide.

/** What the separation lists, in the order the guided page shows them. */
export const ITEM_KINDS = [
  { value: 'project', text: 'Projects', one: 'Project' },
  { value: 'post', text: 'Posts held by the partner’s staff', one: 'Post' },
  { value: 'person', text: 'People supplied', one: 'Person' },
  { value: 'recharge', text: 'Recharges', one: 'Recharge' },
  { value: 'funding', text: 'Funding set aside for the partner’s charges', one: 'Budget line' },
  { value: 'risk', text: 'Risks', one: 'Risk' },
  { value: 'dependency', text: 'Dependencies', one: 'Dependency' },
] as const
export type ItemKind = (typeof ITEM_KINDS)[number]['value']

export const CHOICES = [
  { value: 'keep', text: 'Keep with the council' },
  { value: 'hand_over', text: 'Hand over to the partner' },
  { value: 'split', text: 'Split between the council and the partner' },
  { value: 'close', text: 'Close' },
] as const
export type Choice = (typeof CHOICES)[number]['value']
export const choiceLabel = (c: string) => CHOICES.find((x) => x.value === c)?.text ?? c

/**
 * What may become of each kind of record. Only money records split (a recharge: its amount); a budget line's
 * money is profiled by month, so it is kept or handed over whole. Closing means: a project closed, a risk
 * closed, a person's posts ended on the end date, a post deleted from the establishment.
 */
export const CHOICES_FOR: Record<ItemKind, readonly Choice[]> = {
  project: ['keep', 'hand_over', 'close'],
  post: ['keep', 'hand_over', 'close'],
  person: ['keep', 'hand_over', 'close'],
  recharge: ['keep', 'hand_over', 'split'],
  funding: ['keep', 'hand_over'],
  risk: ['keep', 'hand_over', 'close'],
  dependency: ['keep', 'hand_over'],
}

/** One record shared with the partner, as the guided page lists it. */
export interface SharedItem {
  kind: ItemKind
  id: number
  title: string
  /** For money records: the amount in pence. */
  amountPence?: Pence
  /** A line under the title: the project it belongs to, the month of a recharge. */
  detail?: string
}

/** The user's choice for one record; `councilPercent` (0.01–99.99) only with split. */
export interface ItemChoice {
  kind: ItemKind
  id: number
  choice: Choice
  councilPercent?: number | null
}

export interface SeparationInput {
  endedOn: string | null
  reasons: string
  choices: ItemChoice[]
}

/** The form field of one record's choice, and of its split percentage. */
export const choiceField = (i: Pick<SharedItem, 'kind' | 'id'>) => `choice-${i.kind}-${i.id}`
export const percentField = (i: Pick<SharedItem, 'kind' | 'id'>) => `percent-${i.kind}-${i.id}`

/** Basis points: a percentage to two decimal places as a whole number, so a split is exact arithmetic. */
const BASIS = 10_000

/** Reads "60", "33.33" or "12.5" as a percentage of 0.01 to 99.99; null for anything else. */
export function readPercent(text: string): number | null {
  const t = text.trim().replace(/%$/, '').trim()
  if (!/^\d{1,2}(\.\d{1,2})?$/.test(t)) return null
  const bp = Math.round(Number(t) * 100)
  return bp >= 1 && bp <= BASIS - 1 ? bp / 100 : null
}

/**
 * A money record split by percentage: the council's part and the partner's, by the one allocation rule
 * (largest remainder, src/domain/money.ts), so the parts always sum to the original pence exactly.
 */
export function splitByPercent(amountPence: Pence, councilPercent: number): [Pence, Pence] {
  const councilBp = Math.round(councilPercent * 100)
  const [council, partner] = allocate(amountPence, [councilBp, BASIS - councilBp])
  return [council!, partner!]
}

/**
 * Checks a separation against the records actually shared: every record has a choice it allows, a split
 * has its percentage; and the end date is real and not before the agreement started. Errors are keyed by
 * form field.
 */
export function validateSeparation(
  input: SeparationInput,
  items: readonly SharedItem[],
  agreementStartsOn: string | null,
): Record<string, string> {
  const errors: Record<string, string> = {}
  if (input.endedOn === null) errors.endedOn = 'Enter the date the partnership ends'
  else if (!isIsoDate(input.endedOn)) errors.endedOn = 'The end date must be a real date'
  else if (agreementStartsOn !== null && input.endedOn < agreementStartsOn)
    errors.endedOn = `The end date must be on or after the agreement started, ${formatDate(agreementStartsOn)}`
  if (input.reasons.trim() === '') errors.reasons = 'Enter the reasons for ending the partnership'
  else if (input.reasons.length > 10_000) errors.reasons = 'Reasons must be 10,000 characters or fewer'
  const byKey = new Map(input.choices.map((c) => [`${c.kind}-${c.id}`, c]))
  for (const item of items) {
    const c = byKey.get(`${item.kind}-${item.id}`)
    const one = ITEM_KINDS.find((k) => k.value === item.kind)!.one.toLowerCase()
    if (!c || !CHOICES_FOR[item.kind].includes(c.choice)) {
      errors[choiceField(item)] = `Select what happens to the ${one} ${item.title}`
      continue
    }
    if (c.choice === 'split' && (c.councilPercent === null || c.councilPercent === undefined))
      errors[percentField(item)] =
        `Enter the council’s share of ${item.title} as a percentage between 0.01 and 99.99`
  }
  const known = new Set(items.map((i) => `${i.kind}-${i.id}`))
  for (const c of input.choices)
    if (!known.has(`${c.kind}-${c.id}`))
      errors[choiceField(c)] = 'This record is not shared with the partner: refresh the page and choose again'
  return errors
}

/** A recharge is refused for a month after the partnership ended (the end date's own month is allowed). */
export function rechargeAfterEnd(period: string, endedOn: string | null): boolean {
  return endedOn !== null && period > periodOf(endedOn)
}

/** How a choice reads in the summary: a split names both parts. */
export function outcomeText(item: SharedItem, c: ItemChoice): string {
  if (c.choice === 'split' && item.amountPence !== undefined && c.councilPercent) {
    const [council, partner] = splitByPercent(item.amountPence, c.councilPercent)
    return `Split: ${formatMoney(council)} (${c.councilPercent}%) kept by the council, ${formatMoney(partner)} handed over to the partner`
  }
  return choiceLabel(c.choice)
}
