import type { FormBody } from '../../web/forms.ts'
import { field } from '../../web/forms.ts'
import { dateItems, readDate, readMoneyField } from '../../web/form-pages.ts'
import {
  DECISION_CAPACITIES,
  emptyDecision,
  formatPence,
  type DecisionInput,
} from '../decisions/decisions.rules.ts'
import { optionalInt } from '../../web/forms.ts'
import { COMPLETENESS, FIVE_CASES, formatFte, parseFte, type BusinessCaseInput } from './gates.rules.ts'

/** Empty rows offered below the stated resources, so more can be added without JavaScript. */
const SPARE_ROWS = 2
const MAX_ROWS = 30

export function readBusinessCaseForm(body: FormBody, errors: Record<string, string>): BusinessCaseInput {
  const cases = Object.fromEntries(
    FIVE_CASES.map((c) => [
      c.key,
      { text: field(body, `${c.key}Case`), state: field(body, `${c.key}State`) },
    ]),
  ) as BusinessCaseInput['cases']
  const budget = readMoneyField(
    field(body, 'budgetRequested'),
    'budgetRequested',
    'Budget requested',
    errors,
    false,
  )
  const resources: BusinessCaseInput['resources'] = []
  for (let n = 1; n <= MAX_ROWS; n++) {
    const role = field(body, `resources-${n}-role`)
    const fte = field(body, `resources-${n}-fte`)
    const months = field(body, `resources-${n}-months`)
    if (role === '' && fte === '' && months === '') continue
    resources.push({ role, fteHundredths: parseFte(fte), months: optionalInt(months) ?? Number.NaN })
  }
  return {
    cases,
    scopeIn: field(body, 'scopeIn'),
    scopeOut: field(body, 'scopeOut'),
    optionsAppraised: field(body, 'optionsAppraised'),
    budgetRequestedPence: budget,
    resources,
  }
}

/** The form's rows: what was typed back after an error, otherwise the stored values, plus spare rows. */
export function businessCaseFormContext(
  values: BusinessCaseInput,
  body: FormBody | null,
  errors: Record<string, string>,
) {
  const stored = values.resources.map((r) => ({
    role: r.role,
    fte: Number.isNaN(r.fteHundredths) ? '' : formatFte(r.fteHundredths),
    months: Number.isNaN(r.months) ? '' : String(r.months),
  }))
  const typed = body
    ? Array.from({ length: MAX_ROWS }, (_, i) => ({
        role: field(body, `resources-${i + 1}-role`),
        fte: field(body, `resources-${i + 1}-fte`),
        months: field(body, `resources-${i + 1}-months`),
      })).filter((r) => r.role || r.fte || r.months)
    : stored
  const rows = [...typed, ...Array.from({ length: SPARE_ROWS }, () => ({ role: '', fte: '', months: '' }))]
  return {
    cases: FIVE_CASES.map((c) => ({
      ...c,
      text: values.cases[c.key].text,
      states: COMPLETENESS.map((s) => ({
        value: s.value,
        text: s.text,
        checked: s.value === values.cases[c.key].state,
      })),
      textError: errors[`${c.key}Case`],
      stateError: errors[`${c.key}State`],
    })),
    resourceRows: rows.map((r, i) => ({
      n: i + 1,
      ...r,
      roleError: errors[`resources-${i + 1}-role`],
      fteError: errors[`resources-${i + 1}-fte`],
      monthsError: errors[`resources-${i + 1}-months`],
    })),
    budgetRequested: body
      ? field(body, 'budgetRequested')
      : values.budgetRequestedPence === null
        ? ''
        : String(values.budgetRequestedPence / 100),
    budgetRequestedText: formatPence(values.budgetRequestedPence),
  }
}

/** The approval decision typed on the gate page. */
export function readApprovalForm(body: FormBody, errors: Record<string, string>): DecisionInput {
  const budget = readMoneyField(
    field(body, 'approvedBudget'),
    'approvedBudget',
    'Approved budget',
    errors,
    false,
  )
  return {
    ...emptyDecision(),
    title: field(body, 'title'),
    decisionText: field(body, 'decisionText'),
    decidedOn: readDate(body, 'decidedOn', 'Date decided', errors),
    decidedByName: field(body, 'decidedByName'),
    capacity: field(body, 'capacity'),
    boardId: optionalInt(field(body, 'boardId')),
    reasons: field(body, 'reasons'),
    isKey: field(body, 'isKey') === 'yes',
    approvedBudgetPence: budget,
  }
}

export function approvalFormContext(
  values: DecisionInput,
  body: FormBody | null,
  boards: { id: number; name: string }[],
) {
  return {
    capacityItems: DECISION_CAPACITIES.map((c) => ({
      value: c.value,
      text: c.text,
      checked: c.value === values.capacity,
    })),
    boardItems: [
      { value: '', text: 'Not a board decision' },
      ...boards.map((b) => ({ value: String(b.id), text: b.name, selected: b.id === values.boardId })),
    ],
    decidedOnItems: dateItems(body, 'decidedOn', values.decidedOn, false),
    approvedBudget: body ? field(body, 'approvedBudget') : '',
  }
}
