import { formatDate } from '../../../domain/dates.ts'
import { formatPeriodKey } from '../../../domain/reporting-periods.ts'
import { para, table, type Block } from '../../../documents/document.model.ts'
import { formatValue, STATUS_LABELS } from './indicators.rules.ts'
import type { IndicatorView } from './indicators.service.ts'

/** One indicator's line in a panel report: its latest period as it stood on the paper's date. */
export interface IndicatorReportRow {
  name: string
  period: string
  value: string
  target: string
  status: string
  previous: string
}

/** The rows of the report's indicators section, from the views as they stood (see IndicatorsService.asAt). */
export function indicatorReportRows(views: readonly IndicatorView[]): IndicatorReportRow[] {
  return views
    .filter((v) => v.indicator.status === 'active' || v.latest?.value != null)
    .map((v) => {
      const i = v.indicator
      const latest = v.latest
      const before = latest
        ? v.series.filter((p) => p.period < latest.period && p.value !== null).at(-1)
        : undefined
      return {
        name: i.name,
        period: latest ? formatPeriodKey(latest.period) : 'No values yet',
        value: latest ? formatValue(i.unit, i.scale, latest.value) || 'Missing' : '',
        target: latest ? formatValue(i.unit, i.scale, latest.target) : '',
        status: latest?.status ? STATUS_LABELS[latest.status].text : 'No values',
        previous: before
          ? `${formatValue(i.unit, i.scale, before.value)} (${formatPeriodKey(before.period)})`
          : '',
      }
    })
}

/**
 * The panel report's "Indicators" section (issue 11): each indicator measuring the programme or one of its
 * projects, with its latest value against its target as it stood at the end of the reporting period.
 */
export const indicatorsReportSection = {
  key: 'indicators',
  title: 'Performance indicators',
  build(d: { asOf: string; indicators?: IndicatorReportRow[] }): Block[] {
    const rows = d.indicators ?? []
    if (rows.length === 0) return []
    return [
      para(
        `What the programme is meant to change, as measured at ${formatDate(d.asOf)}: each indicator's latest value against its target. Values entered after that date are not shown.`,
      ),
      table(
        'Performance indicators',
        ['Indicator', 'Latest period', 'Value', 'Target', 'Status', 'Period before'],
        rows.map((r) => [r.name, r.period, r.value, r.target, r.status, r.previous]),
        [2, 3],
      ),
    ]
  },
}
