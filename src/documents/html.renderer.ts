import { escapeHtml } from '../web/escape.ts'
import type { Block, PaperDocument } from './document.model.ts'

/**
 * The paper's body as GOV.UK-styled HTML: real headings (the title is the page's only h1), tables with a
 * caption and column headers (`scope="col"`), lists as lists. Used inside the preview page and in the
 * stand-alone HTML file.
 */
export function renderHtmlFragment(doc: PaperDocument, opts: { shift?: 0 | 1 } = {}): string {
  // Inside a page that has its own h1, the paper's headings move down a level so the outline stays whole.
  const shift = opts.shift ?? 0
  const out: string[] = [`<h${1 + shift} class="govuk-heading-l">${escapeHtml(doc.title)}</h${1 + shift}>`]
  if (doc.subtitle) out.push(`<p class="govuk-body-l">${escapeHtml(doc.subtitle)}</p>`)
  for (const b of doc.blocks) out.push(block(b, shift))
  return out.join('\n')
}

function block(b: Block, shift: number): string {
  switch (b.kind) {
    case 'heading': {
      const level = b.level + shift
      const cls = b.level === 2 ? 'govuk-heading-m' : 'govuk-heading-s'
      return `<h${level} class="${cls}">${escapeHtml(b.text)}</h${level}>`
    }
    case 'paragraph':
      return `<p class="govuk-body">${escapeHtml(b.text)}</p>`
    case 'list': {
      const tag = b.ordered ? 'ol' : 'ul'
      const cls = b.ordered ? 'govuk-list govuk-list--number' : 'govuk-list govuk-list--bullet'
      return `<${tag} class="${cls}">${b.items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</${tag}>`
    }
    case 'table': {
      const numeric = new Set(b.numeric ?? [])
      const cls = (i: number, base: string) => (numeric.has(i) ? `${base} ${base}--numeric` : base)
      const head = b.head
        .map((h, i) => `<th scope="col" class="${cls(i, 'govuk-table__header')}">${escapeHtml(h)}</th>`)
        .join('')
      const rows = b.rows
        .map(
          (r) =>
            `<tr class="govuk-table__row">${r
              .map((c, i) => `<td class="${cls(i, 'govuk-table__cell')}">${escapeHtml(c)}</td>`)
              .join('')}</tr>`,
        )
        .join('')
      return (
        `<div class="app-table-wrap" role="region" aria-label="${escapeHtml(b.caption)}" tabindex="0"><table class="govuk-table"><caption class="govuk-table__caption govuk-table__caption--s">${escapeHtml(b.caption)}</caption>` +
        `<thead class="govuk-table__head"><tr class="govuk-table__row">${head}</tr></thead>` +
        `<tbody class="govuk-table__body">${rows}</tbody></table></div>`
      )
    }
  }
}

/**
 * A stand-alone HTML file: language and title set, no scripts, no external resources, so the frozen copy
 * reads the same wherever it is opened.
 */
export function renderHtmlDocument(doc: PaperDocument): Buffer {
  const html = `<!DOCTYPE html>
<html lang="${doc.language}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="author" content="${escapeHtml(doc.author)}">
<title>${escapeHtml(doc.title)}</title>
</head>
<body>
<main>
${renderHtmlFragment(doc)}
</main>
</body>
</html>
`
  return Buffer.from(html, 'utf8')
}
