import type { Kysely } from 'kysely'
import type { Actor, Scope } from '../../auth/actor.ts'
import { ownRow } from '../../db/owned-row.ts'
import type { DB, Meeting } from '../../db/schema.ts'
import { notFound, ValidationError } from '../../errors.ts'
import { updateVersioned } from '../audit/versioned-update.ts'
import { validateAttendance, type AttendeeInput } from './attendance.rules.ts'
import { memberRoleLabel } from './scrutiny.rules.ts'

/**
 * A meeting's attendance: read with the meeting (anyone who may read the meeting), recorded by scrutiny as a
 * whole list against the meeting's version — the list replaced and the meeting's version stepped in one
 * transaction, audited as a change to the meeting.
 */
export function createAttendanceService(db: Kysely<DB>) {
  const rows = (meetingId: number, organisationId: number) =>
    db
      .selectFrom('meeting_attendance')
      .select(['committee_member_id', 'name', 'role', 'capacity', 'status', 'position'])
      .where('organisation_id', '=', organisationId)
      .where('meeting_id', '=', meetingId)
      .orderBy('position')
      .execute()

  return {
    /** The attendance of a meeting the scope can read, or undefined (404) if it cannot. */
    async of(scope: Scope, meetingId: number) {
      const meeting = await ownRow(db, 'meetings', scope, meetingId)
      if (!meeting) return undefined
      return { meeting, attendees: await rows(meetingId, scope.organisationId) }
    },

    async record(
      actor: Actor,
      meetingId: number,
      version: number,
      list: readonly AttendeeInput[],
    ): Promise<Meeting> {
      return db.transaction().execute(async (trx) => {
        const meeting = await ownRow(trx, 'meetings', actor, meetingId)
        if (!meeting) throw notFound('Meeting')
        const members = await trx
          .selectFrom('committee_members')
          .select(['id', 'name', 'role'])
          .where('organisation_id', '=', actor.organisationId)
          .where('committee_id', '=', meeting.committee_id)
          .execute()
        const errors = validateAttendance(list, new Set(members.map((m) => m.id)))
        if (Object.keys(errors).length > 0) throw new ValidationError(errors)
        const before = await trx
          .selectFrom('meeting_attendance')
          .select(['committee_member_id', 'name', 'role', 'capacity', 'status'])
          .where('meeting_id', '=', meetingId)
          .where('organisation_id', '=', actor.organisationId)
          .orderBy('position')
          .execute()
        const now = new Date().toISOString()
        const values = list.map((a, position) => {
          // A member's line carries the member's name and office (chair, vice-chair) as the committee lists them.
          const member = members.find((m) => m.id === a.committeeMemberId)
          return {
            organisation_id: actor.organisationId,
            meeting_id: meetingId,
            committee_member_id: a.committeeMemberId,
            name: member ? member.name : a.name.trim(),
            role: member ? (member.role === 'member' ? '' : memberRoleLabel(member.role)) : a.role.trim(),
            capacity: a.capacity,
            status: a.status,
            position,
            created_at: now,
          }
        })
        const updated = await updateVersioned(trx, {
          table: 'meetings',
          entityType: 'meeting',
          action: 'record_attendance',
          actor,
          current: meeting,
          version,
          changes: {},
          record: {
            before: { attendance: before },
            after: {
              attendance: values.map(({ committee_member_id, name, role, capacity, status }) => ({
                committee_member_id,
                name,
                role,
                capacity,
                status,
              })),
            },
          },
        })
        await trx
          .deleteFrom('meeting_attendance')
          .where('meeting_id', '=', meetingId)
          .where('organisation_id', '=', actor.organisationId)
          .execute()
        if (values.length > 0) await trx.insertInto('meeting_attendance').values(values).execute()
        return updated
      })
    },
  }
}

export type AttendanceService = ReturnType<typeof createAttendanceService>
