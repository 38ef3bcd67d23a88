import type { DatedFte } from '../../domain/capacity.ts'
import { addMonths, isIsoDate, type IsoDate } from '../../domain/dates.ts'
import { personFteProblem } from '../../domain/fte.ts'
import { isPence } from '../../domain/money.ts'

// What makes a person, post, holding, secondment or skill acceptable: pure rules, unit-tested, that the
// service applies before it writes. Field names are the API's; the pages name their inputs the same.

export const PERSON_KINDS = [
  { value: 'employee', text: 'Employee' },
  { value: 'secondee', text: 'Secondee' },
  { value: 'contractor', text: 'Contractor' },
  { value: 'partner_staff', text: 'Partner staff' },
  { value: 'councillor', text: 'Councillor' },
] as const

export const POST_STATUSES = [
  { value: 'vacant', text: 'Vacant' },
  { value: 'filled', text: 'Filled' },
  { value: 'frozen', text: 'Frozen' },
  { value: 'deleted', text: 'Deleted' },
] as const

export const SECONDMENT_DIRECTIONS = [
  { value: 'out', text: 'Seconded out (their time goes elsewhere)' },
  { value: 'in', text: 'Seconded in (their time comes to us)' },
] as const

export const SKILL_LEVELS = [
  { value: 'awareness', text: 'Awareness' },
  { value: 'working', text: 'Working' },
  { value: 'practitioner', text: 'Practitioner' },
  { value: 'expert', text: 'Expert' },
] as const

export const labelOf = (list: readonly { value: string; text: string }[], v: string) =>
  list.find((x) => x.value === v)?.text ?? v

const known = (list: readonly { value: string }[], v: string) => list.some((x) => x.value === v)

export interface PersonInput {
  name: string
  kind: string
  partnerId: number | null
  userId: number | null
  jobTitle: string
  team: string
  email: string
}

export interface PostInput {
  title: string
  team: string
  grade: string
  fteHundredths: number
  funded: boolean
  annualCostPence: number
  budgetLineId: number | null
  fundingStreamId: number | null
  status: string
  approvedOn: IsoDate | null
  advertisedOn: IsoDate | null
  appointedOn: IsoDate | null
  startsOn: IsoDate | null
}

export interface HolderInput {
  personId: number
  startsOn: IsoDate
  endsOn: IsoDate | null
  fteHundredths: number
}

export interface SecondmentInput {
  personId: number
  direction: string
  fromTeam: string
  fromOrganisation: string
  toTeam: string
  toOrganisation: string
  startsOn: IsoDate
  endsOn: IsoDate | null
  reason: string
  fteHundredths: number
}

export interface SkillInput {
  name: string
  description: string
  retired: boolean
}

function text(errors: Record<string, string>, key: string, value: string, label: string, max = 200) {
  if (value.length > max) errors[key] = `${label} must be ${max.toLocaleString('en-GB')} characters or fewer`
}

function date(errors: Record<string, string>, key: string, value: IsoDate | null, label: string) {
  if (value !== null && !isIsoDate(value)) errors[key] = `${label} must be a real date`
}

/** `later` must not come before `earlier` (both given and real); the error goes on the later field. */
function order(
  errors: Record<string, string>,
  earlier: [IsoDate | null, string],
  later: [IsoDate | null, string, string],
) {
  const [a, aLabel] = earlier
  const [b, key, bLabel] = later
  if (a && b && isIsoDate(a) && isIsoDate(b) && b < a && !errors[key])
    errors[key] = `${bLabel} must be the same as or after the ${aLabel.toLowerCase()}`
}

function fte(errors: Record<string, string>, hundredths: number, label = 'FTE') {
  const problem = personFteProblem(hundredths, label)
  if (problem) errors.fte = problem
}

export function validatePerson(p: PersonInput): Record<string, string> {
  const errors: Record<string, string> = {}
  if (p.name.trim() === '') errors.name = 'Enter the person’s name'
  text(errors, 'name', p.name, 'Name')
  if (!known(PERSON_KINDS, p.kind)) errors.kind = 'Select what kind of person this is'
  if (p.kind === 'partner_staff' && p.partnerId === null)
    errors.partnerId = 'Select the partner that employs them'
  text(errors, 'jobTitle', p.jobTitle, 'Job title')
  text(errors, 'team', p.team, 'Team')
  text(errors, 'email', p.email, 'Email address', 320)
  if (p.email !== '' && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(p.email))
    errors.email = 'Enter an email address in the correct format, like name@example.gov.uk'
  return errors
}

