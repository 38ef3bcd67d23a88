import { PostgresAdapter, type Kysely, type Transaction } from 'kysely'
import type { DB } from '../../db/schema.ts'
import { FOLLOWED_ENTITY_TYPES, type Followable } from './follows.rules.ts'

type Q = Kysely<DB> | Transaction<DB>

// The SQL of following: who follows what, and the audited changes not yet told.
// merge: the names of programmes, committees and recommendations read through their areas' repositories.

export const followsRepository = {
  async isFollowing(db: Q, organisationId: number, userId: number, type: Followable, id: number) {
    const row = await db
      .selectFrom('follows')
      .select('id')
      .where('organisation_id', '=', organisationId)
      .where('user_id', '=', userId)
      .where('record_type', '=', type)
      .where('record_id', '=', id)
      .executeTakeFirst()
    return row !== undefined
  },

  async follow(db: Q, organisationId: number, userId: number, type: Followable, id: number, at: string) {
    await db
      .insertInto('follows')
      .values({
        organisation_id: organisationId,
        user_id: userId,
        record_type: type,
        record_id: id,
        created_at: at,
      })
      .onConflict((oc) => oc.columns(['organisation_id', 'user_id', 'record_type', 'record_id']).doNothing())
      .execute()
  },

  async unfollow(db: Q, organisationId: number, userId: number, type: Followable, id: number) {
    await db
      .deleteFrom('follows')
      .where('organisation_id', '=', organisationId)
      .where('user_id', '=', userId)
      .where('record_type', '=', type)
      .where('record_id', '=', id)
      .execute()
  },

  /** Organisations with anyone (a member or a member of the public) following anything. */
  organisationsFollowing: (db: Q) =>
    db
      .selectFrom('follows')
      .select('organisation_id')
      .union(db.selectFrom('public_subscribers').select('organisation_id'))
      .execute(),

  /**
   * The organisation's cursor, held for the rest of the transaction: a second run at the same time (on
   * PostgreSQL; SQLite runs one transaction at a time) waits, then reads where the first left off.
   */
  async cursor(trx: Transaction<DB>, organisationId: number): Promise<number> {
    await trx
      .insertInto('follow_cursors')
      .values({ organisation_id: organisationId, last_event_id: 0 })
      .onConflict((oc) => oc.column('organisation_id').doNothing())
      .execute()
    let q = trx
      .selectFrom('follow_cursors')
      .select('last_event_id')
      .where('organisation_id', '=', organisationId)
    if (trx.getExecutor().adapter instanceof PostgresAdapter) q = q.forUpdate()
    const row = await q.executeTakeFirst()
    return row?.last_event_id ?? 0
  },

  async moveCursor(trx: Transaction<DB>, organisationId: number, lastEventId: number) {
    await trx
      .insertInto('follow_cursors')
      .values({ organisation_id: organisationId, last_event_id: lastEventId })
      .onConflict((oc) => oc.column('organisation_id').doUpdateSet({ last_event_id: lastEventId }))
      .execute()
  },

  /**
   * The audited changes to followable records after the cursor, oldest first, a batch at a time.
   * "After the last id told" is safe although PostgreSQL sequence values can commit out of order: an
   * organisation's events get their ids while its audit head row is locked FOR UPDATE (recordAudit), which
   * a second audited transaction waits on until the first commits, so within an organisation a lower id
   * never commits after a higher one. SQLite runs one writer at a time. If audit events ever stop taking
   * that lock (or the cursor ever spans organisations), this cursor needs a commit-order column instead;
   * test/integration/follows.test.ts pins it ("commits late").
   */
  events: (trx: Transaction<DB>, organisationId: number, after: number) =>
    trx
      .selectFrom('audit_events')
      .select(['id', 'occurred_at', 'actor_user_id', 'actor_label', 'action', 'entity_type', 'entity_id'])
      .where('organisation_id', '=', organisationId)
      .where('id', '>', after)
      .where('entity_type', 'in', [...FOLLOWED_ENTITY_TYPES])
      .orderBy('id')
      .limit(500)
      .execute(),

  async committeesOfMeetings(trx: Transaction<DB>, organisationId: number, ids: number[]) {
    if (ids.length === 0) return new Map<number, number>()
    const rows = await trx
      .selectFrom('meetings')
      .select(['id', 'committee_id'])
      .where('organisation_id', '=', organisationId)
      .where('id', 'in', ids)
      .execute()
    return new Map(rows.map((r) => [r.id, r.committee_id]))
  },

  /** Followers of a record, with when they started following. */
  followers: (trx: Transaction<DB>, organisationId: number, type: Followable, id: number) =>
    trx
      .selectFrom('follows as f')
      .innerJoin('memberships as m', (j) =>
        j.onRef('m.user_id', '=', 'f.user_id').onRef('m.organisation_id', '=', 'f.organisation_id'),
      )
      .innerJoin('users as u', 'u.id', 'f.user_id')
      .select(['f.user_id', 'f.created_at'])
      .where('f.organisation_id', '=', organisationId)
      .where('f.record_type', '=', type)
      .where('f.record_id', '=', id)
      .where('m.left_at', 'is', null)
      .where('u.is_active', '=', 1)
      .execute(),

  async nameOf(trx: Transaction<DB>, organisationId: number, type: Followable, id: number) {
    if (type === 'programme') {
      const p = await trx
        .selectFrom('programmes')
        .select(['reference', 'name'])
        .where('organisation_id', '=', organisationId)
        .where('id', '=', id)
        .executeTakeFirst()
      return p ? `${p.reference} ${p.name}` : null
    }
    if (type === 'committee') {
      const c = await trx
        .selectFrom('committees')
        .select('name')
        .where('organisation_id', '=', organisationId)
        .where('id', '=', id)
        .executeTakeFirst()
      return c?.name ?? null
    }
    const r = await trx
      .selectFrom('recommendations')
      .select('reference')
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .executeTakeFirst()
    return r?.reference ?? null
  },
}
