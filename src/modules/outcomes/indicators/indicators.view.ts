import { formatDateTime } from '../../../domain/dates.ts'
import { formatPeriodKey, rollUp, shortPeriodLabel, type Rollup } from '../../../domain/reporting-periods.ts'
import { lineChart, stackedShareChart } from '../../../web/charts.ts'
import {
  FREQUENCY_ITEMS,
  labelOf,
  POLARITIES,
  ROLLUP_ITEMS,
  STATUS_LABELS,
  UNITS,
  formatValue,
} from './indicators.rules.ts'
import type { SeriesPoint } from './indicators.series.ts'
import type { IndicatorView } from './indicators.service.ts'

// What the indicator pages show: figures in the indicator's unit, statuses as tags with words, and the charts
// with the same figures in a table beside them.

const VALUE_COLOUR = '#1d70b8'
const TARGET_COLOUR = '#0b0c0c'

export function statusTag(status: SeriesPoint['status']) {
  if (status === null) return { text: 'Not yet due', classes: 'govuk-tag--grey' }
  const s = STATUS_LABELS[status]
  return { text: s.text, classes: s.tag }
}

export function latestSummary(v: IndicatorView) {
  const i = v.indicator
  const p = v.latest
  return {
    period: p ? formatPeriodKey(p.period) : 'None yet',
    value: p ? formatValue(i.unit, i.scale, p.value) || 'Missing' : '',
    target: p ? formatValue(i.unit, i.scale, p.target) : '',
    tag: p ? statusTag(p.status) : { text: 'No values', classes: 'govuk-tag--grey' },
  }
}

/** The periods as the table beside the chart shows them, newest first. */
export function periodRows(v: IndicatorView) {
  const i = v.indicator
  return [...v.series].reverse().map((p) => ({
    period: p.period,
    label: formatPeriodKey(p.period),
    value: formatValue(i.unit, i.scale, p.value),
    target: formatValue(i.unit, i.scale, p.target),
    warning: formatValue(i.unit, i.scale, p.warning),
    tag: statusTag(p.status),
    note: p.note,
    entered: p.enteredAt ? `${p.enteredBy}, ${formatDateTime(p.enteredAt)}` : '',
  }))
}

export function trendChart(v: IndicatorView, id = `trend-${v.indicator.id}`): string {
  const i = v.indicator
  const s = v.series
  const latest = latestSummary(v)
  return lineChart({
    id,
    title: `${i.name}: trend`,
    description:
      s.length === 0
        ? 'No values yet'
        : `${s.length} periods from ${formatPeriodKey(s[0]!.period)} to ${formatPeriodKey(s.at(-1)!.period)}. Latest: ${latest.period}, ${latest.value || 'missing'}${latest.target ? `, target ${latest.target}` : ''} (${latest.tag.text}). The table gives every figure.`,
    labels: s.map((p) => shortPeriodLabel(p.period)),
    lines: [
      { label: 'Value', values: s.map((p) => p.value), colour: VALUE_COLOUR },
      ...(s.some((p) => p.target !== null)
        ? [{ label: 'Target', values: s.map((p) => p.target), colour: TARGET_COLOUR, dashed: true }]
        : []),
    ],
    format: (n) => formatValue(i.unit, i.scale, Math.round(n)),
  })
}

export function facts(v: IndicatorView) {
  const i = v.indicator
  return [
    { label: 'Unit', text: labelOf(UNITS, i.unit) + (i.scale > 0 ? `, ${i.scale} decimal places` : '') },
    { label: 'Better when', text: labelOf(POLARITIES, i.polarity) },
    { label: 'Measured', text: labelOf(FREQUENCY_ITEMS, i.frequency) },
    { label: 'Months make a quarter or year by', text: labelOf(ROLLUP_ITEMS, i.rollup) },
    { label: 'Group', text: i.group_name || 'None' },
    { label: 'Data source', text: i.data_source || 'Not recorded' },
    { label: 'Owner', text: i.owner || 'Nobody yet' },
    { label: 'Status', text: i.status === 'active' ? 'Active' : 'Retired' },
    { label: 'Description', text: i.description || 'Not recorded' },
  ]
}

/**
 * Everything the indicator page shows that does not depend on who reads it (within their scope): computed once
 * and remembered on the organisation's change counter by the page's route.
 */
export function indicatorPage(v: IndicatorView) {
  return {
    indicator: v.indicator,
    facts: facts(v),
    latest: latestSummary(v),
    links: v.links,
    chart: trendChart(v),
    rows: periodRows(v),
  }
}
export type IndicatorPage = ReturnType<typeof indicatorPage>

const MIX_COLOURS = ['#d4351c', '#1d70b8', '#00703c', '#f47738', '#4c2c92', '#505a5f']

/**
 * A group's indicators as a mix over time (channel shift): each indicator's share of the group's total for
 * each financial year, months rolled up by each indicator's own rule. Only indicators in the same unit add up.
 */
export function groupMix(views: readonly IndicatorView[]) {
  const counted = views.filter((v) => v.indicator.unit === views[0]?.indicator.unit)
  const years = new Map<string, Map<number, number>>()
  for (const v of counted) {
    const months = v.series.filter((p) => p.value !== null && v.indicator.frequency === 'monthly')
    const rolled = rollUp(
      months.map((p) => ({ period: p.period, value: p.value! })),
      v.indicator.rollup as Rollup,
      'annual',
    )
    for (const r of rolled) {
      const y = years.get(r.key) ?? new Map<number, number>()
      y.set(v.indicator.id, r.value)
      years.set(r.key, y)
    }
  }
  const labels = [...years.keys()].sort()
  const stacks = counted.map((v, n) => ({
    id: v.indicator.id,
    label: v.indicator.name,
    values: labels.map((y) => years.get(y)?.get(v.indicator.id) ?? 0),
    colour: MIX_COLOURS[n % MIX_COLOURS.length]!,
  }))
  const table = labels.map((y, col) => {
    const total = stacks.reduce((s, st) => s + st.values[col]!, 0)
    return {
      year: y,
      cells: stacks.map((st) => ({
        value: formatValue(counted[0]!.indicator.unit, counted[0]!.indicator.scale, st.values[col]),
        share: total > 0 ? `${Math.round((st.values[col]! / total) * 100)}%` : '',
      })),
    }
  })
  const chart =
    labels.length === 0
      ? ''
      : stackedShareChart({
          id: 'group-mix',
          title: 'The mix over time',
          description: `Each financial year's share of the total for ${stacks.map((s) => s.label).join(', ')}, from ${labels[0]} to ${labels.at(-1)}. The table gives every figure.`,
          labels,
          stacks,
        })
  return { chart, headings: stacks.map((s) => s.label), table }
}

/** The indicators measuring a record, as the `_measured-by.njk` partial shows them: name, latest and status. */
export function measuredByRows(views: readonly IndicatorView[]) {
  return views.map((v) => ({ id: v.indicator.id, name: v.indicator.name, latest: latestSummary(v) }))
}
