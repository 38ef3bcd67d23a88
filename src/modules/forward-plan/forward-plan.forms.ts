import { formatDate } from '../../domain/dates.ts'
import { dateItems, readDate } from '../../web/form-pages.ts'
import { errorList, field, optionalInt, type FormBody } from '../../web/forms.ts'
import type { Table } from '../../web/exports.ts'
import {
  ENTRY_STATUSES,
  EXEMPT_PARAGRAPHS,
  exemptLabel,
  labelOf,
  type EntryInput,
} from './forward-plan.rules.ts'
import type { EntryView, ForwardPlanService } from './forward-plan.service.ts'

// The forward plan's form, its view model and its CSV table.

const ORDER = [
  'title',
  'description',
  'decisionMaker',
  'expectedOn',
  'isExempt',
  'exemptParagraph',
  'status',
  'programmeId',
  'projectId',
  'decisionId',
]

export function readEntryForm(body: FormBody): EntryInput {
  const errors: Record<string, string> = {}
  const expectedOn = readDate(body, 'expectedOn', 'Date the decision is expected', errors, true)
  const id = (name: string) => optionalInt(field(body, name))
  return {
    title: field(body, 'title'),
    description: field(body, 'description'),
    decisionMaker: field(body, 'decisionMaker'),
    expectedOn: expectedOn ?? '',
    ...(errors.expectedOn ? { expectedOnError: errors.expectedOn } : {}),
    isExempt: field(body, 'isExempt') === 'yes',
    exemptParagraph: field(body, 'exemptParagraph'),
    status: field(body, 'status') || 'planned',
    decisionId: id('decisionId'),
    programmeId: id('programmeId'),
    projectId: id('projectId'),
  }
}

type Options = Awaited<ReturnType<ForwardPlanService['options']>>

const ROLE_NAMES: Record<string, string> = { portfolio_holder: 'Portfolio Holder' }

export function entryFormContext(
  values: EntryInput,
  body: FormBody | null,
  options: Options,
  errors: Record<string, string>,
) {
  const select = <T>(
    items: T[],
    value: (t: T) => string,
    text: (t: T) => string,
    chosen: string,
    none: string,
  ) => [
    { value: '', text: none },
    ...items.map((t) => ({ value: value(t), text: text(t), selected: value(t) === chosen })),
  ]
  return {
    errors,
    errorList: errorList(errors, ORDER),
    values,
    expectedOnItems: dateItems(body, 'expectedOn', values.expectedOn || null, Boolean(errors.expectedOn)),
    makerItems: [
      { value: '', text: 'Choose who takes the decision' },
      ...options.boards.map((b) => ({
        value: `board:${b.id}`,
        text: b.name,
        selected: values.decisionMaker === `board:${b.id}`,
      })),
      ...options.users.map((u) => ({
        value: `user:${u.id}`,
        text: ROLE_NAMES[u.role] ? `${u.name} (${ROLE_NAMES[u.role]})` : u.name,
        selected: values.decisionMaker === `user:${u.id}`,
      })),
    ],
    exemptItems: [
      { value: 'no', text: 'No, open to the public', checked: !values.isExempt },
      { value: 'yes', text: 'Yes, it contains exempt information', checked: values.isExempt },
    ],
    paragraphItems: [
      { value: '', text: 'Choose a paragraph' },
      ...EXEMPT_PARAGRAPHS.map((p) => ({ ...p, selected: p.value === values.exemptParagraph })),
    ],
    statusItems: ENTRY_STATUSES.map((s) => ({ ...s, checked: s.value === values.status })),
    programmeItems: select(
      options.programmes,
      (p) => String(p.id),
      (p) => p.name,
      String(values.programmeId ?? ''),
      'None',
    ),
    projectItems: select(
      options.projects,
      (p) => String(p.id),
      (p) => `${p.reference}: ${p.name}`,
      String(values.projectId ?? ''),
      'None',
    ),
    decisionItems: select(
      options.decisions,
      (d) => String(d.id),
      (d) => `${d.title}${d.decided_on ? ` (${formatDate(d.decided_on)})` : ''}`,
      String(values.decisionId ?? ''),
      'Not yet taken',
    ),
  }
}

export const exemptText = (e: Pick<EntryView, 'is_exempt' | 'exempt_paragraph'>) =>
  e.is_exempt === 1 ? exemptLabel(e.exempt_paragraph) : 'Open'

export function forwardPlanTable(entries: EntryView[]): Table {
  return {
    name: 'Forward plan',
    header: [
      'Decision',
      'Decision-maker',
      'Expected',
      'On the plan from',
      'Clear days',
      '28 clear days given',
      'Exempt',
      'Status',
      'Programme',
      'Project',
      'Decision taken',
    ],
    rows: entries.map((e) => [
      e.title,
      e.decision_maker,
      e.expected_on,
      e.listed_on,
      e.clearDays,
      e.givesNotice ? 'Yes' : 'No',
      exemptText(e),
      labelOf(ENTRY_STATUSES, e.status),
      e.programme_name ?? '',
      e.project_reference ?? '',
      e.decision_decided_on ?? '',
    ]),
    money: [],
  }
}
