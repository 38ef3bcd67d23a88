import type { Project } from '../../db/schema.ts'
import { formatDate } from '../../domain/dates.ts'
import { dateItems, readDate } from '../../web/form-pages.ts'
import { errorList, field, fields, optionalInt, type FormBody } from '../../web/forms.ts'
import { ownerFieldView, readOwner, type PersonChoice } from '../resourcing/person-refs.ts'
import {
  PROJECT_FIELD_ORDER,
  PROJECT_STAGES,
  projectStageLabel,
  type GatePassBeforeOversight,
  type ProjectInput,
} from './projects.rules.ts'
import { toProjectInput } from './projects.service.ts'

/** The six dates, as the form asks for them. */
export const PROJECT_DATES = [
  { name: 'baselineStart', label: 'Baseline start date', hint: 'The start date in the approved plan' },
  { name: 'baselineEnd', label: 'Baseline end date', hint: 'The end date in the approved plan' },
  { name: 'forecastStart', label: 'Forecast start date', hint: 'When the project is now expected to start' },
  { name: 'forecastEnd', label: 'Forecast end date', hint: 'When the project is now expected to finish' },
  { name: 'actualStart', label: 'Actual start date', hint: 'Leave blank until the project has started' },
  { name: 'actualEnd', label: 'Actual end date', hint: 'Leave blank until the project has finished' },
] as const

export function blankProject(programmeId: number | null): ProjectInput {
  return {
    reference: '',
    name: '',
    programmeId,
    description: '',
    projectManagerPersonId: null,
    projectManager: '',
    sponsorPersonId: null,
    sponsor: '',
    stage: 'idea',
    partnerIds: [],
    baselineStart: null,
    baselineEnd: null,
    forecastStart: null,
    forecastEnd: null,
    actualStart: null,
    actualEnd: null,
  }
}

export function readProjectForm(body: FormBody, errors: Record<string, string>): ProjectInput {
  const partnerIds = fields(body, 'partnerIds').map((v) => optionalInt(v))
  if (partnerIds.some((id) => id === null)) errors.partnerIds = 'Select partners from the list'
  const date = (name: (typeof PROJECT_DATES)[number]['name']) =>
    readDate(body, name, PROJECT_DATES.find((d) => d.name === name)!.label, errors)
  const manager = readOwner(body, 'projectManagerPersonId', 'projectManager')
  const sponsor = readOwner(body, 'sponsorPersonId', 'sponsor')
  return {
    reference: field(body, 'reference'),
    name: field(body, 'name'),
    programmeId: optionalInt(field(body, 'programmeId')),
    description: field(body, 'description'),
    projectManagerPersonId: manager.personId,
    projectManager: manager.name,
    sponsorPersonId: sponsor.personId,
    sponsor: sponsor.name,
    stage: field(body, 'stage'),
    partnerIds: partnerIds.filter((id) => id !== null),
    baselineStart: date('baselineStart'),
    baselineEnd: date('baselineEnd'),
    forecastStart: date('forecastStart'),
    forecastEnd: date('forecastEnd'),
    actualStart: date('actualStart'),
    actualEnd: date('actualEnd'),
  }
}

export function projectFormContext(
  values: ProjectInput,
  body: FormBody | null,
  errors: Record<string, string>,
  programmes: Array<{ id: number; reference: string; name: string }>,
  partners: Array<{ id: number; name: string }>,
  people: readonly PersonChoice[],
) {
  // The layout shows the error summary (and "Error:" in the title) whenever `errors` is set, even if empty.
  const invalid = Object.keys(errors).length > 0
  return {
    values,
    errors: invalid ? errors : undefined,
    errorList: invalid ? errorList(errors, PROJECT_FIELD_ORDER) : undefined,
    programmeItems: [
      { value: '', text: 'Select a programme', selected: values.programmeId === null },
      ...programmes.map((p) => ({
        value: String(p.id),
        text: `${p.reference} – ${p.name}`,
        selected: p.id === values.programmeId,
      })),
    ],
    projectManager: ownerFieldView(
      {
        legend: 'Project manager',
        hint: 'The officer who runs the project day to day',
        idField: 'projectManagerPersonId',
        nameField: 'projectManager',
      },
      people,
      { personId: values.projectManagerPersonId, name: values.projectManager },
      invalid ? errors : undefined,
    ),
    sponsor: ownerFieldView(
      {
        legend: 'Sponsor',
        hint: "The senior officer accountable for the project's benefits",
        idField: 'sponsorPersonId',
        nameField: 'sponsor',
      },
      people,
      { personId: values.sponsorPersonId, name: values.sponsor },
      invalid ? errors : undefined,
    ),
    stages: PROJECT_STAGES.map((s) => ({ ...s, checked: s.value === values.stage })),
    partnerItems: partners.map((p) => ({
      value: String(p.id),
      text: p.name,
      checked: values.partnerIds.includes(p.id),
    })),
    dates: PROJECT_DATES.map((d) => ({
      ...d,
      items: dateItems(body, d.name, values[d.name], Boolean(errors[d.name])),
      error: errors[d.name],
    })),
  }
}

