import type { Period } from '../../domain/periods.ts'

// Which governance health rules become alerts, and how often an occurrence recurs (issue 12). The resourcing
// early warning and the tolerance exception notices tell people their own way and are not repeated here.

/** How a person wants their alerts by email: one at once, or in the next morning's digest. */
export const ALERT_DELIVERIES = [
  { value: 'immediate', text: 'At once', hint: 'An email for each alert as soon as Oversight finds it' },
  {
    value: 'digest',
    text: 'In the daily digest',
    hint: 'Alerts are listed in one email each morning with your other unread notifications',
  },
] as const

export type AlertDelivery = (typeof ALERT_DELIVERIES)[number]['value']

export function isAlertDelivery(v: string): v is AlertDelivery {
  return ALERT_DELIVERIES.some((d) => d.value === v)
}

export interface AlertRule {
  ruleId: string
  /**
   * monthly: a fresh occurrence each month the finding stands (a report missing in November and again in
   * December is two alerts); once: one alert per record (a response overdue is told once, not every day).
   */
  recurs: 'monthly' | 'once'
}

export const ALERT_RULES: readonly AlertRule[] = [
  { ruleId: 'budget-monitoring-not-signed-off', recurs: 'monthly' },
  { ruleId: 'no-current-status-report', recurs: 'monthly' },
  { ruleId: 'forecast-over-budget', recurs: 'monthly' },
  { ruleId: 'scrutiny-response-due-soon', recurs: 'once' },
  { ruleId: 'scrutiny-response-overdue', recurs: 'once' },
  { ruleId: 'recommendation-action-overdue', recurs: 'once' },
  { ruleId: 'gate-overridden', recurs: 'once' },
]

/** The period part of an occurrence's key: (rule, record, period) is sent once. */
export function occurrencePeriod(rule: AlertRule, current: Period): string {
  return rule.recurs === 'monthly' ? current : ''
}

/** The people told, without repeats, in a stable order. */
export function recipientsOf(groups: ReadonlyArray<readonly number[]>): number[] {
  return [...new Set(groups.flat())].sort((a, b) => a - b)
}
