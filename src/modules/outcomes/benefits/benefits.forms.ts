import { todayInLondon } from '../../../domain/dates.ts'
import { dateItems, readDate, resubmitFields } from '../../../web/form-pages.ts'
import { errorList, field, optionalInt, type FormBody } from '../../../web/forms.ts'
import { ownerFieldView, readOwner, type PersonChoice } from '../../resourcing/person-refs.ts'
import {
  BENEFIT_TYPES,
  readValue,
  validateBenefit,
  valueText,
  type BenefitInput,
  type ProfileYearInput,
} from './benefits.rules.ts'
import type { BenefitsService, BenefitView } from './benefits.service.ts'

// The benefit form: its fields and its realisation profile, one row a financial year (as many as the benefit
// has and three spare, so it works without JavaScript).

const SPARE_ROWS = 3
const MIN_ROWS = 5
const MAX_ROWS = 30

const ORDER = [
  'title',
  'description',
  'type',
  'disBenefit',
  'unit',
  'mtfs',
  'ownerPersonId',
  'ambitionId',
  'indicatorId',
  'baselineYear',
  'baselineValue',
  'targetValue',
  'targetOn',
  'profile',
]

const idOf = (v: string) => (v === '' ? null : (optionalInt(v) ?? 0))

/** The form as a benefit, and the errors found reading its values (a value that is not a number). */
export function readBenefitForm(
  body: FormBody,
  home: { projectId: number | null; programmeId: number | null },
): { input: BenefitInput; errors: Record<string, string> } {
  const errors: Record<string, string> = {}
  const type = field(body, 'type')
  const value = (name: string, label: string, key = name) => {
    const v = readValue(field(body, name), type, label)
    if (v !== null && typeof v === 'object') {
      errors[key] ??= v.error
      return null
    }
    return v
  }
  const count = Math.min(optionalInt(field(body, 'rows')) ?? 0, MAX_ROWS)
  const profile: ProfileYearInput[] = []
  for (let i = 0; i < count; i++) {
    const year = field(body, `year-${i}`)
    const planned = field(body, `planned-${i}`)
    const realised = field(body, `realised-${i}`)
    if (year === '' && planned === '' && realised === '') continue
    const n = profile.length
    const label = year || 'the year'
    profile.push({
      year,
      planned: value(`planned-${i}`, `Planned value for ${label}`, `profile-${n}`),
      realised: value(`realised-${i}`, `Realised value for ${label}`, `profile-${n}`),
    })
  }
  const owner = readOwner(body, 'ownerPersonId', 'ownerName')
  const input: BenefitInput = {
    ...home,
    title: field(body, 'title'),
    description: field(body, 'description'),
    type,
    disBenefit: field(body, 'disBenefit') === 'yes',
    unit: field(body, 'unit'),
    ownerPersonId: owner.personId,
    ownerName: owner.name,
    ambitionId: idOf(field(body, 'ambitionId')),
    indicatorId: idOf(field(body, 'indicatorId')),
    baselineYear: field(body, 'baselineYear'),
    baselineValue: value('baselineValue', 'Baseline'),
    targetValue: value('targetValue', 'Target'),
    targetOn: readDate(body, 'targetOn', 'The date the target is to be met by', errors),
    mtfs: field(body, 'mtfs') === 'yes',
    profile,
  }
  // Every error at once: the rules' own join those of reading the values.
  if (Object.keys(errors).length > 0)
    for (const [k, v] of Object.entries(validateBenefit(input, todayInLondon()))) errors[k] ??= v
  return { input, errors }
}

export function inputOf(v: BenefitView): BenefitInput {
  const b = v.benefit
  return {
    projectId: b.project_id,
    programmeId: b.programme_id,
    title: b.title,
    description: b.description,
    type: b.type,
    disBenefit: b.dis_benefit === 1,
    unit: b.type === 'cashable' ? '' : b.unit,
    ownerPersonId: b.owner_person_id,
    ownerName: b.owner,
    ambitionId: b.ambition_id,
    indicatorId: b.indicator_id,
    baselineYear: b.baseline_year ?? '',
    baselineValue: b.baseline_value === null ? null : Number(b.baseline_value),
    targetValue: b.target_value === null ? null : Number(b.target_value),
    targetOn: b.target_on,
    mtfs: b.mtfs === 1,
    profile: v.profile.map((p) => ({ year: p.year, planned: p.planned, realised: p.realised })),
  }
}

