import type { RatingScaleId } from '../../domain/dca.ts'
import { ratingLabel } from '../../domain/dca.ts'
import type { ExportSpec } from '../../web/exports.ts'
import { projectStageLabel } from './projects.rules.ts'
import type { ProjectListRow } from './projects.service.ts'

/** The project list as a download: the page's columns and the dates behind its slippage. */
export function projectsExport(scale: RatingScaleId): ExportSpec<ProjectListRow> {
  return {
    name: 'projects',
    columns: [
      { header: 'Reference', value: (p) => p.reference, width: 14 },
      { header: 'Project', value: (p) => p.name, width: 40 },
      { header: 'Programme', value: (p) => `${p.programme.reference} ${p.programme.name}`, width: 30 },
      { header: 'Stage', value: (p) => projectStageLabel(p.stage) },
      { header: 'Delivery confidence', value: (p) => ratingLabel(scale, p.rating) },
      { header: 'Rating period', value: (p) => p.ratingPeriod },
      { header: 'Project manager', value: (p) => p.project_manager },
      { header: 'Sponsor', value: (p) => p.sponsor },
      { header: 'Baseline start', kind: 'date', value: (p) => p.baseline_start },
      { header: 'Baseline end', kind: 'date', value: (p) => p.baseline_end },
      { header: 'Forecast start', kind: 'date', value: (p) => p.forecast_start },
      { header: 'Forecast end', kind: 'date', value: (p) => p.forecast_end },
      { header: 'Actual start', kind: 'date', value: (p) => p.actual_start },
      { header: 'Actual end', kind: 'date', value: (p) => p.actual_end },
      { header: 'End slippage (days)', kind: 'number', value: (p) => p.slippage.endDays },
      { header: 'Shared with partners', value: (p) => p.partners.map((x) => x.name).join('; ') },
    ],
  }
}
