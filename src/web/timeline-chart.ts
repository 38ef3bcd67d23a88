import { formatDate, MONTH_NAMES, type IsoDate } from '../domain/dates.ts'
import { escapeHtml } from './escape.ts'
import { svgOpen } from './charts.ts'

/**
 * A timeline (Gantt) chart, server-rendered: one row a project or milestone on a shared time axis, with the
 * baseline, forecast and actual each drawn in its own lane and style (outlined, dashed, solid; for a milestone a
 * hollow diamond, a triangle and a filled diamond), a key that names them and a labelled line for today — so
 * neither colour nor position alone carries the meaning. The page gives the same data as a table.
 */
export interface TimelineSpan {
  start: IsoDate
  end: IsoDate
}

export interface TimelineRow {
  kind: 'project' | 'milestone'
  label: string
  baseline: TimelineSpan | null
  forecast: TimelineSpan | null
  actual: TimelineSpan | null
}

const LANES = ['baseline', 'forecast', 'actual'] as const
const STYLE = {
  baseline: { colour: '#505a5f', label: 'Baseline' },
  forecast: { colour: '#1d70b8', label: 'Forecast' },
  actual: { colour: '#00703c', label: 'Actual' },
} as const

const dayNumber = (d: IsoDate) => Date.UTC(+d.slice(0, 4), +d.slice(5, 7) - 1, +d.slice(8, 10)) / 86_400_000
const monthStart = (y: number, m: number): IsoDate => `${y}-${String(m).padStart(2, '0')}-01`

/** Month starts from the month of `from` to the first after `to`, every `step` months. */
function monthTicks(from: IsoDate, to: IsoDate, step: number): IsoDate[] {
  let y = +from.slice(0, 4)
  let m = +from.slice(5, 7)
  m -= (m - 1) % step
  const out: IsoDate[] = []
  for (;;) {
    const d = monthStart(y, m)
    out.push(d)
    if (d > to) return out
    m += step
    while (m > 12) {
      m -= 12
      y++
    }
  }
}

const truncate = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s)

