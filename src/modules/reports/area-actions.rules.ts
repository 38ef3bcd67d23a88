import { isIsoDate, type IsoDate } from '../../domain/dates.ts'

/** Where an area for consideration's action stands: the panel hears of each until it is done or dropped. */
export const AREA_ACTION_STATUSES = ['open', 'in_progress', 'done', 'dropped'] as const
export type AreaActionStatus = (typeof AREA_ACTION_STATUSES)[number]

export const AREA_ACTION_STATUS_LABELS: Record<AreaActionStatus, string> = {
  open: 'Open',
  in_progress: 'In progress',
  done: 'Done',
  dropped: 'Dropped',
}

const TAG_CLASSES: Record<AreaActionStatus, string> = {
  open: 'govuk-tag--blue',
  in_progress: 'govuk-tag--yellow',
  done: 'govuk-tag--green',
  dropped: 'govuk-tag--grey',
}

export function isAreaActionStatus(v: string): v is AreaActionStatus {
  return (AREA_ACTION_STATUSES as readonly string[]).includes(v)
}

/** An action is overdue from the day after its due date until it is done or dropped. */
export function isAreaActionOverdue(a: { due_on: string | null; status: string }, today: IsoDate): boolean {
  return a.due_on !== null && today > a.due_on && (a.status === 'open' || a.status === 'in_progress')
}

/** The tag a list shows: the status, or "Overdue" when it has passed its due date still unfinished. */
export function areaActionTag(a: { due_on: string | null; status: string }, today: IsoDate) {
  if (isAreaActionOverdue(a, today)) return { text: 'Overdue', classes: 'govuk-tag--red' }
  const s = isAreaActionStatus(a.status) ? a.status : 'open'
  return { text: AREA_ACTION_STATUS_LABELS[s], classes: TAG_CLASSES[s] }
}

export interface AreaActionInput {
  ownerUserId: number | null
  dueOn: string | null
  status: string
  /** A progress note to add with the change ('' for none), and the day it describes. */
  note: string
  notedOn: string | null
}

/** Checks a change to an area's action; `owners` are the organisation's members who may own it. */
export function validateAreaAction(
  input: AreaActionInput,
  owners: readonly number[],
  today: IsoDate,
): Record<string, string> {
  const errors: Record<string, string> = {}
  if (input.ownerUserId === null || !owners.includes(input.ownerUserId))
    errors.ownerUserId = 'Select who will take this forward'
  if (input.dueOn !== null && !isIsoDate(input.dueOn)) errors.dueOn = 'Due date must be a real date'
  if (!isAreaActionStatus(input.status)) errors.status = 'Select where the action stands'
  if (input.note.length > 4000) errors.note = 'Progress note must be 4,000 characters or fewer'
  if (input.notedOn !== null) {
    if (!isIsoDate(input.notedOn)) errors.notedOn = 'Date of the progress must be a real date'
    else if (input.notedOn > today) errors.notedOn = 'Date of the progress must be today or in the past'
    if (input.note.trim() === '' && !errors.notedOn) errors.note = 'Enter the progress made on that date'
  }
  return errors
}
