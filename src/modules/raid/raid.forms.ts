import { dateItems, readDate, type ConflictRow } from '../../web/form-pages.ts'
import { errorList, field, optionalInt, type FormBody } from '../../web/forms.ts'
import type { Risk } from '../../db/schema.ts'
import { ownerFieldView, ownerName, readOwner, type PersonChoice } from '../resourcing/person-refs.ts'
import { formatDate } from '../../domain/dates.ts'
import {
  categoryLabel,
  currentScore,
  IMPACT_LABELS,
  ISSUE_FIELD_ORDER,
  ISSUE_PRIORITIES,
  ISSUE_STATUSES,
  LIKELIHOOD_LABELS,
  PROXIMITIES,
  proximityLabel,
  RISK_CATEGORIES,
  RISK_FIELD_ORDER,
  RISK_STATUSES,
  riskStatusLabel,
  scoreBand,
  type IssueInput,
  type RiskInput,
} from './raid.rules.ts'

const scale = (body: FormBody, name: string) => optionalInt(field(body, name))

export function readRiskForm(body: FormBody, errors: Record<string, string>): RiskInput {
  const owner = readOwner(body, 'ownerPersonId', 'owner')
  return {
    title: field(body, 'title'),
    cause: field(body, 'cause'),
    event: field(body, 'event'),
    effect: field(body, 'effect'),
    category: field(body, 'category'),
    likelihood: scale(body, 'likelihood'),
    impact: scale(body, 'impact'),
    residualLikelihood: scale(body, 'residualLikelihood'),
    residualImpact: scale(body, 'residualImpact'),
    proximity: field(body, 'proximity'),
    ownerPersonId: owner.personId,
    owner: owner.name,
    reviewDate: readDate(body, 'reviewDate', 'Review date', errors),
    status: field(body, 'status') || 'open',
  }
}

export function emptyRisk(): RiskInput {
  return {
    title: '',
    cause: '',
    event: '',
    effect: '',
    category: '',
    likelihood: null,
    impact: null,
    residualLikelihood: null,
    residualImpact: null,
    proximity: '',
    ownerPersonId: null,
    owner: '',
    reviewDate: null,
    status: 'open',
  }
}

const scaleItems = (labels: readonly string[], value: number | null) =>
  labels.map((text, i) => ({ value: String(i + 1), text: `${i + 1} – ${text}`, checked: value === i + 1 }))
const selectScale = (labels: readonly string[], value: number | null) => [
  { value: '', text: 'Not assessed' },
  ...labels.map((text, i) => ({
    value: String(i + 1),
    text: `${i + 1} – ${text}`,
    selected: value === i + 1,
  })),
]

export function riskFormContext(
  values: RiskInput,
  body: FormBody | null,
  errors: Record<string, string>,
  people: readonly PersonChoice[],
) {
  return {
    values,
    owner: ownerFieldView(
      { legend: 'Owner', hint: 'Who manages the risk', idField: 'ownerPersonId', nameField: 'owner' },
      people,
      { personId: values.ownerPersonId ?? null, name: values.owner },
      errors,
    ),
    errors,
    errorList: errorList(errors, RISK_FIELD_ORDER),
    categoryItems: [
      { value: '', text: 'Select a category' },
      ...RISK_CATEGORIES.map((c) => ({ ...c, selected: c.value === values.category })),
    ],
    likelihoodItems: scaleItems(LIKELIHOOD_LABELS, values.likelihood),
    impactItems: scaleItems(IMPACT_LABELS, values.impact),
    residualLikelihoodItems: selectScale(LIKELIHOOD_LABELS, values.residualLikelihood),
    residualImpactItems: selectScale(IMPACT_LABELS, values.residualImpact),
    proximityItems: [
      { value: '', text: 'Not stated' },
      ...PROXIMITIES.map((p) => ({ ...p, selected: p.value === values.proximity })),
    ],
    statusItems: RISK_STATUSES.map((s) => ({ ...s, checked: s.value === values.status })),
    reviewDateItems: dateItems(body, 'reviewDate', values.reviewDate, Boolean(errors.reviewDate)),
  }
}

