import { sql, type Kysely, type Transaction } from 'kysely'
import { partnerScope, visibleProjectIds } from '../../auth/visibility.ts'
import type { DB, Partner, PartnerSeparation } from '../../db/schema.ts'
import { formatPeriod } from '../../domain/periods.ts'
import type { SharedItem } from './separation.rules.ts'

// The SQL of a separation: what is shared with a partner, and the separation once recorded. What a partner
// shares is what its officers see (the one visibility rule, partnerScope), plus the records that belong to
// the partner itself: its recharges, its staff and the posts they hold.

type Db = Kysely<DB> | Transaction<DB>

/** The money set aside in budget lines for a partner's charges is the "funding" a separation lists. */
const PARTNER_COST_TYPE = 'partner_recharge'

export async function partnerOf(
  db: Db,
  organisationId: number,
  partnerId: number,
): Promise<Partner | undefined> {
  return db
    .selectFrom('partners')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('id', '=', partnerId)
    .executeTakeFirst()
}

/** Everything shared with the partner, in the guided page's order, each kind by name. */
export async function sharedItems(db: Db, partner: Partner): Promise<SharedItem[]> {
  const org = partner.organisation_id
  const shared = await visibleProjectIds(db, partnerScope(org, partner.id))
  const projectIds = [...(shared ?? [])]
  const items: SharedItem[] = []

  const projects =
    projectIds.length === 0
      ? []
      : await db
          .selectFrom('projects')
          .select(['id', 'reference', 'name'])
          .where('organisation_id', '=', org)
          .where('id', 'in', projectIds)
          .orderBy('reference')
          .execute()
  const projectName = new Map(projects.map((p) => [p.id, `${p.reference} ${p.name}`]))
  for (const p of projects) items.push({ kind: 'project', id: p.id, title: `${p.reference} ${p.name}` })

  const staff = await db
    .selectFrom('people')
    .select(['id', 'name', 'job_title'])
    .where('organisation_id', '=', org)
    .where('partner_id', '=', partner.id)
    .orderBy('name')
    .orderBy('id')
    .execute()
  const posts =
    staff.length === 0
      ? []
      : await db
          .selectFrom('posts')
          .innerJoin('post_holders as h', 'h.post_id', 'posts.id')
          .select(['posts.id', 'posts.title', 'posts.team'])
          .distinct()
          .where('posts.organisation_id', '=', org)
          .where('posts.status', '<>', 'deleted')
          .where(
            'h.person_id',
            'in',
            staff.map((s) => s.id),
          )
          .orderBy('posts.title')
          .orderBy('posts.id')
          .execute()
  for (const p of posts) items.push({ kind: 'post', id: p.id, title: p.title, detail: p.team })
  for (const s of staff) items.push({ kind: 'person', id: s.id, title: s.name, detail: s.job_title })

  const recharges = await db
    .selectFrom('partner_recharges')
    .select(['id', 'description', 'period', 'amount_pence', 'project_id'])
    .where('organisation_id', '=', org)
    .where('partner_id', '=', partner.id)
    .orderBy('period')
    .orderBy('id')
    .execute()
  const rechargeProjects = await projectNames(
    db,
    org,
    recharges.map((r) => r.project_id),
    projectName,
  )
  for (const r of recharges)
    items.push({
      kind: 'recharge',
      id: r.id,
      title: `${formatPeriod(r.period)}: ${r.description}`,
      amountPence: Number(r.amount_pence),
      detail: rechargeProjects.get(r.project_id),
    })

  if (projectIds.length > 0) {
    const lines = await db
      .selectFrom('budget_lines')
      .select(['id', 'description', 'financial_year', 'amount_pence', 'project_id'])
      .where('organisation_id', '=', org)
      .where('project_id', 'in', projectIds)
      .where('cost_type', '=', PARTNER_COST_TYPE)
      .orderBy('financial_year')
      .orderBy('id')
      .execute()
    for (const l of lines)
      items.push({
        kind: 'funding',
        id: l.id,
        title: `${l.financial_year}: ${l.description}`,
        amountPence: Number(l.amount_pence),
        detail: projectName.get(l.project_id),
      })
    const risks = await db
      .selectFrom('risks')
      .select(['id', 'title', 'project_id'])
      .where('organisation_id', '=', org)
      .where('project_id', 'in', projectIds)
      .where('status', '=', 'open')
      .orderBy('id')
      .execute()
    for (const r of risks)
      items.push({ kind: 'risk', id: r.id, title: r.title, detail: projectName.get(r.project_id) })
  }
  // A dependency is shared when its project is, or when it is on the partner by name.
  let deps = db
    .selectFrom('dependencies')
    .select(['id', 'description', 'project_id'])
    .where('organisation_id', '=', org)
    .where('status', '<>', 'met')
  deps = deps.where((eb) =>
    eb.or([
      ...(projectIds.length > 0 ? [eb('project_id', 'in', projectIds)] : []),
      eb(sql`lower(partner_name)`, '=', partner.name.trim().toLowerCase()),
    ]),
  )
  const dependencies = await deps.orderBy('id').execute()
  const depProjects = await projectNames(
    db,
    org,
    dependencies.map((d) => d.project_id),
    projectName,
  )
  for (const d of dependencies)
    items.push({ kind: 'dependency', id: d.id, title: d.description, detail: depProjects.get(d.project_id) })
  return items
}

/** The names of projects not already known (a recharge on a project no longer shared). */
async function projectNames(db: Db, org: number, ids: number[], known: Map<number, string>) {
  const missing = [...new Set(ids)].filter((id) => !known.has(id))
  const names = new Map(known)
  if (missing.length === 0) return names
  const rows = await db
    .selectFrom('projects')
    .select(['id', 'reference', 'name'])
    .where('organisation_id', '=', org)
    .where('id', 'in', missing)
    .execute()
  for (const p of rows) names.set(p.id, `${p.reference} ${p.name}`)
  return names
}

export async function separationOf(
  db: Db,
  organisationId: number,
  partnerId: number,
): Promise<PartnerSeparation | undefined> {
  return db
    .selectFrom('partner_separations')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('partner_id', '=', partnerId)
    .executeTakeFirst()
}

/** The partner a record was handed over to, if it was: such a record is kept read-only. */
export async function handoverOf(db: Db, organisationId: number, entityType: string, entityId: number) {
  return db
    .selectFrom('handovers')
    .innerJoin('partners', 'partners.id', 'handovers.partner_id')
    .select(['partners.name as partner_name', 'handovers.handed_over_on'])
    .where('handovers.organisation_id', '=', organisationId)
    .where('handovers.entity_type', '=', entityType)
    .where('handovers.entity_id', '=', entityId)
    .executeTakeFirst()
}