type Options = Awaited<ReturnType<BenefitsService['options']>>

/** The form's view model. `body` is the post being shown again (its text as typed), or null for saved values. */
export function benefitFormContext(
  values: BenefitInput,
  body: FormBody | null,
  options: Options,
  people: readonly PersonChoice[],
  errors: Record<string, string>,
) {
  const text = (name: string, v: number | null) => (body ? field(body, name) : valueText(v, values.type))
  const typed = body
    ? rowsTyped(body)
    : values.profile.map((p) => ({
        year: p.year,
        planned: valueText(p.planned, values.type),
        realised: valueText(p.realised, values.type),
      }))
  const count = Math.min(Math.max(typed.length + SPARE_ROWS, MIN_ROWS), MAX_ROWS)
  const rows = Array.from({ length: count }, (_, i) => ({
    index: i,
    number: i + 1,
    error: errors[`profile-${i}`],
    year: typed[i]?.year ?? '',
    planned: typed[i]?.planned ?? '',
    realised: typed[i]?.realised ?? '',
  }))
  const select = (list: Array<{ id: number; text: string }>, chosen: number | null, none: string) => [
    { value: '', text: none, selected: chosen === null },
    ...list.map((x) => ({ value: String(x.id), text: x.text, selected: x.id === chosen })),
  ]
  return {
    errors,
    errorList: errorList(errors, [...ORDER, ...rows.map((r) => `profile-${r.index}`)]),
    values,
    rowCount: count,
    rows,
    baselineValue: text('baselineValue', values.baselineValue),
    targetValue: text('targetValue', values.targetValue),
    targetOnItems: dateItems(body, 'targetOn', values.targetOn, Boolean(errors.targetOn)),
    typeItems: BENEFIT_TYPES.map((t) => ({
      value: t.value,
      text: t.text,
      hint: { text: t.hint },
      checked: t.value === values.type,
    })),
    disBenefitItems: [
      { value: 'no', text: 'No, a benefit', checked: !values.disBenefit },
      {
        value: 'yes',
        text: 'Yes, a dis-benefit: a consequence someone sees as negative',
        checked: values.disBenefit,
      },
    ],
    mtfsItems: [
      {
        value: 'yes',
        text: 'Counted as a saving in the medium-term financial strategy',
        checked: values.mtfs,
      },
    ],
    owner: ownerFieldView(
      {
        legend: 'Benefit owner (optional)',
        hint: 'The person who answers for realising the benefit',
        idField: 'ownerPersonId',
        nameField: 'ownerName',
      },
      people,
      { personId: values.ownerPersonId, name: values.ownerName },
      errors,
    ),
    ambitionItems: select(
      options.ambitions.map((a) => ({ id: a.id, text: a.title })),
      values.ambitionId,
      'None',
    ),
    indicatorItems: select(
      options.indicators.map((x) => ({ id: x.id, text: x.name })),
      values.indicatorId,
      'None',
    ),
  }
}

function rowsTyped(body: FormBody) {
  const count = Math.min(optionalInt(field(body, 'rows')) ?? 0, MAX_ROWS)
  const out: Array<{ year: string; planned: string; realised: string }> = []
  for (let i = 0; i < count; i++) {
    const r = {
      year: field(body, `year-${i}`),
      planned: field(body, `planned-${i}`),
      realised: field(body, `realised-${i}`),
    }
    if (r.year !== '' || r.planned !== '' || r.realised !== '') out.push(r)
  }
  return out
}

/** The form's fields to post again from the conflict page. */
export const resubmitBenefit = (body: FormBody): Record<string, string> => resubmitFields(body)
