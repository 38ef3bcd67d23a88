import type { Decision } from '../../db/schema.ts'
import type { ExportSpec } from '../../web/exports.ts'
import { capacityLabel, decisionKindLabel, decisionStatusLabel } from './decisions.rules.ts'

/** The decision log as a download; an approved budget is money (pounds in Excel, exact in CSV). */
export const decisionsExport: ExportSpec<Decision> = {
  name: 'decisions',
  columns: [
    { header: 'Decision', value: (d) => d.title, width: 40 },
    { header: 'Kind', value: (d) => decisionKindLabel(d.kind) },
    { header: 'Status', value: (d) => decisionStatusLabel(d.status) },
    { header: 'Decided on', kind: 'date', value: (d) => d.decided_on },
    { header: 'Decided by', value: (d) => d.decided_by_name },
    { header: 'Capacity', value: (d) => capacityLabel(d.capacity) },
    { header: 'Key decision', value: (d) => (d.is_key === 1 ? 'Yes' : 'No') },
    { header: 'Approved budget (£)', kind: 'money', value: (d) => d.approved_budget_pence },
    { header: 'What was decided', value: (d) => d.decision_text, width: 50 },
    { header: 'Options considered', value: (d) => d.options_considered, width: 40 },
    { header: 'Reasons', value: (d) => d.reasons, width: 40 },
  ],
}
