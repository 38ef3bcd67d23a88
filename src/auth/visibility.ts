import {
  PostgresAdapter,
  sql,
  type Expression,
  type Kysely,
  type RawBuilder,
  type SqlBool,
  type Transaction,
} from 'kysely'
import type { DB } from '../db/schema.ts'
import { ValidationError } from '../errors.ts'
import type { Actor } from './actor.ts'
import { seesWholePortfolio } from './policy.ts'

/**
 * The one visibility rule. Every query, page, export, paper and cache that shows projects or what belongs
 * to them decides what the reader may see here, and nowhere else: ESLint refuses the sharing table's name
 * in any other file (eslint.config.js). Council staff see their organisation's whole portfolio. A partner
 * officer sees only the projects shared with the partner their membership names (a project may be shared
 * with several partners); a partner officer whose membership names no partner sees none.
 */
export interface Scope {
  readonly organisationId: number
  /** The partner whose shared projects this reader sees; null when the reader is not confined to a partner. */
  readonly partnerId: number | null
  /** True for a partner officer: confined to shared projects (none at all if `partnerId` is null). */
  readonly partnerOnly: boolean
  /** The reader's whole scope as text, for keying caches: `org:5`, `org:5:partner:2`, `org:5:partner:none`. */
  readonly key: string
}

function makeScope(organisationId: number, partnerOnly: boolean, partnerId: number | null): Scope {
  const key = partnerOnly ? `org:${organisationId}:partner:${partnerId ?? 'none'}` : `org:${organisationId}`
  return { organisationId, partnerOnly, partnerId: partnerOnly ? partnerId : null, key }
}

export function scopeOf(actor: Pick<Actor, 'organisationId' | 'role' | 'partnerId'>): Scope {
  const partnerOnly = !seesWholePortfolio(actor.role)
  return makeScope(actor.organisationId, partnerOnly, actor.partnerId)
}

/** The whole organisation: for the system's own work (schedulers, the command line, notifications). */
export function wholeOrganisation(organisationId: number): Scope {
  return makeScope(organisationId, false, null)
}

/** The scope a partner officer of this partner has: for tests and previews of what a partner sees. */
export function partnerScope(organisationId: number, partnerId: number | null): Scope {
  return makeScope(organisationId, true, partnerId)
}

type Conn = Kysely<DB> | Transaction<DB>

interface Filterable<Q> {
  where(expression: Expression<SqlBool>): Q
}

/** `column in (the projects shared with the scope's partner)`; nothing at all for a partner-less officer. */
function sharedProjectCondition(scope: Scope, projectIdColumn: string): Expression<SqlBool> {
  if (scope.partnerId === null) return sql<SqlBool>`1 = 0`
  return sql<SqlBool>`${sql.ref(projectIdColumn)} in (select project_partners.project_id from project_partners where project_partners.partner_id = ${scope.partnerId})`
}

/**
 * Confines a query to rows of projects the scope may see, by the column holding the project's id
 * (`projects.id`, `p.id`, `risks.project_id` ...). A query for the whole portfolio is returned unchanged.
 */
export function whereProjectVisible<Q>(q: Filterable<Q> & Q, scope: Scope, projectIdColumn: string): Q {
  if (!scope.partnerOnly) return q
  return q.where(sharedProjectCondition(scope, projectIdColumn))
}

/**
 * Confines a query to programmes the scope may see: a partner officer sees a programme through the projects
 * of it shared with the partner.
 */
export function whereProgrammeVisible<Q>(q: Filterable<Q> & Q, scope: Scope, programmeIdColumn: string): Q {
  if (!scope.partnerOnly) return q
  return q.where(sharedProgrammeCondition(scope, programmeIdColumn))
}

/** `column in (the programmes of the projects shared with the scope's partner)`; nothing for a partner-less officer. */
function sharedProgrammeCondition(scope: Scope, programmeIdColumn: string): Expression<SqlBool> {
  if (scope.partnerId === null) return sql<SqlBool>`1 = 0`
  return sql<SqlBool>`${sql.ref(programmeIdColumn)} in (select projects.programme_id from projects inner join project_partners on project_partners.project_id = projects.id where project_partners.partner_id = ${scope.partnerId})`
}

/**
 * A column of a project another record points at (a dependency's project, a recommendation action's
 * project), or null when the reader may not see that project: a page never shows the name of a record its
 * reader cannot open. Select it `.as(...)` in place of the plain column.
 */
export function ifProjectVisible<T>(
  scope: Scope,
  projectIdColumn: string,
  column: string,
): RawBuilder<T | null> {
  if (!scope.partnerOnly) return sql<T | null>`${sql.ref(column)}`
  return sql<T | null>`case when ${sharedProjectCondition(scope, projectIdColumn)} then ${sql.ref(column)} else null end`
}

