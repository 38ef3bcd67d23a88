import type { Kysely, Transaction } from 'kysely'
import type { DB } from '../../db/schema.ts'

type Q = Kysely<DB> | Transaction<DB>

// The SQL of the alerts: occurrences claimed once, the organisation's settings, each person's choice, and who
// is accountable for each kind of record a finding is about.
// merge: the project, recommendation and committee reads belong in their areas' repositories.

export const alertsRepository = {
  organisations: (db: Q) => db.selectFrom('organisations').select('id').orderBy('id').execute(),

  /**
   * Claims an occurrence: true for the one caller whose insert made the row. A second run, or another
   * instance, inserting the same (rule, record, period) waits on the unique key and gets false.
   */
  async claim(
    trx: Transaction<DB>,
    o: { organisationId: number; ruleId: string; recordType: string; recordId: number; period: string },
    recipients: number,
    at: string,
  ): Promise<boolean> {
    const row = await trx
      .insertInto('alert_occurrences')
      .values({
        organisation_id: o.organisationId,
        rule_id: o.ruleId,
        record_type: o.recordType,
        record_id: o.recordId,
        period: o.period,
        recipients,
        sent_at: at,
      })
      .onConflict((oc) =>
        oc.columns(['organisation_id', 'rule_id', 'record_type', 'record_id', 'period']).doNothing(),
      )
      .returning('id')
      .executeTakeFirst()
    return row !== undefined
  },

  settings: (db: Q, organisationId: number) =>
    db
      .selectFrom('alert_settings')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .executeTakeFirst(),

  async saveSettings(
    trx: Transaction<DB>,
    organisationId: number,
    values: {
      tell_portfolio_holder: number
      tell_panel_chair: number
      public_subscriptions: number
      updated_at: string
    },
  ) {
    await trx
      .insertInto('alert_settings')
      .values({ organisation_id: organisationId, ...values })
      .onConflict((oc) => oc.column('organisation_id').doUpdateSet(values))
      .execute()
  },

  async deliveries(db: Q, organisationId: number, userIds: number[]): Promise<Map<number, string>> {
    if (userIds.length === 0) return new Map()
    const rows = await db
      .selectFrom('alert_preferences')
      .select(['user_id', 'delivery'])
      .where('organisation_id', '=', organisationId)
      .where('user_id', 'in', userIds)
      .execute()
    return new Map(rows.map((r) => [r.user_id, r.delivery]))
  },

  async setDelivery(db: Q, organisationId: number, userId: number, delivery: string, at: string) {
    await db
      .insertInto('alert_preferences')
      .values({ organisation_id: organisationId, user_id: userId, delivery, updated_at: at })
      .onConflict((oc) =>
        oc.columns(['organisation_id', 'user_id']).doUpdateSet({ delivery, updated_at: at }),
      )
      .execute()
  },

  /** Of these accounts, the active members of the organisation who have not left. */
  async activeMembers(db: Q, organisationId: number, userIds: Array<number | null>): Promise<number[]> {
    const ids = [...new Set(userIds.filter((id): id is number => id !== null))]
    if (ids.length === 0) return []
    const rows = await db
      .selectFrom('memberships as m')
      .innerJoin('users as u', 'u.id', 'm.user_id')
      .select('u.id')
      .where('m.organisation_id', '=', organisationId)
      .where('m.left_at', 'is', null)
      .where('u.is_active', '=', 1)
      .where('u.id', 'in', ids)
      .execute()
    return rows.map((r) => r.id)
  },

  project: (db: Q, organisationId: number, id: number) =>
    db
      .selectFrom('projects')
      .select(['id', 'project_manager', 'project_manager_person_id'])
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .executeTakeFirst(),

  recommendation: (db: Q, organisationId: number, id: number) =>
    db
      .selectFrom('recommendations')
      .select(['id', 'committee_id', 'addressee_user_id', 'lead_officer_user_id'])
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .executeTakeFirst(),

  action: (db: Q, organisationId: number, id: number) =>
    db
      .selectFrom('recommendation_actions as a')
      .innerJoin('recommendations as r', 'r.id', 'a.recommendation_id')
      .select(['a.owner_user_id', 'r.committee_id', 'r.lead_officer_user_id'])
      .where('a.organisation_id', '=', organisationId)
      .where('a.id', '=', id)
      .executeTakeFirst(),

  projectOfGate: (db: Q, organisationId: number, projectGateId: number) =>
    db
      .selectFrom('project_gates')
      .select('project_id')
      .where('organisation_id', '=', organisationId)
      .where('id', '=', projectGateId)
      .executeTakeFirst(),

  /** The chairs of a committee, or (for a project's finding) of every scrutiny panel. */
  async chairs(db: Q, organisationId: number, committeeId: number | null): Promise<Array<number | null>> {
    let q = db
      .selectFrom('committee_members as m')
      .innerJoin('committees as c', 'c.id', 'm.committee_id')
      .select('m.user_id')
      .where('m.organisation_id', '=', organisationId)
      .where('m.role', '=', 'chair')
    q = committeeId === null ? q.where('c.kind', '=', 'scrutiny_panel') : q.where('c.id', '=', committeeId)
    return (await q.execute()).map((r) => r.user_id)
  },
}
