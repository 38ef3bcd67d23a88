// The responsibility matrix (issue 10): members asked "the difference between what constituted digital content
// and infrastructure". Each service or asset says which it is, and who is responsible, accountable, consulted
// and informed (RACI). Pure rules: what a valid asset is, and which gaps the panel should see.

export const ASSET_KINDS = [
  {
    value: 'content',
    text: 'Content',
    hint: 'Words, pages and forms a service area writes and keeps up to date',
  },
  {
    value: 'infrastructure',
    text: 'Infrastructure',
    hint: 'The network, hosting and platforms the content runs on',
  },
  {
    value: 'service',
    text: 'Service',
    hint: 'A line-of-business system a service area runs, such as the CRM',
  },
] as const

export const ASSET_STATUSES = [
  { value: 'planned', text: 'Planned' },
  { value: 'live', text: 'Live' },
  { value: 'retired', text: 'Retired' },
] as const

export const RACI = [
  { value: 'R', text: 'Responsible' },
  { value: 'A', text: 'Accountable' },
  { value: 'C', text: 'Consulted' },
  { value: 'I', text: 'Informed' },
] as const

export const PARTY_KINDS = ['team', 'person', 'partner'] as const
type PartyKind = (typeof PARTY_KINDS)[number]

export const labelOf = (list: ReadonlyArray<{ value: string; text: string }>, value: string) =>
  list.find((x) => x.value === value)?.text ?? value

/** One cell of the matrix: a party and its letter. Exactly one of team, personId and partnerId is set. */
export interface ResponsibilityInput {
  role: string
  party: string
  team: string | null
  personId: number | null
  partnerId: number | null
}

export interface AssetInput {
  name: string
  kind: string
  description: string
  status: string
  responsibilities: ResponsibilityInput[]
  projectIds: number[]
  riskIds: number[]
}

/** A party as one key (`team:Digital`, `person:12`, `partner:3`): a column of the matrix, a form's option. */
export function partyKey(r: Pick<ResponsibilityInput, 'party' | 'team' | 'personId' | 'partnerId'>): string {
  if (r.party === 'team') return `team:${r.team ?? ''}`
  if (r.party === 'person') return `person:${r.personId ?? ''}`
  return `partner:${r.partnerId ?? ''}`
}

/** The party a form's option names, or null for an option this app did not offer. */
export function readPartyKey(key: string): Omit<ResponsibilityInput, 'role'> | null {
  const m = /^(team|person|partner):(.+)$/.exec(key)
  if (!m) return null
  const [, party, rest] = m as unknown as [string, PartyKind, string]
  if (party === 'team') return { party, team: rest, personId: null, partnerId: null }
  if (!/^\d{1,10}$/.test(rest)) return null
  const id = Number(rest)
  return party === 'person'
    ? { party, team: null, personId: id, partnerId: null }
    : { party, team: null, personId: null, partnerId: id }
}

const within = (list: ReadonlyArray<{ value: string }>, v: string) => list.some((x) => x.value === v)

/**
 * An asset's field errors. `knownTeams` are the council's teams as the people register and the establishment
 * name them: a matrix row names one of them, never a new spelling. Party ids are checked against the
 * organisation by the service (foreign ids). Errors for a row are keyed `responsibilities-<n>`.
 */
export function validateAsset(a: AssetInput, knownTeams: ReadonlySet<string>): Record<string, string> {
  const errors: Record<string, string> = {}
  if (a.name.trim() === '') errors.name = 'Enter the name of the service or asset'
  else if (a.name.length > 200) errors.name = 'Name must be 200 characters or fewer'
  if (!within(ASSET_KINDS, a.kind)) errors.kind = 'Choose whether it is content, infrastructure or a service'
  if (a.description.length > 2000) errors.description = 'Description must be 2000 characters or fewer'
  if (!within(ASSET_STATUSES, a.status)) errors.status = 'Choose a status'
  const seen = new Set<string>()
  a.responsibilities.forEach((r, i) => {
    const key = `responsibilities-${i}`
    if (!within(RACI, r.role)) errors[key] = 'Choose responsible, accountable, consulted or informed'
    else if (r.party === 'team' && !knownTeams.has(r.team ?? '')) errors[key] = 'Choose a team from the list'
    else if (!(PARTY_KINDS as readonly string[]).includes(r.party) || oneParty(r) === false)
      errors[key] = 'Choose a team, a person or a partner from the list'
    else if (seen.has(partyKey(r)))
      errors[key] = 'This party is already in the matrix: give each party one letter'
    seen.add(partyKey(r))
  })
  if (a.responsibilities.filter((r) => r.role === 'A').length > 1)
    errors.responsibilities =
      'Choose only one accountable party: one owner answers for the asset, others can be responsible'
  return errors
}

function oneParty(r: ResponsibilityInput): boolean {
  const set = [r.team !== null, r.personId !== null, r.partnerId !== null].filter(Boolean).length
  if (set !== 1) return false
  return r.party === 'team'
    ? r.team !== null
    : r.party === 'person'
      ? r.personId !== null
      : r.partnerId !== null
}

export interface Gap {
  code: 'no-accountable' | 'no-service-owner'
  text: string
}

/**
 * What the panel should see missing: an asset nobody is accountable for; content that no service area of
 * the council is responsible or accountable for (content is the service's, infrastructure the ICT partner's:
 * the distinction members asked about). A retired asset has no gaps.
 */
export function gapsOf(
  asset: { kind: string; status: string },
  rows: ReadonlyArray<{ role: string; party_kind: string }>,
): Gap[] {
  if (asset.status === 'retired') return []
  const gaps: Gap[] = []
  if (!rows.some((r) => r.role === 'A')) gaps.push({ code: 'no-accountable', text: 'No accountable owner' })
  if (
    asset.kind === 'content' &&
    !rows.some((r) => r.party_kind === 'team' && (r.role === 'R' || r.role === 'A'))
  )
    gaps.push({ code: 'no-service-owner', text: 'No service area owns this content' })
  return gaps
}
