import { formatFte } from '../../../domain/fte.ts'
import { formatPeriod } from '../../../domain/periods.ts'
import { escapeHtml } from '../../../web/escape.ts'
import type { CapacityReport } from './capacity.service.ts'

// The capacity heat map (issue 10): unfilled demand by group (rows) and month (columns), drawn on the server
// as an SVG image with a title and description; the page gives the same figures in a table beside it. Each
// cell carries its unfilled FTE as text, so colour never carries the meaning alone (WCAG 1.4.1).

const BANDS = [
  { test: (gap: number, demand: number) => demand === 0, fill: '#f3f2f1', text: '#0b0c0c' },
  { test: (gap: number) => gap <= 0, fill: '#00703c', text: '#ffffff' },
  { test: (gap: number, demand: number) => gap * 2 <= demand, fill: '#ffdd00', text: '#0b0c0c' },
  { test: () => true, fill: '#d4351c', text: '#ffffff' },
]

/** Demand not met by people allocated, in hundredths (never below 0). */
export const unfilledOf = (c: { demand: number; allocated: number }) => Math.max(0, c.demand - c.allocated)

export function capacityHeatMap(
  id: string,
  report: CapacityReport,
  groupLabel: (name: string) => string,
): string {
  const cell = 44
  const rowHeight = 28
  const left = 170
  const top = 56
  const width = left + cell * report.months.length + 8
  const height = top + rowHeight * Math.max(1, report.groups.length) + 8
  const parts: string[] = []
  report.months.forEach((m, i) => {
    const x = left + i * cell + cell / 2
    parts.push(
      `<text x="${x}" y="${top - 8}" text-anchor="start" font-size="12" fill="#0b0c0c" transform="rotate(-45 ${x} ${top - 8})">${escapeHtml(m)}</text>`,
    )
  })
  report.groups.forEach((g, r) => {
    const y = top + r * rowHeight
    const label = groupLabel(g.name)
    parts.push(
      `<text x="${left - 8}" y="${y + rowHeight / 2 + 5}" text-anchor="end" font-size="13" fill="#0b0c0c">${escapeHtml(label.length > 24 ? `${label.slice(0, 23)}…` : label)}</text>`,
    )
    g.cells.forEach((c, i) => {
      const gap = unfilledOf(c)
      const band = BANDS.find((b) => b.test(gap, c.demand))!
      const x = left + i * cell
      parts.push(
        `<rect x="${x}" y="${y}" width="${cell}" height="${rowHeight}" fill="${band.fill}" stroke="#ffffff" stroke-width="2"><title>${escapeHtml(`${label}, ${formatPeriod(c.period)}: ${formatFte(gap)} FTE unfilled of ${formatFte(c.demand)}`)}</title></rect>`,
        gap > 0
          ? `<text x="${x + cell / 2}" y="${y + rowHeight / 2 + 5}" text-anchor="middle" font-size="12" font-weight="700" fill="${band.text}">${formatFte(gap)}</text>`
          : '',
      )
    })
  })
  const t = `${id}-title`
  const d = `${id}-desc`
  const described = `Unfilled demand in FTE for ${report.groups.length} rows (down) over ${report.months.length} months (across): green is filled, yellow half or less unfilled, red more. The table that follows gives the same figures.`
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" aria-labelledby="${t} ${d}" viewBox="0 0 ${width} ${height}" width="100%" style="max-width:${width}px">` +
    `<title id="${t}">Unfilled demand by month</title><desc id="${d}">${escapeHtml(described)}</desc>` +
    parts.join('') +
    '</svg>'
  )
}
