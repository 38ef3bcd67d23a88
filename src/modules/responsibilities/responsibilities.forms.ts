import { resubmitFields } from '../../web/form-pages.ts'
import { errorList, field, fields, optionalInt, type FormBody } from '../../web/forms.ts'
import type { AssetView } from './responsibilities.service.ts'
import type { ResponsibilitiesService } from './responsibilities.service.ts'
import {
  ASSET_KINDS,
  ASSET_STATUSES,
  partyKey,
  RACI,
  readPartyKey,
  type AssetInput,
  type ResponsibilityInput,
} from './responsibilities.rules.ts'

// The asset form: its fields, a matrix of party and letter pairs (as many rows as the asset has, and three
// spare, so it works without JavaScript), and the projects and risks it links to.

const SPARE_ROWS = 3
const MAX_ROWS = 60
const MIN_ROWS = 5

const ASSET_ORDER = ['name', 'kind', 'status', 'description', 'responsibilities', 'projectIds', 'riskIds']

/** An unreadable party (not an option this form offered) is kept as an impossible party, so the rules name it. */
const UNKNOWN_PARTY = { party: 'unknown', team: null, personId: null, partnerId: null }

export function readAssetForm(body: FormBody): AssetInput {
  const count = Math.min(optionalInt(field(body, 'rows')) ?? 0, MAX_ROWS)
  const responsibilities: ResponsibilityInput[] = []
  for (let i = 0; i < count; i++) {
    const party = field(body, `party-${i}`)
    const role = field(body, `role-${i}`)
    if (party === '' && role === '') continue
    responsibilities.push({
      role,
      ...(party === '' ? UNKNOWN_PARTY : (readPartyKey(party) ?? UNKNOWN_PARTY)),
    })
  }
  // The conflict page posts each list back as one comma-separated field (see resubmitAsset).
  const ids = (name: string) =>
    fields(body, name)
      .flatMap((v) => v.split(','))
      .filter((v) => v.trim() !== '')
      .map((v) => optionalInt(v.trim()) ?? 0)
  return {
    name: field(body, 'name'),
    kind: field(body, 'kind'),
    status: field(body, 'status'),
    description: field(body, 'description'),
    responsibilities,
    projectIds: ids('projectIds'),
    riskIds: ids('riskIds'),
  }
}

export function inputOf(v: AssetView): AssetInput {
  return {
    name: v.asset.name,
    kind: v.asset.kind,
    status: v.asset.status,
    description: v.asset.description,
    responsibilities: v.cells.map((c) => ({
      role: c.role,
      party: c.partyKind,
      team: c.team,
      personId: c.personId,
      partnerId: c.partnerId,
    })),
    projectIds: v.projects.map((p) => p.id),
    riskIds: v.risks.map((r) => r.id),
  }
}

type Options = Awaited<ReturnType<ResponsibilitiesService['options']>>

/** The form's view model. Blank rows are dropped when read, so row n of the errors is row n shown again. */
export function assetFormContext(values: AssetInput, options: Options, errors: Record<string, string>) {
  const partyItems = [
    { value: '', text: 'Choose a party' },
    ...options.teams.map((t) => ({ value: `team:${t}`, text: `Team: ${t}` })),
    ...options.people.map((p) => ({
      value: `person:${p.id}`,
      text: `Person: ${p.name}${p.partner_name ? ` (${p.partner_name})` : p.team ? ` (${p.team})` : ''}`,
    })),
    ...options.partners.map((p) => ({ value: `partner:${p.id}`, text: `Partner: ${p.name}` })),
  ]
  const count = Math.max(values.responsibilities.length + SPARE_ROWS, MIN_ROWS)
  const rows = Array.from({ length: count }, (_, i) => {
    const r = values.responsibilities[i]
    const chosen = r ? partyKey(r) : ''
    return {
      index: i,
      number: i + 1,
      error: errors[`responsibilities-${i}`],
      partyItems: partyItems.map((it) => ({ ...it, selected: it.value === chosen })),
      roleItems: [{ value: '', text: 'None' }, ...RACI].map((it) => ({
        value: it.value,
        text: it.value === '' ? it.text : `${it.value}: ${it.text}`,
        selected: it.value === (r?.role ?? ''),
      })),
    }
  })
  const check = (list: readonly number[], id: number) => list.includes(id)
  return {
    errors,
    errorList: errorList(errors, [
      ...ASSET_ORDER.slice(0, 5),
      ...rows.map((r) => `responsibilities-${r.index}`),
      ...ASSET_ORDER.slice(5),
    ]),
    values,
    rowCount: count,
    rows,
    kindItems: ASSET_KINDS.map((k) => ({
      value: k.value,
      text: k.text,
      hint: { text: k.hint },
      checked: k.value === values.kind,
    })),
    statusItems: ASSET_STATUSES.map((s) => ({ ...s, checked: s.value === values.status })),
    projectItems: options.projects.map((p) => ({
      value: String(p.id),
      text: `${p.reference}: ${p.name}`,
      checked: check(values.projectIds, p.id),
    })),
    riskItems: options.risks.map((r) => ({
      value: String(r.id),
      text: `${r.project_reference}: ${r.title}`,
      checked: check(values.riskIds, r.id),
    })),
  }
}

/** The form's fields to post again from the conflict page, the checked projects and risks kept whole. */
export function resubmitAsset(body: FormBody): Record<string, string> {
  return {
    ...resubmitFields(body),
    projectIds: fields(body, 'projectIds').join(','),
    riskIds: fields(body, 'riskIds').join(','),
  }
}

/** A matrix in one line, with the party names the form offered: for the conflict page. */
export function describeMatrix(a: AssetInput, options: Options): string {
  if (a.responsibilities.length === 0) return 'Nobody'
  const names = new Map(
    assetFormContext(a, options, {}).rows[0]?.partyItems.map((i) => [i.value, i.text]) ?? [],
  )
  return a.responsibilities.map((r) => `${names.get(partyKey(r)) ?? 'Unknown party'}: ${r.role}`).join('; ')
}
