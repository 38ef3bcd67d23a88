/**
 * One document structure for every paper Oversight produces (panel progress reports, programme definition
 * papers), rendered to HTML, DOCX and PDF by the renderers beside this file. Papers are built once as data,
 * so the three formats say the same thing and a submitted paper's structure can be stored as JSON.
 */

export type Block =
  | { kind: 'heading'; level: 2 | 3; text: string }
  | { kind: 'paragraph'; text: string }
  | { kind: 'list'; items: string[]; ordered?: boolean }
  | {
      kind: 'table'
      caption: string
      head: string[]
      rows: string[][]
      /** Columns holding figures, right-aligned as GOV.UK tables align numbers. */
      numeric?: number[]
    }

export interface PaperDocument {
  /** The paper's title: the one level-1 heading and the document title in every format. */
  title: string
  /** A line under the title, e.g. the meeting and reporting period. */
  subtitle?: string
  /** BCP 47 language of the paper; council papers are British English. */
  language: 'en-GB'
  /** Who the paper is from (shown in document properties). */
  author: string
  blocks: Block[]
}

export const h2 = (text: string): Block => ({ kind: 'heading', level: 2, text })
export const h3 = (text: string): Block => ({ kind: 'heading', level: 3, text })
export const para = (text: string): Block => ({ kind: 'paragraph', text })
export const list = (items: string[], ordered = false): Block => ({ kind: 'list', items, ordered })
export const table = (caption: string, head: string[], rows: string[][], numeric: number[] = []): Block => ({
  kind: 'table',
  caption,
  head,
  rows,
  numeric,
})

/** Narrative typed into a form becomes paragraphs, one per blank-line-separated block. */
export function paragraphs(text: string): Block[] {
  return text
    .split(/\n\s*\n/)
    .map((p) => p.replace(/\s+/g, ' ').trim())
    .filter((p) => p !== '')
    .map(para)
}

/** Every piece of text in the document, in reading order: for tests and for search. */
export function documentText(doc: PaperDocument): string {
  const parts: string[] = [doc.title, doc.subtitle ?? '']
  for (const b of doc.blocks) {
    if (b.kind === 'heading' || b.kind === 'paragraph') parts.push(b.text)
    else if (b.kind === 'list') parts.push(...b.items)
    else parts.push(b.caption, ...b.head, ...b.rows.flat())
  }
  return parts.join('\n')
}
