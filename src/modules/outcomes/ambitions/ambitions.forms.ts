import { formatDate } from '../../../domain/dates.ts'
import { dateItems, readDate, resubmitFields } from '../../../web/form-pages.ts'
import { errorList, field, fields, optionalInt, type FormBody } from '../../../web/forms.ts'
import { ownerFieldView, ownerName, readOwner } from '../../resourcing/person-refs.ts'
import { AMBITION_FIELD_ORDER, AMBITION_STATUSES, labelOf, type AmbitionInput } from './ambitions.rules.ts'
import type { AmbitionsService, AmbitionView } from './ambitions.service.ts'

// The ambition form: its fields, its owner (a person of the register) and the programmes and projects that
// contribute to it, as checkboxes that work without JavaScript.

type Options = Awaited<ReturnType<AmbitionsService['options']>>

/** The checked ids of a list; the conflict page posts each list back as one comma-separated field. */
const ids = (body: FormBody, name: string) =>
  fields(body, name)
    .flatMap((v) => v.split(','))
    .filter((v) => v.trim() !== '')
    .map((v) => optionalInt(v.trim()) ?? 0)

export function readAmbitionForm(body: FormBody, errors: Record<string, string>): AmbitionInput {
  const owner = readOwner(body, 'ownerPersonId', 'owner')
  return {
    title: field(body, 'title'),
    statement: field(body, 'statement'),
    theme: field(body, 'theme'),
    horizonOn: readDate(body, 'horizonOn', 'Horizon', errors),
    status: field(body, 'status'),
    ownerPersonId: owner.personId,
    owner: owner.name,
    programmeIds: ids(body, 'programmeIds'),
    projectIds: ids(body, 'projectIds'),
  }
}

export function inputOf(v: AmbitionView): AmbitionInput {
  return {
    title: v.ambition.title,
    statement: v.ambition.statement,
    theme: v.ambition.theme,
    horizonOn: v.ambition.horizon_on,
    status: v.ambition.status,
    ownerPersonId: v.ambition.owner_person_id,
    owner: v.ambition.owner_person_id === null ? v.ambition.owner : '',
    programmeIds: v.programmes.map((p) => p.id),
    projectIds: v.projects.map((p) => p.id),
  }
}

export const blankAmbition = (): AmbitionInput => ({
  title: '',
  statement: '',
  theme: '',
  horizonOn: null,
  status: 'active',
  ownerPersonId: null,
  owner: '',
  programmeIds: [],
  projectIds: [],
})

export function ambitionFormContext(
  values: AmbitionInput,
  body: FormBody | null,
  options: Options,
  errors: Record<string, string>,
) {
  return {
    errors,
    errorList: errorList(errors, AMBITION_FIELD_ORDER),
    values,
    horizonItems: dateItems(body, 'horizonOn', values.horizonOn, Boolean(errors.horizonOn)),
    statusItems: AMBITION_STATUSES.map((s) => ({ ...s, checked: s.value === values.status })),
    owner: ownerFieldView(
      {
        legend: 'Owner',
        hint: 'The Portfolio Holder who answers for this ambition',
        idField: 'ownerPersonId',
        nameField: 'owner',
      },
      options.people,
      { personId: values.ownerPersonId, name: values.owner },
      errors,
    ),
    programmeItems: options.programmes.map((p) => ({
      value: String(p.id),
      text: `${p.reference}: ${p.name}`,
      checked: values.programmeIds.includes(p.id),
    })),
    projectItems: options.projects.map((p) => ({
      value: String(p.id),
      text: `${p.reference}: ${p.name}`,
      checked: values.projectIds.includes(p.id),
    })),
  }
}

/** The form's fields to post again from the conflict page, the checked lists kept whole. */
export function resubmitAmbition(body: FormBody): Record<string, string> {
  return {
    ...resubmitFields(body),
    programmeIds: fields(body, 'programmeIds').join(','),
    projectIds: fields(body, 'projectIds').join(','),
  }
}

/** Both versions side by side for the conflict page, links named as the form offered them. */
export function ambitionConflictRows(yours: AmbitionInput, saved: AmbitionView, options: Options) {
  const s = inputOf(saved)
  const refs = (list: ReadonlyArray<{ id: number; reference: string }>, chosen: readonly number[]) =>
    list
      .filter((x) => chosen.includes(x.id))
      .map((x) => x.reference)
      .join(', ') || 'None'
  const row = (label: string, a: string, b: string) => ({ label, yours: a, saved: b })
  return [
    row('Ambition', yours.title, s.title),
    row('Statement', yours.statement, s.statement),
    row('Corporate plan theme', yours.theme, s.theme),
    row('Horizon', formatDate(yours.horizonOn), formatDate(s.horizonOn)),
    row('Status', labelOf(AMBITION_STATUSES, yours.status), labelOf(AMBITION_STATUSES, s.status)),
    row('Owner', ownerName(yours, options.people), saved.ambition.owner),
    row('Programmes', refs(options.programmes, yours.programmeIds), refs(saved.programmes, s.programmeIds)),
    row('Projects', refs(options.projects, yours.projectIds), refs(saved.projects, s.projectIds)),
  ]
}
