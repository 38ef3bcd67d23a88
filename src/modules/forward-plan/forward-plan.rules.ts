import { addDays, daysBetween, isIsoDate, type IsoDate } from '../../domain/dates.ts'
import { addWorkingDays, isWorkingDay, type HolidayPredicate } from '../../domain/working-days.ts'

// The forward plan and the Access to Information rules (issue 12). Pure rules: what a valid entry is, and
// the clear-day counts the law sets. A "clear day" excludes both the day the clock starts and the day of the
// event: a notice published on the 1st gives 28 clear days before a decision on the 30th.

export const ENTRY_STATUSES = [
  { value: 'planned', text: 'Planned' },
  { value: 'taken', text: 'Taken' },
  { value: 'deferred', text: 'Deferred' },
  { value: 'withdrawn', text: 'Withdrawn' },
] as const

/** Schedule 12A to the Local Government Act 1972, Part 1: the descriptions of exempt information. */
export const EXEMPT_PARAGRAPHS = [
  { value: '1', text: 'Paragraph 1: information relating to any individual' },
  { value: '2', text: 'Paragraph 2: information likely to reveal the identity of an individual' },
  {
    value: '3',
    text: 'Paragraph 3: the financial or business affairs of any particular person (including the council)',
  },
  { value: '4', text: 'Paragraph 4: consultations or negotiations on labour relations' },
  { value: '5', text: 'Paragraph 5: legal professional privilege' },
  { value: '6', text: 'Paragraph 6: notices, orders or directions the council proposes to give or make' },
  { value: '7', text: 'Paragraph 7: the prevention, investigation or prosecution of crime' },
] as const

/** Days a key decision must be on the forward plan before it is taken (2012 Regulations, reg. 9). */
export const FORWARD_PLAN_CLEAR_DAYS = 28
/** Clear working days a meeting's papers must be open to inspection before it (LGA 1972 s.100B). */
export const PAPERS_CLEAR_WORKING_DAYS = 5
export const DEFAULT_CALL_IN_WORKING_DAYS = 5

export const labelOf = (list: ReadonlyArray<{ value: string; text: string }>, value: string) =>
  list.find((x) => x.value === value)?.text ?? value

export function exemptLabel(paragraph: string): string {
  return `Exempt: Local Government Act 1972, Schedule 12A, paragraph ${paragraph}`
}

/** Whole days strictly between a and b. */
export function clearDaysBetween(a: IsoDate, b: IsoDate): number {
  return Math.max(0, daysBetween(a, b) - 1)
}

/** Working days strictly between a and b, by the organisation's calendar. */
export function clearWorkingDaysBetween(a: IsoDate, b: IsoDate, isHoliday: HolidayPredicate): number {
  let n = 0
  for (let d = addDays(a, 1); d < b; d = addDays(d, 1)) if (isWorkingDay(d, isHoliday)) n++
  return n
}

/** Whether an entry listed on `listedOn` gives the 28 clear days' notice of a decision on `decidedOn`. */
export function givesNotice(listedOn: IsoDate, decidedOn: IsoDate): boolean {
  return clearDaysBetween(listedOn, decidedOn) >= FORWARD_PLAN_CLEAR_DAYS
}

/** The last day a meeting's papers may be published: five clear working days before it. */
export function papersDueBy(meetingDate: IsoDate, isHoliday: HolidayPredicate): IsoDate {
  let d = addDays(meetingDate, -1)
  let clear = 0
  while (clear < PAPERS_CLEAR_WORKING_DAYS) {
    if (isWorkingDay(d, isHoliday)) clear++
    d = addDays(d, -1)
  }
  return d
}

/** The last day of the call-in period of a decision published on `publishedOn`. */
export function callInEndsOn(
  publishedOn: IsoDate,
  workingDays: number,
  isHoliday: HolidayPredicate,
): IsoDate {
  return addWorkingDays(publishedOn, workingDays, isHoliday)
}

/** Why implementing a decision on `on` is refused, or null when it may be carried out. */
export function implementationProblem(
  on: IsoDate,
  publishedOn: IsoDate | null,
  workingDays: number,
  isHoliday: HolidayPredicate,
): string | null {
  if (publishedOn === null) return 'A decision can be implemented only once it is published'
  const ends = callInEndsOn(publishedOn, workingDays, isHoliday)
  if (on <= ends)
    return `This decision is in its call-in period until the end of ${ends}: it cannot be implemented before ${addDays(ends, 1)}`
  return null
}

export interface EntryInput {
  title: string
  description: string
  /** "board:ID" or "user:ID" */
  decisionMaker: string
  expectedOn: string
  /** A date the form could not read, in GOV.UK wording. */
  expectedOnError?: string
  isExempt: boolean
  exemptParagraph: string
  status: string
  decisionId: number | null
  programmeId: number | null
  projectId: number | null
}

export function readDecisionMaker(key: string): { boardId: number | null; userId: number | null } | null {
  const m = /^(board|user):(\d{1,9})$/.exec(key)
  if (!m) return null
  const id = Number(m[2])
  return m[1] === 'board' ? { boardId: id, userId: null } : { boardId: null, userId: id }
}

const MAX_TITLE = 200
const MAX_DESCRIPTION = 4000

/**
 * A valid entry. A new entry (or one whose expected date moves) cannot be expected in the past: the plan is
 * notice of what is to come. An exempt entry names its paragraph of Schedule 12A.
 */
export function validateEntry(
  e: EntryInput,
  today: IsoDate,
  previousExpectedOn: IsoDate | null,
): Record<string, string> {
  const errors: Record<string, string> = {}
  const title = e.title.trim()
  if (title === '') errors.title = 'Enter the decision to be taken'
  else if (title.length > MAX_TITLE) errors.title = `Decision must be ${MAX_TITLE} characters or fewer`
  if (e.description.length > MAX_DESCRIPTION)
    errors.description = `Description must be ${MAX_DESCRIPTION} characters or fewer`
  if (readDecisionMaker(e.decisionMaker) === null) errors.decisionMaker = 'Select who takes the decision'
  if (e.expectedOnError) errors.expectedOn = e.expectedOnError
  else if (!isIsoDate(e.expectedOn))
    errors.expectedOn = 'Enter the date the decision is expected, for example 27 3 2027'
  else if (e.expectedOn < today && e.expectedOn !== previousExpectedOn)
    errors.expectedOn = 'The date the decision is expected must be today or in the future'
  if (e.isExempt && !EXEMPT_PARAGRAPHS.some((p) => p.value === e.exemptParagraph))
    errors.exemptParagraph = 'Select the paragraph of Schedule 12A that makes it exempt'
  if (!ENTRY_STATUSES.some((s) => s.value === e.status)) errors.status = 'Select the status'
  return errors
}
