import type { HistoryTarget } from '../audit/history.routes.ts'
import { formatDate } from '../../domain/dates.ts'
import type { ScrutinyService } from './scrutiny.service.ts'

/** Committees, meetings, agenda items and recommendations have history pages. */
export function scrutinyHistory(s: { scrutiny: ScrutinyService }): Record<string, HistoryTarget> {
  const { scrutiny } = s
  return {
    committee: {
      label: 'Committee',
      find: async (scope, id) => {
        const c = await scrutiny.getCommittee(scope, id)
        return c && { title: c.name, url: `/committees/${c.id}` }
      },
    },
    meeting: {
      label: 'Meeting',
      find: async (scope, id) => {
        const m = await scrutiny.getMeeting(scope, id)
        return m && { title: `Meeting on ${formatDate(m.meeting_date)}`, url: `/meetings/${m.id}` }
      },
    },
    agenda_item: {
      label: 'Agenda item',
      find: async (scope, id) => {
        const i = await scrutiny.getItem(scope, id)
        return i && { title: `Item ${i.number}: ${i.title}`, url: `/agenda-items/${i.id}` }
      },
    },
    recommendation: {
      label: 'Recommendation',
      find: async (scope, id) => {
        const r = await scrutiny.recommendations.get(scope, id)
        return r && { title: `Recommendation ${r.reference}`, url: `/recommendations/${r.id}` }
      },
    },
  }
}
