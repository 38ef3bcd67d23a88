import type { BudgetLine, FundingStream } from '../../../db/schema.ts'
import { splitDate, todayInLondon } from '../../../domain/dates.ts'
import { penceToDecimal } from '../../../domain/money.ts'
import {
  financialYearOf,
  financialYearPeriods,
  formatPeriod,
  parseFinancialYear,
} from '../../../domain/periods.ts'
import { readDate, readMoneyField } from '../../../web/form-pages.ts'
import { field, type FormBody } from '../../../web/forms.ts'
import { CATEGORIES, COST_TYPES, PROFILE_METHODS, type BudgetLineInput } from '../shared/finance.rules.ts'

export function readBudgetLineForm(body: FormBody, errors: Record<string, string>): BudgetLineInput {
  const streamId = Number(field(body, 'fundingStreamId'))
  const manualProfile = Array.from({ length: 12 }, (_, i) => {
    const v = field(body, `month-${i + 1}`)
    if (field(body, 'profileMethod') !== 'manual' || v === '') return null
    return readMoneyField(v, 'manualProfile', `Month ${i + 1}`, errors)
  })
  return {
    financialYear: field(body, 'financialYear'),
    category: field(body, 'category'),
    fundingStreamId: Number.isSafeInteger(streamId) && streamId > 0 ? streamId : null,
    costType: field(body, 'costType'),
    description: field(body, 'description'),
    amountPence: readMoneyField(field(body, 'amount'), 'amount', 'Budget amount', errors),
    profileMethod: field(body, 'profileMethod'),
    manualProfile,
    approvedBy: field(body, 'approvedBy'),
    approvedOn: readDate(body, 'approvedOn', 'Approval date', errors),
    approvalReference: field(body, 'approvalReference'),
  }
}

/** The form's values as typed (after an error) or from the stored line. */
export function budgetLineFormContext(opts: {
  body: FormBody | null
  line: (BudgetLine & { periods: Array<{ period: string; amount_pence: number }> }) | null
  streams: FundingStream[]
  defaultYear: string
}) {
  const { body, line } = opts
  const v = (name: string, stored: string) => (body ? field(body, name) : stored)
  const financialYear = v('financialYear', line?.financial_year ?? opts.defaultYear)
  const category = v('category', line?.category ?? 'revenue')
  const costType = v('costType', line?.cost_type ?? '')
  const profileMethod = v('profileMethod', line?.profile_method ?? 'flat')
  const streamId = v('fundingStreamId', line ? String(line.funding_stream_id) : '')
  const approved = body
    ? {
        day: field(body, 'approvedOn-day'),
        month: field(body, 'approvedOn-month'),
        year: field(body, 'approvedOn-year'),
      }
    : splitDate(line?.approved_on ?? null)
  const fy = parseFinancialYear(financialYear) ?? financialYearOf(todayInLondon())
  const months = financialYearPeriods(fy).map((p, i) => ({
    name: `month-${i + 1}`,
    label: `P${i + 1} ${formatPeriod(p)}`,
    value: v(
      `month-${i + 1}`,
      line?.profile_method === 'manual'
        ? penceToDecimal(line.periods.find((x) => x.period === p)?.amount_pence ?? 0)
        : '',
    ),
  }))
  return {
    values: {
      financialYear,
      description: v('description', line?.description ?? ''),
      amount: v('amount', line ? penceToDecimal(Number(line.amount_pence)) : ''),
      approvedBy: v('approvedBy', line?.approved_by ?? ''),
      approvalReference: v('approvalReference', line?.approval_reference ?? ''),
    },
    categories: CATEGORIES.map((c) => ({ value: c.value, text: c.text, checked: c.value === category })),
    costTypes: [
      { value: '', text: 'Select a cost type' },
      ...COST_TYPES.map((c) => ({ value: c.value, text: c.text, selected: c.value === costType })),
    ],
    streams: [
      { value: '', text: 'Select a funding stream' },
      ...opts.streams.map((s) => ({
        value: String(s.id),
        text: s.name,
        selected: String(s.id) === streamId,
      })),
    ],
    profileMethods: PROFILE_METHODS.map((m) => ({
      value: m.value,
      text: m.text,
      hint: { text: m.hint },
      checked: m.value === profileMethod,
    })),
    months,
    approvedOnItems: ['day', 'month', 'year'].map((k) => ({
      name: k,
      label: k[0]!.toUpperCase() + k.slice(1),
      classes: k === 'year' ? 'govuk-input--width-4' : 'govuk-input--width-2',
      value: approved[k as 'day' | 'month' | 'year'],
    })),
  }
}
