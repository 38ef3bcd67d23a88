import type { Kysely } from 'kysely'
import type { Actor, Scope } from '../../auth/actor.ts'
import { scopeOf } from '../../auth/actor.ts'
import type { DB } from '../../db/schema.ts'
import type { Mailer } from '../../mail/mailer.ts'
import type { NotificationsService } from '../notifications/notifications.service.ts'
import { followsRepository as repo } from './follows.repository.ts'
import { changeLine, followedUrl, publicChangeLine, type Followable } from './follows.rules.ts'
import type { PublicSubscriptionsService } from './public-subscriptions.service.ts'

// Issue 12: a member follows a committee, programme or recommendation and is emailed when it changes. The
// changes are read from the audit trail, which every change to those records writes in its own transaction:
// reading it after the fact means only committed changes are told, and the scheduler's one run per slot
// (across instances) with the cursor moved in the same transaction as the notifications tells each once.
// The person who made a change is not told of it.

export function createFollowsService(
  db: Kysely<DB>,
  deps: {
    /** Whether the record exists and the reader may see it (each area's own visibility). */
    canSee: (scope: Scope, type: Followable, id: number) => Promise<boolean>
    notifications: NotificationsService
    mailer: Mailer
    /** Members of the public subscribed to the record, told by email. */
    publicSubscribers: Pick<PublicSubscriptionsService, 'tell'>
  },
) {
  return {
    isFollowing: (actor: Actor, type: Followable, id: number) =>
      repo.isFollowing(db, actor.organisationId, actor.userId, type, id),

    /** Follows a record the actor can see; false when it is not found (or not theirs to see). */
    async follow(actor: Actor, type: Followable, id: number): Promise<boolean> {
      if (!(await deps.canSee(scopeOf(actor), type, id))) return false
      await repo.follow(db, actor.organisationId, actor.userId, type, id, new Date().toISOString())
      return true
    },

    /** Stops following; false when the record is not found (or not theirs to see), as for following. */
    async unfollow(actor: Actor, type: Followable, id: number): Promise<boolean> {
      if (!(await deps.canSee(scopeOf(actor), type, id))) return false
      await repo.unfollow(db, actor.organisationId, actor.userId, type, id)
      return true
    },

    /** Tells followers of the changes audited since the last run; answers how many people were told. */
    async sendChanges(): Promise<number> {
      let told = 0
      for (const { organisation_id: org } of await repo.organisationsFollowing(db)) {
        told += await db.transaction().execute(async (trx) => {
          const after = await repo.cursor(trx, org)
          const events = await repo.events(trx, org, after)
          const last = events.at(-1)?.id ?? after
          const meetings = await repo.committeesOfMeetings(
            trx,
            org,
            events.filter((e) => e.entity_type === 'meeting').map((e) => Number(e.entity_id)),
          )
          // Changes grouped by the followed record.
          const byRecord = new Map<string, { type: Followable; id: number; events: typeof events }>()
          for (const e of events) {
            const type: Followable = e.entity_type === 'meeting' ? 'committee' : (e.entity_type as Followable)
            const id = e.entity_type === 'meeting' ? meetings.get(Number(e.entity_id)) : Number(e.entity_id)
            if (id === undefined || !Number.isInteger(id)) continue
            const key = `${type}:${id}`
            const group = byRecord.get(key) ?? { type, id, events: [] }
            group.events.push(e)
            byRecord.set(key, group)
          }
          let n = 0
          for (const { type, id, events: changes } of byRecord.values()) {
            const followers = await repo.followers(trx, org, type, id)
            const name = await repo.nameOf(trx, org, type, id)
            if (name === null) continue
            n += await deps.publicSubscribers.tell(trx, org, type, id, {
              name,
              lines: [...new Set(changes.map(publicChangeLine))],
              since: changes.at(-1)!.occurred_at,
            })
            const url = followedUrl(type, id)
            for (const f of followers) {
              // Only changes made after they followed, and not their own.
              const theirs = changes.filter(
                (c) => c.occurred_at >= f.created_at && c.actor_user_id !== f.user_id,
              )
              if (theirs.length === 0) continue
              const title = `Changed: ${name}`
              const lines = theirs.map(changeLine)
              await deps.notifications.notify(trx, {
                organisationId: org,
                userIds: [f.user_id],
                kind: 'follow',
                title,
                body: lines.join('; '),
                url,
                immediateFor: [f.user_id],
                mail: {
                  heading: title,
                  paragraphs: [`Something you follow in Oversight has changed.`, ...lines],
                  link: { text: `Open ${name}`, url },
                },
              })
              n++
            }
          }
          if (last > after) await repo.moveCursor(trx, org, last)
          return n
        })
      }
      if (told > 0) deps.mailer.flushSoon()
      return told
    },
  }
}

export type FollowsService = ReturnType<typeof createFollowsService>
