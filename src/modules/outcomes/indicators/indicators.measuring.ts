import type { Scope } from '../../../auth/actor.ts'
import type { IndicatorsService } from './indicators.service.ts'
import { measuredByRows } from './indicators.view.ts'

/**
 * The indicators measuring an ambition, a programme or a project, for that record's page: the context of
 * `outcomes/indicators/views/_measured-by.njk` (one include line on the page). The ambitions' page (another
 * slice) calls this with 'ambition'.
 */
export async function indicatorsMeasuring(
  service: IndicatorsService,
  scope: Scope,
  kind: 'ambition' | 'programme' | 'project',
  id: number,
) {
  return { measuredBy: measuredByRows(await service.measuring(scope, kind, id)) }
}
