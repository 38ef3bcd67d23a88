import { sql, type Kysely, type Transaction } from 'kysely'
import type { DB } from '../../db/schema.ts'

type Db = Kysely<DB> | Transaction<DB>

/**
 * The public site's reads. Every query is scoped to one organisation; what is published and withheld is
 * decided by the service (public-site.service.ts), which filters what these return.
 * merge: the scrutiny, programmes and decisions tables are read here directly, as the reports and finance
 * repositories do; route through those areas' services when they offer public-safe reads.
 */
export function createPublicSiteRepository(db: Db) {
  return {
    organisationBySlug(slug: string) {
      return db
        .selectFrom('organisations')
        .select([
          'id',
          'slug',
          'name',
          'rating_scale',
          'display_name',
          'header_colour',
          'header_text',
          'logo_sha256',
        ])
        .where('slug', '=', slug)
        .executeTakeFirst()
    },

    /** The organisation's change counter and when its last change was made (ETag and Last-Modified). */
    async lastChange(organisationId: number): Promise<{ seq: number; at: string | null }> {
      const { rows } = await sql<{ seq: number; at: string | null }>`
        select h.seq as seq, e.occurred_at as at
        from audit_heads h left join audit_events e on e.organisation_id = h.organisation_id and e.seq = h.seq
        where h.organisation_id = ${organisationId}`.execute(db)
      const row = rows[0]
      return { seq: Number(row?.seq ?? 0), at: row?.at ?? null }
    },

    /** The organisation's programmes, or with `only` that one. */
    programmes(organisationId: number, only?: number) {
      let q = db
        .selectFrom('programmes')
        .select(['id', 'reference', 'name', 'purpose', 'status', 'start_date', 'end_date', 'updated_at'])
        .where('organisation_id', '=', organisationId)
      if (only !== undefined) q = q.where('id', '=', only)
      return q.orderBy('reference').execute()
    },

    projectsOf(organisationId: number, programmeIds: number[]) {
      if (programmeIds.length === 0) return Promise.resolve([])
      return db
        .selectFrom('projects')
        .select([
          'id',
          'programme_id',
          'reference',
          'name',
          'description',
          'stage',
          'baseline_end',
          'forecast_end',
          'actual_end',
        ])
        .where('organisation_id', '=', organisationId)
        .where('programme_id', 'in', programmeIds)
        .orderBy('reference')
        .execute()
    },

    /**
     * Each project's latest status report, found through the (project, period) index: scoped by the
     * projects' organisation, since given status_reports.organisation_id SQLite (without ANALYZE statistics)
     * walks the organisation's every report by period instead (W1: 12,000 rows read for 50 projects).
     */
    latestStatusReportsOf(organisationId: number, projectIds: number[]) {
      if (projectIds.length === 0) return Promise.resolve([])
      return db
        .selectFrom('projects as p')
        .innerJoin('status_reports as s', (j) =>
          j.onRef('s.project_id', '=', 'p.id').on('s.period', '=', (eb) =>
            eb
              .selectFrom('status_reports as r')
              .select((r) => r.fn.max('r.period').as('period'))
              .whereRef('r.project_id', '=', 'p.id'),
          ),
        )
        .select(['s.project_id', 's.period', 's.rating'])
        .where('p.organisation_id', '=', organisationId)
        .where('p.id', 'in', projectIds)
        .execute()
    },

    /** Ambitions once agreed: a draft is the council's own working, never public. */
    ambitions(organisationId: number) {
      return db
        .selectFrom('ambitions')
        .select(['id', 'title', 'statement', 'theme', 'horizon_on', 'status'])
        .where('organisation_id', '=', organisationId)
        .where('status', '!=', 'draft')
        .orderBy('title')
        .execute()
    },

    /** Indicators in use (a retired one is history, not news), with what each measures. */
    async indicators(organisationId: number) {
      const [indicators, links] = await Promise.all([
        db
          .selectFrom('indicators')
          .select(['id', 'name', 'description', 'unit', 'scale', 'polarity', 'frequency', 'created_at'])
          .where('organisation_id', '=', organisationId)
          .where('status', '=', 'active')
          .orderBy('name')
          .orderBy('id')
          .execute(),
        db
          .selectFrom('indicator_links')
          .select(['indicator_id', 'programme_id', 'project_id'])
          .where('organisation_id', '=', organisationId)
          .execute(),
      ])
      return { indicators, links }
    },

    /** Indicators' values and targets: the values without who entered them (a name is not for the public). */
    async indicatorSeriesRows(organisationId: number, indicatorIds: number[]) {
      if (indicatorIds.length === 0) return { values: [], targets: [] }
      const [values, targets] = await Promise.all([
        db
          .selectFrom('indicator_values')
          .select(['indicator_id', 'period', 'value', 'note'])
          .where('organisation_id', '=', organisationId)
          .where('indicator_id', 'in', indicatorIds)
          .execute(),
        db
          .selectFrom('indicator_targets')
          .select(['indicator_id', 'period', 'target', 'warning'])
          .where('organisation_id', '=', organisationId)
          .where('indicator_id', 'in', indicatorIds)
          .execute(),
      ])
      return { values, targets }
    },

    outputs(organisationId: number) {
      return db
        .selectFrom('outputs')
        .innerJoin('projects', 'projects.id', 'outputs.project_id')
        .select([
          'outputs.id',
          'outputs.title',
          'outputs.type',
          'outputs.description',
          'outputs.planned_on',
          'outputs.delivered_on',
          'outputs.status',
          'projects.id as project_id',
          'projects.reference as project_reference',
          'projects.programme_id',
        ])
        .where('outputs.organisation_id', '=', organisationId)
        .orderBy('projects.reference')
        .orderBy('outputs.id')
        .execute()
    },

    async hasCommittee(organisationId: number, committeeId: number): Promise<boolean> {
      const row = await db
        .selectFrom('committees')
        .select('id')
        .where('organisation_id', '=', organisationId)
        .where('id', '=', committeeId)
        .executeTakeFirst()
      return row !== undefined
    },

    meetings(organisationId: number) {
      return db
        .selectFrom('meetings')
        .innerJoin('committees', 'committees.id', 'meetings.committee_id')
        .select([
          'meetings.id',
          'meetings.meeting_date',
          'meetings.start_time',
          'meetings.place',
          'meetings.status',
          'meetings.committee_id',
          'committees.name as committee',
        ])
        .where('meetings.organisation_id', '=', organisationId)
        .orderBy('meetings.meeting_date', 'desc')
        .orderBy('meetings.id', 'desc')
        .execute()
    },

    agendaItems(organisationId: number, meetingId: number) {
      return (
        db
          .selectFrom('agenda_items')
          .select(['id', 'number', 'title', 'purpose', 'reports_presented', 'minutes'])
          .where('organisation_id', '=', organisationId)
          .where('meeting_id', '=', meetingId)
          // An exempt (Part B) item, and its reason, never leave the town hall.
          .where('is_exempt', '=', 0)
          .orderBy('id')
          .execute()
      )
    },

    resolutionsOf(organisationId: number, itemIds: number[]) {
      if (itemIds.length === 0) return Promise.resolve([])
      return db
        .selectFrom('resolutions')
        .select(['agenda_item_id', 'text'])
        .where('organisation_id', '=', organisationId)
        .where('agenda_item_id', 'in', itemIds)
        .orderBy('position')
        .execute()
    },

    recommendations(organisationId: number) {
      return db
        .selectFrom('recommendations')
        .innerJoin('committees', 'committees.id', 'recommendations.committee_id')
        .innerJoin('agenda_items', 'agenda_items.id', 'recommendations.agenda_item_id')
        .select([
          'recommendations.id',
          'recommendations.reference',
          'recommendations.kind',
          'recommendations.text',
          'recommendations.addressed_to',
          'recommendations.made_on',
          'recommendations.response_due_on',
          'recommendations.response',
          'recommendations.response_reasons',
          'recommendations.responded_on',
          'recommendations.status',
          'recommendations.evidence',
          'recommendations.agenda_item_id',
          'agenda_items.meeting_id',
          'committees.name as committee',
        ])
        .where('recommendations.organisation_id', '=', organisationId)
        .where('agenda_items.is_exempt', '=', 0)
        .orderBy('recommendations.made_on', 'desc')
        .orderBy('recommendations.reference')
        .execute()
    },

    actionsOf(organisationId: number, recommendationIds: number[]) {
      if (recommendationIds.length === 0) return Promise.resolve([])
      return db
        .selectFrom('recommendation_actions')
        .select(['id', 'recommendation_id', 'text', 'due_on', 'status', 'evidence_text'])
        .where('organisation_id', '=', organisationId)
        .where('recommendation_id', 'in', recommendationIds)
        .orderBy('id')
        .execute()
    },

    /** Published decisions only: a draft or one awaiting decision never leaves the town hall. */
    decisions(organisationId: number) {
      return db
        .selectFrom('decisions')
        .select([
          'id',
          'title',
          'decision_text',
          'decided_on',
          'capacity',
          'reasons',
          'is_key',
          'published_at',
        ])
        .where('organisation_id', '=', organisationId)
        .where('status', '=', 'published')
        .orderBy('decided_on', 'desc')
        .orderBy('id', 'desc')
        .execute()
    },
  }
}

