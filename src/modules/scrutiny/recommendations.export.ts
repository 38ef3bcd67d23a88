import type { ExportSpec } from '../../web/exports.ts'
import type { RecommendationListRow } from './recommendations.service.ts'
import { addresseeLabel, recommendationKindLabel, responseLabel, statusTag } from './scrutiny.rules.ts'

/** The recommendations tracker as a download; the status is as the page shows it (overdue worked out today). */
export const recommendationsExport: ExportSpec<RecommendationListRow> = {
  name: 'recommendations',
  columns: [
    { header: 'Reference', value: (r) => r.reference, width: 14 },
    { header: 'Committee', value: (r) => r.committee_name, width: 30 },
    { header: 'Kind', value: (r) => recommendationKindLabel(r.kind) },
    { header: 'Recommendation', value: (r) => r.text, width: 50 },
    { header: 'Addressed to', value: (r) => r.addressee_name ?? addresseeLabel(r.addressed_to) },
    { header: 'Made on', kind: 'date', value: (r) => r.made_on },
    { header: 'Response due', kind: 'date', value: (r) => r.response_due_on },
    { header: 'Response', value: (r) => responseLabel(r.response) },
    { header: 'Responded on', kind: 'date', value: (r) => r.responded_on },
    { header: 'Status', value: (r) => statusTag(r.status).text },
  ],
}