/**
 * Confines a query of records that belong to a partner — the partner itself, its recharges, its staff in the
 * people register — by the column holding that partner's id: council staff see every partner's; a partner
 * officer sees only their own partner's (none without a partner), never the council's own or another
 * partner's, not even its name.
 */
export function wherePartnerVisible<Q>(q: Filterable<Q> & Q, scope: Scope, partnerIdColumn: string): Q {
  if (!scope.partnerOnly) return q
  if (scope.partnerId === null) return q.where(sql<SqlBool>`1 = 0`)
  return q.where(sql<SqlBool>`${sql.ref(partnerIdColumn)} = ${scope.partnerId}`)
}

/** The people register (issue 10), by each person's employer partner: the partner rule above. */
export const wherePersonVisible = wherePartnerVisible

/**
 * Confines a query of services and assets (the responsibility matrix, issue 10) by the column holding each
 * asset's id: council staff see all of their organisation's; a partner officer sees the assets their partner
 * is a party to, directly or through one of its staff, and none without a partner.
 */
export function whereAssetVisible<Q>(q: Filterable<Q> & Q, scope: Scope, assetIdColumn: string): Q {
  if (!scope.partnerOnly) return q
  if (scope.partnerId === null) return q.where(sql<SqlBool>`1 = 0`)
  return q.where(
    sql<SqlBool>`${sql.ref(assetIdColumn)} in (select ar.asset_id from asset_responsibilities ar left join people pe on pe.id = ar.person_id where ar.partner_id = ${scope.partnerId} or pe.partner_id = ${scope.partnerId})`,
  )
}

/**
 * Confines a query of performance indicators (issue 11) by the column holding each indicator's id: council
 * staff see all of their organisation's; a partner officer sees the indicators that measure a project shared
 * with their partner, and none without a partner.
 */
export function whereIndicatorVisible<Q>(q: Filterable<Q> & Q, scope: Scope, indicatorIdColumn: string): Q {
  if (!scope.partnerOnly) return q
  if (scope.partnerId === null) return q.where(sql<SqlBool>`1 = 0`)
  return q.where(
    sql<SqlBool>`${sql.ref(indicatorIdColumn)} in (select il.indicator_id from indicator_links il where ${sharedProjectCondition(scope, 'il.project_id')})`,
  )
}

/**
 * Whether the scope may see the name of a party employed by (or being) this partner — null for the council
 * itself. A partner officer sees their own partner and its staff; another partner's name, or a council
 * officer's, is withheld as the people register withholds it.
 */
export function seesPartyOf(scope: Scope, partnerId: number | null): boolean {
  return !scope.partnerOnly || (partnerId !== null && partnerId === scope.partnerId)
}

/**
 * Papers about a whole programme (panel progress reports and programme definition papers; drafts and
 * frozen papers, and their HTML, PDF and DOCX files) are the council's account of the programme to its
 * panel or board: every project's name, rating, narrative, risks and finance, flattened into one document
 * that does not record which project each passage is about, so it cannot be cut down to the shared
 * projects. A partner officer sees none of them (listed nowhere, 404 by id): they follow the shared
 * projects through the projects' own pages, status reports, milestones, risks and finance.
 */
export function wherePaperVisible<Q>(q: Filterable<Q> & Q, scope: Scope): Q {
  if (!scope.partnerOnly) return q
  return q.where(sql<SqlBool>`1 = 0`)
}

/** `decision in (decisions linked to a project the scope may see)`; callers have ruled out the whole portfolio. */
function decisionCondition(scope: Scope, decisionIdColumn: string): Expression<SqlBool> {
  return sql<SqlBool>`exists (select 1 from decision_links dl where dl.decision_id = ${sql.ref(decisionIdColumn)} and dl.record_type = 'project' and ${sharedProjectCondition(scope, 'dl.record_id')})`
}

/**
 * Confines a query of decisions by the column holding each decision's id: a partner officer sees only
 * decisions about projects shared with the partner (through a `project` link), as with the rest of the
 * portfolio.
 */
export function whereDecisionVisible<Q>(q: Filterable<Q> & Q, scope: Scope, decisionIdColumn: string): Q {
  if (!scope.partnerOnly) return q
  return q.where(decisionCondition(scope, decisionIdColumn))
}

/**
 * Confines a search (issue 13) by the alias of `search_entries`: each entry as the record it indexes is
 * confined above, by its `visibility` (src/modules/search/search.sources.ts). Scrutiny's records are the
 * whole organisation's; panel papers are never a partner officer's.
 */
export function whereSearchEntryVisible<Q>(q: Filterable<Q> & Q, scope: Scope, alias: string): Q {
  if (!scope.partnerOnly) return q
  const visibility = sql.ref(`${alias}.visibility`)
  if (scope.partnerId === null) return q.where(sql<SqlBool>`${visibility} = 'organisation'`)
  return q.where(
    sql<SqlBool>`(${visibility} = 'organisation'
      or (${visibility} = 'project' and ${sharedProjectCondition(scope, `${alias}.project_id`)})
      or (${visibility} = 'programme' and ${sharedProgrammeCondition(scope, `${alias}.programme_id`)})
      or (${visibility} = 'decision' and ${decisionCondition(scope, `${alias}.record_id`)}))`,
  )
}

