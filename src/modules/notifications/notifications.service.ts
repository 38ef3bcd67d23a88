import type { Kysely, Transaction } from 'kysely'
import type { Actor } from '../../auth/actor.ts'
import type { DB, Notification } from '../../db/schema.ts'
import type { Mailer } from '../../mail/mailer.ts'
import { renderMail, type MailContent } from '../../mail/templates.ts'

/** How a person wants to hear by email: at once for exceptions and escalations, once a day, or not at all. */
export const EMAIL_PREFERENCES = [
  {
    value: 'immediate',
    text: 'At once',
    hint: 'An email for each exception and escalation as it happens, and a daily digest of everything else',
  },
  { value: 'digest', text: 'Once a day', hint: 'One email each morning listing what you have not yet read' },
  { value: 'none', text: 'No email', hint: 'Notifications appear only in Oversight' },
] as const

export type EmailPreference = (typeof EMAIL_PREFERENCES)[number]['value']

export function isEmailPreference(v: string): v is EmailPreference {
  return EMAIL_PREFERENCES.some((p) => p.value === v)
}

/**
 * Kinds that cannot wait for tomorrow's digest: the board must hear of a breach while it can act, and the
 * managers of a role no one fills while there are still weeks to fill it.
 */
const IMMEDIATE_KINDS = new Set(['exception', 'escalation', 'early-warning'])

export const NOTIFICATION_KINDS: Record<string, string> = {
  exception: 'Tolerance exception',
  escalation: 'Escalation',
  cleared: 'Breach cleared',
  decision: 'Decision',
  report: 'Exception report',
  'early-warning': 'Resourcing early warning',
  'access-to-information': 'Access to Information',
  alert: 'Alert',
  follow: 'Something you follow changed',
}

export interface NotifyInput {
  organisationId: number
  userIds: number[]
  kind: string
  title: string
  body: string
  /** A path within Oversight, e.g. /exceptions/12. */
  url: string
  mail: MailContent
  /**
   * The people to email at once whatever the kind (an alert, as each person chose it); their notification is
   * then left out of the digest, so they are not told twice. Everyone else as the kind and their setting say.
   */
  immediateFor?: readonly number[]
}