export function validatePost(p: PostInput): Record<string, string> {
  const errors: Record<string, string> = {}
  if (p.title.trim() === '') errors.title = 'Enter the post title'
  text(errors, 'title', p.title, 'Post title')
  text(errors, 'team', p.team, 'Team')
  text(errors, 'grade', p.grade, 'Grade', 50)
  fte(errors, p.fteHundredths)
  if (!isPence(p.annualCostPence) || p.annualCostPence < 0)
    errors.annualCostPence = 'Annual cost must be £0 or more, and less than £100,000,000,000'
  if (!known(POST_STATUSES, p.status)) errors.status = 'Select the status of the post'
  if (p.funded && p.budgetLineId === null && p.fundingStreamId === null)
    errors.budgetLineId = 'Select the budget line or funding stream that funds the post'
  date(errors, 'approvedOn', p.approvedOn, 'Date approved')
  date(errors, 'advertisedOn', p.advertisedOn, 'Date advertised')
  date(errors, 'appointedOn', p.appointedOn, 'Date appointed')
  date(errors, 'startsOn', p.startsOn, 'Start date')
  // Recruitment runs in order: approved, advertised, appointed, started (a step not yet taken is skipped).
  const steps: Array<[IsoDate | null, string, string]> = [
    [p.approvedOn, 'approvedOn', 'Date approved'],
    [p.advertisedOn, 'advertisedOn', 'Date advertised'],
    [p.appointedOn, 'appointedOn', 'Date appointed'],
    [p.startsOn, 'startsOn', 'Start date'],
  ]
  let before: [IsoDate | null, string] = [null, '']
  for (const [value, key, label] of steps) {
    order(errors, before, [value, key, label])
    if (value !== null) before = [value, label]
  }
  return errors
}

function period(errors: Record<string, string>, startsOn: IsoDate, endsOn: IsoDate | null) {
  if (!isIsoDate(startsOn)) errors.startsOn = 'Start date must be a real date'
  date(errors, 'endsOn', endsOn, 'End date')
  order(errors, [startsOn, 'Start date'], [endsOn, 'endsOn', 'End date'])
}

export function validateHolder(h: HolderInput): Record<string, string> {
  const errors: Record<string, string> = {}
  period(errors, h.startsOn, h.endsOn)
  fte(errors, h.fteHundredths, 'Contracted FTE')
  return errors
}

export function validateSecondment(s: SecondmentInput): Record<string, string> {
  const errors: Record<string, string> = {}
  if (!known(SECONDMENT_DIRECTIONS, s.direction))
    errors.direction = 'Select whether they are seconded out or in'
  text(errors, 'fromTeam', s.fromTeam, 'From team')
  text(errors, 'fromOrganisation', s.fromOrganisation, 'From organisation')
  text(errors, 'toTeam', s.toTeam, 'To team')
  text(errors, 'toOrganisation', s.toOrganisation, 'To organisation')
  if (s.toTeam.trim() === '' && s.toOrganisation.trim() === '')
    errors.toTeam = 'Enter the team or organisation they are seconded to'
  text(errors, 'reason', s.reason, 'Reason', 2000)
  period(errors, s.startsOn, s.endsOn)
  fte(errors, s.fteHundredths, 'FTE seconded')
  return errors
}

export function validateSkill(s: SkillInput): Record<string, string> {
  const errors: Record<string, string> = {}
  if (s.name.trim() === '') errors.name = 'Enter the name of the skill'
  text(errors, 'name', s.name, 'Name', 100)
  text(errors, 'description', s.description, 'Description', 1000)
  return errors
}

/**
 * The most FTE that other holders of a post hold at once on any day of [from, to] (to null: open-ended).
 * The total only rises where a holding starts, so it is enough to look at `from` and each start inside it.
 */
export function peakFteDuring(others: readonly DatedFte[], from: IsoDate, to: IsoDate | null): number {
  const inside = (d: IsoDate) => d >= from && (to === null || d <= to)
  const points = [from, ...others.map((o) => o.startsOn).filter(inside)]
  let peak = 0
  for (const p of points) {
    const total = others
      .filter((o) => o.startsOn <= p && (o.endsOn === null || o.endsOn >= p))
      .reduce((s, o) => s + o.fteHundredths, 0)
    peak = Math.max(peak, total)
  }
  return peak
}

/** Field error when a new or changed holding would take a post past its own FTE on some day; or null. */
export function holderOverlapProblem(
  postFte: number,
  others: readonly DatedFte[],
  holding: HolderInput,
): string | null {
  const peak = peakFteDuring(others, holding.startsOn, holding.endsOn)
  if (peak + holding.fteHundredths <= postFte) return null
  return `The post is ${postFte / 100} FTE and other holders already hold ${peak / 100} FTE of it in these dates: change the dates or the FTE`
}

/**
 * When a vacant post became vacant: the day after its last holder left, or the date it was approved if
 * nobody has held it (a new post waiting for its first appointment), or when it was recorded.
 */
export function vacantSince(
  post: { approved_on: IsoDate | null; created_at: string },
  lastHolderEndsOn: IsoDate | null,
): IsoDate {
  if (lastHolderEndsOn) return lastHolderEndsOn
  return post.approved_on ?? post.created_at.slice(0, 10)
}

/**
 * Vacancy age in whole calendar months (issue 10: "vacant for about nine months"): how many times a month can
 * be added to the day it became vacant without passing today. Months, not working days, because vacancies
 * are reported to panels in months.
 */
export function vacancyMonths(since: IsoDate, today: IsoDate): number {
  if (today <= since) return 0
  let months = 0
  while (addMonths(since, months + 1) <= today) months++
  return months
}
