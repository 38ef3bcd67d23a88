import { isIsoDate } from '../../../domain/dates.ts'
import type { Pence } from '../../../domain/money.ts'
import { isPeriod, parseFinancialYear } from '../../../domain/periods.ts'

export const FUNDING_KINDS = [
  { value: 'core_revenue', text: 'Core revenue budget' },
  { value: 'capital', text: 'Capital' },
  { value: 'external_grant', text: 'External grant' },
  { value: 'named', text: 'Named funding stream' },
] as const

export const CATEGORIES = [
  { value: 'revenue', text: 'Revenue' },
  { value: 'capital', text: 'Capital' },
] as const

/** The cost types of the minute's Appendix A: staff, suppliers, the partner's recharges, licences. */
export const COST_TYPES = [
  { value: 'staff', text: 'Staff' },
  { value: 'supplier', text: 'Supplier' },
  { value: 'partner_recharge', text: 'Partner recharge' },
  { value: 'licences', text: 'Licences' },
  { value: 'other', text: 'Other' },
] as const

export const PROFILE_METHODS = [
  { value: 'flat', text: 'Flat', hint: 'The same amount each month' },
  { value: 'front_loaded', text: 'Front-loaded', hint: 'More in the early months, falling each month' },
  { value: 'manual', text: 'By hand', hint: 'Enter the amount for each month' },
] as const

export const CLAIM_STATUSES = [
  { value: 'draft', text: 'Draft' },
  { value: 'submitted', text: 'Submitted' },
  { value: 'received', text: 'Received' },
  { value: 'rejected', text: 'Rejected' },
  { value: 'at_risk', text: 'At risk' },
] as const

export type CostType = (typeof COST_TYPES)[number]['value']

const label = (list: ReadonlyArray<{ value: string; text: string }>, v: string) =>
  list.find((x) => x.value === v)?.text ?? v
export const costTypeLabel = (v: string) => label(COST_TYPES, v)
export const categoryLabel = (v: string) => label(CATEGORIES, v)
export const fundingKindLabel = (v: string) => label(FUNDING_KINDS, v)
export const profileMethodLabel = (v: string) => label(PROFILE_METHODS, v)
export const claimStatusLabel = (v: string) => label(CLAIM_STATUSES, v)

const has = (list: ReadonlyArray<{ value: string }>, v: string) => list.some((x) => x.value === v)

export interface BudgetLineInput {
  financialYear: string
  category: string
  fundingStreamId: number | null
  costType: string
  description: string
  amountPence: Pence | null
  profileMethod: string
  /** For a profile entered by hand: the twelve months, April first; null where left blank. */
  manualProfile: Array<Pence | null>
  approvedBy: string
  approvedOn: string | null
  approvalReference: string
}

export const BUDGET_LINE_FIELD_ORDER = [
  'financialYear',
  'category',
  'fundingStreamId',
  'costType',
  'description',
  'amount',
  'profileMethod',
  'manualProfile',
  'approvedBy',
  'approvedOn',
  'approvalReference',
]

export function validateBudgetLine(b: BudgetLineInput): Record<string, string> {
  const errors: Record<string, string> = {}
  if (!parseFinancialYear(b.financialYear)) errors.financialYear = 'Enter a financial year, like 2025/26'
  if (!has(CATEGORIES, b.category)) errors.category = 'Select revenue or capital'
  if (b.fundingStreamId === null) errors.fundingStreamId = 'Select the funding stream'
  if (!has(COST_TYPES, b.costType)) errors.costType = 'Select the cost type'
  if (b.description.length > 500) errors.description = 'Description must be 500 characters or fewer'
  if (b.amountPence === null) errors.amount = 'Enter the budget amount'
  else if (b.amountPence < 0) errors.amount = 'Budget amount must be £0.00 or more'
  else if (b.amountPence > 100_000_000_000) errors.amount = 'Budget amount must be £1,000,000,000 or less'
  if (!has(PROFILE_METHODS, b.profileMethod)) errors.profileMethod = 'Select how the budget is profiled'
  if (b.profileMethod === 'manual' && b.amountPence !== null) {
    const sum = b.manualProfile.reduce<number>((s, v) => s + (v ?? 0), 0)
    if (b.manualProfile.length !== 12 || b.manualProfile.some((v) => v !== null && v < 0))
      errors.manualProfile = 'Monthly amounts must be £0.00 or more'
    else if (sum !== b.amountPence)
      errors.manualProfile = 'The monthly amounts must add up to the budget amount'
  }
  if (b.approvedBy.length > 200) errors.approvedBy = 'Approved by must be 200 characters or fewer'
  if (b.approvedOn !== null && !isIsoDate(b.approvedOn))
    errors.approvedOn = 'Approval date must be a real date'
  if (b.approvalReference.length > 200)
    errors.approvalReference = 'Decision reference must be 200 characters or fewer'
  return errors
}

