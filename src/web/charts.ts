import { escapeHtml } from './escape.ts'

/**
 * Server-rendered SVG charts. Each chart is an image with a title and description for assistive
 * technology; pages always give the same figures in a table beside it (WCAG 1.1.1, and the brief's
 * "charts come with a table"). Bars carry their value as text, so colour never carries meaning alone.
 */
export interface Bar {
  label: string
  value: number
  colour: string
  /** The value as the page words it ("42,000 contacts", "£1,250.00"); by default the number. */
  text?: string
}

export function horizontalBarChart(opts: {
  id: string
  title: string
  description: string
  bars: Bar[]
  width?: number
}): string {
  const width = opts.width ?? 560
  const labelWidth = 150
  // Room beside the longest bar for the widest value's text, at about 9 px a character.
  const valueWidth = Math.max(48, ...opts.bars.map((b) => (b.text ?? String(b.value)).length * 9 + 8))
  const barHeight = 28
  const gap = 10
  const top = 8
  const height = top + opts.bars.length * (barHeight + gap)
  const max = Math.max(1, ...opts.bars.map((b) => b.value))
  const plot = width - labelWidth - valueWidth
  const rows = opts.bars
    .map((b, i) => {
      const y = top + i * (barHeight + gap)
      const w = Math.round((b.value / max) * plot)
      return (
        `<text x="${labelWidth - 8}" y="${y + barHeight / 2 + 5}" text-anchor="end" font-size="16" fill="#0b0c0c">${escapeHtml(b.label)}</text>` +
        `<rect x="${labelWidth}" y="${y}" width="${Math.max(w, b.value > 0 ? 2 : 0)}" height="${barHeight}" fill="${escapeHtml(b.colour)}"></rect>` +
        `<text x="${labelWidth + Math.max(w, 0) + 6}" y="${y + barHeight / 2 + 5}" font-size="16" font-weight="700" fill="#0b0c0c">${escapeHtml(b.text ?? String(b.value))}</text>`
      )
    })
    .join('')
  const t = `${opts.id}-title`
  const d = `${opts.id}-desc`
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" aria-labelledby="${t} ${d}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">` +
    `<title id="${t}">${escapeHtml(opts.title)}</title><desc id="${d}">${escapeHtml(opts.description)}</desc>` +
    `<line x1="${labelWidth}" y1="0" x2="${labelWidth}" y2="${height}" stroke="#0b0c0c" stroke-width="1"></line>` +
    rows +
    '</svg>'
  )
}
