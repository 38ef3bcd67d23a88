import { formatMoney } from '../../domain/money.ts'
import { formatFte, parseFte } from '../../domain/fte.ts'
import type { Person, Post } from '../../db/schema.ts'
import { dateItems, readDate, readMoneyField } from '../../web/form-pages.ts'
import { field, optionalInt, type FormBody } from '../../web/forms.ts'
import {
  PERSON_KINDS,
  POST_STATUSES,
  SECONDMENT_DIRECTIONS,
  type HolderInput,
  type PersonInput,
  type PostInput,
  type SecondmentInput,
} from './resourcing.rules.ts'

// The resourcing forms: reading a posted form into the service's input, and the values to show it again.
// Inputs are named as the API's fields, so a field error from the service lands on its input.

const optionalId = (body: FormBody, name: string) => optionalInt(field(body, name))

export const PERSON_ORDER = ['name', 'kind', 'partnerId', 'jobTitle', 'team', 'email', 'userId']
export const POST_ORDER = [
  'title',
  'team',
  'grade',
  'fte',
  'status',
  'funded',
  'annualCost',
  'budgetLineId',
  'fundingStreamId',
  'approvedOn',
  'advertisedOn',
  'appointedOn',
  'startsOn',
]

export function readPersonForm(body: FormBody): PersonInput {
  return {
    name: field(body, 'name'),
    kind: field(body, 'kind'),
    partnerId: optionalId(body, 'partnerId'),
    userId: optionalId(body, 'userId'),
    jobTitle: field(body, 'jobTitle'),
    team: field(body, 'team'),
    email: field(body, 'email'),
  }
}

export const personToInput = (p: Person): PersonInput => ({
  name: p.name,
  kind: p.kind,
  partnerId: p.partner_id,
  userId: p.user_id,
  jobTitle: p.job_title,
  team: p.team,
  email: p.email,
})

/** Reads the post form; errors found reading it (money, dates) go into `errors`. */
export function readPostForm(body: FormBody, errors: Record<string, string>): PostInput {
  return {
    title: field(body, 'title'),
    team: field(body, 'team'),
    grade: field(body, 'grade'),
    fteHundredths: parseFte(field(body, 'fte')),
    funded: field(body, 'funded') === 'yes',
    annualCostPence:
      readMoneyField(field(body, 'annualCost'), 'annualCost', 'Annual cost', errors, false) ?? 0,
    budgetLineId: optionalId(body, 'budgetLineId'),
    fundingStreamId: optionalId(body, 'fundingStreamId'),
    status: field(body, 'status'),
    approvedOn: readDate(body, 'approvedOn', 'Date approved', errors),
    advertisedOn: readDate(body, 'advertisedOn', 'Date advertised', errors),
    appointedOn: readDate(body, 'appointedOn', 'Date appointed', errors),
    startsOn: readDate(body, 'startsOn', 'Start date', errors),
  }
}

export const postToInput = (p: Post): PostInput => ({
  title: p.title,
  team: p.team,
  grade: p.grade,
  fteHundredths: p.fte_hundredths,
  funded: p.funded === 1,
  annualCostPence: p.annual_cost_pence,
  budgetLineId: p.budget_line_id,
  fundingStreamId: p.funding_stream_id,
  status: p.status,
  approvedOn: p.approved_on,
  advertisedOn: p.advertised_on,
  appointedOn: p.appointed_on,
  startsOn: p.starts_on,
})

/** The service's field names as the post form's inputs. */
export const postFormErrors = (errors: Record<string, string>) => {
  const { annualCostPence, ...rest } = errors
  return annualCostPence ? { ...rest, annualCost: annualCostPence } : rest
}

export function readHolderForm(body: FormBody, errors: Record<string, string>): HolderInput {
  return {
    personId: optionalId(body, 'personId') ?? 0,
    startsOn: readDate(body, 'startsOn', 'Start date', errors, true) ?? '',
    endsOn: readDate(body, 'endsOn', 'End date', errors),
    fteHundredths: parseFte(field(body, 'fte')),
  }
}

export function readSecondmentForm(
  body: FormBody,
  personId: number,
  errors: Record<string, string>,
): SecondmentInput {
  return {
    personId,
    direction: field(body, 'direction'),
    fromTeam: field(body, 'fromTeam'),
    fromOrganisation: field(body, 'fromOrganisation'),
    toTeam: field(body, 'toTeam'),
    toOrganisation: field(body, 'toOrganisation'),
    startsOn: readDate(body, 'startsOn', 'Start date', errors, true) ?? '',
    endsOn: readDate(body, 'endsOn', 'End date', errors),
    reason: field(body, 'reason'),
    fteHundredths: parseFte(field(body, 'fte')),
  }
}