export function createNotificationsService(db: Kysely<DB>, mailer: Mailer, baseUrl: string) {
  async function preferencesOf(trx: Transaction<DB> | Kysely<DB>, organisationId: number, userIds: number[]) {
    if (userIds.length === 0) return new Map<number, EmailPreference>()
    const rows = await trx
      .selectFrom('notification_preferences')
      .select(['user_id', 'email'])
      .where('organisation_id', '=', organisationId)
      .where('user_id', 'in', userIds)
      .execute()
    return new Map(rows.map((r) => [r.user_id, isEmailPreference(r.email) ? r.email : 'immediate']))
  }

  return {
    /**
     * Tells people inside the caller's transaction: a notification each, and for those who want it at
     * once an email in the outbox (one per person, so no one sees who else was told).
     */
    async notify(trx: Transaction<DB>, input: NotifyInput): Promise<number> {
      const ids = [...new Set(input.userIds)]
      if (ids.length === 0) return 0
      const at = new Date().toISOString()
      const chosen = input.immediateFor && new Set(input.immediateFor)
      await trx
        .insertInto('notifications')
        .values(
          ids.map((user_id) => ({
            organisation_id: input.organisationId,
            user_id,
            kind: input.kind,
            title: input.title,
            body: input.body,
            url: input.url,
            created_at: at,
            digested_at: chosen?.has(user_id) ? at : null,
          })),
        )
        .execute()
      if (!chosen && !IMMEDIATE_KINDS.has(input.kind)) return ids.length
      const prefs = chosen ? null : await preferencesOf(trx, input.organisationId, ids)
      const emailNow = ids.filter((id) =>
        chosen ? chosen.has(id) : (prefs?.get(id) ?? 'immediate') === 'immediate',
      )
      if (emailNow.length === 0) return ids.length
      const people = await trx
        .selectFrom('users')
        .select(['id', 'email'])
        .where('id', 'in', emailNow)
        .execute()
      const link = input.mail.link && { ...input.mail.link, url: `${baseUrl}${input.mail.link.url}` }
      const { text, html } = renderMail({ ...input.mail, link })
      for (const p of people) {
        await mailer.queue(trx, {
          organisationId: input.organisationId,
          to: [p.email],
          subject: input.title,
          text,
          html,
        })
      }
      return ids.length
    },

    async list(actor: Actor, opts: { unreadOnly?: boolean; offset?: number; limit?: number } = {}) {
      let q = db
        .selectFrom('notifications')
        .selectAll()
        .where('organisation_id', '=', actor.organisationId)
        .where('user_id', '=', actor.userId)
      if (opts.unreadOnly) q = q.where('read_at', 'is', null)
      return q
        .orderBy('id', 'desc')
        .limit(opts.limit ?? 50)
        .offset(opts.offset ?? 0)
        .execute()
    },

    /** Only the person's own notification; anyone else's is not found. */
    async get(actor: Actor, id: number): Promise<Notification | undefined> {
      return db
        .selectFrom('notifications')
        .selectAll()
        .where('id', '=', id)
        .where('organisation_id', '=', actor.organisationId)
        .where('user_id', '=', actor.userId)
        .executeTakeFirst()
    },

    async unreadCount(actor: Pick<Actor, 'organisationId' | 'userId'>): Promise<number> {
      const row = await db
        .selectFrom('notifications')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('organisation_id', '=', actor.organisationId)
        .where('user_id', '=', actor.userId)
        .where('read_at', 'is', null)
        .executeTakeFirstOrThrow()
      return Number(row.n)
    },

    async markRead(actor: Actor, id: number): Promise<Notification | undefined> {
      await db
        .updateTable('notifications')
        .set({ read_at: new Date().toISOString() })
        .where('id', '=', id)
        .where('organisation_id', '=', actor.organisationId)
        .where('user_id', '=', actor.userId)
        .where('read_at', 'is', null)
        .execute()
      return this.get(actor, id)
    },

    async markAllRead(actor: Actor): Promise<number> {
      const r = await db
        .updateTable('notifications')
        .set({ read_at: new Date().toISOString() })
        .where('organisation_id', '=', actor.organisationId)
        .where('user_id', '=', actor.userId)
        .where('read_at', 'is', null)
        .executeTakeFirst()
      return Number(r.numUpdatedRows)
    },

    async preference(actor: Actor): Promise<EmailPreference> {
      return (await preferencesOf(db, actor.organisationId, [actor.userId])).get(actor.userId) ?? 'immediate'
    },

    async setPreference(actor: Actor, email: EmailPreference): Promise<void> {
      const at = new Date().toISOString()
      await db
        .insertInto('notification_preferences')
        .values({ organisation_id: actor.organisationId, user_id: actor.userId, email, updated_at: at })
        .onConflict((oc) => oc.columns(['organisation_id', 'user_id']).doUpdateSet({ email, updated_at: at }))
        .execute()
    },

    /**
     * The daily digest: one email per person listing what they have not read and not yet had in a digest.
     * Everyone gets it except those who chose no email. Runs inside the scheduler's once-a-day slot.
     */
    async sendDigests(): Promise<number> {
      const rows = await db
        .selectFrom('notifications')
        .innerJoin('users', 'users.id', 'notifications.user_id')
        .leftJoin('notification_preferences as np', (j) =>
          j
            .onRef('np.user_id', '=', 'notifications.user_id')
            .onRef('np.organisation_id', '=', 'notifications.organisation_id'),
        )
        .select([
          'notifications.id',
          'notifications.organisation_id',
          'notifications.user_id',
          'notifications.title',
          'notifications.url',
          'users.email',
          'np.email as pref',
        ])
        .where('notifications.read_at', 'is', null)
        .where('notifications.digested_at', 'is', null)
        .where('users.is_active', '=', 1)
        .orderBy('notifications.id')
        .execute()
      const byPerson = new Map<string, typeof rows>()
      for (const r of rows) {
        if (r.pref === 'none') continue
        const key = `${r.organisation_id}:${r.user_id}`
        byPerson.set(key, [...(byPerson.get(key) ?? []), r])
      }
      let sent = 0
      await db.transaction().execute(async (trx) => {
        for (const items of byPerson.values()) {
          const first = items[0]!
          const subject = `Oversight: ${items.length} unread ${items.length === 1 ? 'notification' : 'notifications'}`
          const { text, html } = renderMail({
            heading: 'Your daily summary',
            paragraphs: ['These notifications are waiting for you in Oversight.'],
            facts: items.map((i) => ({ label: i.title, value: `${baseUrl}${i.url}` })),
            link: { text: 'See all notifications', url: `${baseUrl}/notifications` },
          })
          await mailer.queue(trx, {
            organisationId: first.organisation_id,
            to: [first.email],
            subject,
            text,
            html,
          })
          sent++
        }
        const ids = rows.map((r) => r.id)
        for (let i = 0; i < ids.length; i += 500)
          await trx
            .updateTable('notifications')
            .set({ digested_at: new Date().toISOString() })
            .where('id', 'in', ids.slice(i, i + 500))
            .execute()
      })
      if (sent > 0) mailer.flushSoon()
      return sent
    },
  }
}

export type NotificationsService = ReturnType<typeof createNotificationsService>
