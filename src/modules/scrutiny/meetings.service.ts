import type { Kysely, Transaction } from 'kysely'
import type { Actor, Scope } from '../../auth/actor.ts'
import { checkForeignIds } from '../../db/foreign-ids.ts'
import { ownRow } from '../../db/owned-row.ts'
import type { AgendaItem, DB, Meeting } from '../../db/schema.ts'
import { ConflictError, notFound, ValidationError, throwIfInvalid } from '../../errors.ts'
import { auditBy, insertAudited, updateVersioned } from '../audit/versioned-update.ts'
import {
  validateAgendaItem,
  validateMeeting,
  validatePoint,
  type AgendaItemInput,
  type MeetingInput,
  type PointInput,
} from './scrutiny.rules.ts'
import { whereProjectVisible } from '../../auth/visibility.ts'

type Db = Kysely<DB> | Transaction<DB>
type Org = Pick<Scope, 'organisationId'>
const now = () => new Date().toISOString()
/**
 * Committee meetings and their agenda items with the minute's threaded points and resolutions (committees
 * and their members are committees.service.ts). Everyone in the organisation reads scrutiny (partner officers too: panel papers are public documents);
 * scrutiny members and administrators record.
 */
export function createMeetingsService(db: Kysely<DB>) {
  const committee = (d: Db, scope: Org, id: number) => ownRow(d, 'committees', scope, id)
  const meeting = (d: Db, scope: Org, id: number) => ownRow(d, 'meetings', scope, id)
  const item = (d: Db, scope: Org, id: number) => ownRow(d, 'agenda_items', scope, id)

  const meetingRow = (i: MeetingInput) => ({
    meeting_date: i.meetingDate!,
    start_time: i.startTime || null,
    place: i.place.trim(),
    status: i.status,
  })
  const itemRow = (i: AgendaItemInput) => ({
    number: i.number.trim(),
    title: i.title.trim(),
    purpose: i.purpose.trim(),
    reports_presented: i.reportsPresented.trim(),
    presenters: i.presenters.trim(),
    minutes: i.minutes,
  })

  return {
    getMeeting: (scope: Scope, id: number) => meeting(db, scope, id),
    getItem: (scope: Scope, id: number) => item(db, scope, id),

    /** People of the organisation, by name, for choosing members, addressees and owners. */
    people: (scope: Scope) =>
      db
        .selectFrom('memberships')
        .innerJoin('users', 'users.id', 'memberships.user_id')
        .select(['users.id', 'users.name', 'memberships.role'])
        .where('memberships.organisation_id', '=', scope.organisationId)
        .where('users.is_active', '=', 1)
        .orderBy('users.name')
        .execute(),

    listMeetings: (
      scope: Scope,
      f: { committeeId?: number; from?: string; offset?: number; limit?: number },
    ) => {
      let q = db
        .selectFrom('meetings')
        .innerJoin('committees', 'committees.id', 'meetings.committee_id')
        .selectAll('meetings')
        .select('committees.name as committee_name')
        .where('meetings.organisation_id', '=', scope.organisationId)
      if (f.committeeId !== undefined) q = q.where('meetings.committee_id', '=', f.committeeId)
      if (f.from !== undefined) q = q.where('meetings.meeting_date', '>=', f.from)
      return q
        .orderBy('meetings.meeting_date', 'desc')
        .orderBy('meetings.id', 'desc')
        .offset(f.offset ?? 0)
        .limit(f.limit ?? 500)
        .execute()
    },

    items: (scope: Scope, meetingId: number) =>
      db
        .selectFrom('agenda_items')
        .selectAll()
        .where('organisation_id', '=', scope.organisationId)
        .where('meeting_id', '=', meetingId)
        .orderBy('id')
        .execute(),

    points: (scope: Scope, itemId: number) =>
      db
        .selectFrom('item_points')
        .selectAll()
        .where('organisation_id', '=', scope.organisationId)
        .where('agenda_item_id', '=', itemId)
        .orderBy('position')
        .orderBy('id')
        .execute(),

    resolutions: (scope: Scope, itemId: number) =>
      db
        .selectFrom('resolutions')
        .selectAll()
        .where('organisation_id', '=', scope.organisationId)
        .where('agenda_item_id', '=', itemId)
        .orderBy('position')
        .execute(),

    /** Programmes and projects the item concerns; a partner officer sees only projects shared with them. */
    async links(scope: Scope, itemId: number) {
      let q = db
        .selectFrom('agenda_item_links')
        .leftJoin('programmes', 'programmes.id', 'agenda_item_links.programme_id')
        .leftJoin('projects', 'projects.id', 'agenda_item_links.project_id')
        .select([
          'agenda_item_links.id',
          'agenda_item_links.programme_id',
          'agenda_item_links.project_id',
          'programmes.name as programme_name',
          'projects.name as project_name',
        ])
        .where('agenda_item_links.organisation_id', '=', scope.organisationId)
        .where('agenda_item_links.agenda_item_id', '=', itemId)
      q = whereProjectVisible(q, scope, 'agenda_item_links.project_id')
      return q.orderBy('agenda_item_links.id').execute()
    },

    async createMeeting(actor: Actor, committeeId: number, input: MeetingInput): Promise<Meeting> {
      return db.transaction().execute(async (trx) => {
        if (!(await committee(trx, actor, committeeId))) throw notFound('Committee')
        throwIfInvalid(validateMeeting(input))
        return insertAudited(trx, {
          table: 'meetings',
          entityType: 'meeting',
          actor,
          values: { committee_id: committeeId, ...meetingRow(input) },
        })
      })
    },

    async updateMeeting(actor: Actor, id: number, version: number, input: MeetingInput): Promise<Meeting> {
      return db.transaction().execute(async (trx) => {
        const current = await meeting(trx, actor, id)
        if (!current) throw notFound('Meeting')
        if (current.version !== version) throw new ConflictError(current)
        throwIfInvalid(validateMeeting(input))
        return updateVersioned(trx, {
          table: 'meetings',
          entityType: 'meeting',
          actor,
          current,
          version,
          changes: meetingRow(input),
        })
      })
    },

    async createItem(
      actor: Actor,
      meetingId: number,
      input: AgendaItemInput,
      links: { programmeIds: number[]; projectIds: number[] } = { programmeIds: [], projectIds: [] },
    ): Promise<AgendaItem> {
      return db.transaction().execute(async (trx) => {
        if (!(await meeting(trx, actor, meetingId))) throw notFound('Meeting')
        throwIfInvalid(validateAgendaItem(input))
        const row = await insertAudited(trx, {
          table: 'agenda_items',
          entityType: 'agenda_item',
          actor,
          values: { meeting_id: meetingId, ...itemRow(input) },
        })
        const chosen = [
          ...links.programmeIds.map((id) => ({ table: 'programmes' as const, id })),
          ...links.projectIds.map((id) => ({ table: 'projects' as const, id })),
        ]
        await checkForeignIds(trx, actor, [
          ...links.programmeIds.map((id) => ({
            field: 'programmeId',
            table: 'programmes' as const,
            id,
            message: 'Choose a programme of your organisation',
          })),
          ...links.projectIds.map((id) => ({
            field: 'projectId',
            table: 'projects' as const,
            id,
            message: 'Choose a project of your organisation',
          })),
        ])
        for (const link of chosen) {
          await trx
            .insertInto('agenda_item_links')
            .values({
              organisation_id: actor.organisationId,
              agenda_item_id: row.id,
              programme_id: link.table === 'programmes' ? link.id : null,
              project_id: link.table === 'projects' ? link.id : null,
              created_at: row.created_at,
            })
            .execute()
        }
        return row
      })
    },

    async updateMinutes(
      actor: Actor,
      itemId: number,
      version: number,
      input: AgendaItemInput,
    ): Promise<AgendaItem> {
      return db.transaction().execute(async (trx) => {
        const current = await item(trx, actor, itemId)
        if (!current) throw notFound('Agenda item')
        if (current.version !== version) throw new ConflictError(current)
        throwIfInvalid(validateAgendaItem(input))
        return updateVersioned(trx, {
          table: 'agenda_items',
          entityType: 'agenda_item',
          actor,
          current,
          version,
          changes: itemRow(input),
        })
      })
    },

    /** A member's comment, question or an officer's response, threaded under another point if given. */
    async addPoint(actor: Actor, itemId: number, input: PointInput) {
      return db.transaction().execute(async (trx) => {
        if (!(await item(trx, actor, itemId))) throw notFound('Agenda item')
        throwIfInvalid(validatePoint(input))
        if (input.parentId !== null) {
          const parent = await trx
            .selectFrom('item_points')
            .select('id')
            .where('organisation_id', '=', actor.organisationId)
            .where('agenda_item_id', '=', itemId)
            .where('id', '=', input.parentId)
            .executeTakeFirst()
          if (!parent) throw new ValidationError({ parentId: 'Choose a point under this item to reply to' })
        }
        const last = await trx
          .selectFrom('item_points')
          .select((eb) => eb.fn.max('position').as('max'))
          .where('agenda_item_id', '=', itemId)
          .executeTakeFirst()
        const row = await trx
          .insertInto('item_points')
          .values({
            organisation_id: actor.organisationId,
            agenda_item_id: itemId,
            parent_id: input.parentId,
            kind: input.kind,
            speaker_name: input.speakerName.trim(),
            speaker_role: input.speakerRole.trim(),
            text: input.text.trim(),
            position: Number(last?.max ?? 0) + 1,
            created_at: now(),
          })
          .returningAll()
          .executeTakeFirstOrThrow()
        await auditBy(trx, actor, {
          action: 'add_point',
          entityType: 'agenda_item',
          entityId: itemId,
          after: row,
        })
        return row
      })
    },

    /** "AGREED: …" — the panel's resolutions under the item. */
    async addResolution(actor: Actor, itemId: number, text: string) {
      return db.transaction().execute(async (trx) => {
        if (!(await item(trx, actor, itemId))) throw notFound('Agenda item')
        const clean = text.trim().replace(/^AGREED:\s*/i, '')
        if (!clean) throw new ValidationError({ resolution: 'Enter what the panel agreed' })
        const last = await trx
          .selectFrom('resolutions')
          .select((eb) => eb.fn.max('position').as('max'))
          .where('agenda_item_id', '=', itemId)
          .executeTakeFirst()
        const row = await trx
          .insertInto('resolutions')
          .values({
            organisation_id: actor.organisationId,
            agenda_item_id: itemId,
            text: clean,
            position: Number(last?.max ?? 0) + 1,
            created_at: now(),
          })
          .returningAll()
          .executeTakeFirstOrThrow()
        await auditBy(trx, actor, {
          action: 'add_resolution',
          entityType: 'agenda_item',
          entityId: itemId,
          after: row,
        })
        return row
      })
    },
  }
}

export type MeetingsService = ReturnType<typeof createMeetingsService>
