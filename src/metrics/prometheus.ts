/**
 * The few Prometheus instruments Oversight needs, written out in the text exposition format (version 0.0.4).
 * Small enough to own rather than depend on: counters and histograms updated on every request, so an update
 * is a map lookup and an addition, and labels are positional (no object per call).
 * https://prometheus.io/docs/instrumenting/exposition_formats/
 */

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

export interface Instrument {
  readonly name: string
  render(lines: string[]): void
}

/** A label value as the format wants it: backslash, double quote and line feed escaped. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

function labelText(names: readonly string[], values: readonly string[], extra = ''): string {
  const parts = names.map((n, i) => `${n}="${escapeLabel(values[i] ?? '')}"`)
  if (extra) parts.push(extra)
  return parts.length === 0 ? '' : `{${parts.join(',')}}`
}

function header(lines: string[], name: string, help: string, type: string): void {
  lines.push(`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${type}`)
}

/** Numbers as Prometheus reads them (it has its own spellings of the infinities). */
function num(v: number): string {
  if (v === Infinity) return '+Inf'
  if (v === -Infinity) return '-Inf'
  return String(v)
}

type Node<T> = Map<string, Node<T> | { labels: readonly string[]; value: T }>

abstract class Labelled<T> implements Instrument {
  /**
   * Series by their labels' values, one map level per label: looking one up on every request builds no
   * string (joining the values was most of an update's cost).
   */
  private readonly root: Node<T> = new Map()
  protected readonly series: Array<{ labels: readonly string[]; value: T }> = []
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
  ) {}

  protected find(labels: readonly string[]): T | undefined {
    let node: Node<T> | { value: T } | undefined = this.root
    for (const label of labels) {
      node = (node as Node<T>).get(label)
      if (node === undefined) return undefined
    }
    return labels.length === 0 ? this.series[0]?.value : (node as { value: T }).value
  }

  protected entry(labels: readonly string[], create: () => T): T {
    const found = this.find(labels)
    if (found !== undefined) return found
    const series = { labels: [...labels], value: create() }
    let node = this.root
    for (let i = 0; i < labels.length - 1; i++) {
      let next = node.get(labels[i]!) as Node<T> | undefined
      if (!next) node.set(labels[i]!, (next = new Map()))
      node = next
    }
    if (labels.length > 0) node.set(labels[labels.length - 1]!, series)
    this.series.push(series)
    return series.value
  }

  abstract render(lines: string[]): void
}

/** A count that only goes up (requests, job runs), by its labels' values in `labelNames` order. */
export class Counter extends Labelled<{ n: number }> {
  inc(labels: readonly string[], by = 1): void {
    this.entry(labels, () => ({ n: 0 })).n += by
  }

  /** The current count for these labels (0 if never counted). */
  get(labels: readonly string[]): number {
    return this.find(labels)?.n ?? 0
  }

  render(lines: string[]): void {
    header(lines, this.name, this.help, 'counter')
    for (const { labels, value } of this.series)
      lines.push(`${this.name}${labelText(this.labelNames, labels)} ${num(value.n)}`)
  }
}

/** A value set from time to time (the last time a job succeeded). */
export class Gauge extends Labelled<{ v: number }> {
  set(labels: readonly string[], value: number): void {
    this.entry(labels, () => ({ v: 0 })).v = value
  }

  render(lines: string[]): void {
    header(lines, this.name, this.help, 'gauge')
    for (const { labels, value } of this.series)
      lines.push(`${this.name}${labelText(this.labelNames, labels)} ${num(value.v)}`)
  }
}

interface HistogramSeries {
  /** Observations per bucket (not cumulative: summed when written out), the last one past every bound. */
  counts: number[]
  sum: number
  count: number
}

/** Durations, in seconds, counted into buckets by their upper bounds. */
export class Histogram extends Labelled<HistogramSeries> {
  constructor(
    name: string,
    help: string,
    labelNames: readonly string[],
    readonly bounds: readonly number[],
  ) {
    super(name, help, labelNames)
  }

  observe(labels: readonly string[], value: number): void {
    const s = this.entry(labels, () => ({
      counts: new Array<number>(this.bounds.length + 1).fill(0),
      sum: 0,
      count: 0,
    }))
    let i = 0
    while (i < this.bounds.length && value > this.bounds[i]!) i++
    s.counts[i]!++
    s.sum += value
    s.count++
  }

  /** How many observations these labels have had (0 if none). */
  count(labels: readonly string[]): number {
    return this.find(labels)?.count ?? 0
  }

  render(lines: string[]): void {
    header(lines, this.name, this.help, 'histogram')
    for (const { labels, value } of this.series) {
      let cumulative = 0
      for (let i = 0; i <= this.bounds.length; i++) {
        cumulative += value.counts[i]!
        const le = i < this.bounds.length ? num(this.bounds[i]!) : '+Inf'
        lines.push(`${this.name}_bucket${labelText(this.labelNames, labels, `le="${le}"`)} ${cumulative}`)
      }
      lines.push(`${this.name}_sum${labelText(this.labelNames, labels)} ${num(value.sum)}`)
      lines.push(`${this.name}_count${labelText(this.labelNames, labels)} ${value.count}`)
    }
  }
}

/** A gauge read when scraped: its samples come from the caller (the database pool, the outbox). */
export function renderGauge(
  lines: string[],
  name: string,
  help: string,
  samples: ReadonlyArray<{ labels?: Record<string, string>; value: number }>,
): void {
  header(lines, name, help, 'gauge')
  for (const s of samples) {
    const names = Object.keys(s.labels ?? {})
    lines.push(`${name}${labelText(names, Object.values(s.labels ?? {}))} ${num(s.value)}`)
  }
}
