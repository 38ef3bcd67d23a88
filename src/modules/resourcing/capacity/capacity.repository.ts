import { sql, type SelectQueryBuilder } from 'kysely'
import type { Scope } from '../../../auth/actor.ts'
import { whereProjectVisible, wherePersonVisible } from '../../../auth/visibility.ts'
import type { DB } from '../../../db/schema.ts'
import type { Db } from '../people.repository.ts'

// The SQL of the capacity page: demand and allocation summed by month and by team or skill in the database
// (a council's whole portfolio is thousands of role-months), and the people whose capacity is set against them.

export interface CapacityFilter {
  programmeId?: number
  /** One project's roles only (a gate that requires resources checks its project). */
  projectId?: number
  team?: string
  skillId?: number
  from: string
  to: string
  by: 'skill' | 'team'
}

/** The name a row of demand goes under when its role names no skill. */
export const NO_SKILL = 'No skill named'

type RoleQuery = SelectQueryBuilder<DB & { r: DB['project_roles'] }, 'r', object>

/**
 * The roles in the filter, visible to the scope: what demand and allocation are read through. The programme is
 * a subquery, not a join to projects: the sums then read no project row for each of thousands of role-months.
 */
function filterRoles(q: RoleQuery, scope: Scope, f: CapacityFilter): RoleQuery {
  let out = q.where('r.organisation_id', '=', scope.organisationId)
  out = whereProjectVisible(out, scope, 'r.project_id')
  if (f.programmeId !== undefined)
    out = out.where(
      sql<boolean>`r.project_id in (select pf.id from projects pf where pf.organisation_id = ${scope.organisationId} and pf.programme_id = ${f.programmeId})`,
    )
  if (f.projectId !== undefined) out = out.where('r.project_id', '=', f.projectId)
  if (f.team !== undefined) out = out.where('r.team', '=', f.team)
  if (f.skillId !== undefined)
    out = out.where(
      sql<boolean>`exists (select 1 from project_role_skills rsf where rsf.role_id = r.id and rsf.skill_id = ${f.skillId})`,
    )
  return out
}

/** The group key of a role: its team, or each skill it needs (one row a skill; null when it names none). */
const groupKey = (f: CapacityFilter) =>
  f.by === 'team' ? sql<string | null>`r.team` : sql<string | null>`sk.name`
/** What the sums are grouped by: the team, or the skill's key (an integer sorts faster than its name). */
const groupBy = (f: CapacityFilter) => (f.by === 'team' ? sql`r.team` : sql`sk.id`)

