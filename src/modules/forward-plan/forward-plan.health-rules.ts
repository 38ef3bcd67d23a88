import { addDays, formatDate } from '../../domain/dates.ts'
import type { HealthRule } from '../governance/health.rules.ts'
import type { WorkingCalendarService } from '../organisation/working-calendar.service.ts'
import { forwardPlanRepository as repo } from './forward-plan.repository.ts'
import {
  clearDaysBetween,
  FORWARD_PLAN_CLEAR_DAYS,
  givesNotice,
  papersDueBy,
  PAPERS_CLEAR_WORKING_DAYS,
} from './forward-plan.rules.ts'

export const KEY_DECISION_NOTICE_RULE = 'key-decision-notice'
export const PAPERS_LATE_RULE = 'meeting-papers-late'
export const EXEMPT_ITEM_REASON_RULE = 'exempt-item-without-reason'

/** How far back a meeting's papers are still checked: a year of meetings. */
const PAPERS_LOOKBACK_DAYS = 366

/**
 * The Access to Information rules as governance health findings (issue 12): a key decision on the forward plan
 * 28 clear days before it is taken, a meeting's papers out 5 clear working days before it, and every exempt
 * (Part B) item with its reason.
 */
export function forwardPlanHealthRules(deps: {
  workingCalendar: Pick<WorkingCalendarService, 'holidaysOf'>
}): HealthRule[] {
  return [
    {
      id: KEY_DECISION_NOTICE_RULE,
      title: 'Key decision without 28 clear days on the forward plan',
      why: 'A key decision must be on the published forward plan at least 28 clear days before it is taken, or taken under the general exception or special urgency rules with the scrutiny chair told.',
      lesson:
        'Members asked for "the expeditious reporting of issues": a decision they first hear of when it is taken cannot be scrutinised.',
      async evaluate({ db, organisationId }) {
        const entries = (await repo.liveEntries(db, organisationId))
          .filter((e) => !givesNotice(e.listed_on, e.decided_on ?? e.expected_on))
          .map((e) => {
            const on = e.decided_on ?? e.expected_on
            const verb = e.decided_on ? 'taken' : 'expected'
            return {
              recordType: 'forward_plan_entry',
              recordId: e.id,
              title: e.title,
              detail: `On the plan from ${formatDate(e.listed_on)}, ${verb} ${formatDate(on)}: ${clearDaysBetween(e.listed_on, on)} clear days, not ${FORWARD_PLAN_CLEAR_DAYS}`,
              url: `/forward-plan/${e.id}`,
              programmeId: e.programme_id,
              projectId: e.project_id,
            }
          })
        const offPlan = (await repo.keyDecisionsOffPlan(db, organisationId)).map((d) => ({
          recordType: 'decision',
          recordId: d.id,
          title: d.title,
          detail: `A key decision${d.decided_on ? ` taken ${formatDate(d.decided_on)}` : ''} that was never on the forward plan`,
          url: `/decisions/${d.id}`,
          programmeId: null,
          projectId: null,
        }))
        return [...entries, ...offPlan]
      },
    },
    {
      id: PAPERS_LATE_RULE,
      title: 'Meeting papers not published 5 clear working days before',
      why: 'The agenda and reports must be open to inspection at least five clear working days before the meeting (Local Government Act 1972, s.100B).',
      lesson: 'Members need time to read the papers before they can scrutinise what they say.',
      async evaluate({ db, organisationId, today }) {
        const isHoliday = await deps.workingCalendar.holidaysOf(db, organisationId)
        const findings = []
        for (const m of await repo.meetingsSince(db, organisationId, addDays(today, -PAPERS_LOOKBACK_DAYS))) {
          const due = papersDueBy(m.meeting_date, isHoliday)
          const published = m.papers_published_on
          const late = published !== null ? published > due : today > due
          if (!late) continue
          findings.push({
            recordType: 'meeting',
            recordId: m.id,
            title: `${m.committee_name}, ${formatDate(m.meeting_date)}`,
            detail:
              published !== null
                ? `Papers published ${formatDate(published)}; due by ${formatDate(due)} (${PAPERS_CLEAR_WORKING_DAYS} clear working days)`
                : `Papers not yet published; they were due by ${formatDate(due)}`,
            url: `/meetings/${m.id}`,
            programmeId: null,
            projectId: null,
          })
        }
        return findings
      },
    },
    {
      id: EXEMPT_ITEM_REASON_RULE,
      title: 'Exempt agenda item without its reason',
      why: 'An item taken in private (Part B) must say which paragraph of Schedule 12A makes it exempt, so the public can see why it is withheld.',
      lesson: 'Members wanted ambitions to be "transparent": what is withheld must say why.',
      async evaluate({ db, organisationId }) {
        return (await repo.exemptItemsWithoutReason(db, organisationId)).map((a) => ({
          recordType: 'agenda_item',
          recordId: a.id,
          title: `Item ${a.number}: ${a.title}`,
          detail: `Exempt item at the meeting of ${formatDate(a.meeting_date)} with no reason recorded`,
          url: `/meetings/${a.meeting_id}`,
          programmeId: null,
          projectId: null,
        }))
      },
    },
  ]
}
