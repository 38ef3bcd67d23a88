import { h2, h3, list, para, type Block, type PaperDocument } from '../../documents/document.model.ts'

/**
 * "What changed since the panel last met" (issue 12): two panel reports compared as the panel read them. A
 * submitted report holds its paper as it stood (its frozen snapshot), so the comparison reads the tables of
 * the two papers, row by row, rather than today's records: what moved is what the panel would see moved.
 */

/** A part of the paper the panel follows, found by its table's columns; a row is known by its key columns. */
interface Watched {
  title: string
  /** The table's first columns, which name it whatever its caption's date. */
  head: readonly string[]
  keyColumns: number
  /** Group rows by the table's caption too (each project's milestones are a table of their own). */
  byCaption?: boolean
}

const WATCHED: readonly Watched[] = [
  {
    title: 'Projects: stage, delivery confidence and dates',
    head: ['Reference', 'Project', 'Stage'],
    keyColumns: 1,
  },
  {
    title: 'Milestones',
    head: ['Milestone', 'Baseline', 'Forecast or actual'],
    keyColumns: 1,
    byCaption: true,
  },
  {
    title: 'Money: budget, actuals and forecast',
    head: ['Project', 'Budget', 'Actual', 'Committed'],
    keyColumns: 1,
  },
  { title: 'Risks', head: ['Project', 'Risk', 'Category', 'Score'], keyColumns: 2 },
  { title: 'Tolerance exceptions', head: ['Project', 'Exception', 'Raised'], keyColumns: 2 },
  { title: 'Recommendations', head: ['Reference', 'Recommendation', 'Made'], keyColumns: 1 },
]

export interface RowChange {
  /** The row's name: its key columns (and the caption's subject for milestones). */
  name: string
  kind: 'new' | 'gone' | 'changed'
  /** For a changed row: "Delivery confidence was Amber, now Red" (words, not an arrow the PDF fonts lack). */
  changes: string[]
}

export interface ChangeSection {
  title: string
  rows: RowChange[]
}

type Table = Extract<Block, { kind: 'table' }>

function rowsOf(doc: PaperDocument, w: Watched): Map<string, { head: string[]; cells: string[] }> {
  const rows = new Map<string, { head: string[]; cells: string[] }>()
  for (const b of doc.blocks) {
    if (b.kind !== 'table' || !w.head.every((h, i) => b.head[i] === h)) continue
    const t: Table = b
    for (const cells of t.rows) {
      const key = cells.slice(0, w.keyColumns).join(': ')
      // A totals row is the sum of the others: its change says nothing the rows do not.
      if (key === '' || /^total/i.test(key)) continue
      rows.set(w.byCaption ? `${t.caption.replace(/^Milestones of /, '')}: ${key}` : key, {
        head: t.head,
        cells,
      })
    }
  }
  return rows
}

/** What moved between the earlier paper and the later one, section by section; unchanged rows are left out. */
export function compareReports(from: PaperDocument, to: PaperDocument): ChangeSection[] {
  return WATCHED.map((w) => {
    const before = rowsOf(from, w)
    const after = rowsOf(to, w)
    const rows: RowChange[] = []
    for (const [name, now] of after) {
      const was = before.get(name)
      if (!was) {
        rows.push({ name, kind: 'new', changes: [] })
        continue
      }
      const changes = now.head.flatMap((h, i) => {
        if (i < w.keyColumns) return []
        const j = was.head.indexOf(h)
        const old = j === -1 ? '' : (was.cells[j] ?? '')
        const cur = now.cells[i] ?? ''
        return old === cur ? [] : [`${h} was ${old === '' ? 'none' : old}, now ${cur === '' ? 'none' : cur}`]
      })
      if (changes.length > 0) rows.push({ name, kind: 'changed', changes })
    }
    for (const name of before.keys()) if (!after.has(name)) rows.push({ name, kind: 'gone', changes: [] })
    return { title: w.title, rows }
  })
}

const KIND_LABELS: Record<RowChange['kind'], string> = {
  new: 'New',
  gone: 'No longer reported',
  changed: 'Changed',
}

export const changeKindLabel = (k: RowChange['kind']) => KIND_LABELS[k]

/** The comparison as a paper: the appendix to the next report, in DOCX and PDF like the report itself. */
export function comparisonDocument(opts: {
  fromTitle: string
  toTitle: string
  programmeName: string
  author: string
  sections: ChangeSection[]
}): PaperDocument {
  const blocks: Block[] = [
    para(
      `This appendix compares ${opts.fromTitle} with ${opts.toTitle}, as each stood when it was prepared.`,
    ),
  ]
  for (const s of opts.sections) {
    blocks.push(h2(s.title))
    if (s.rows.length === 0) blocks.push(para('Nothing changed.'))
    for (const r of s.rows) {
      blocks.push(h3(`${r.name}: ${KIND_LABELS[r.kind].toLowerCase()}`))
      if (r.changes.length > 0) blocks.push(list(r.changes))
    }
  }
  return {
    title: `What changed since the panel last met: ${opts.programmeName}`,
    subtitle: `${opts.fromTitle} compared with ${opts.toTitle}`,
    language: 'en-GB',
    author: opts.author,
    blocks,
  }
}