const scaleText = (labels: readonly string[], value: number | null) =>
  value === null ? 'Not assessed' : `${value} – ${labels[value - 1] ?? ''}`

/** A risk as the person typed it beside the risk as saved, for the conflict page. */
export function riskConflictRows(
  yours: RiskInput,
  saved: RiskInput,
  people: readonly PersonChoice[],
): ConflictRow[] {
  const row = (label: string, y: string, s: string): ConflictRow => ({ label, yours: y, saved: s })
  return [
    row('Title', yours.title, saved.title),
    row('Cause', yours.cause, saved.cause),
    row('Event', yours.event, saved.event),
    row('Effect', yours.effect, saved.effect),
    row('Category', categoryLabel(yours.category), categoryLabel(saved.category)),
    row(
      'Likelihood',
      scaleText(LIKELIHOOD_LABELS, yours.likelihood),
      scaleText(LIKELIHOOD_LABELS, saved.likelihood),
    ),
    row('Impact', scaleText(IMPACT_LABELS, yours.impact), scaleText(IMPACT_LABELS, saved.impact)),
    row(
      'Residual likelihood',
      scaleText(LIKELIHOOD_LABELS, yours.residualLikelihood),
      scaleText(LIKELIHOOD_LABELS, saved.residualLikelihood),
    ),
    row(
      'Residual impact',
      scaleText(IMPACT_LABELS, yours.residualImpact),
      scaleText(IMPACT_LABELS, saved.residualImpact),
    ),
    row('Proximity', proximityLabel(yours.proximity), proximityLabel(saved.proximity)),
    row('Owner', ownerName(yours, people), saved.owner),
    row('Review date', formatDate(yours.reviewDate), formatDate(saved.reviewDate)),
    row('Status', riskStatusLabel(yours.status), riskStatusLabel(saved.status)),
  ]
}

export function readIssueForm(body: FormBody, errors: Record<string, string>): IssueInput {
  const owner = readOwner(body, 'ownerPersonId', 'owner')
  return {
    title: field(body, 'title'),
    description: field(body, 'description'),
    priority: field(body, 'priority'),
    ownerPersonId: owner.personId,
    owner: owner.name || null,
    resolution: field(body, 'resolution'),
    dueDate: readDate(body, 'dueDate', 'Due date', errors),
    status: field(body, 'status') || 'open',
  }
}

export function issueFormContext(
  values: IssueInput,
  body: FormBody | null,
  errors: Record<string, string>,
  people: readonly PersonChoice[],
) {
  return {
    values,
    owner: ownerFieldView(
      {
        legend: 'Owner',
        hint: 'An issue without an owner is flagged on the governance page',
        idField: 'ownerPersonId',
        nameField: 'owner',
      },
      people,
      { personId: values.ownerPersonId ?? null, name: values.owner ?? '' },
      errors,
    ),
    errors,
    errorList: errorList(errors, ISSUE_FIELD_ORDER),
    priorityItems: ISSUE_PRIORITIES.map((p) => ({ ...p, checked: p.value === values.priority })),
    statusItems: ISSUE_STATUSES.map((s) => ({ ...s, checked: s.value === values.status })),
    dueDateItems: dateItems(body, 'dueDate', values.dueDate, Boolean(errors.dueDate)),
  }
}

/** A risk as tables show it. */
export function riskRowView(r: Risk & { project_reference?: string; project_name?: string }) {
  const score = currentScore(r)
  const band = scoreBand(score)
  return {
    ...r,
    categoryLabel: categoryLabel(r.category),
    proximityLabel: r.proximity ? proximityLabel(r.proximity) : 'Not stated',
    statusLabel: riskStatusLabel(r.status),
    score,
    band,
    reviewText: formatDate(r.review_date) || 'Not set',
  }
}
