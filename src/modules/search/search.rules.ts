import { escapeHtml } from '../../web/escape.ts'

// What a search query means, and how a result shows the words it matched (issue 13). Pure: the repository
// turns the terms into each dialect's full-text query, and nothing the user typed reaches SQL as syntax.

/** The longest query read: a pasted paragraph is refused with a message, not searched. */
export const MAX_QUERY_LENGTH = 1000
/** Words after these are ignored: every word must match, so more only narrows to nothing. */
export const MAX_TERMS = 12
const MAX_TERM_LENGTH = 60

/** A word as both indexes split text: letters and digits; everything else separates words. */
const WORD = /[\p{L}\p{N}]+/gu

export type ParsedQuery = { terms: string[] } | { error: string }

/**
 * The words of a query, lower-cased and each once. Operators, quotes, brackets and `*` are not syntax: a
 * search for `"AND" OR *` looks for the words "and" and "or". Each word matches words beginning with it.
 */
export function parseQuery(input: string | undefined): ParsedQuery {
  const text = (input ?? '').trim()
  if (text === '') return { error: 'Enter words to search for' }
  if (text.length > MAX_QUERY_LENGTH)
    return { error: `Search for ${MAX_QUERY_LENGTH.toLocaleString('en-GB')} characters or fewer` }
  const terms: string[] = []
  for (const [word] of text.toLowerCase().matchAll(WORD)) {
    const term = word.slice(0, MAX_TERM_LENGTH)
    if (!terms.includes(term)) terms.push(term)
    if (terms.length === MAX_TERMS) break
  }
  if (terms.length === 0) return { error: 'Enter words to search for, using letters or numbers' }
  return { terms }
}

/** FTS5's query: each term a quoted string (so never an operator or column filter) matching as a prefix. */
export function sqliteMatch(terms: readonly string[]): string {
  return terms.map((t) => `"${t.replaceAll('"', '""')}"*`).join(' ')
}

/** PostgreSQL's `to_tsquery('simple', …)`: each term quoted, as a prefix, all required. */
export function postgresTsQuery(terms: readonly string[]): string {
  return terms.map((t) => `'${t.replaceAll("'", "''").replaceAll('\\', '\\\\')}':*`).join(' & ')
}

const matches = (word: string, terms: readonly string[]) => {
  const lower = word.toLowerCase()
  return terms.some((t) => lower.startsWith(t))
}

/**
 * The text as HTML with each matched word in <mark>: every piece of the text is escaped before a mark is put
 * round it, so a title holding `<script>` or `<mark>` shows as typed.
 */
export function highlight(text: string, terms: readonly string[]): string {
  let html = ''
  let at = 0
  for (const m of text.matchAll(WORD)) {
    if (!matches(m[0], terms)) continue
    html += escapeHtml(text.slice(at, m.index)) + '<mark>' + escapeHtml(m[0]) + '</mark>'
    at = m.index + m[0].length
  }
  return html + escapeHtml(text.slice(at))
}

const SNIPPET_LENGTH = 240

/**
 * A passage of the body around its first matched word (the start when the match was in the title), cut at
 * word boundaries and marked as `highlight` marks it; '' for an empty body.
 */
export function snippet(body: string, terms: readonly string[]): string {
  const text = body.replace(/\s+/g, ' ').trim()
  if (text.length <= SNIPPET_LENGTH) return highlight(text, terms)
  let first = 0
  for (const m of text.matchAll(WORD)) {
    if (matches(m[0], terms)) {
      first = m.index
      break
    }
  }
  let start = Math.max(0, first - SNIPPET_LENGTH / 3)
  if (start > 0) start = text.indexOf(' ', start) + 1 || start
  let end = Math.min(text.length, start + SNIPPET_LENGTH)
  if (end < text.length) end = text.lastIndexOf(' ', end) > start ? text.lastIndexOf(' ', end) : end
  return (start > 0 ? '… ' : '') + highlight(text.slice(start, end), terms) + (end < text.length ? ' …' : '')
}