export type PublicSiteRepository = ReturnType<typeof createPublicSiteRepository>

/**
 * One page of an organisation's spend at or above the threshold (either way: a refund is a payment too),
 * after `afterId`, by id: the open-data CSV streams the ledger a page at a time.
 */
export function spendPage(
  db: Db,
  organisationId: number,
  thresholdPence: number,
  afterId: number,
  limit: number,
) {
  return db
    .selectFrom('ledger_transactions')
    .innerJoin('projects', 'projects.id', 'ledger_transactions.project_id')
    .innerJoin('programmes', 'programmes.id', 'projects.programme_id')
    .select([
      'ledger_transactions.id',
      'ledger_transactions.transaction_date',
      'ledger_transactions.period',
      'ledger_transactions.amount_pence',
      'ledger_transactions.supplier_name',
      'ledger_transactions.expense_type',
      'projects.id as project_id',
      'projects.reference as project_reference',
      'programmes.id as programme_id',
      'programmes.reference as programme_reference',
    ])
    .where('ledger_transactions.organisation_id', '=', organisationId)
    .where((eb) =>
      eb.or([
        eb('ledger_transactions.amount_pence', '>=', thresholdPence),
        eb('ledger_transactions.amount_pence', '<=', -thresholdPence),
      ]),
    )
    .where('ledger_transactions.id', '>', afterId)
    .orderBy('ledger_transactions.id')
    .limit(limit)
    .execute()
}
