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

/** One line of a line chart: a value per x position (null for a gap), drawn solid or dashed. */
export interface Line {
  label: string
  values: ReadonlyArray<number | null>
  colour: string
  dashed?: boolean
}

export const svgOpen = (
  id: string,
  title: string,
  description: string,
  width: number,
  height: number,
  className = 'app-chart',
) =>
  `<svg xmlns="http://www.w3.org/2000/svg" class="${className}" role="img" aria-labelledby="${id}-title ${id}-desc" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}">` +
  `<title id="${id}-title">${escapeHtml(title)}</title><desc id="${id}-desc">${escapeHtml(description)}</desc>`

/** The x labels to print: the first, the last and evenly spaced ones between, so they never overlap. */
function tickIndexes(n: number, most: number): number[] {
  if (n <= most) return Array.from({ length: n }, (_, i) => i)
  const step = Math.ceil((n - 1) / (most - 1))
  const out: number[] = []
  for (let i = 0; i < n - 1; i += step) out.push(i)
  out.push(n - 1)
  return out
}

/** A round number at or above `v` for the top of an axis: 1, 2 or 5 × 10^k. */
function niceCeiling(v: number): number {
  if (v <= 0) return 1
  const p = 10 ** Math.floor(Math.log10(v))
  return ([1, 2, 5, 10].find((m) => m * p >= v) ?? 10) * p
}

/**
 * A trend: lines over the same x labels (an indicator's values and its target), each with a key entry, so the
 * dashes, not the colour, tell the target from the value. The y axis runs from 0 (or the lowest value, if
 * below 0) to a round number; `format` writes its labels in the figures' unit.
 */
export function lineChart(opts: {
  id: string
  title: string
  description: string
  labels: readonly string[]
  lines: readonly Line[]
  format?: (v: number) => string
  width?: number
  height?: number
}): string {
  const width = opts.width ?? 640
  const height = opts.height ?? 280
  const format = opts.format ?? ((v: number) => String(v))
  const left = 72
  const right = 16
  const top = 28
  const bottom = 40
  const all = opts.lines.flatMap((l) => l.values.filter((v): v is number => v !== null))
  const lowest = Math.min(0, ...all)
  const highest = niceCeiling(Math.max(...all, 0) - lowest) + lowest
  const n = Math.max(opts.labels.length, 1)
  const plotW = width - left - right
  const plotH = height - top - bottom
  const x = (i: number) => left + (n === 1 ? plotW / 2 : (i * plotW) / (n - 1))
  const y = (v: number) => top + plotH - ((v - lowest) / (highest - lowest || 1)) * plotH
  const r = (v: number) => Math.round(v * 10) / 10
  const grid = [0, 0.5, 1]
    .map((f) => {
      const v = lowest + f * (highest - lowest)
      return (
        `<line x1="${left}" y1="${r(y(v))}" x2="${width - right}" y2="${r(y(v))}" stroke="#b1b4b6" stroke-width="1"></line>` +
        `<text x="${left - 6}" y="${r(y(v)) + 5}" text-anchor="end" font-size="14" fill="#0b0c0c">${escapeHtml(format(v))}</text>`
      )
    })
    .join('')
  // The first and last labels are anchored inward, so neither is cut off at the chart's edge.
  const anchor = (i: number) => (n > 1 && i === 0 ? 'start' : n > 1 && i === n - 1 ? 'end' : 'middle')
  const ticks = tickIndexes(opts.labels.length, 6)
    .map(
      (i) =>
        `<text x="${r(x(i))}" y="${height - bottom + 20}" text-anchor="${anchor(i)}" font-size="14" fill="#0b0c0c">${escapeHtml(opts.labels[i] ?? '')}</text>`,
    )
    .join('')
  const paths = opts.lines
    .map((l) => {
      let d = ''
      let pen = false
      l.values.forEach((v, i) => {
        if (v === null) {
          pen = false
          return
        }
        d += `${pen ? 'L' : 'M'}${r(x(i))} ${r(y(v))}`
        pen = true
      })
      const dots =
        l.values.length <= 40 && !l.dashed
          ? l.values
              .map((v, i) =>
                v === null
                  ? ''
                  : `<circle cx="${r(x(i))}" cy="${r(y(v))}" r="3" fill="${escapeHtml(l.colour)}"></circle>`,
              )
              .join('')
          : ''
      return (
        `<path d="${d}" fill="none" stroke="${escapeHtml(l.colour)}" stroke-width="${l.dashed ? 2 : 3}"${l.dashed ? ' stroke-dasharray="8 5"' : ''}></path>` +
        dots
      )
    })
    .join('')
  const key = opts.lines
    .map((l, i) => {
      const kx = left + i * 180
      return (
        `<line x1="${kx}" y1="12" x2="${kx + 28}" y2="12" stroke="${escapeHtml(l.colour)}" stroke-width="3"${l.dashed ? ' stroke-dasharray="8 5"' : ''}></line>` +
        `<text x="${kx + 34}" y="17" font-size="14" fill="#0b0c0c">${escapeHtml(l.label)}</text>`
      )
    })
    .join('')
  return svgOpen(opts.id, opts.title, opts.description, width, height) + grid + ticks + paths + key + '</svg>'
}

