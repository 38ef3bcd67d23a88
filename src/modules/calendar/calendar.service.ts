import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import type { DB } from '../../db/schema.ts'
import { crossOrganisation, setTenantOrganisation } from '../../db/tenant-context.ts'
import { sha256 } from '../auth/auth.service.ts'
import type { CalendarEvent } from './ical.ts'

export const FEED_PREFIX = 'ovc_'

/**
 * A personal calendar feed. Calendar apps cannot sign in, so the secret URL is the credential: only its hash
 * is stored (like API tokens), it is shown once, and making a new one revokes the old.
 */
export function createCalendarService(db: Kysely<DB>, baseUrl: string) {
  const findFeed = (token: string) =>
    db
      .selectFrom('calendar_feeds')
      .innerJoin('memberships', (j) =>
        j
          .onRef('memberships.user_id', '=', 'calendar_feeds.user_id')
          .onRef('memberships.organisation_id', '=', 'calendar_feeds.organisation_id'),
      )
      .innerJoin('users', 'users.id', 'calendar_feeds.user_id')
      .innerJoin('organisations', 'organisations.id', 'calendar_feeds.organisation_id')
      .select([
        'calendar_feeds.id',
        'calendar_feeds.organisation_id',
        'calendar_feeds.user_id',
        'users.name',
        'organisations.name as organisation',
      ])
      .where('calendar_feeds.token_hash', '=', sha256(token))
      .where('calendar_feeds.revoked_at', 'is', null)
      .where('users.is_active', '=', 1)
      .where('memberships.left_at', 'is', null)
      .executeTakeFirst()

  return {
    async status(organisationId: number, userId: number) {
      return db
        .selectFrom('calendar_feeds')
        .select(['id', 'token_prefix', 'created_at', 'last_used_at'])
        .where('organisation_id', '=', organisationId)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .orderBy('id', 'desc')
        .executeTakeFirst()
    },

    /** Revokes any current feed and makes a new one, returning its URL once. */
    async create(organisationId: number, userId: number): Promise<string> {
      const token = `${FEED_PREFIX}${randomBytes(32).toString('base64url')}`
      const at = new Date().toISOString()
      await db.transaction().execute(async (trx) => {
        await trx
          .updateTable('calendar_feeds')
          .set({ revoked_at: at })
          .where('organisation_id', '=', organisationId)
          .where('user_id', '=', userId)
          .where('revoked_at', 'is', null)
          .execute()
        await trx
          .insertInto('calendar_feeds')
          .values({
            organisation_id: organisationId,
            user_id: userId,
            token_hash: sha256(token),
            token_prefix: token.slice(0, 10),
            created_at: at,
            last_used_at: null,
            revoked_at: null,
          })
          .execute()
      })
      return `${baseUrl}/calendar/${token}.ics`
    },

    async revoke(organisationId: number, userId: number): Promise<boolean> {
      const r = await db
        .updateTable('calendar_feeds')
        .set({ revoked_at: new Date().toISOString() })
        .where('organisation_id', '=', organisationId)
        .where('user_id', '=', userId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst()
      return Number(r.numUpdatedRows) > 0
    },

    /** The owner of a live feed whose user is still active in the organisation, or null. */
    async ownerOf(
      token: string,
    ): Promise<{ organisationId: number; userId: number; name: string; organisation: string } | null> {
      if (!token.startsWith(FEED_PREFIX) || token.length > 100) return null
      // The secret address names the organisation (a named exception finds it); the request then reads that
      // organisation's meetings, and only those, as row security holds it to (tenant-context.ts).
      const row = await crossOrganisation('calendar feed', () => findFeed(token))
      if (!row) return null
      setTenantOrganisation(row.organisation_id)
      await db
        .updateTable('calendar_feeds')
        .set({ last_used_at: new Date().toISOString() })
        .where('id', '=', row.id)
        .execute()
      return {
        organisationId: row.organisation_id,
        userId: row.user_id,
        name: row.name,
        organisation: row.organisation,
      }
    },

    /**
     * The feed: every meeting of the organisation's committees (agendas are public, and a Portfolio Holder
     * attends panels they do not sit on), and the response deadlines of recommendations the person must
     * answer or leads.
     */
    async events(organisationId: number, userId: number): Promise<CalendarEvent[]> {
      const meetings = await db
        .selectFrom('meetings')
        .innerJoin('committees', 'committees.id', 'meetings.committee_id')
        .select([
          'meetings.id',
          'meetings.meeting_date',
          'meetings.start_time',
          'meetings.place',
          'meetings.status',
          'committees.name',
        ])
        .where('meetings.organisation_id', '=', organisationId)
        .orderBy('meetings.meeting_date')
        .execute()
      const deadlines = await db
        .selectFrom('recommendations')
        .innerJoin('committees', 'committees.id', 'recommendations.committee_id')
        .select([
          'recommendations.id',
          'recommendations.reference',
          'recommendations.text',
          'recommendations.response_due_on',
          'committees.name',
        ])
        .where('recommendations.organisation_id', '=', organisationId)
        .where('recommendations.status', '=', 'awaiting_response')
        .where((eb) =>
          eb.or([
            eb('recommendations.addressee_user_id', '=', userId),
            eb('recommendations.lead_officer_user_id', '=', userId),
          ]),
        )
        .orderBy('recommendations.response_due_on')
        .execute()
      const host = new URL(baseUrl).hostname
      return [
        ...meetings.map((m) => ({
          uid: `meeting-${m.id}@${host}`,
          summary: m.name,
          location: m.place,
          date: m.meeting_date,
          time: m.start_time,
          cancelled: m.status === 'cancelled',
          url: `${baseUrl}/meetings/${m.id}`,
        })),
        ...deadlines.map((r) => ({
          uid: `response-due-${r.id}@${host}`,
          summary: `Response due: ${r.reference} (${r.name})`,
          description: r.text,
          date: r.response_due_on,
          url: `${baseUrl}/recommendations/${r.id}`,
        })),
      ]
    },
  }
}

export type CalendarService = ReturnType<typeof createCalendarService>
