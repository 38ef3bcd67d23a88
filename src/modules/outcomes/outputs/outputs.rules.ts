import { isIsoDate } from '../../../domain/dates.ts'
import { labelOf } from '../../responsibilities/responsibilities.rules.ts'

export { labelOf }

// Outputs (issue 11): officers could answer "what had been delivered" only from memory. An output is a
// deliverable of one project: what it is, its type, when it was planned and delivered, who accepted it and
// when, and the project's milestones it is delivered at.

export const OUTPUT_TYPES = [
  { value: 'service', text: 'Service', hint: 'A service residents or businesses use' },
  { value: 'system', text: 'System', hint: 'A system or platform, or a change to one' },
  { value: 'content', text: 'Content', hint: 'Web pages, forms, guidance or other content' },
  { value: 'process', text: 'Process', hint: 'A new or changed way of working' },
  { value: 'capability', text: 'Capability', hint: 'Skills, a team or knowledge the council now has' },
] as const

export const OUTPUT_STATUSES = [
  { value: 'planned', text: 'Planned' },
  { value: 'in_progress', text: 'In progress' },
  { value: 'delivered', text: 'Delivered' },
  { value: 'accepted', text: 'Accepted' },
  { value: 'withdrawn', text: 'Withdrawn' },
] as const

export interface OutputInput {
  title: string
  type: string
  description: string
  plannedOn: string | null
  deliveredOn: string | null
  /** Who accepted it: a person of the register, or a name typed for someone not in it yet (person-refs.ts). */
  acceptedByPersonId: number | null
  acceptedBy: string
  acceptedOn: string | null
  status: string
  milestoneIds: number[]
}

export const OUTPUT_FIELD_ORDER = [
  'title',
  'type',
  'description',
  'plannedOn',
  'deliveredOn',
  'status',
  'acceptedByPersonId',
  'acceptedOn',
  'milestoneIds',
]

const within = (list: ReadonlyArray<{ value: string }>, v: string) => list.some((x) => x.value === v)

/**
 * An output's field errors in GOV.UK wording. `projectMilestones` are the ids of the milestones of the output's
 * own project: a milestone of another project is refused, never linked. Delivery and acceptance tell one story:
 * delivered against a plan, accepted by someone on or after delivery, and neither in the future.
 */
export function validateOutput(
  o: OutputInput,
  today: string,
  projectMilestones: ReadonlySet<number>,
): Record<string, string> {
  const errors: Record<string, string> = {}
  if (o.title.trim() === '') errors.title = 'Enter what the output is'
  else if (o.title.length > 200) errors.title = 'Output must be 200 characters or fewer'
  if (!within(OUTPUT_TYPES, o.type))
    errors.type = 'Choose whether it is a service, system, content, a process or a capability'
  if (o.description.length > 4000) errors.description = 'Description must be 4000 characters or fewer'
  for (const [name, label] of [
    ['plannedOn', 'Planned delivery date'],
    ['deliveredOn', 'Actual delivery date'],
    ['acceptedOn', 'Acceptance date'],
  ] as const) {
    const v = o[name]
    if (v !== null && !isIsoDate(v)) errors[name] = `${label} must be a real date`
  }
  if (!within(OUTPUT_STATUSES, o.status)) errors.status = 'Choose a status'
  const accepted = o.acceptedByPersonId !== null || o.acceptedBy.trim() !== ''
  if (o.acceptedBy.length > 200) errors.acceptedByPersonId = 'Name must be 200 characters or fewer'

  if (!errors.deliveredOn && o.deliveredOn !== null) {
    if (o.plannedOn === null && !errors.plannedOn)
      errors.plannedOn = 'Enter the planned delivery date: an output is delivered against a plan'
    else if (o.deliveredOn > today) errors.deliveredOn = 'Actual delivery date must be today or in the past'
  }
  if (!errors.acceptedOn && o.acceptedOn !== null) {
    if (o.deliveredOn === null && !errors.deliveredOn)
      errors.deliveredOn = 'Enter the actual delivery date: an output is accepted once it is delivered'
    else if (o.deliveredOn !== null && o.acceptedOn < o.deliveredOn)
      errors.acceptedOn = 'Acceptance date must be the same as or after the actual delivery date'
    else if (o.acceptedOn > today) errors.acceptedOn = 'Acceptance date must be today or in the past'
    if (!accepted) errors.acceptedByPersonId = 'Choose who accepted the output'
  } else if (accepted && !errors.acceptedOn) errors.acceptedOn = 'Enter the date the output was accepted'

  // The status tells the same story as the dates: what has a delivery date is delivered, what was accepted is.
  if (!errors.status && o.acceptedOn !== null && o.status !== 'accepted')
    errors.status = 'Choose accepted: the output has an acceptance date'
  else if (!errors.status && o.deliveredOn !== null && o.status !== 'delivered' && o.status !== 'accepted')
    errors.status = 'Choose delivered or accepted: the output has an actual delivery date'
  if (o.status === 'delivered' && o.deliveredOn === null && !errors.deliveredOn)
    errors.deliveredOn = 'Enter the actual delivery date of a delivered output'
  if (o.status === 'accepted' && o.acceptedOn === null && !errors.acceptedOn)
    errors.acceptedOn = 'Enter the date the output was accepted, and who accepted it'

  if (o.milestoneIds.some((id) => !projectMilestones.has(id)))
    errors.milestoneIds = 'Choose milestones of this project from the list'
  return errors
}
