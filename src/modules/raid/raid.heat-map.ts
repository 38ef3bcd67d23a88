import { escapeHtml } from '../../web/escape.ts'
import { heatMapCounts, IMPACT_LABELS, LIKELIHOOD_LABELS, scoreBand } from './raid.rules.ts'

export interface HeatMapTable {
  /** Rows from impact 5 down to 1, each with likelihood 1 to 5. */
  rows: { impact: number; label: string; cells: { likelihood: number; count: number; band: string }[] }[]
  columns: { likelihood: number; label: string }[]
  total: number
}

/**
 * The 5×5 risk heat map: an SVG image with a title and description for assistive technology, and the
 * same counts as a table (the page shows both). Each cell carries its count as text, so the colour of
 * the band never carries the meaning alone (WCAG 1.4.1).
 */
export function heatMap(
  id: string,
  title: string,
  risks: { likelihood: number; impact: number }[],
): { svg: string; table: HeatMapTable } {
  const grid = heatMapCounts(risks)
  const cell = 64
  const left = 40
  const top = 8
  const size = left + cell * 5 + 8
  const height = top + cell * 5 + 44
  const parts: string[] = []
  for (let impact = 5; impact >= 1; impact--) {
    const y = top + (5 - impact) * cell
    parts.push(
      `<text x="${left - 10}" y="${y + cell / 2 + 6}" text-anchor="end" font-size="16" fill="#0b0c0c">${impact}</text>`,
    )
    for (let likelihood = 1; likelihood <= 5; likelihood++) {
      const x = left + (likelihood - 1) * cell
      const count = grid[impact - 1]![likelihood - 1]!
      const band = scoreBand(likelihood * impact)
      const dark = band.colour === '#d4351c' || band.colour === '#00703c'
      parts.push(
        `<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="${band.colour}" stroke="#ffffff" stroke-width="2"></rect>`,
        `<text x="${x + cell / 2}" y="${y + cell / 2 + 8}" text-anchor="middle" font-size="22" font-weight="700" fill="${dark ? '#ffffff' : '#0b0c0c'}">${count || ''}</text>`,
      )
    }
  }
  for (let likelihood = 1; likelihood <= 5; likelihood++) {
    parts.push(
      `<text x="${left + (likelihood - 1) * cell + cell / 2}" y="${top + cell * 5 + 20}" text-anchor="middle" font-size="16" fill="#0b0c0c">${likelihood}</text>`,
    )
  }
  parts.push(
    `<text x="${left + (cell * 5) / 2}" y="${top + cell * 5 + 40}" text-anchor="middle" font-size="14" fill="#0b0c0c">Likelihood</text>`,
    `<text x="12" y="${top + (cell * 5) / 2}" text-anchor="middle" font-size="14" fill="#0b0c0c" transform="rotate(-90 12 ${top + (cell * 5) / 2})">Impact</text>`,
  )
  const total = risks.length
  const t = `${id}-title`
  const d = `${id}-desc`
  const described = `${total} open ${total === 1 ? 'risk' : 'risks'} by likelihood (across, 1 to 5) and impact (up, 1 to 5). The table that follows gives the same counts.`
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" aria-labelledby="${t} ${d}" viewBox="0 0 ${size} ${height}" width="${size}" height="${height}">` +
    `<title id="${t}">${escapeHtml(title)}</title><desc id="${d}">${escapeHtml(described)}</desc>` +
    parts.join('') +
    '</svg>'
  const table: HeatMapTable = {
    columns: LIKELIHOOD_LABELS.map((label, i) => ({ likelihood: i + 1, label })),
    rows: [5, 4, 3, 2, 1].map((impact) => ({
      impact,
      label: IMPACT_LABELS[impact - 1]!,
      cells: [1, 2, 3, 4, 5].map((likelihood) => ({
        likelihood,
        count: grid[impact - 1]![likelihood - 1]!,
        band: scoreBand(likelihood * impact).text,
      })),
    })),
    total,
  }
  return { svg, table }
}