export const capacityRepository = {
  /** FTE needed by group and month; with `total`, by month only. */
  demand(db: Db, scope: Scope, f: CapacityFilter, total: boolean) {
    let q = db.selectFrom('project_role_months as m').innerJoin('project_roles as r', 'r.id', 'm.role_id')
    if (!total && f.by === 'skill')
      q = q
        .leftJoin('project_role_skills as rs', 'rs.role_id', 'r.id')
        .leftJoin('skills as sk', 'sk.id', 'rs.skill_id')
    const key = total ? sql<string | null>`null` : groupKey(f)
    let s = filterRoles(q, scope, f) as unknown as typeof q
    if (!total && f.by === 'skill' && f.skillId !== undefined)
      s = s.where(sql<boolean>`rs.skill_id = ${f.skillId}`)
    return s
      .select([key.as('g'), 'm.period', sql<number>`sum(m.fte_hundredths)`.as('fte')])
      .where('m.period', '>=', f.from)
      .where('m.period', '<=', f.to)
      .groupBy(total ? ['m.period'] : [groupBy(f), 'm.period'])
      .execute()
  },

  /** FTE allocated by group and month, to people and to vacant posts apart. */
  allocated(db: Db, scope: Scope, f: CapacityFilter, total: boolean) {
    let q = db
      .selectFrom('allocation_months as am')
      .innerJoin('allocations as a', 'a.id', 'am.allocation_id')
      .innerJoin('project_roles as r', 'r.id', 'a.role_id')
      .leftJoin('people as pe', 'pe.id', 'a.person_id')
    if (!total && f.by === 'skill')
      q = q
        .leftJoin('project_role_skills as rs', 'rs.role_id', 'r.id')
        .leftJoin('skills as sk', 'sk.id', 'rs.skill_id')
    const key = total ? sql<string | null>`null` : groupKey(f)
    let s = filterRoles(q, scope, f) as unknown as typeof q
    s = wherePersonVisible(s, scope, 'pe.partner_id')
    if (!total && f.by === 'skill' && f.skillId !== undefined)
      s = s.where(sql<boolean>`rs.skill_id = ${f.skillId}`)
    return s
      .select([
        key.as('g'),
        'am.period',
        sql<number>`sum(case when a.person_id is null then 0 else am.fte_hundredths end)`.as('people'),
        sql<number>`sum(case when a.person_id is null then am.fte_hundredths else 0 end)`.as('posts'),
      ])
      .where('am.period', '>=', f.from)
      .where('am.period', '<=', f.to)
      .groupBy(total ? ['am.period'] : [groupBy(f), 'am.period'])
      .execute()
  },

  /** The people the scope sees (of a team or with a skill), with their skills, holdings and secondments. */
  async people(db: Db, scope: Scope, f: Pick<CapacityFilter, 'team' | 'skillId' | 'from'>) {
    let q = db
      .selectFrom('people')
      .select(['people.id', 'people.name', 'people.team'])
      .where('people.organisation_id', '=', scope.organisationId)
    q = wherePersonVisible(q, scope, 'people.partner_id')
    if (f.team !== undefined) q = q.where('people.team', '=', f.team)
    if (f.skillId !== undefined)
      q = q.where(
        sql<boolean>`exists (select 1 from person_skills psf where psf.person_id = people.id and psf.skill_id = ${f.skillId})`,
      )
    const people = await q.orderBy('people.name').execute()
    const holdings = await db
      .selectFrom('post_holders')
      .select(['person_id', 'starts_on', 'ends_on', 'fte_hundredths'])
      .where('organisation_id', '=', scope.organisationId)
      .where((eb) => eb.or([eb('ends_on', 'is', null), eb('ends_on', '>=', `${f.from}-01`)]))
      .execute()
    const secondments = await db
      .selectFrom('secondments')
      .select(['person_id', 'starts_on', 'ends_on', 'fte_hundredths', 'direction'])
      .where('organisation_id', '=', scope.organisationId)
      .where((eb) => eb.or([eb('ends_on', 'is', null), eb('ends_on', '>=', `${f.from}-01`)]))
      .execute()
    const skills = await db
      .selectFrom('person_skills as ps')
      .innerJoin('skills as s', 's.id', 'ps.skill_id')
      .select(['ps.person_id', 's.name'])
      .where('ps.organisation_id', '=', scope.organisationId)
      .execute()
    return { people, holdings, secondments, skills }
  },

  /** Each person's allocated FTE by month across every project (their whole load), within the scope. */
  personLoad(
    db: Db,
    scope: Scope,
    f: Pick<CapacityFilter, 'from' | 'to'> & { personId?: number; exceptAllocationId?: number },
  ) {
    let q = db
      .selectFrom('allocation_months as am')
      .innerJoin('allocations as a', 'a.id', 'am.allocation_id')
      .innerJoin('people as pe', 'pe.id', 'a.person_id')
      .select(['a.person_id', 'am.period', sql<number>`sum(am.fte_hundredths)`.as('fte')])
      .where('am.organisation_id', '=', scope.organisationId)
      .where('am.period', '>=', f.from)
      .where('am.period', '<=', f.to)
    q = wherePersonVisible(q, scope, 'pe.partner_id')
    if (f.personId !== undefined) q = q.where('a.person_id', '=', f.personId)
    if (f.exceptAllocationId !== undefined) q = q.where('a.id', '!=', f.exceptAllocationId)
    return q.groupBy(['a.person_id', 'am.period']).execute()
  },

  /** One person's holdings and secondments: their capacity, for flagging an allocation beyond it. */
  async commitmentsOf(db: Db, organisationId: number, personId: number) {
    const holdings = await db
      .selectFrom('post_holders')
      .select(['starts_on', 'ends_on', 'fte_hundredths'])
      .where('organisation_id', '=', organisationId)
      .where('person_id', '=', personId)
      .execute()
    const secondments = await db
      .selectFrom('secondments')
      .select(['starts_on', 'ends_on', 'fte_hundredths', 'direction'])
      .where('organisation_id', '=', organisationId)
      .where('person_id', '=', personId)
      .execute()
    return { holdings, secondments }
  },

  /** The people allocated to roles in the filter: whose over-allocation the page lists. */
  async allocatedPeople(db: Db, scope: Scope, f: CapacityFilter): Promise<Set<number>> {
    const q = db.selectFrom('allocations as a').innerJoin('project_roles as r', 'r.id', 'a.role_id')
    const rows = await (filterRoles(q as unknown as RoleQuery, scope, f) as unknown as typeof q)
      .select('a.person_id')
      .distinct()
      .where('a.person_id', 'is not', null)
      .execute()
    return new Set(rows.map((r) => r.person_id!))
  },

  /** Roles with months where people allocated give less than the role needs (vacant posts fill nothing yet). */
  unfilled(db: Db, scope: Scope, f: CapacityFilter) {
    const given = db
      .selectFrom('allocation_months as am')
      .innerJoin('allocations as a', 'a.id', 'am.allocation_id')
      .select(['a.role_id', 'am.period', sql<number>`sum(am.fte_hundredths)`.as('fte')])
      .where('am.organisation_id', '=', scope.organisationId)
      .where('am.period', '>=', f.from)
      .where('am.period', '<=', f.to)
      .where('a.person_id', 'is not', null)
      .groupBy(['a.role_id', 'am.period'])
      .as('x')
    const q = db
      .selectFrom('project_role_months as m')
      .innerJoin('project_roles as r', 'r.id', 'm.role_id')
      .innerJoin('projects as p', 'p.id', 'r.project_id')
      .leftJoin(given, (j) => j.onRef('x.role_id', '=', 'm.role_id').onRef('x.period', '=', 'm.period'))
    return (filterRoles(q as unknown as RoleQuery, scope, f) as unknown as typeof q)
      .select([
        'r.id as role_id',
        'r.project_id',
        'p.reference as project_reference',
        'p.forecast_start',
        'r.title',
        sql<string>`min(m.period)`.as('first_period'),
        sql<number>`count(*)`.as('months'),
        sql<number>`sum(m.fte_hundredths - coalesce(x.fte, 0))`.as('gap'),
      ])
      .where('m.period', '>=', f.from)
      .where('m.period', '<=', f.to)
      .where(sql<boolean>`m.fte_hundredths > coalesce(x.fte, 0)`)
      .groupBy(['r.id', 'r.project_id', 'p.reference', 'p.forecast_start', 'r.title'])
      .orderBy('p.reference')
      .orderBy('r.title')
      .limit(500)
      .execute()
  },

  /** Skills roles in the filter need that no one in the organisation holds. */
  async skillsNobodyHolds(db: Db, scope: Scope, f: CapacityFilter): Promise<string[]> {
    const q = db
      .selectFrom('project_role_skills as rs')
      .innerJoin('project_roles as r', 'r.id', 'rs.role_id')
      .innerJoin('skills as s', 's.id', 'rs.skill_id')
    const rows = await (filterRoles(q as unknown as RoleQuery, scope, f) as unknown as typeof q)
      .select('s.name')
      .distinct()
      .where(
        sql<boolean>`not exists (select 1 from person_skills ps where ps.skill_id = rs.skill_id and ps.organisation_id = ${scope.organisationId})`,
      )
      .where(
        sql<boolean>`exists (select 1 from project_role_months mm where mm.role_id = r.id and mm.period >= ${f.from} and mm.period <= ${f.to})`,
      )
      .orderBy('s.name')
      .execute()
    return rows.map((r) => r.name)
  },

  /** The first and last months with demand in the filter: the page's period when none is chosen. */
  demandSpan(db: Db, scope: Scope, f: Omit<CapacityFilter, 'from' | 'to'>) {
    const q = db.selectFrom('project_role_months as m').innerJoin('project_roles as r', 'r.id', 'm.role_id')
    return (filterRoles(q as unknown as RoleQuery, scope, { ...f, from: '', to: '' }) as unknown as typeof q)
      .select([sql<string | null>`min(m.period)`.as('first'), sql<string | null>`max(m.period)`.as('last')])
      .executeTakeFirst()
  },
}
