import type { Kysely, Transaction } from 'kysely'
import type { Scope } from '../../auth/actor.ts'
import type { DB, ForwardPlanEntry } from '../../db/schema.ts'

// The SQL of the forward plan and its Access to Information checks. A partner officer sees nothing of the
// forward plan (it is the council's executive's plan, not a shared project's record): entriesIn answers
// nothing for a partner-confined scope, whatever the route allowed.

export type Db = Kysely<DB> | Transaction<DB>

/** An entry with the names of what it points to, as lists, pages and the API show it. */
export interface EntryRow extends ForwardPlanEntry {
  programme_name: string | null
  project_reference: string | null
  project_name: string | null
  decision_title: string | null
  decision_decided_on: string | null
}

function entriesIn(db: Db, scope: Scope) {
  let q = db
    .selectFrom('forward_plan_entries as e')
    .leftJoin('programmes as pg', 'pg.id', 'e.programme_id')
    .leftJoin('projects as pj', 'pj.id', 'e.project_id')
    .leftJoin('decisions as d', 'd.id', 'e.decision_id')
    .selectAll('e')
    .select([
      'pg.name as programme_name',
      'pj.reference as project_reference',
      'pj.name as project_name',
      'd.title as decision_title',
      'd.decided_on as decision_decided_on',
    ])
    .where('e.organisation_id', '=', scope.organisationId)
  if (scope.partnerOnly) q = q.where('e.id', '<', 0)
  return q
}

