import {
  expressionBuilder,
  type AliasableExpression,
  type Expression,
  type Kysely,
  type SqlBool,
  type Transaction,
} from 'kysely'
import type { DB } from '../../db/schema.ts'
import type { Followable } from './follows.rules.ts'

type Q = Kysely<DB> | Transaction<DB>

// The SQL of public subscriptions: the organisation by its public slug, confirmed subscribers, and the
// request counts. Whether a record is published is the public site's to answer (public-site.service.ts).

/**
 * Whether the organisation `organisationId` names lets the public subscribe: the one home of that
 * rule, as an expression another read can carry (the public site reads it with its publication settings).
 */
export function publicSubscriptionsOpen(organisationId: Expression<number>): AliasableExpression<SqlBool> {
  const eb = expressionBuilder<DB, never>()
  return eb.exists(
    eb
      .selectFrom('alert_settings')
      .select('alert_settings.organisation_id')
      .where('alert_settings.organisation_id', '=', organisationId)
      .where('alert_settings.public_subscriptions', '=', 1),
  )
}

export const publicSubscriptionsRepository = {
  /** The organisation of a public slug, if it lets the public subscribe. */
  organisationOpenTo: (db: Q, slug: string) =>
    db
      .selectFrom('organisations as o')
      .select(['o.id', 'o.name', 'o.slug'])
      .where('o.slug', '=', slug)
      .where((eb) => publicSubscriptionsOpen(eb.ref('o.id')))
      .executeTakeFirst(),

  async subscribe(db: Q, organisationId: number, email: string, type: Followable, id: number, at: string) {
    await db
      .insertInto('public_subscribers')
      .values({ organisation_id: organisationId, email, record_type: type, record_id: id, created_at: at })
      .onConflict((oc) => oc.columns(['organisation_id', 'email', 'record_type', 'record_id']).doNothing())
      .execute()
  },

  async unsubscribe(db: Q, organisationId: number, subscriberId: number) {
    await db
      .deleteFrom('public_subscribers')
      .where('organisation_id', '=', organisationId)
      .where('id', '=', subscriberId)
      .execute()
  },

  subscribers: (db: Q, organisationId: number, type: Followable, id: number) =>
    db
      .selectFrom('public_subscribers')
      .select(['id', 'email', 'created_at'])
      .where('organisation_id', '=', organisationId)
      .where('record_type', '=', type)
      .where('record_id', '=', id)
      .execute(),

  slugOf: async (db: Q, organisationId: number) =>
    (await db.selectFrom('organisations').select('slug').where('id', '=', organisationId).executeTakeFirst())
      ?.slug,

  /**
   * Counts a request against a key and answers the count in the current window (a fresh window once the
   * last has passed). One statement, so concurrent requests on any instance all count.
   */
  async count(trx: Transaction<DB>, key: string, now: Date, windowMs: number): Promise<number> {
    const at = now.toISOString()
    const windowStart = new Date(now.getTime() - windowMs).toISOString()
    await trx
      .insertInto('subscription_throttle')
      .values({ key, window_started_at: at, count: 0 })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute()
    await trx
      .updateTable('subscription_throttle')
      .set({ count: 0, window_started_at: at })
      .where('key', '=', key)
      .where('window_started_at', '<', windowStart)
      .execute()
    await trx
      .updateTable('subscription_throttle')
      .set((eb) => ({ count: eb('count', '+', 1) }))
      .where('key', '=', key)
      .execute()
    const row = await trx
      .selectFrom('subscription_throttle')
      .select('count')
      .where('key', '=', key)
      .executeTakeFirstOrThrow()
    return row.count
  },
}
