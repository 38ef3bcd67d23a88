import { resubmitFields } from '../../../web/form-pages.ts'
import { errorList, field, fields, optionalInt, type FormBody } from '../../../web/forms.ts'
import { ownerFieldView, readOwner, type PersonChoice } from '../../resourcing/person-refs.ts'
import {
  FREQUENCY_ITEMS,
  INDICATOR_STATUSES,
  POLARITIES,
  ROLLUP_ITEMS,
  UNITS,
  type IndicatorInput,
} from './indicators.rules.ts'
import type { IndicatorView, OwnerInput } from './indicators.service.ts'

// The definition form: its fields, the owner (a person of the register) and what the indicator measures.

const ORDER = [
  'name',
  'description',
  'unit',
  'scale',
  'polarity',
  'frequency',
  'rollup',
  'groupName',
  'dataSource',
  'ownerPersonId',
  'status',
  'ambitionIds',
  'programmeIds',
  'projectIds',
]

export function readIndicatorForm(body: FormBody): { input: IndicatorInput; owner: OwnerInput } {
  // The conflict page posts each list back as one comma-separated field (see resubmitIndicator).
  const ids = (name: string) =>
    fields(body, name)
      .flatMap((v) => v.split(','))
      .filter((v) => v.trim() !== '')
      .map((v) => optionalInt(v.trim()) ?? 0)
  const scale = field(body, 'scale')
  return {
    input: {
      name: field(body, 'name'),
      description: field(body, 'description'),
      unit: field(body, 'unit'),
      scale: scale === '' ? 0 : (optionalInt(scale) ?? -1),
      polarity: field(body, 'polarity'),
      frequency: field(body, 'frequency'),
      rollup: field(body, 'rollup'),
      groupName: field(body, 'groupName'),
      dataSource: field(body, 'dataSource'),
      status: field(body, 'status'),
      ambitionIds: ids('ambitionIds'),
      programmeIds: ids('programmeIds'),
      projectIds: ids('projectIds'),
    },
    owner: readOwner(body, 'ownerPersonId', 'owner'),
  }
}

export function inputOf(v: IndicatorView): { input: IndicatorInput; owner: OwnerInput } {
  const i = v.indicator
  const ids = (kind: string) => v.links.filter((l) => l.kind === kind).map((l) => l.id)
  return {
    input: {
      name: i.name,
      description: i.description,
      unit: i.unit,
      scale: i.scale,
      polarity: i.polarity,
      frequency: i.frequency,
      rollup: i.rollup,
      groupName: i.group_name,
      dataSource: i.data_source,
      status: i.status,
      ambitionIds: ids('ambition'),
      programmeIds: ids('programme'),
      projectIds: ids('project'),
    },
    owner: { personId: i.owner_person_id, name: i.owner },
  }
}

interface Options {
  people: PersonChoice[]
  ambitions: Array<{ id: number; title: string }>
  programmes: Array<{ id: number; reference: string; name: string }>
  projects: Array<{ id: number; reference: string; name: string }>
}

const radios = (list: ReadonlyArray<{ value: string; text: string; hint?: string }>, chosen: string) =>
  list.map((x) => ({
    value: x.value,
    text: x.text,
    ...(x.hint ? { hint: { text: x.hint } } : {}),
    checked: x.value === chosen,
  }))

export function indicatorFormContext(
  values: { input: IndicatorInput; owner: OwnerInput },
  options: Options,
  errors: Record<string, string>,
) {
  const v = values.input
  return {
    errors,
    errorList: errorList(errors, ORDER),
    values: v,
    scaleText: v.scale < 0 ? '' : String(v.scale),
    unitItems: radios(UNITS, v.unit),
    polarityItems: radios(POLARITIES, v.polarity),
    frequencyItems: radios(FREQUENCY_ITEMS, v.frequency),
    rollupItems: radios(ROLLUP_ITEMS, v.rollup),
    statusItems: radios(INDICATOR_STATUSES, v.status),
    owner: ownerFieldView(
      {
        legend: 'Owner',
        hint: 'The person who answers for this measure and its figures',
        idField: 'ownerPersonId',
        nameField: 'owner',
      },
      options.people,
      values.owner,
      errors,
    ),
    ambitionItems: options.ambitions.map((a) => ({
      value: String(a.id),
      text: a.title,
      checked: v.ambitionIds.includes(a.id),
    })),
    programmeItems: options.programmes.map((p) => ({
      value: String(p.id),
      text: `${p.reference}: ${p.name}`,
      checked: v.programmeIds.includes(p.id),
    })),
    projectItems: options.projects.map((p) => ({
      value: String(p.id),
      text: `${p.reference}: ${p.name}`,
      checked: v.projectIds.includes(p.id),
    })),
  }
}

/** The form's fields to post again from the conflict page, the checked lists kept whole. */
export function resubmitIndicator(body: FormBody): Record<string, string> {
  return {
    ...resubmitFields(body),
    ambitionIds: fields(body, 'ambitionIds').join(','),
    programmeIds: fields(body, 'programmeIds').join(','),
    projectIds: fields(body, 'projectIds').join(','),
  }
}