export interface ForecastInput {
  financialYear: string
  period: string
  forecastPence: Pence | null
  note: string
}

export function validateForecast(f: ForecastInput): Record<string, string> {
  const errors: Record<string, string> = {}
  if (!parseFinancialYear(f.financialYear)) errors.financialYear = 'Enter a financial year, like 2025/26'
  if (!isPeriod(f.period)) errors.period = 'Select the month of the forecast'
  if (f.forecastPence === null) errors.forecast = 'Enter the forecast outturn'
  else if (f.forecastPence < 0) errors.forecast = 'Forecast outturn must be £0.00 or more'
  if (f.note.length > 2000) errors.note = 'Note must be 2,000 characters or fewer'
  return errors
}

export interface SignOffInput {
  period: string
  /** finance: the finance officer's signature; project: the project manager's. */
  as: 'finance' | 'project'
  forecastConfirmed: boolean
  varianceExplanation: string
}

export function validateSignOff(s: SignOffInput): Record<string, string> {
  const errors: Record<string, string> = {}
  if (!isPeriod(s.period)) errors.period = 'Select the month being signed off'
  if (!s.forecastConfirmed) errors.forecastConfirmed = 'Confirm the forecast before signing off'
  if (s.varianceExplanation.length > 2000)
    errors.varianceExplanation = 'Variance explanation must be 2,000 characters or fewer'
  return errors
}

export interface FundingStreamInput {
  name: string
  kind: string
  eligibility: string
  baseCostsEligible: boolean
}

export function validateFundingStream(f: FundingStreamInput): Record<string, string> {
  const errors: Record<string, string> = {}
  if (f.name.trim() === '') errors.name = 'Enter the funding stream name'
  else if (f.name.length > 200) errors.name = 'Name must be 200 characters or fewer'
  if (!has(FUNDING_KINDS, f.kind)) errors.kind = 'Select the kind of funding'
  if (f.eligibility.length > 5000) errors.eligibility = 'Eligibility must be 5,000 characters or fewer'
  return errors
}

export const COST_BASES = [
  { value: 'non_base', text: 'Non-base cost', hint: 'Charged on top of the base contract' },
  { value: 'base', text: 'Base contract', hint: 'Already paid for in the base contract' },
] as const

/** The kinds of body a council works with as a partner (issue 10). */
export const PARTNER_KINDS = [
  { value: 'shared_service', text: 'Shared-service company' },
  { value: 'neighbouring_council', text: 'Neighbouring council' },
  { value: 'supplier', text: 'Supplier' },
] as const
export const partnerKindLabel = (v: string) => PARTNER_KINDS.find((k) => k.value === v)?.text ?? v

const MAX_SERVICES = 30

export interface PartnerInput {
  name: string
  baseContract: string
  annualBaseContractPence: Pence | null
  kind: string
  agreementStartsOn: string | null
  agreementEndsOn: string | null
  /** The services the partner provides, one each. */
  services: string[]
}

export function validatePartner(p: PartnerInput): Record<string, string> {
  const errors: Record<string, string> = {}
  if (p.name.trim() === '') errors.name = 'Enter the partner name'
  else if (p.name.length > 200) errors.name = 'Name must be 200 characters or fewer'
  if (p.baseContract.length > 2000) errors.baseContract = 'Base contract must be 2,000 characters or fewer'
  if (p.annualBaseContractPence !== null && p.annualBaseContractPence < 0)
    errors.annualBaseContract = 'Annual base contract must be £0.00 or more'
  if (!has(PARTNER_KINDS, p.kind))
    errors.kind =
      'Select whether the partner is a shared-service company, a neighbouring council or a supplier'
  if (p.agreementStartsOn !== null && !isIsoDate(p.agreementStartsOn))
    errors.agreementStartsOn = 'Agreement start must be a real date'
  if (p.agreementEndsOn !== null && !isIsoDate(p.agreementEndsOn))
    errors.agreementEndsOn = 'Agreement end must be a real date'
  else if (
    p.agreementStartsOn !== null &&
    p.agreementEndsOn !== null &&
    p.agreementEndsOn < p.agreementStartsOn
  )
    errors.agreementEndsOn = 'Agreement end must be the same as or after the agreement start'
  if (p.services.length > MAX_SERVICES) errors.services = `Enter ${MAX_SERVICES} services or fewer`
  else if (p.services.some((x) => x.length > 200))
    errors.services = 'Each service must be 200 characters or fewer'
  return errors
}

