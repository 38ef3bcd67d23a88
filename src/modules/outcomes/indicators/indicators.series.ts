// An indicator's periods in order, each with its value, target and status: what the page's table and chart, the
// API, the project and programme partials and the panel report show. Pure: given the rows and today.

import {
  frequencyOfKey,
  lastCompletePeriod,
  monthsOf,
  nextKey,
  type Frequency,
  type PeriodKey,
} from '../../../domain/reporting-periods.ts'
import { statusOf, type PeriodStatus } from './indicators.rules.ts'

export interface SeriesPoint {
  period: PeriodKey
  value: number | null
  target: number | null
  warning: number | null
  note: string
  enteredBy: string
  enteredAt: string | null
  valueVersion: number | null
  targetVersion: number | null
  /** Null for a period not yet over with no value: nothing is due yet. */
  status: PeriodStatus | null
}

interface Rows {
  values: ReadonlyArray<{
    period: string
    value: number
    note: string
    entered_by_name: string
    entered_at: string
    version: number
  }>
  targets: ReadonlyArray<{ period: string; target: number; warning: number | null; version: number }>
}

/** Periods from the first with a value or target to the later of the last complete one and the last held. */
export function seriesOf(
  indicator: { frequency: string; polarity: string; created_at: string },
  rows: Rows,
  today: string,
): SeriesPoint[] {
  const frequency = indicator.frequency as Frequency
  const held = [...rows.values.map((v) => v.period), ...rows.targets.map((t) => t.period)].filter(
    (p) => frequencyOfKey(p) === frequency,
  )
  if (held.length === 0) return []
  const start = (p: string) => monthsOf(p)[0]!
  held.sort((a, b) => (start(a) < start(b) ? -1 : 1))
  const lastDone = lastCompletePeriod(frequency, today)
  const last = start(held.at(-1)!) > start(lastDone) ? held.at(-1)! : lastDone
  const values = new Map(rows.values.map((v) => [v.period, v]))
  const targets = new Map(rows.targets.map((t) => [t.period, t]))
  const out: SeriesPoint[] = []
  for (let k = held[0]!; start(k) <= start(last) && out.length < 12_000; k = nextKey(k)) {
    const v = values.get(k)
    const t = targets.get(k)
    const over = start(k) <= start(lastDone)
    out.push({
      period: k,
      value: v?.value ?? null,
      target: t?.target ?? null,
      warning: t?.warning ?? null,
      note: v?.note ?? '',
      enteredBy: v?.entered_by_name ?? '',
      enteredAt: v?.entered_at ?? null,
      valueVersion: v?.version ?? null,
      targetVersion: t?.version ?? null,
      status: v || over ? statusOf(indicator.polarity, v?.value ?? null, t ?? null) : null,
    })
  }
  return out
}

/** The latest period with a value, or the last complete period when its value is missing. */
export function latestOf(
  series: readonly SeriesPoint[],
  today: string,
  frequency: string,
): SeriesPoint | null {
  const lastDone = lastCompletePeriod(frequency as Frequency, today)
  const due = series.find((p) => p.period === lastDone)
  if (due && due.value === null) return due
  return [...series].reverse().find((p) => p.value !== null) ?? null
}
