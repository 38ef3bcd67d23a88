import type { ExportSpec } from '../../web/exports.ts'
import type { ExceptionRow } from './tolerances.repository.ts'
import { exceptionOutcomeLabel, exceptionStatusLabel, toleranceKindLabel } from './tolerances.rules.ts'

/** Tolerance exceptions as a download: the list page's columns and the board's outcome. */
export const exceptionsExport: ExportSpec<ExceptionRow> = {
  name: 'exceptions',
  columns: [
    { header: 'Programme', value: (e) => `${e.programme_reference} ${e.programme_name}`, width: 30 },
    { header: 'Project reference', value: (e) => e.project_reference, width: 14 },
    { header: 'Project', value: (e) => e.project_name, width: 30 },
    { header: 'Tolerance', value: (e) => toleranceKindLabel(e.kind) },
    { header: 'Summary', value: (e) => e.summary, width: 50 },
    { header: 'Status', value: (e) => exceptionStatusLabel(e.status) },
    { header: 'Raised', kind: 'date', value: (e) => e.raised_at.slice(0, 10) },
    { header: 'Report due', kind: 'date', value: (e) => e.report_due },
    { header: 'Outcome', value: (e) => (e.outcome ? exceptionOutcomeLabel(e.outcome) : '') },
    { header: 'Decided', kind: 'date', value: (e) => e.decided_at?.slice(0, 10) ?? null },
  ],
}
