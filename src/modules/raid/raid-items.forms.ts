import type { Assumption } from '../../db/schema.ts'
import { ownerFieldView, ownerName, readOwner, type PersonChoice } from '../resourcing/person-refs.ts'
import { formatDate } from '../../domain/dates.ts'
import type { ConflictRow } from '../../web/form-pages.ts'
import { dateItems, readDate } from '../../web/form-pages.ts'
import { errorList, field, optionalInt, type FormBody } from '../../web/forms.ts'
import {
  ASSUMPTION_STATUSES,
  DEPENDENCY_STATUSES,
  type AssumptionInput,
  type DependencyInput,
  type DependencyRow,
} from './raid-log.service.ts'
import { ISSUE_STATUSES, issueStatusLabel, priorityLabel, type IssueInput } from './raid.rules.ts'
import type { IssueRow } from './raid.service.ts'

// The pages of one issue, assumption or dependency: what they show, their forms, their conflict rows.

const label = (list: readonly { value: string; text: string }[], v: string) =>
  list.find((x) => x.value === v)?.text ?? v

export const assumptionStatusLabel = (v: string) => label(ASSUMPTION_STATUSES, v)
export const dependencyStatusLabel = (v: string) => label(DEPENDENCY_STATUSES, v)

/** One line of an item's summary list; `href` makes its value a link. */
export interface Fact {
  label: string
  text: string
  href?: string
}

/** A button that moves the item to another status (close, reopen, confirm …). */
export interface StatusAction {
  status: string
  text: string
}

export function issueFacts(i: IssueRow): Fact[] {
  return [
    { label: 'Description', text: i.description || 'Not stated' },
    { label: 'Priority', text: priorityLabel(i.priority) },
    { label: 'Owner', text: i.owner || 'No owner' },
    { label: 'Resolution', text: i.resolution || 'Not stated' },
    { label: 'Due date', text: formatDate(i.due_date) || 'Not set' },
    { label: 'Status', text: issueStatusLabel(i.status) },
  ]
}

/** An open issue can be closed; a resolved or closed one reopened. Resolving asks for how, so it is an edit. */
export const issueStatusActions = (status: string): StatusAction[] =>
  status === 'open' ? [{ status: 'closed', text: 'Close issue' }] : [{ status: 'open', text: 'Reopen issue' }]

export function assumptionFacts(a: Assumption): Fact[] {
  return [
    { label: 'Owner', text: a.owner || 'Not stated' },
    { label: 'Status', text: assumptionStatusLabel(a.status) },
  ]
}

export const assumptionStatusActions = (status: string): StatusAction[] =>
  status === 'open'
    ? [
        { status: 'confirmed', text: 'Mark as confirmed' },
        { status: 'invalid', text: 'Mark as proved wrong' },
      ]
    : [{ status: 'open', text: 'Reopen assumption' }]

export function dependencyFacts(d: DependencyRow): Fact[] {
  const on: Fact = d.depends_on_project_id
    ? {
        label: 'Depends on',
        text: `${d.depends_on_reference ?? ''} ${d.depends_on_name ?? ''}`.trim(),
        href: `/projects/${d.depends_on_project_id}`,
      }
    : { label: 'Depends on', text: d.partner_name }
  return [
    on,
    { label: 'Needed by', text: formatDate(d.needed_by) || 'Not set' },
    { label: 'Status', text: dependencyStatusLabel(d.status) },
  ]
}

export const dependencyStatusActions = (status: string): StatusAction[] =>
  status === 'met'
    ? [{ status: 'open', text: 'Reopen dependency' }]
    : [
        { status: 'met', text: 'Mark as met' },
        ...(status === 'open' ? [{ status: 'at_risk', text: 'Mark as at risk' }] : []),
      ]

/** The statuses a status button may post, per kind; anything else is a 400. */
export const STATUS_VALUES = {
  issues: ISSUE_STATUSES.map((s) => s.value as string),
  assumptions: ASSUMPTION_STATUSES.map((s) => s.value as string),
  dependencies: DEPENDENCY_STATUSES.map((s) => s.value as string),
}

