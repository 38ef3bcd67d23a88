import type { FundingStream } from '../../../db/schema.ts'
import { field, type FormBody } from '../../../web/forms.ts'
import { radios, type Field } from '../shared/finance.forms.ts'
import { FUNDING_KINDS, type FundingStreamInput } from '../shared/finance.rules.ts'

// The funding stream form: adding one and correcting one share it, so what can be entered is exactly
// what can be put right.

export function streamFields(body: FormBody | null): Field[] {
  const v = (n: string) => field(body ?? {}, n)
  return [
    {
      name: 'name',
      label: 'Name',
      value: v('name'),
      hint: 'For example, Covid-19 — relieved cost pressures',
    },
    { name: 'kind', type: 'radios', label: 'Kind of funding', items: radios(FUNDING_KINDS, v('kind')) },
    { name: 'eligibility', type: 'textarea', label: 'What it may pay for', value: v('eligibility') },
    {
      name: 'baseCostsEligible',
      type: 'radios',
      label: 'Can it pay for base costs already in the council budget?',
      items: radios(
        [
          { value: 'yes', text: 'Yes' },
          { value: 'no', text: 'No' },
        ],
        v('baseCostsEligible') || 'yes',
      ),
    },
  ]
}

export const readStreamForm = (b: FormBody): FundingStreamInput => ({
  name: field(b, 'name'),
  kind: field(b, 'kind'),
  eligibility: field(b, 'eligibility'),
  baseCostsEligible: field(b, 'baseCostsEligible') !== 'no',
})

export const streamAsForm = (s: FundingStream): FormBody => ({
  name: s.name,
  kind: s.kind,
  eligibility: s.eligibility,
  baseCostsEligible: s.base_costs_eligible ? 'yes' : 'no',
})
