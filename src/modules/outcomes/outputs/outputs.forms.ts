import { formatDate } from '../../../domain/dates.ts'
import { dateItems, readDate, resubmitFields } from '../../../web/form-pages.ts'
import { errorList, field, fields, optionalInt, type FormBody } from '../../../web/forms.ts'
import { ownerFieldView, ownerName, readOwner } from '../../resourcing/person-refs.ts'
import type { Output } from '../../../db/schema.ts'
import {
  labelOf,
  OUTPUT_FIELD_ORDER,
  OUTPUT_STATUSES,
  OUTPUT_TYPES,
  validateOutput,
  type OutputInput,
} from './outputs.rules.ts'
import type { OutputsService, OutputView } from './outputs.service.ts'

// The output form: what it is, its dates, who accepted it (a person of the register) and the project's own
// milestones it is delivered at, as checkboxes that work without JavaScript.

type Options = Awaited<ReturnType<OutputsService['options']>>

export function readOutputForm(body: FormBody, errors: Record<string, string>): OutputInput {
  const acceptedBy = readOwner(body, 'acceptedByPersonId', 'acceptedBy')
  return {
    title: field(body, 'title'),
    type: field(body, 'type'),
    description: field(body, 'description'),
    plannedOn: readDate(body, 'plannedOn', 'Planned delivery date', errors),
    deliveredOn: readDate(body, 'deliveredOn', 'Actual delivery date', errors),
    acceptedByPersonId: acceptedBy.personId,
    acceptedBy: acceptedBy.name,
    acceptedOn: readDate(body, 'acceptedOn', 'Acceptance date', errors),
    status: field(body, 'status'),
    // The conflict page posts the list back as one comma-separated field.
    milestoneIds: fields(body, 'milestoneIds')
      .flatMap((v) => v.split(','))
      .filter((v) => v.trim() !== '')
      .map((v) => optionalInt(v.trim()) ?? 0),
  }
}

/** Errors found reading the form's dates, shown with the rest of the form's errors rather than one at a time. */
export const earlyErrors = (input: OutputInput, dateErrors: Record<string, string>, today: string) =>
  Object.keys(dateErrors).length > 0
    ? { ...validateOutput(input, today, new Set(input.milestoneIds)), ...dateErrors }
    : {}

export function inputOf(o: Output, milestones: ReadonlyArray<{ id: number }>): OutputInput {
  return {
    title: o.title,
    type: o.type,
    description: o.description,
    plannedOn: o.planned_on,
    deliveredOn: o.delivered_on,
    acceptedByPersonId: o.accepted_by_person_id,
    acceptedBy: o.accepted_by_person_id === null ? o.accepted_by : '',
    acceptedOn: o.accepted_on,
    status: o.status,
    milestoneIds: milestones.map((m) => m.id),
  }
}

export const blankOutput = (): OutputInput => ({
  title: '',
  type: '',
  description: '',
  plannedOn: null,
  deliveredOn: null,
  acceptedByPersonId: null,
  acceptedBy: '',
  acceptedOn: null,
  status: 'planned',
  milestoneIds: [],
})

export function outputFormContext(
  values: OutputInput,
  body: FormBody | null,
  options: Options,
  errors: Record<string, string>,
) {
  const dates = (name: 'plannedOn' | 'deliveredOn' | 'acceptedOn') =>
    dateItems(body, name, values[name], Boolean(errors[name]))
  return {
    errors,
    errorList: errorList(errors, OUTPUT_FIELD_ORDER),
    values,
    typeItems: OUTPUT_TYPES.map((t) => ({
      value: t.value,
      text: t.text,
      hint: { text: t.hint },
      checked: t.value === values.type,
    })),
    statusItems: OUTPUT_STATUSES.map((s) => ({ ...s, checked: s.value === values.status })),
    plannedItems: dates('plannedOn'),
    deliveredItems: dates('deliveredOn'),
    acceptedItems: dates('acceptedOn'),
    acceptedBy: ownerFieldView(
      {
        legend: 'Accepted by (optional)',
        hint: 'The person who accepted the output on behalf of the council',
        idField: 'acceptedByPersonId',
        nameField: 'acceptedBy',
      },
      options.people,
      { personId: values.acceptedByPersonId, name: values.acceptedBy },
      errors,
    ),
    milestoneItems: options.milestones.map((m) => ({
      value: String(m.id),
      text: m.name,
      checked: values.milestoneIds.includes(m.id),
    })),
  }
}

export function resubmitOutput(body: FormBody): Record<string, string> {
  return { ...resubmitFields(body), milestoneIds: fields(body, 'milestoneIds').join(',') }
}

export function outputConflictRows(yours: OutputInput, saved: OutputView, options: Options) {
  const s = inputOf(saved.output, saved.milestones)
  const names = (chosen: readonly number[]) =>
    options.milestones
      .filter((m) => chosen.includes(m.id))
      .map((m) => m.name)
      .join('; ') || 'None'
  const row = (label: string, a: string, b: string) => ({ label, yours: a, saved: b })
  return [
    row('Output', yours.title, s.title),
    row('Type', labelOf(OUTPUT_TYPES, yours.type), labelOf(OUTPUT_TYPES, s.type)),
    row('Description', yours.description, s.description),
    row('Planned delivery', formatDate(yours.plannedOn), formatDate(s.plannedOn)),
    row('Actual delivery', formatDate(yours.deliveredOn), formatDate(s.deliveredOn)),
    row('Status', labelOf(OUTPUT_STATUSES, yours.status), labelOf(OUTPUT_STATUSES, s.status)),
    row(
      'Accepted by',
      ownerName({ ownerPersonId: yours.acceptedByPersonId, owner: yours.acceptedBy }, options.people),
      saved.output.accepted_by,
    ),
    row('Accepted on', formatDate(yours.acceptedOn), formatDate(s.acceptedOn)),
    row('Milestones', names(yours.milestoneIds), names(s.milestoneIds)),
  ]
}