/** The ids of the projects the scope may see, or null for "all of the organisation's". */
export async function visibleProjectIds(db: Conn, scope: Scope): Promise<ReadonlySet<number> | null> {
  if (!scope.partnerOnly) return null
  if (scope.partnerId === null) return new Set()
  const rows = await db
    .selectFrom('project_partners')
    .select('project_id')
    .where('organisation_id', '=', scope.organisationId)
    .where('partner_id', '=', scope.partnerId)
    .execute()
  return new Set(rows.map((r) => r.project_id))
}

/** A partner a project is shared with, as lists show it. */
export interface SharedPartner {
  id: number
  name: string
}

/**
 * The partners a project is shared with, as a column of a query over projects (`projectIdColumn`), so a list
 * reads them in its own statement: JSON text of `{id, name}` in name order, read back by `readSharedPartners`.
 * A partner officer is told only of their own partner: which other partners a project is shared with is the
 * council's business.
 */
export function sharedPartnersColumn(
  db: Conn,
  scope: Scope,
  projectIdColumn: string,
): RawBuilder<string | null> {
  if (scope.partnerOnly && scope.partnerId === null) return sql<string | null>`null`
  const own = scope.partnerId === null ? sql`` : sql` and project_partners.partner_id = ${scope.partnerId}`
  const project = sql`project_partners.project_id = ${sql.ref(projectIdColumn)}`
  const from = sql`from project_partners inner join partners on partners.id = project_partners.partner_id
    where ${project} and project_partners.organisation_id = ${scope.organisationId}${own}`
  // Most projects are shared with no one: one probe of the key decides that before any aggregate is built
  // (the statement for a page of 101 unshared projects took 40–75 µs less CPU so on either database, W1,
  // 5 Dec 2026). No rows: PostgreSQL's json_agg is null, SQLite's json_group_array '[]'.
  const partners =
    db.getExecutor().adapter instanceof PostgresAdapter
      ? sql`(select json_agg(json_build_object('id', partners.id, 'name', partners.name)
          order by partners.name, partners.id)::text ${from})`
      : sql`(select json_group_array(json_object('id', partners.id, 'name', partners.name)
          order by partners.name, partners.id) ${from})`
  return sql<
    string | null
  >`case when exists (select 1 from project_partners where ${project}) then ${partners} end`
}

/** The partners `sharedPartnersColumn` read, as an array (empty when none). */
export function readSharedPartners(column: string | null): SharedPartner[] {
  return column === null || column === '[]' ? [] : (JSON.parse(column) as SharedPartner[])
}

/** The ids of the partners one project is shared with, in id order (for the project's form and its audit). */
export async function partnerIdsOf(db: Conn, organisationId: number, projectId: number): Promise<number[]> {
  const rows = await db
    .selectFrom('project_partners')
    .select('partner_id')
    .where('organisation_id', '=', organisationId)
    .where('project_id', '=', projectId)
    .orderBy('partner_id')
    .execute()
  return rows.map((r) => r.partner_id)
}

/** The names of the partners one project is shared with, for its history ("Shared with"). */
export async function partnerNamesOf(db: Conn, organisationId: number, projectId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('project_partners')
    .innerJoin('partners', 'partners.id', 'project_partners.partner_id')
    .select('partners.name')
    .where('project_partners.organisation_id', '=', organisationId)
    .where('project_partners.project_id', '=', projectId)
    .orderBy('partners.name')
    .execute()
  return rows.map((r) => r.name)
}

/**
 * Replaces the partners a project is shared with. Runs inside the caller's transaction, with the project's
 * own versioned, audited write; a partner of another organisation is refused as a field error.
 */
export async function shareProject(
  trx: Transaction<DB>,
  organisationId: number,
  projectId: number,
  partnerIds: readonly number[],
): Promise<void> {
  const wanted = [...new Set(partnerIds)]
  if (wanted.length > 0) {
    const known = await trx
      .selectFrom('partners')
      .select('id')
      .where('organisation_id', '=', organisationId)
      .where('id', 'in', wanted)
      .execute()
    if (known.length !== wanted.length)
      throw new ValidationError({ partnerIds: 'Select partners from the list' })
  }
  await trx
    .deleteFrom('project_partners')
    .where('organisation_id', '=', organisationId)
    .where('project_id', '=', projectId)
    .execute()
  if (wanted.length === 0) return
  await trx
    .insertInto('project_partners')
    .values(
      wanted.map((partnerId) => ({
        organisation_id: organisationId,
        project_id: projectId,
        partner_id: partnerId,
      })),
    )
    .execute()
}