/** One series of a stacked column chart: its share of each column. */
export interface Stack {
  label: string
  values: readonly number[]
  colour: string
}

/**
 * A mix over time: each column is 100% and each series its share of that column's total (the channel-shift
 * chart: contacts by telephone, web, social media and face to face). Series are stacked in the order given,
 * with a key; the page gives the numbers in a table beside it.
 */
export function stackedShareChart(opts: {
  id: string
  title: string
  description: string
  labels: readonly string[]
  stacks: readonly Stack[]
  width?: number
  height?: number
}): string {
  const width = opts.width ?? 640
  const height = opts.height ?? 260 + opts.stacks.length * 20
  const left = 48
  const right = 8
  const top = 16 + opts.stacks.length * 20
  const bottom = 40
  const n = Math.max(opts.labels.length, 1)
  const plotW = width - left - right
  const plotH = height - top - bottom
  const slot = plotW / n
  const barW = Math.max(1, Math.round(slot * 0.8 * 10) / 10)
  const r = (v: number) => Math.round(v * 10) / 10
  let bars = ''
  for (let i = 0; i < opts.labels.length; i++) {
    const total = opts.stacks.reduce((s, st) => s + Math.max(0, st.values[i] ?? 0), 0)
    if (total === 0) continue
    let acc = 0
    for (const st of opts.stacks) {
      const share = Math.max(0, st.values[i] ?? 0) / total
      const h = share * plotH
      const yTop = top + plotH - (acc + h)
      bars += `<rect x="${r(left + i * slot + (slot - barW) / 2)}" y="${r(yTop)}" width="${barW}" height="${r(h)}" fill="${escapeHtml(st.colour)}"></rect>`
      acc += h
    }
  }
  const axis = [0, 50, 100]
    .map((p) => {
      const yy = r(top + plotH - (p / 100) * plotH)
      return `<text x="${left - 6}" y="${yy + 5}" text-anchor="end" font-size="14" fill="#0b0c0c">${p}%</text><line x1="${left}" y1="${yy}" x2="${width - right}" y2="${yy}" stroke="#b1b4b6" stroke-width="1"></line>`
    })
    .join('')
  const ticks = tickIndexes(opts.labels.length, 6)
    .map(
      (i) =>
        `<text x="${r(left + i * slot + slot / 2)}" y="${height - bottom + 20}" text-anchor="middle" font-size="14" fill="#0b0c0c">${escapeHtml(opts.labels[i] ?? '')}</text>`,
    )
    .join('')
  // One key entry a line, so long names never run into each other.
  const key = opts.stacks
    .map((st, i) => {
      const kx = left
      const ky = 6 + i * 20
      return `<rect x="${kx}" y="${ky}" width="14" height="14" fill="${escapeHtml(st.colour)}"></rect><text x="${kx + 20}" y="${ky + 12}" font-size="14" fill="#0b0c0c">${escapeHtml(st.label)}</text>`
    })
    .join('')
  return svgOpen(opts.id, opts.title, opts.description, width, height) + axis + bars + ticks + key + '</svg>'
}
