import { formatDate } from '../../domain/dates.ts'
import type { HealthRule } from '../governance/health.rules.ts'
import type { ScrutinyService } from './scrutiny.service.ts'
import { wholeOrganisation } from '../../auth/visibility.ts'

/**
 * The scrutiny rule of the governance health check: a recommendation the executive has not answered by
 * its due date. Built from the scrutiny service so "overdue" means the same here as on the tracker.
 */
export function scrutinyHealthRules(scrutiny: Pick<ScrutinyService, 'overdueResponses'>): HealthRule[] {
  return [
    {
      id: 'scrutiny-response-overdue',
      title: 'Scrutiny response overdue',
      why: 'The executive answers each scrutiny recommendation by its due date, accepting or rejecting it with reasons, so the panel can see whether it changed anything.',
      lesson:
        'The panel noted that "comments from the Performance Monitoring Panel had apparently not been influential".',
      async evaluate({ organisationId, today }) {
        const overdue = await scrutiny.overdueResponses(wholeOrganisation(organisationId), today)
        return overdue.map((r) => ({
          recordType: 'recommendation',
          recordId: r.recommendationId,
          title: `${r.reference} (${r.committee})`,
          detail: `Response was due ${formatDate(r.dueOn)}${r.addressee ? ` from ${r.addressee}` : ''}`,
          url: `/recommendations/${r.recommendationId}`,
          programmeId: null,
          projectId: null,
        }))
      },
    },
  ]
}
