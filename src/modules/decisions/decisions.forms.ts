import type { Decision } from '../../db/schema.ts'
import { formatDate } from '../../domain/dates.ts'
import { dateItems, readDate, readMoneyField } from '../../web/form-pages.ts'
import { errorList, field, optionalInt, type FormBody } from '../../web/forms.ts'
import {
  capacityLabel,
  DECISION_CAPACITIES,
  DECISION_FIELD_ORDER,
  DECISION_STATUSES,
  decisionKindLabel,
  decisionStatusLabel,
  emptyDecision,
  formatPence,
  type DecisionInput,
} from './decisions.rules.ts'

export function readDecisionForm(body: FormBody, errors: Record<string, string>): DecisionInput {
  const budget = readMoneyField(
    field(body, 'approvedBudget'),
    'approvedBudget',
    'Approved budget',
    errors,
    false,
  )
  const projectId = optionalInt(field(body, 'projectId'))
  return {
    ...emptyDecision(),
    // A decision that states an approved budget is a budget approval (see gates' budgetApproved).
    kind: budget !== null ? 'budget_approval' : 'general',
    title: field(body, 'title'),
    decisionText: field(body, 'decisionText'),
    decidedOn: readDate(body, 'decidedOn', 'Date decided', errors),
    decidedByName: field(body, 'decidedByName'),
    capacity: field(body, 'capacity'),
    boardId: optionalInt(field(body, 'boardId')),
    optionsConsidered: field(body, 'optionsConsidered'),
    reasons: field(body, 'reasons'),
    isKey: field(body, 'isKey') === 'yes',
    status: field(body, 'status'),
    approvedBudgetPence: budget,
    links: projectId ? [{ recordType: 'project', recordId: projectId }] : [],
  }
}

export function decisionFormContext(
  values: DecisionInput,
  body: FormBody | null,
  errors: Record<string, string>,
  boards: { id: number; name: string }[],
  projects: { id: number; reference: string; name: string }[],
) {
  const projectId = values.links.find((l) => l.recordType === 'project')?.recordId ?? null
  return {
    values,
    errors,
    errorList: errorList(errors, [...DECISION_FIELD_ORDER, 'approvedBudget']),
    capacityItems: DECISION_CAPACITIES.map((c) => ({ ...c, checked: c.value === values.capacity })),
    statusItems: DECISION_STATUSES.map((s) => ({
      ...s,
      checked: s.value === values.status,
      hint:
        s.value === 'published'
          ? { text: 'A published decision cannot be changed; a correction supersedes it' }
          : s.value === 'awaiting_decision'
            ? { text: 'Waiting for the decision-maker, for example the Portfolio Holder' }
            : undefined,
    })),
    boardItems: [
      { value: '', text: 'Not a board decision' },
      ...boards.map((b) => ({ value: String(b.id), text: b.name, selected: b.id === values.boardId })),
    ],
    projectItems: [
      { value: '', text: 'None' },
      ...projects.map((p) => ({
        value: String(p.id),
        text: `${p.reference} – ${p.name}`,
        selected: p.id === projectId,
      })),
    ],
    decidedOnItems: dateItems(body, 'decidedOn', values.decidedOn, Boolean(errors.decidedOn)),
    approvedBudget: body
      ? field(body, 'approvedBudget')
      : values.approvedBudgetPence === null
        ? ''
        : String(values.approvedBudgetPence / 100),
    isBudgetApproval: values.kind === 'budget_approval',
  }
}

/** A decision as the log lists it, in the council's words. */
export function decisionRow(d: Decision) {
  return {
    ...d,
    kindLabel: decisionKindLabel(d.kind),
    capacityLabel: capacityLabel(d.capacity),
    statusLabel: decisionStatusLabel(d.status),
    statusClass:
      d.status === 'published'
        ? 'govuk-tag--green'
        : d.status === 'awaiting_decision'
          ? 'govuk-tag--yellow'
          : 'govuk-tag--grey',
    decidedOnText: formatDate(d.decided_on) || 'Not decided',
    approvedBudgetText: formatPence(d.approved_budget_pence),
  }
}