/** Both versions of a stale edit, field by field, for the conflict page. */
export function projectConflictRows(
  yours: ProjectInput,
  saved: Project,
  savedPartnerIds: number[],
  programmes: Array<{ id: number; reference: string; name: string }>,
  partners: Array<{ id: number; name: string }>,
  people: readonly PersonChoice[],
) {
  const s = toProjectInput(saved, savedPartnerIds)
  // The person chosen from the list, by name; a typed name is shown as typed.
  const person = (id: number | null, typed: string) =>
    typed || (people.find((p) => p.value === String(id))?.text ?? '')
  const programme = (id: number | null) => programmes.find((p) => p.id === id)?.name ?? ''
  const sharedWith = (ids: number[]) =>
    partners
      .filter((p) => ids.includes(p.id))
      .map((p) => p.name)
      .join(', ') || 'No partner'
  const row = (label: string, a: string, b: string) => ({ label, yours: a, saved: b })
  return [
    row('Reference', yours.reference, s.reference),
    row('Project name', yours.name, s.name),
    row('Programme', programme(yours.programmeId), programme(s.programmeId)),
    row('Description', yours.description, s.description),
    row('Project manager', person(yours.projectManagerPersonId, yours.projectManager), s.projectManager),
    row('Sponsor', person(yours.sponsorPersonId, yours.sponsor), s.sponsor),
    row('Stage', projectStageLabel(yours.stage), projectStageLabel(s.stage)),
    row('Shared with', sharedWith(yours.partnerIds), sharedWith(s.partnerIds)),
    ...PROJECT_DATES.map((d) => row(d.label, formatDate(yours[d.name]), formatDate(s[d.name]))),
  ]
}

/** A gate on the way to the stage a new project is created in. */
export interface GateOnTheWay {
  id: number
  name: string
  required_for_stage: string | null
}

/**
 * The gates the person says were passed before Oversight: only when they tick that they were, and only
 * the gates on the way to the stage now chosen. Who and when left blank are "not recorded".
 */
export function readGatePasses(
  body: FormBody,
  gates: readonly GateOnTheWay[],
  errors: Record<string, string>,
): GatePassBeforeOversight[] {
  if (field(body, 'passedBeforeOversight') !== 'yes') return []
  return gates.map((g) => ({
    gateId: g.id,
    approvedBy: field(body, `gate-${g.id}-approvedBy`) || null,
    approvedOn: readDate(body, `gate-${g.id}-approvedOn`, 'Date approved', errors),
  }))
}

/** The form's "passed before Oversight" section: one block per gate on the way, refilled from the post. */
export function gatePassesContext(
  body: FormBody,
  gates: readonly GateOnTheWay[],
  errors: Record<string, string>,
) {
  return {
    checked: field(body, 'passedBeforeOversight') === 'yes',
    gates: gates.map((g) => ({
      id: g.id,
      name: g.name,
      stageText: projectStageLabel(g.required_for_stage ?? ''),
      approvedBy: field(body, `gate-${g.id}-approvedBy`),
      approvedByError: errors[`gate-${g.id}-approvedBy`],
      approvedOnError: errors[`gate-${g.id}-approvedOn`],
      dateItems: dateItems(body, `gate-${g.id}-approvedOn`, null, Boolean(errors[`gate-${g.id}-approvedOn`])),
    })),
  }
}
