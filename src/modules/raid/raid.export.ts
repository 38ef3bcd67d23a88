import type { ExportSpec } from '../../web/exports.ts'
import {
  categoryLabel,
  issueStatusLabel,
  priorityLabel,
  proximityLabel,
  riskStatusLabel,
} from './raid.rules.ts'
import type { IssueRow, RiskRow } from './raid.service.ts'

/** The risk register as a download: scores as numbers, so a spreadsheet can sort and total them. */
export const risksExport: ExportSpec<RiskRow> = {
  name: 'risks',
  columns: [
    { header: 'Project reference', value: (r) => r.project_reference, width: 14 },
    { header: 'Project', value: (r) => r.project_name, width: 30 },
    { header: 'Risk', value: (r) => r.title, width: 40 },
    { header: 'Cause', value: (r) => r.cause, width: 30 },
    { header: 'Event', value: (r) => r.event, width: 30 },
    { header: 'Effect', value: (r) => r.effect, width: 30 },
    { header: 'Category', value: (r) => categoryLabel(r.category) },
    { header: 'Likelihood', kind: 'number', value: (r) => r.likelihood },
    { header: 'Impact', kind: 'number', value: (r) => r.impact },
    { header: 'Inherent score', kind: 'number', value: (r) => r.inherent_score },
    { header: 'Residual likelihood', kind: 'number', value: (r) => r.residual_likelihood },
    { header: 'Residual impact', kind: 'number', value: (r) => r.residual_impact },
    { header: 'Residual score', kind: 'number', value: (r) => r.residual_score },
    { header: 'Proximity', value: (r) => proximityLabel(r.proximity) },
    { header: 'Owner', value: (r) => r.owner },
    { header: 'Review date', kind: 'date', value: (r) => r.review_date },
    { header: 'Status', value: (r) => riskStatusLabel(r.status) },
    { header: 'Escalated', value: (r) => (r.escalated === 1 ? 'Yes' : 'No') },
  ],
}

export const issuesExport: ExportSpec<IssueRow> = {
  name: 'issues',
  columns: [
    { header: 'Project reference', value: (i) => i.project_reference, width: 14 },
    { header: 'Project', value: (i) => i.project_name, width: 30 },
    { header: 'Issue', value: (i) => i.title, width: 40 },
    { header: 'Description', value: (i) => i.description, width: 40 },
    { header: 'Priority', value: (i) => priorityLabel(i.priority) },
    { header: 'Owner', value: (i) => i.owner },
    { header: 'Due', kind: 'date', value: (i) => i.due_date },
    { header: 'Status', value: (i) => issueStatusLabel(i.status) },
    { header: 'Resolution', value: (i) => i.resolution, width: 40 },
  ],
}