const fteText = (h: number) => (Number.isNaN(h) ? '' : formatFte(h))
type Choice = { value: string; text: string }
const select = (choices: Choice[], chosen: string, none: string) => [
  { value: '', text: none },
  ...choices.map((c) => ({ ...c, selected: c.value === chosen })),
]
const radios = (list: readonly Choice[], chosen: string) =>
  list.map((c) => ({ ...c, checked: c.value === chosen }))

/** The person form's values and choices: as typed (after an error) or as stored. */
export function personFormContext(
  v: PersonInput,
  body: FormBody | null,
  choices: { partners: Array<{ id: number; name: string }>; users: Array<{ id: number; name: string }> },
) {
  const raw = (name: string, stored: string) => (body ? field(body, name) : stored)
  return {
    values: { name: v.name, jobTitle: v.jobTitle, team: v.team, email: v.email },
    kindItems: radios(PERSON_KINDS, v.kind),
    partnerItems: select(
      choices.partners.map((p) => ({ value: String(p.id), text: p.name })),
      raw('partnerId', v.partnerId === null ? '' : String(v.partnerId)),
      'The council',
    ),
    userItems: select(
      choices.users.map((u) => ({ value: String(u.id), text: u.name })),
      raw('userId', v.userId === null ? '' : String(v.userId)),
      'No user account',
    ),
  }
}

export function postFormContext(
  v: PostInput,
  body: FormBody | null,
  errors: Record<string, string>,
  choices: { lines: Array<{ id: number; label: string }>; streams: Array<{ id: number; name: string }> },
) {
  const raw = (name: string, stored: string) => (body ? field(body, name) : stored)
  return {
    values: {
      title: v.title,
      team: v.team,
      grade: v.grade,
      fte: raw('fte', fteText(v.fteHundredths)),
      annualCost: raw('annualCost', v.annualCostPence ? formatMoney(v.annualCostPence) : ''),
    },
    statusItems: radios(POST_STATUSES, v.status),
    fundedItems: radios(
      [
        { value: 'yes', text: 'Funded' },
        { value: 'no', text: 'Not funded' },
      ],
      body ? field(body, 'funded') : v.funded ? 'yes' : 'no',
    ),
    budgetLineItems: select(
      choices.lines.map((l) => ({ value: String(l.id), text: l.label })),
      raw('budgetLineId', v.budgetLineId === null ? '' : String(v.budgetLineId)),
      'None',
    ),
    streamItems: select(
      choices.streams.map((s) => ({ value: String(s.id), text: s.name })),
      raw('fundingStreamId', v.fundingStreamId === null ? '' : String(v.fundingStreamId)),
      'None',
    ),
    approvedOnItems: dateItems(body, 'approvedOn', v.approvedOn, !!errors.approvedOn),
    advertisedOnItems: dateItems(body, 'advertisedOn', v.advertisedOn, !!errors.advertisedOn),
    appointedOnItems: dateItems(body, 'appointedOn', v.appointedOn, !!errors.appointedOn),
    startsOnItems: dateItems(body, 'startsOn', v.startsOn, !!errors.startsOn),
  }
}

/** What a secondment or holding form shows before anything is typed: blank when adding, stored when editing. */
interface DatedStored {
  fteHundredths: number
  startsOn: string | null
  endsOn: string | null
  direction?: string
  fromTeam?: string
  fromOrganisation?: string
  toTeam?: string
  toOrganisation?: string
  reason?: string
}

const BLANK: DatedStored = { fteHundredths: Number.NaN, startsOn: null, endsOn: null }

/** The secondment and post holder forms' values: as typed (after an error), as stored, or blank. */
export function datedFormContext(
  body: FormBody | null,
  errors: Record<string, string>,
  stored: DatedStored = BLANK,
) {
  const raw = (name: string, v: string | undefined) => (body ? field(body, name) : (v ?? ''))
  return {
    fte: body ? field(body, 'fte') : fteText(stored.fteHundredths),
    startsOnItems: dateItems(body, 'startsOn', stored.startsOn, !!errors.startsOn),
    endsOnItems: dateItems(body, 'endsOn', stored.endsOn, !!errors.endsOn),
    directionItems: radios(SECONDMENT_DIRECTIONS, raw('direction', stored.direction)),
    values: {
      fromTeam: raw('fromTeam', stored.fromTeam),
      fromOrganisation: raw('fromOrganisation', stored.fromOrganisation),
      toTeam: raw('toTeam', stored.toTeam),
      toOrganisation: raw('toOrganisation', stored.toOrganisation),
      reason: raw('reason', stored.reason),
    },
  }
}