export function readAssumptionForm(body: FormBody): AssumptionInput {
  const owner = readOwner(body, 'assumptionOwnerPersonId', 'assumptionOwner')
  return {
    description: field(body, 'assumptionDescription'),
    ownerPersonId: owner.personId,
    owner: owner.name,
    status: field(body, 'assumptionStatus'),
  }
}

export function assumptionFormContext(
  values: AssumptionInput,
  errors: Record<string, string>,
  people: readonly PersonChoice[],
) {
  return {
    values,
    errors,
    errorList: errorList(errors, ASSUMPTION_FIELD_ORDER),
    owner: assumptionOwnerField(values, errors, people),
    statusItems: ASSUMPTION_STATUSES.map((s) => ({ ...s, checked: s.value === values.status })),
  }
}

export function readDependencyForm(body: FormBody, errors: Record<string, string>): DependencyInput {
  return {
    description: field(body, 'dependencyDescription'),
    dependsOnProjectId: optionalInt(field(body, 'dependsOnProjectId')),
    partnerName: field(body, 'partnerName'),
    neededBy: readDate(body, 'neededBy', 'Needed-by date', errors),
    status: field(body, 'dependencyStatus'),
  }
}

export function dependencyFormContext(
  values: DependencyInput,
  body: FormBody | null,
  errors: Record<string, string>,
  projects: Array<{ value: string; text: string }>,
) {
  return {
    values,
    errors,
    errorList: errorList(errors, ['dependencyDescription', 'dependsOn', 'neededBy', 'dependencyStatus']),
    projectItems: projects.map((p) => ({
      ...p,
      selected: p.value === String(values.dependsOnProjectId ?? ''),
    })),
    neededByItems: dateItems(body, 'neededBy', values.neededBy, Boolean(errors.neededBy)),
    statusItems: DEPENDENCY_STATUSES.map((s) => ({ ...s, checked: s.value === values.status })),
  }
}

const row = (label: string, yours: string, saved: string): ConflictRow => ({ label, yours, saved })

/** The owner field of an assumption, on its own form and on the project's RAID page. */
export const assumptionOwnerField = (
  values: { ownerPersonId?: number | null; owner: string },
  errors: Record<string, string>,
  people: readonly PersonChoice[],
) =>
  ownerFieldView(
    {
      legend: 'Owner',
      hint: 'Who checks whether the assumption holds',
      idField: 'assumptionOwnerPersonId',
      nameField: 'assumptionOwner',
    },
    people,
    { personId: values.ownerPersonId ?? null, name: values.owner },
    errors,
  )

export const ASSUMPTION_FIELD_ORDER = [
  'assumptionDescription',
  'assumptionOwnerPersonId',
  'assumptionOwner',
  'assumptionStatus',
]

export function issueConflictRows(
  yours: IssueInput,
  saved: IssueInput,
  people: readonly PersonChoice[],
): ConflictRow[] {
  return [
    row('Title', yours.title, saved.title),
    row('Description', yours.description, saved.description),
    row('Priority', priorityLabel(yours.priority), priorityLabel(saved.priority)),
    row('Owner', ownerName(yours, people), saved.owner ?? ''),
    row('Resolution', yours.resolution, saved.resolution),
    row('Due date', formatDate(yours.dueDate), formatDate(saved.dueDate)),
    row('Status', issueStatusLabel(yours.status), issueStatusLabel(saved.status)),
  ]
}

export function assumptionConflictRows(
  yours: AssumptionInput,
  saved: Assumption,
  people: readonly PersonChoice[],
): ConflictRow[] {
  return [
    row('Assumption', yours.description, saved.description),
    row('Owner', ownerName(yours, people), saved.owner),
    row('Status', assumptionStatusLabel(yours.status ?? ''), assumptionStatusLabel(saved.status)),
  ]
}

export function dependencyConflictRows(
  yours: DependencyInput,
  saved: DependencyInput,
  projectName: (id: number | null) => string,
): ConflictRow[] {
  return [
    row('Dependency', yours.description, saved.description),
    row('On another project', projectName(yours.dependsOnProjectId), projectName(saved.dependsOnProjectId)),
    row('On a partner', yours.partnerName, saved.partnerName),
    row('Needed by', formatDate(yours.neededBy), formatDate(saved.neededBy)),
    row('Status', dependencyStatusLabel(yours.status ?? ''), dependencyStatusLabel(saved.status ?? '')),
  ]
}
