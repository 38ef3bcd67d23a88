import type { ExportSpec } from '../../web/exports.ts'
import type { MilestoneListRow } from './milestones.service.ts'

/** Milestones as a download: the project page's columns, with the slippage and flags as of today. */
export const milestonesExport: ExportSpec<MilestoneListRow> = {
  name: 'milestones',
  columns: [
    { header: 'Project reference', value: (m) => m.project_reference, width: 14 },
    { header: 'Project', value: (m) => m.project_name, width: 30 },
    { header: 'Milestone', value: (m) => m.name, width: 40 },
    { header: 'Key milestone', value: (m) => (m.is_key === 1 ? 'Yes' : 'No') },
    { header: 'Baseline', kind: 'date', value: (m) => m.baseline_date },
    { header: 'Forecast', kind: 'date', value: (m) => m.forecast_date },
    { header: 'Actual', kind: 'date', value: (m) => m.actual_date },
    { header: 'Status', value: (m) => m.statusLabel },
    { header: 'Slippage (days)', kind: 'number', value: (m) => m.slippageDays },
    { header: 'Late', value: (m) => (m.late ? 'Yes' : 'No') },
    { header: 'At risk', value: (m) => (m.atRisk ? 'Yes' : 'No') },
    { header: 'Description', value: (m) => m.description, width: 40 },
  ],
}
