import { formatPounds } from '../../../domain/money.ts'
import { escapeHtml } from '../../../web/escape.ts'

export interface ProfilePoint {
  label: string
  cumulativeProfiled: number
  cumulativeActual: number | null
}

/**
 * Spend to date against the profiled budget, cumulative by month, as an SVG line chart. The page gives
 * the same figures in a table beside it (WCAG 1.1.1); the two lines differ in pattern as well as colour,
 * and the legend is text, so colour never carries the meaning alone.
 */
export function spendProfileChart(opts: { id: string; title: string; points: ProfilePoint[] }): string {
  const width = 640
  const height = 300
  const left = 90
  const right = 16
  const top = 40
  const bottom = 36
  const plotW = width - left - right
  const plotH = height - top - bottom
  const max = Math.max(1, ...opts.points.map((p) => Math.max(p.cumulativeProfiled, p.cumulativeActual ?? 0)))
  const n = Math.max(1, opts.points.length - 1)
  const x = (i: number) => left + (i / n) * plotW
  const y = (v: number) => top + plotH - (Math.max(0, v) / max) * plotH
  const path = (vals: Array<number | null>) =>
    vals
      .map((v, i) => (v === null ? null : `${x(i).toFixed(1)},${y(v).toFixed(1)}`))
      .filter((p): p is string => p !== null)
      .join(' ')
  const profiled = path(opts.points.map((p) => p.cumulativeProfiled))
  const actual = path(opts.points.map((p) => p.cumulativeActual))
  const ticks = [0, 0.5, 1].map((f) => {
    const v = Math.round(max * f)
    return (
      `<line x1="${left}" y1="${y(v)}" x2="${width - right}" y2="${y(v)}" stroke="#b1b4b6" stroke-width="1"></line>` +
      `<text x="${left - 6}" y="${y(v) + 5}" text-anchor="end" font-size="14" fill="#0b0c0c">${escapeHtml(formatPounds(v))}</text>`
    )
  })
  const labels = opts.points.map(
    (p, i) =>
      `<text x="${x(i)}" y="${height - 12}" text-anchor="middle" font-size="14" fill="#0b0c0c">${escapeHtml(p.label)}</text>`,
  )
  const last = opts.points.filter((p) => p.cumulativeActual !== null).at(-1)
  const desc = last
    ? `By ${last.label}, ${formatPounds(last.cumulativeActual ?? 0)} spent against ${formatPounds(last.cumulativeProfiled)} profiled.`
    : 'No spend recorded yet this year.'
  const t = `${opts.id}-title`
  const d = `${opts.id}-desc`
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" aria-labelledby="${t} ${d}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">` +
    `<title id="${t}">${escapeHtml(opts.title)}</title><desc id="${d}">${escapeHtml(desc)}</desc>` +
    ticks.join('') +
    labels.join('') +
    `<line x1="${left}" y1="12" x2="${left + 30}" y2="12" stroke="#0b0c0c" stroke-width="3" stroke-dasharray="6 4"></line>` +
    `<text x="${left + 36}" y="17" font-size="14" fill="#0b0c0c">Profiled budget (dashed)</text>` +
    `<line x1="${left + 230}" y1="12" x2="${left + 260}" y2="12" stroke="#1d70b8" stroke-width="4"></line>` +
    `<text x="${left + 266}" y="17" font-size="14" fill="#0b0c0c">Actual spend (solid)</text>` +
    `<polyline points="${profiled}" fill="none" stroke="#0b0c0c" stroke-width="3" stroke-dasharray="6 4"></polyline>` +
    (actual ? `<polyline points="${actual}" fill="none" stroke="#1d70b8" stroke-width="4"></polyline>` : '') +
    '</svg>'
  )
}
