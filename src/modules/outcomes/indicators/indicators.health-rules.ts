import { wholeOrganisation } from '../../../auth/visibility.ts'
import { addDays } from '../../../domain/dates.ts'
import {
  formatPeriodKey,
  lastCompletePeriod,
  periodEnd,
  type Frequency,
} from '../../../domain/reporting-periods.ts'
import type { HealthRule } from '../../governance/health.rules.ts'
import type { IndicatorsService } from './indicators.service.ts'

/**
 * Late values (issue 11): an active indicator whose last complete period still has no value a number of days
 * after it ended. A measure nobody keeps up cannot tell the panel whether the money achieved anything.
 */
export function indicatorHealthRules(service: IndicatorsService): HealthRule[] {
  return [
    {
      id: 'indicator-value-late',
      title: 'Indicator value late',
      why: 'Each active performance indicator needs its value for a period soon after the period ends, or the panel reads a trend that stopped.',
      lesson:
        'Officers could answer "what had been delivered" only by listing it from memory: there were no measures to show the switch from telephone to web and social contacts.',
      threshold: {
        label: 'Days after the period ends',
        hint: 'Time to collect and enter the figure before the rule counts it as late',
        default: 20,
        min: 0,
        max: 120,
      },
      async evaluate({ organisationId, today, threshold }) {
        const views = await service.all(wholeOrganisation(organisationId), today)
        const grace = threshold ?? 20
        return views.flatMap((v) => {
          if (v.indicator.status !== 'active') return []
          const due = lastCompletePeriod(v.indicator.frequency as Frequency, today)
          if (addDays(periodEnd(due), grace) >= today) return []
          if (v.series.some((p) => p.period === due && p.value !== null)) return []
          return [
            {
              recordType: 'indicator',
              recordId: v.indicator.id,
              title: v.indicator.name,
              detail: `No value for ${formatPeriodKey(due)}`,
              url: `/indicators/${v.indicator.id}`,
              programmeId: null,
              projectId: null,
            },
          ]
        })
      },
    },
  ]
}
