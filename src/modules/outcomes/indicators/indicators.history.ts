import type { HistoryTarget } from '../../audit/history.routes.ts'
import type { IndicatorsService } from './indicators.service.ts'

/** Indicators, and each of their targets and values, have a history page, found within the reader's scope. */
export function indicatorsHistoryTargets(indicators: IndicatorsService): Record<string, HistoryTarget> {
  const page = async (scope: Parameters<HistoryTarget['find']>[0], id: number) => {
    const i = await indicators.get(scope, id)
    return i && { title: i.name, url: `/indicators/${i.id}` }
  }
  return {
    indicator: {
      label: 'Indicator',
      find: page,
      // What it measures, as it stood, may name programmes and projects a partner officer may not see.
      hiddenFields: (actor) => (actor.role === 'partner_officer' ? ['measures'] : []),
    },
    indicator_target: {
      label: 'Indicator target',
      find: async (scope, id) => {
        const t = await indicators.part(scope, 'indicator_targets', id)
        const i = t && (await page(scope, t.indicator_id))
        return i && { title: `${i.title}: target for ${t.period}`, url: i.url }
      },
    },
    indicator_value: {
      label: 'Indicator value',
      find: async (scope, id) => {
        const v = await indicators.part(scope, 'indicator_values', id)
        const i = v && (await page(scope, v.indicator_id))
        return i && { title: `${i.title}: value for ${v.period}`, url: i.url }
      },
    },
  }
}
