import type { Partner, PartnerRecharge } from '../../../db/schema.ts'
import { penceToDecimal } from '../../../domain/money.ts'
import { currentPeriod, financialPeriodOfPeriod } from '../../../domain/periods.ts'
import { splitDate } from '../../../domain/dates.ts'
import { dateItems, readDate, readMoneyField } from '../../../web/form-pages.ts'
import { field, type FormBody } from '../../../web/forms.ts'
import { radios, type Field } from '../shared/finance.forms.ts'
import { yearSlug } from '../shared/finance.view-model.ts'
import {
  COST_BASES,
  PARTNER_KINDS,
  servicesList,
  type PartnerInput,
  type RechargeInput,
} from '../shared/finance.rules.ts'

// The forms for partners and recharges: adding one and correcting one share them,
// so what can be entered is exactly what can be put right.

export function partnerFields(body: FormBody | null, errors: Record<string, string> = {}): Field[] {
  const v = (n: string) => field(body ?? {}, n)
  return [
    { name: 'name', label: 'Name', value: v('name'), hint: 'For example, PSPS' },
    {
      name: 'kind',
      type: 'radios',
      label: 'Kind of partner',
      items: radios(PARTNER_KINDS, v('kind') || 'shared_service'),
    },
    {
      name: 'agreementStartsOn',
      type: 'date',
      label: 'Agreement start',
      hint: 'For example, 1 4 2016',
      items: dateItems(body ?? {}, 'agreementStartsOn', null, 'agreementStartsOn' in errors),
    },
    {
      name: 'agreementEndsOn',
      type: 'date',
      label: 'Agreement end (optional)',
      hint: 'Leave blank while the agreement has no end date',
      items: dateItems(body ?? {}, 'agreementEndsOn', null, 'agreementEndsOn' in errors),
    },
    {
      name: 'services',
      type: 'textarea',
      label: 'Services provided',
      hint: 'One a line, for example web development',
      value: v('services'),
    },
    {
      name: 'baseContract',
      type: 'textarea',
      label: 'What the base contract covers',
      value: v('baseContract'),
    },
    {
      name: 'annualBaseContract',
      type: 'money',
      label: 'Base contract a year',
      value: v('annualBaseContract'),
    },
  ]
}

export const readPartnerForm = (b: FormBody, errors: Record<string, string>): PartnerInput => ({
  name: field(b, 'name'),
  // The radios always send one (the first is chosen to begin with); a form from before kinds means that one.
  kind: field(b, 'kind') || 'shared_service',
  agreementStartsOn: readDate(b, 'agreementStartsOn', 'Agreement start', errors),
  agreementEndsOn: readDate(b, 'agreementEndsOn', 'Agreement end', errors),
  services: servicesList(field(b, 'services')),
  baseContract: field(b, 'baseContract'),
  annualBaseContractPence: readMoneyField(
    field(b, 'annualBaseContract'),
    'annualBaseContract',
    'Base contract a year',
    errors,
    false,
  ),
})

const dateAsForm = (name: string, d: string | null): FormBody => {
  const parts = splitDate(d)
  return { [`${name}-day`]: parts.day, [`${name}-month`]: parts.month, [`${name}-year`]: parts.year }
}

export const partnerAsForm = (p: Partner): FormBody => ({
  name: p.name,
  kind: p.kind,
  ...dateAsForm('agreementStartsOn', p.agreement_starts_on),
  ...dateAsForm('agreementEndsOn', p.agreement_ends_on),
  services: p.services,
  baseContract: p.base_contract,
  annualBaseContract: penceToDecimal(Number(p.annual_base_contract_pence)),
})

export function rechargeFields(
  partners: Array<{ id: number; name: string }>,
  body: FormBody | null,
): Field[] {
  const v = (n: string) => field(body ?? {}, n)
  return [
    {
      name: 'partnerId',
      type: 'select',
      label: 'Partner',
      items: [
        { value: '', text: 'Select a partner' },
        ...partners.map((p) => ({
          value: String(p.id),
          text: p.name,
          selected: String(p.id) === v('partnerId'),
        })),
      ],
    },
    {
      name: 'description',
      label: 'What was recharged',
      value: v('description'),
      hint: 'For example, web developer',
    },
    {
      name: 'period',
      label: 'Month',
      value: body ? v('period') : currentPeriod(),
      hint: 'As YYYY-MM, for example 2025-06',
      classes: 'govuk-input--width-5',
    },
    { name: 'amount', type: 'money', label: 'Amount', value: v('amount') },
    {
      name: 'costBasis',
      type: 'radios',
      label: 'Basis',
      items: radios(COST_BASES, body ? v('costBasis') : 'non_base'),
    },
  ]
}

export function readRechargeForm(b: FormBody, errors: Record<string, string>): RechargeInput {
  const partnerId = Number(field(b, 'partnerId'))
  return {
    partnerId: Number.isSafeInteger(partnerId) && partnerId > 0 ? partnerId : null,
    description: field(b, 'description'),
    period: field(b, 'period'),
    amountPence: readMoneyField(field(b, 'amount'), 'amount', 'Amount', errors),
    costBasis: field(b, 'costBasis'),
  }
}

export const rechargeAsForm = (r: PartnerRecharge): FormBody => ({
  partnerId: String(r.partner_id),
  description: r.description,
  period: r.period,
  amount: penceToDecimal(Number(r.amount_pence)),
  costBasis: r.cost_basis,
})

/** Where a recharge is shown: its project's finance page, open at the financial year of its month. */
export const rechargeUrl = (r: Pick<PartnerRecharge, 'project_id' | 'period'>) =>
  `/projects/${r.project_id}/finance?year=${yearSlug(financialPeriodOfPeriod(r.period).year.label)}#recharges`
