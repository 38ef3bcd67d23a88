import { createRequire } from 'node:module'
import type MarkdownIt from 'markdown-it'

type Renderer = ReturnType<typeof MarkdownIt>

/**
 * Minutes are written in Markdown by clerks and shown to everyone, so they are sanitised on render: raw HTML
 * is escaped (`html: false`) and only http(s) and mailto links survive — a `javascript:` or `data:` link in
 * pasted text must never become clickable.
 */
function createRenderer(): Renderer {
  const MarkdownItClass = createRequire(import.meta.url)('markdown-it') as typeof MarkdownIt
  const md = new MarkdownItClass({ html: false, linkify: true, typographer: false })
  md.validateLink = (url: string) => /^(https?:|mailto:)/i.test(url.trim())

  // Headings in minutes sit under the page's own h1/h2, so they start at h3 to keep the outline valid.
  const GOVUK_CLASSES: Record<string, string> = {
    paragraph_open: 'govuk-body',
    bullet_list_open: 'govuk-list govuk-list--bullet',
    ordered_list_open: 'govuk-list govuk-list--number',
    link_open: 'govuk-link',
  }
  for (const [rule, cls] of Object.entries(GOVUK_CLASSES)) {
    md.renderer.rules[rule] = (tokens, idx, options, _env, self) => {
      tokens[idx]!.attrJoin('class', cls)
      return self.renderToken(tokens, idx, options)
    }
  }
  md.renderer.rules.heading_open = (tokens, idx, options, _env, self) => {
    const token = tokens[idx]!
    const level = Math.min(6, Number(token.tag.slice(1)) + 2)
    token.tag = `h${level}`
    token.attrJoin('class', level <= 3 ? 'govuk-heading-m' : 'govuk-heading-s')
    return self.renderToken(tokens, idx, options)
  }
  md.renderer.rules.heading_close = (tokens, idx) =>
    `</h${Math.min(6, Number(tokens[idx]!.tag.slice(1)) + 2)}>\n`
  return md
}

/**
 * Loaded on the first minutes rendered, not at start-up: markdown-it held about 2 MB of heap in every
 * process, most of which never shows a minute.
 */
let renderer: Renderer | null = null

export function renderMinutes(markdown: string): string {
  renderer ??= createRenderer()
  return renderer.render(markdown)
}