/** The services as stored: one a line, blank lines and surrounding spaces dropped. */
export const servicesList = (text: string): string[] =>
  text
    .split(/\r?\n/)
    .map((x) => x.trim())
    .filter((x) => x !== '')

export interface RechargeInput {
  partnerId: number | null
  description: string
  period: string
  amountPence: Pence | null
  costBasis: string
  /** The partner's person it is for (issue 10); null for none, left out to keep what is recorded. */
  personId?: number | null
}

export function validateRecharge(r: RechargeInput): Record<string, string> {
  const errors: Record<string, string> = {}
  if (r.partnerId === null) errors.partnerId = 'Select the partner'
  if (r.description.trim() === '') errors.description = 'Enter what was recharged, for example web developer'
  else if (r.description.length > 500) errors.description = 'Description must be 500 characters or fewer'
  if (!isPeriod(r.period)) errors.period = 'Enter the month as YYYY-MM, for example 2025-06'
  if (r.amountPence === null) errors.amount = 'Enter the amount recharged'
  if (!has(COST_BASES, r.costBasis)) errors.costBasis = 'Select whether it is a base or non-base cost'
  return errors
}

export interface ClaimInput {
  fundingStreamId: number | null
  projectId: number | null
  title: string
  eligiblePence: Pence | null
  claimedPence: Pence | null
  receivedPence: Pence | null
  submittedOn: string | null
  receivedOn: string | null
  status: string
}

export function validateClaim(c: ClaimInput): Record<string, string> {
  const errors: Record<string, string> = {}
  if (c.fundingStreamId === null) errors.fundingStreamId = 'Select the funding stream claimed against'
  if (c.title.trim() === '') errors.title = 'Enter a title for the claim'
  else if (c.title.length > 200) errors.title = 'Title must be 200 characters or fewer'
  for (const [k, v, label] of [
    ['eligible', c.eligiblePence, 'Eligible amount'],
    ['claimed', c.claimedPence, 'Amount claimed'],
    ['received', c.receivedPence, 'Amount received'],
  ] as const)
    if (v !== null && v < 0) errors[k] = `${label} must be £0.00 or more`
  if (!errors.claimed && !errors.eligible && (c.claimedPence ?? 0) > (c.eligiblePence ?? 0))
    errors.claimed = 'Amount claimed cannot be more than the eligible amount'
  if (c.submittedOn !== null && !isIsoDate(c.submittedOn))
    errors.submittedOn = 'Date submitted must be a real date'
  if (c.receivedOn !== null && !isIsoDate(c.receivedOn))
    errors.receivedOn = 'Date received must be a real date'
  if (!has(CLAIM_STATUSES, c.status)) errors.status = 'Select the claim status'
  if (c.status === 'received' && !c.receivedOn && !errors.receivedOn)
    errors.receivedOn = 'Enter the date the money was received'
  return errors
}

export interface ClaimItemInput {
  description: string
  amountPence: Pence | null
  eligible: boolean
  ineligibleReason: string
  /** The partner recharge the item claims for, if any. */
  partnerRechargeId?: number | null
}

export function validateClaimItem(i: ClaimItemInput): Record<string, string> {
  const errors: Record<string, string> = {}
  if (i.description.trim() === '') errors.description = 'Enter what the item is'
  else if (i.description.length > 500) errors.description = 'Description must be 500 characters or fewer'
  if (i.amountPence === null) errors.amount = 'Enter the amount'
  else if (i.amountPence < 0) errors.amount = 'Amount must be £0.00 or more'
  if (!i.eligible && i.ineligibleReason.trim() === '')
    errors.ineligibleReason =
      'Say why the item is not eligible, for example a base cost already in the budget'
  return errors
}
