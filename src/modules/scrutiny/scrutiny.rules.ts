import { isIsoDate } from '../../domain/dates.ts'
import { MAX_RESPONSE_MONTHS } from '../../domain/due-dates.ts'

type Option = { value: string; text: string }
const labelOf = (options: readonly Option[], value: string | null) =>
  options.find((o) => o.value === value)?.text ?? value ?? ''

export const COMMITTEE_KINDS = [
  { value: 'scrutiny_panel', text: 'Scrutiny panel' },
  { value: 'executive', text: 'Executive (Cabinet)' },
  { value: 'programme_board', text: 'Programme board' },
] as const
export const MEMBER_ROLES = [
  { value: 'chair', text: 'Chair' },
  { value: 'vice_chair', text: 'Vice-chair' },
  { value: 'member', text: 'Member' },
  { value: 'supporting_officer', text: 'Supporting officer' },
] as const
export const MEETING_STATUSES = [
  { value: 'scheduled', text: 'Scheduled' },
  { value: 'held', text: 'Held' },
  { value: 'cancelled', text: 'Cancelled' },
] as const
export const POINT_KINDS = [
  { value: 'comment', text: 'Member’s comment' },
  { value: 'question', text: 'Question' },
  { value: 'response', text: 'Officer’s response' },
] as const
export const RECOMMENDATION_KINDS = [
  { value: 'recommendation', text: 'Recommendation' },
  { value: 'request', text: 'Request' },
] as const
export const ADDRESSEES = [
  { value: 'portfolio_holder', text: 'Portfolio Holder' },
  { value: 'executive', text: 'The Executive (Cabinet)' },
  { value: 'officer', text: 'Officer' },
] as const
export const RESPONSES = [
  { value: 'accepted', text: 'Accepted' },
  { value: 'partly_accepted', text: 'Partly accepted' },
  { value: 'rejected', text: 'Rejected' },
] as const
/** Stored statuses; "response overdue" is derived from the due date, so it can never go stale. */
export const RECOMMENDATION_STATUSES = [
  { value: 'awaiting_response', text: 'Awaiting response', colour: 'grey' },
  { value: 'response_overdue', text: 'Response overdue', colour: 'red' },
  { value: 'accepted_in_progress', text: 'Accepted – in progress', colour: 'blue' },
  { value: 'implemented', text: 'Implemented', colour: 'green' },
  { value: 'rejected', text: 'Rejected', colour: 'orange' },
  { value: 'paused', text: 'Paused', colour: 'yellow' },
] as const
/** Statuses an addressee or lead officer may set after responding. */
export const SETTABLE_STATUSES = ['accepted_in_progress', 'implemented', 'paused'] as const
export const ACTION_STATUSES = [
  { value: 'not_started', text: 'Not started' },
  { value: 'in_progress', text: 'In progress' },
  { value: 'done', text: 'Done' },
] as const

export const committeeKindLabel = (v: string) => labelOf(COMMITTEE_KINDS, v)
export const memberRoleLabel = (v: string) => labelOf(MEMBER_ROLES, v)
export const meetingStatusLabel = (v: string) => labelOf(MEETING_STATUSES, v)
export const pointKindLabel = (v: string) => labelOf(POINT_KINDS, v)
export const recommendationKindLabel = (v: string) => labelOf(RECOMMENDATION_KINDS, v)
export const addresseeLabel = (v: string) => labelOf(ADDRESSEES, v)
export const responseLabel = (v: string | null) => labelOf(RESPONSES, v)
export const actionStatusLabel = (v: string) => labelOf(ACTION_STATUSES, v)
export function statusTag(status: string): { text: string; classes: string } {
  const s = RECOMMENDATION_STATUSES.find((o) => o.value === status)
  return { text: s?.text ?? status, classes: `govuk-tag--${s?.colour ?? 'grey'}` }
}

const has = (options: readonly Option[], v: string | null | undefined) => options.some((o) => o.value === v)
type Errors = Record<string, string>

export interface CommitteeInput {
  name: string
  code: string
  kind: string
  description: string
  responseMonths: number | null
}
export function validateCommittee(i: CommitteeInput): Errors {
  const e: Errors = {}
  if (!i.name.trim()) e.name = 'Enter the committee’s name'
  else if (i.name.length > 200) e.name = 'Name must be 200 characters or fewer'
  if (i.code && !/^[A-Za-z0-9-]{1,10}$/.test(i.code))
    e.code = 'Code must be up to 10 letters or numbers, like PMP'
  if (!has(COMMITTEE_KINDS, i.kind)) e.kind = 'Select what kind of committee this is'
  if (i.responseMonths === null || i.responseMonths < 1 || i.responseMonths > MAX_RESPONSE_MONTHS)
    e.responseMonths = `Response time must be a whole number of months from 1 to ${MAX_RESPONSE_MONTHS}`
  return e
}

