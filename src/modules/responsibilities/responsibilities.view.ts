import type { Cell, Table } from '../../web/exports.ts'
import type { MatrixCell } from './responsibilities.repository.ts'
import { ASSET_KINDS, ASSET_STATUSES, labelOf } from './responsibilities.rules.ts'
import type { AssetView } from './responsibilities.service.ts'

// The matrix as the page and the exports show it: assets down, parties across, a letter in each cell. A party
// the reader may not see (another partner, or a council officer, for a partner officer) is gathered into one
// column that names nobody.

interface Party {
  key: string
  name: string
  kind: string
}

const HIDDEN: Party = { key: 'hidden', name: 'Other parties (not shown)', kind: 'hidden' }
const KIND_ORDER: Record<string, number> = { team: 0, person: 1, partner: 2, hidden: 3 }
export const PARTY_LABELS: Record<string, string> = {
  team: 'Team',
  person: 'Person',
  partner: 'Partner',
  hidden: '',
}

function partyOf(c: MatrixCell): Party {
  if (c.name === null) return HIDDEN
  const id = c.partyKind === 'team' ? c.team : c.partyKind === 'person' ? c.personId : c.partnerId
  return { key: `${c.partyKind}:${id ?? ''}`, name: c.name, kind: c.partyKind }
}

interface MatrixRow {
  view: AssetView
  letters: string[]
}

export function matrixOf(views: AssetView[]): { parties: Party[]; rows: MatrixRow[] } {
  const parties = new Map<string, Party>()
  for (const v of views)
    for (const c of v.cells) {
      const p = partyOf(c)
      parties.set(p.key, p)
    }
  const ordered = [...parties.values()].sort(
    (a, b) => (KIND_ORDER[a.kind] ?? 9) - (KIND_ORDER[b.kind] ?? 9) || a.name.localeCompare(b.name),
  )
  const rows = views.map((view) => ({
    view,
    letters: ordered.map((p) =>
      view.cells
        .filter((c) => partyOf(c).key === p.key)
        .map((c) => c.role)
        .join(' '),
    ),
  }))
  return { parties: ordered, rows }
}

/** The matrix as a table for CSV and Excel (src/modules/resourcing/resourcing-export.ts writes both). */
export function matrixTable(views: AssetView[]): Table {
  const { parties, rows } = matrixOf(views)
  return {
    name: 'Responsibilities',
    header: [
      'Service or asset',
      'Kind',
      'Status',
      ...parties.map((p) => (p.kind === 'hidden' ? p.name : `${p.name} (${PARTY_LABELS[p.kind]})`)),
      'Gaps',
      'Projects',
    ],
    rows: rows.map((r): Cell[] => [
      r.view.asset.name,
      labelOf(ASSET_KINDS, r.view.asset.kind),
      labelOf(ASSET_STATUSES, r.view.asset.status),
      ...r.letters,
      r.view.gaps.map((g) => g.text).join('; '),
      r.view.projects.map((p) => p.reference).join(', '),
    ]),
    money: [],
  }
}