export function timelineChart(opts: {
  id: string
  title: string
  description: string
  rows: readonly TimelineRow[]
  today: IsoDate
  width?: number
}): string {
  const width = opts.width ?? 960
  const labelW = 260
  const right = 24
  const top = 64
  const projectH = 34
  const milestoneH = 24
  const dates = opts.rows.flatMap((r) => LANES.flatMap((l) => (r[l] ? [r[l].start, r[l].end] : [])))
  dates.push(opts.today)
  const first = dates.reduce((a, b) => (a < b ? a : b))
  const last = dates.reduce((a, b) => (a > b ? a : b))
  const months = (+last.slice(0, 4) - +first.slice(0, 4)) * 12 + (+last.slice(5, 7) - +first.slice(5, 7)) + 1
  const step = [1, 2, 3, 6, 12, 24].find((s) => months / s <= 8) ?? 60
  const ticks = monthTicks(first, last, step)
  const t0 = dayNumber(ticks[0]!)
  const t1 = dayNumber(ticks.at(-1)!)
  const plotW = width - labelW - right
  const r = (v: number) => Math.round(v * 10) / 10
  const x = (d: IsoDate) => r(labelW + ((dayNumber(d) - t0) / (t1 - t0 || 1)) * plotW)
  const height =
    top + opts.rows.reduce((h, row) => h + (row.kind === 'project' ? projectH : milestoneH), 0) + 8

  const key = LANES.map((lane, i) => {
    const kx = labelW + i * 140
    const c = STYLE[lane].colour
    return `${bar(lane, kx, 8, 28, 10)}${mark(lane, kx + 44, 13, c)}<text x="${kx + 56}" y="18" font-size="14" fill="#0b0c0c">${STYLE[lane].label}</text>`
  }).join('')
  const grid = ticks
    .map((d) => {
      const tx = x(d)
      const label = `${MONTH_NAMES[+d.slice(5, 7) - 1]!.slice(0, 3)} ${d.slice(0, 4)}`
      return (
        `<line x1="${tx}" y1="${top - 8}" x2="${tx}" y2="${height}" stroke="#dddddd" stroke-width="1"></line>` +
        (tx < width - 40
          ? `<text x="${tx + 3}" y="${top - 12}" font-size="13" fill="#0b0c0c">${label}</text>`
          : '')
      )
    })
    .join('')

  let y = top
  const body = opts.rows
    .map((row) => {
      const h = row.kind === 'project' ? projectH : milestoneH
      const label =
        row.kind === 'project'
          ? `<text x="8" y="${y + h / 2 + 5}" font-size="14" font-weight="700" fill="#0b0c0c">${escapeHtml(truncate(row.label, 30))}</text>`
          : `<text x="24" y="${y + h / 2 + 5}" font-size="13" fill="#0b0c0c">${escapeHtml(truncate(row.label, 32))}</text>`
      let marks = ''
      LANES.forEach((lane, i) => {
        const s = row[lane]
        if (!s) return
        if (row.kind === 'project') {
          const bx = x(s.start)
          marks += bar(lane, bx, y + 4 + i * 9, Math.max(2, x(s.end) - bx), 7, true)
        } else marks += mark(lane, x(s.start), y + h / 2, STYLE[lane].colour, true)
      })
      const line = `<line x1="0" y1="${y + h}" x2="${width}" y2="${y + h}" stroke="#f3f2f1" stroke-width="1"></line>`
      y += h
      return label + marks + line
    })
    .join('')
  const tx = x(opts.today)
  const todayText = `Today ${formatDate(opts.today)}`
  const anchorEnd = tx > width - 160
  const today =
    `<g data-today="${opts.today}"><line x1="${tx}" y1="${top - 30}" x2="${tx}" y2="${height}" stroke="#d4351c" stroke-width="2" stroke-dasharray="6 3"></line>` +
    `<text x="${anchorEnd ? tx - 4 : tx + 4}" y="${top - 28}" font-size="13" font-weight="700" fill="#0b0c0c"${anchorEnd ? ' text-anchor="end"' : ''}>${escapeHtml(todayText)}</text></g>`
  return (
    svgOpen(opts.id, opts.title, opts.description, width, height, 'app-chart app-timeline') +
    key +
    grid +
    body +
    today +
    '</svg>'
  )
}

/** A project's bar in a lane's style: baseline outlined, forecast dashed, actual solid. */
function bar(
  lane: (typeof LANES)[number],
  bx: number,
  by: number,
  w: number,
  h: number,
  counted = false,
): string {
  const c = STYLE[lane].colour
  const attrs =
    lane === 'actual'
      ? `fill="${c}"`
      : `fill="#ffffff" stroke="${c}" stroke-width="2"${lane === 'forecast' ? ' stroke-dasharray="4 2"' : ''}`
  return `<rect${counted ? ` data-bar="${lane}"` : ''} x="${bx}" y="${by}" width="${Math.round(w * 10) / 10}" height="${h}" ${attrs}></rect>`
}

/** A milestone's mark in a lane's shape: baseline a hollow diamond, forecast a triangle, actual a filled diamond. */
function mark(lane: (typeof LANES)[number], mx: number, my: number, c: string, counted = false): string {
  const data = counted ? ` data-mark="${lane}"` : ''
  const s = 6
  if (lane === 'forecast')
    return `<path${data} d="M${mx} ${my - s}L${mx + s} ${my + s}L${mx - s} ${my + s}Z" fill="#ffffff" stroke="${c}" stroke-width="2"></path>`
  const d = `M${mx} ${my - s}L${mx + s} ${my}L${mx} ${my + s}L${mx - s} ${my}Z`
  return lane === 'actual'
    ? `<path${data} d="${d}" fill="${c}"></path>`
    : `<path${data} d="${d}" fill="#ffffff" stroke="${c}" stroke-width="2"></path>`
}
