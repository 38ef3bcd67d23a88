import type { Kysely } from 'kysely'
import type { Actor } from '../../auth/actor.ts'
import { ownRow } from '../../db/owned-row.ts'
import type { DB } from '../../db/schema.ts'
import { isIsoDate, todayInLondon } from '../../domain/dates.ts'
import { notFound, ValidationError } from '../../errors.ts'
import { updateVersioned } from '../audit/versioned-update.ts'
import type { WorkingCalendarService } from '../organisation/working-calendar.service.ts'
import { EXEMPT_PARAGRAPHS, papersDueBy } from './forward-plan.rules.ts'

// merge: the two Access to Information facts of a meeting (when its papers were published) and of an agenda
// item (exempt, and why) are columns of scrutiny's tables (migration 0031); the lead may route these writes
// through the scrutiny meetings service. Each is a versioned write, so the meeting's and item's history show it.

export function createMeetingAccessService(
  db: Kysely<DB>,
  deps: { workingCalendar: Pick<WorkingCalendarService, 'holidaysOf'> },
) {
  return {
    item: (actor: Pick<Actor, 'organisationId'>, id: number) => ownRow(db, 'agenda_items', actor, id),

    /** A meeting with its items, when its papers are due and were published. */
    async view(actor: Pick<Actor, 'organisationId'>, meetingId: number) {
      const meeting = await ownRow(db, 'meetings', actor, meetingId)
      if (!meeting) return undefined
      const [items, isHoliday] = await Promise.all([
        db
          .selectFrom('agenda_items')
          .select(['id', 'number', 'title', 'is_exempt', 'exempt_reason', 'version'])
          .where('organisation_id', '=', actor.organisationId)
          .where('meeting_id', '=', meetingId)
          .orderBy('id')
          .execute(),
        deps.workingCalendar.holidaysOf(db, actor.organisationId),
      ])
      return { meeting, items, papersDueBy: papersDueBy(meeting.meeting_date, isHoliday) }
    },

    async setPapersPublished(actor: Actor, meetingId: number, version: number, on: string | null) {
      return db.transaction().execute(async (trx) => {
        const current = await ownRow(trx, 'meetings', actor, meetingId)
        if (!current) throw notFound('Meeting')
        if (on !== null && !isIsoDate(on))
          throw new ValidationError({ publishedOn: 'Enter the date the papers were published' })
        if (on !== null && on > todayInLondon())
          throw new ValidationError({
            publishedOn: 'The date the papers were published must be today or in the past',
          })
        return updateVersioned(trx, {
          table: 'meetings',
          entityType: 'meeting',
          actor,
          current,
          version,
          changes: { papers_published_on: on },
        })
      })
    },

    /** Marks an item exempt (Part B) with the paragraph of Schedule 12A that makes it so, or open again. */
    async setExemption(actor: Actor, itemId: number, version: number, paragraph: string | null) {
      return db.transaction().execute(async (trx) => {
        const current = await ownRow(trx, 'agenda_items', actor, itemId)
        if (!current) throw notFound('Agenda item')
        const p = paragraph === null ? null : EXEMPT_PARAGRAPHS.find((x) => x.value === paragraph)
        if (paragraph !== null && !p)
          throw new ValidationError({
            [`paragraph-${itemId}`]: 'Select the paragraph of Schedule 12A that makes it exempt',
          })
        return updateVersioned(trx, {
          table: 'agenda_items',
          entityType: 'agenda_item',
          actor,
          current,
          version,
          changes: { is_exempt: p ? 1 : 0, exempt_reason: p ? p.text : '' },
        })
      })
    },
  }
}

export type MeetingAccessService = ReturnType<typeof createMeetingAccessService>