export const forwardPlanRepository = {
  get: (db: Db, scope: Scope, id: number): Promise<EntryRow | undefined> =>
    entriesIn(db, scope).where('e.id', '=', id).executeTakeFirst(),

  list: (db: Db, scope: Scope, w: { offset?: number; limit?: number } = {}): Promise<EntryRow[]> =>
    entriesIn(db, scope)
      .orderBy('e.expected_on')
      .orderBy('e.id')
      .limit(w.limit ?? 5000)
      .offset(w.offset ?? 0)
      .execute(),

  count: async (db: Db, scope: Scope): Promise<number> => {
    const r = await entriesIn(db, scope)
      .clearSelect()
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    return Number(r.n)
  },

  /** The published plan: entries not withdrawn and not exempt, for the public site. */
  publicEntries: (db: Db, organisationId: number) =>
    db
      .selectFrom('forward_plan_entries as e')
      .leftJoin('memberships as maker', (j) =>
        j
          .onRef('maker.user_id', '=', 'e.decision_maker_user_id')
          .onRef('maker.organisation_id', '=', 'e.organisation_id'),
      )
      .select([
        'e.id',
        'e.title',
        'e.description',
        'e.board_id',
        'e.decision_maker',
        'e.expected_on',
        'e.listed_on',
        'e.status',
        'e.programme_id',
        'e.project_id',
        'maker.role as decision_maker_role',
      ])
      .where('e.organisation_id', '=', organisationId)
      .where('e.is_exempt', '=', 0)
      .where('e.status', '!=', 'withdrawn')
      .orderBy('e.expected_on')
      .orderBy('e.id')
      .execute(),

  /** Who may take a decision: the boards, and the organisation's members. */
  async makers(db: Db, organisationId: number) {
    const [boards, users] = await Promise.all([
      db
        .selectFrom('boards')
        .select(['id', 'name'])
        .where('organisation_id', '=', organisationId)
        .orderBy('name')
        .execute(),
      db
        .selectFrom('memberships as m')
        .innerJoin('users as u', 'u.id', 'm.user_id')
        .select(['u.id', 'u.name', 'm.role'])
        .where('m.organisation_id', '=', organisationId)
        .where('m.left_at', 'is', null)
        .where('m.role', '!=', 'partner_officer')
        .orderBy('u.name')
        .execute(),
    ])
    return { boards, users }
  },

  programmes: (db: Db, organisationId: number) =>
    db
      .selectFrom('programmes')
      .select(['id', 'name'])
      .where('organisation_id', '=', organisationId)
      .orderBy('name')
      .execute(),

  projects: (db: Db, organisationId: number) =>
    db
      .selectFrom('projects')
      .select(['id', 'reference', 'name', 'programme_id'])
      .where('organisation_id', '=', organisationId)
      .orderBy('reference')
      .execute(),

  // merge: read through decisions' service (the key decisions a plan entry can be taken as)
  keyDecisions: (db: Db, organisationId: number) =>
    db
      .selectFrom('decisions')
      .select(['id', 'title', 'decided_on', 'status', 'published_at', 'decided_by_user_id'])
      .where('organisation_id', '=', organisationId)
      .where('is_key', '=', 1)
      .orderBy('decided_on', 'desc')
      .orderBy('id', 'desc')
      .execute(),

  decision: (db: Db, organisationId: number, id: number) =>
    db
      .selectFrom('decisions')
      .select(['id', 'title', 'status', 'published_at', 'decided_on', 'is_key'])
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .executeTakeFirst(),

  implementation: (db: Db, organisationId: number, decisionId: number) =>
    db
      .selectFrom('decision_implementations')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('decision_id', '=', decisionId)
      .executeTakeFirst(),

  callInDays: async (db: Db, organisationId: number): Promise<number> =>
    (
      await db
        .selectFrom('organisations')
        .select('call_in_working_days')
        .where('id', '=', organisationId)
        .executeTakeFirstOrThrow()
    ).call_in_working_days,

  /** Entries still on the plan, with the date their decision was (or is to be) taken. */
  liveEntries: (db: Db, organisationId: number) =>
    db
      .selectFrom('forward_plan_entries as e')
      .leftJoin('decisions as d', 'd.id', 'e.decision_id')
      .select([
        'e.id',
        'e.title',
        'e.listed_on',
        'e.expected_on',
        'e.decision_maker_user_id',
        'e.programme_id',
        'e.project_id',
        'd.decided_on',
      ])
      .where('e.organisation_id', '=', organisationId)
      .where('e.status', '!=', 'withdrawn')
      .orderBy('e.expected_on')
      .execute(),

  /** Published key decisions that no forward plan entry names. */
  keyDecisionsOffPlan: (db: Db, organisationId: number) =>
    db
      .selectFrom('decisions as d')
      .select(['d.id', 'd.title', 'd.decided_on', 'd.decided_by_user_id'])
      .where('d.organisation_id', '=', organisationId)
      .where('d.is_key', '=', 1)
      .where('d.status', '=', 'published')
      .where('d.supersedes_id', 'is', null)
      .where((eb) =>
        eb.not(
          eb.exists(
            eb.selectFrom('forward_plan_entries as e').select('e.id').whereRef('e.decision_id', '=', 'd.id'),
          ),
        ),
      )
      .orderBy('d.decided_on')
      .execute(),

  /** Meetings from `since`, with when their papers were published. */
  meetingsSince: (db: Db, organisationId: number, since: string) =>
    db
      .selectFrom('meetings as m')
      .innerJoin('committees as c', 'c.id', 'm.committee_id')
      .select(['m.id', 'm.meeting_date', 'm.papers_published_on', 'c.name as committee_name'])
      .where('m.organisation_id', '=', organisationId)
      .where('m.meeting_date', '>=', since)
      .where('m.status', '!=', 'cancelled')
      .orderBy('m.meeting_date')
      .execute(),

  exemptItemsWithoutReason: (db: Db, organisationId: number) =>
    db
      .selectFrom('agenda_items as a')
      .innerJoin('meetings as m', 'm.id', 'a.meeting_id')
      .select(['a.id', 'a.number', 'a.title', 'a.meeting_id', 'm.meeting_date'])
      .where('a.organisation_id', '=', organisationId)
      .where('a.is_exempt', '=', 1)
      .where('a.exempt_reason', '=', '')
      .orderBy('m.meeting_date')
      .execute(),

  async alerted(trx: Transaction<DB>, organisationId: number, ruleId: string, recordType: string) {
    const rows = await trx
      .selectFrom('access_rule_alerts')
      .select('record_id')
      .where('organisation_id', '=', organisationId)
      .where('rule_id', '=', ruleId)
      .where('record_type', '=', recordType)
      .execute()
    return new Set(rows.map((r) => r.record_id))
  },

  recordAlert: (
    trx: Transaction<DB>,
    a: { organisation_id: number; rule_id: string; record_type: string; record_id: number; sent_at: string },
  ) =>
    trx
      .insertInto('access_rule_alerts')
      .values(a)
      .onConflict((oc) => oc.doNothing())
      .execute(),

  organisations: (db: Db) => db.selectFrom('organisations').select('id').orderBy('id').execute(),
}