export interface MemberInput {
  userId: number | null
  name: string
  role: string
}
export function validateMember(i: MemberInput): Errors {
  const e: Errors = {}
  if (i.userId === null && !i.name.trim()) e.name = 'Choose a person or enter the member’s name'
  if (!has(MEMBER_ROLES, i.role)) e.role = 'Select the member’s role'
  return e
}

export interface MeetingInput {
  meetingDate: string | null
  startTime: string
  place: string
  status: string
}
export function validateMeeting(i: MeetingInput): Errors {
  const e: Errors = {}
  if (!i.meetingDate || !isIsoDate(i.meetingDate)) e.meetingDate = 'Enter the date of the meeting'
  if (i.startTime && !/^([01]\d|2[0-3]):[0-5]\d$/.test(i.startTime))
    e.startTime = 'Enter the start time as hours and minutes on the 24-hour clock, like 18:30'
  if (!has(MEETING_STATUSES, i.status)) e.status = 'Select the meeting’s status'
  return e
}

export interface AgendaItemInput {
  number: string
  title: string
  purpose: string
  reportsPresented: string
  presenters: string
  minutes: string
}
export function validateAgendaItem(i: AgendaItemInput): Errors {
  const e: Errors = {}
  if (!i.number.trim()) e.number = 'Enter the item number, like 7'
  else if (i.number.length > 10) e.number = 'Item number must be 10 characters or fewer'
  if (!i.title.trim()) e.title = 'Enter the item’s title'
  if (i.minutes.length > 50000) e.minutes = 'Minutes must be 50,000 characters or fewer'
  return e
}

export interface PointInput {
  parentId: number | null
  kind: string
  speakerName: string
  speakerRole: string
  text: string
}
export function validatePoint(i: PointInput): Errors {
  const e: Errors = {}
  if (!has(POINT_KINDS, i.kind)) e.kind = 'Select whether this is a comment, a question or a response'
  if (!i.text.trim()) e.text = 'Enter what was said'
  return e
}

export interface RecommendationInput {
  reference: string
  kind: string
  text: string
  addressedTo: string
  addresseeUserId: number | null
  leadOfficerUserId: number | null
}
export function validateRecommendation(i: RecommendationInput): Errors {
  const e: Errors = {}
  if (!i.reference.trim()) e.reference = 'Enter a reference, like PMP/2021/03'
  else if (!/^[A-Za-z0-9/_.-]{1,30}$/.test(i.reference.trim()))
    e.reference = 'Reference must be up to 30 letters, numbers, slashes or hyphens'
  if (!has(RECOMMENDATION_KINDS, i.kind)) e.kind = 'Select recommendation or request'
  if (!i.text.trim()) e.text = 'Enter the text of the recommendation'
  if (!has(ADDRESSEES, i.addressedTo)) e.addressedTo = 'Select who the recommendation is addressed to'
  if (i.addresseeUserId === null) e.addresseeUserId = 'Select the person who must respond'
  return e
}

export interface ResponseInput {
  response: string
  reasons: string
  respondedOn: string | null
}
export function validateResponse(i: ResponseInput, madeOn: string): Errors {
  const e: Errors = {}
  if (!has(RESPONSES, i.response))
    e.response = 'Select whether the recommendation is accepted, partly accepted or rejected'
  if (i.response !== 'accepted' && !i.reasons.trim())
    e.reasons = 'Give the reasons: the panel must be told why a recommendation is not accepted in full'
  if (!i.respondedOn || !isIsoDate(i.respondedOn)) e.respondedOn = 'Enter the date of the response'
  else if (i.respondedOn < madeOn)
    e.respondedOn = 'The response date must be on or after the date the recommendation was made'
  return e
}

export interface ActionInput {
  text: string
  ownerUserId: number | null
  dueOn: string | null
  projectId: number | null
  programmeId: number | null
  status: string
  evidenceText: string
  evidenceUrl: string
}
export function validateAction(i: ActionInput): Errors {
  const e: Errors = {}
  if (!i.text.trim()) e.text = 'Enter what will be done'
  if (i.ownerUserId === null) e.ownerUserId = 'Select who owns the action'
  if (i.dueOn !== null && !isIsoDate(i.dueOn)) e.dueOn = 'Enter a real due date'
  if (!has(ACTION_STATUSES, i.status)) e.status = 'Select the action’s status'
  if (i.evidenceUrl && !/^https?:\/\/\S+$/i.test(i.evidenceUrl))
    e.evidenceUrl = 'Evidence link must start with https:// or http://'
  return e
}
