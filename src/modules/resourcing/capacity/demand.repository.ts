import type { Transaction } from 'kysely'
import type { Scope } from '../../../auth/actor.ts'
import { whereProjectVisible, wherePersonVisible } from '../../../auth/visibility.ts'
import type { Allocation, DB, ProjectRole } from '../../../db/schema.ts'
import type { Db } from '../people.repository.ts'
import type { MonthFte } from './capacity.rules.ts'

// The SQL of demand and allocation. Roles belong to projects, so every read goes through rolesIn (the
// project's visibility); an allocation also names a person, so a partner officer sees only the allocations
// of their own partner's staff (and none to the council's vacant posts, which are the establishment's).

export type RoleRow = ProjectRole & { project_reference: string; project_name: string; programme_id: number }
export type AllocationRow = Allocation & {
  project_id: number
  programme_id: number
  project_reference: string
  role_title: string
  person_name: string | null
  post_title: string | null
}

export interface RolesFilter {
  projectId?: number
  programmeId?: number
  offset?: number
  limit?: number
}

export interface AllocationsFilter {
  roleId?: number
  projectId?: number
  personId?: number
  programmeId?: number
  offset?: number
  limit?: number
}

function rolesIn(db: Db, scope: Scope) {
  const q = db
    .selectFrom('project_roles as r')
    .innerJoin('projects as p', 'p.id', 'r.project_id')
    .selectAll('r')
    .select(['p.reference as project_reference', 'p.name as project_name', 'p.programme_id'])
    .where('r.organisation_id', '=', scope.organisationId)
  return whereProjectVisible(q, scope, 'r.project_id')
}

function allocationsIn(db: Db, scope: Scope) {
  let q = db
    .selectFrom('allocations as a')
    .innerJoin('project_roles as r', 'r.id', 'a.role_id')
    .innerJoin('projects as p', 'p.id', 'r.project_id')
    .leftJoin('people as pe', 'pe.id', 'a.person_id')
    .leftJoin('posts as po', 'po.id', 'a.post_id')
    .selectAll('a')
    .select([
      'r.project_id',
      'p.programme_id',
      'p.reference as project_reference',
      'r.title as role_title',
      'pe.name as person_name',
      'po.title as post_title',
    ])
    .where('a.organisation_id', '=', scope.organisationId)
  q = whereProjectVisible(q, scope, 'r.project_id')
  return wherePersonVisible(q, scope, 'pe.partner_id')
}

async function replaceMonths(
  trx: Transaction<DB>,
  table: 'project_role_months' | 'allocation_months',
  organisationId: number,
  id: number,
  months: MonthFte[],
) {
  const key = table === 'project_role_months' ? 'role_id' : 'allocation_id'
  await trx.deleteFrom(table).where(key, '=', id).execute()
  if (months.length === 0) return
  await trx
    .insertInto(table)
    .values(
      months.map((m) => ({
        organisation_id: organisationId,
        [key]: id,
        period: m.period,
        fte_hundredths: m.fteHundredths,
      })),
    )
    .execute()
}

export const demandRepository = {
  /** A project the scope may see, for adding roles to it. */
  project: (db: Db, scope: Scope, id: number) =>
    whereProjectVisible(
      db
        .selectFrom('projects')
        .select([
          'id',
          'reference',
          'name',
          'programme_id',
          'forecast_start',
          'baseline_start',
          'actual_start',
        ])
        .where('organisation_id', '=', scope.organisationId)
        .where('id', '=', id),
      scope,
      'projects.id',
    ).executeTakeFirst(),

  role: (db: Db, scope: Scope, id: number): Promise<RoleRow | undefined> =>
    rolesIn(db, scope).where('r.id', '=', id).executeTakeFirst(),

  roles(db: Db, scope: Scope, f: RolesFilter = {}): Promise<RoleRow[]> {
    let q = rolesIn(db, scope)
    if (f.projectId !== undefined) q = q.where('r.project_id', '=', f.projectId)
    if (f.programmeId !== undefined) q = q.where('p.programme_id', '=', f.programmeId)
    return q
      .orderBy('p.reference')
      .orderBy('r.title')
      .orderBy('r.id')
      .limit(f.limit ?? 5000)
      .offset(f.offset ?? 0)
      .execute()
  },

  roleMonths: (db: Db, roleIds: number[]) =>
    roleIds.length === 0
      ? Promise.resolve([])
      : db
          .selectFrom('project_role_months')
          .select(['role_id', 'period', 'fte_hundredths'])
          .where('role_id', 'in', roleIds)
          .orderBy('period')
          .execute(),

  roleSkills: (db: Db, roleIds: number[]) =>
    roleIds.length === 0
      ? Promise.resolve([])
      : db
          .selectFrom('project_role_skills as rs')
          .innerJoin('skills as s', 's.id', 'rs.skill_id')
          .select(['rs.role_id', 'rs.skill_id', 's.name'])
          .where('rs.role_id', 'in', roleIds)
          .orderBy('s.name')
          .execute(),

  async replaceRoleParts(
    trx: Transaction<DB>,
    organisationId: number,
    roleId: number,
    parts: { months: MonthFte[]; skillIds: number[] },
  ) {
    await replaceMonths(trx, 'project_role_months', organisationId, roleId, parts.months)
    await trx.deleteFrom('project_role_skills').where('role_id', '=', roleId).execute()
    // A skill named twice is needed once.
    const skillIds = [...new Set(parts.skillIds)]
    if (skillIds.length > 0)
      await trx
        .insertInto('project_role_skills')
        .values(skillIds.map((s) => ({ organisation_id: organisationId, role_id: roleId, skill_id: s })))
        .execute()
  },

  roleTitleTaken: async (db: Db, projectId: number, title: string, exceptId: number | null) =>
    (await db
      .selectFrom('project_roles')
      .select('id')
      .where('project_id', '=', projectId)
      .where((eb) => eb(eb.fn('lower', ['title']), '=', title.trim().toLowerCase()))
      .where('id', '!=', exceptId ?? 0)
      .executeTakeFirst()) !== undefined,

  allocation: (db: Db, scope: Scope, id: number): Promise<AllocationRow | undefined> =>
    allocationsIn(db, scope).where('a.id', '=', id).executeTakeFirst(),

  allocations(db: Db, scope: Scope, f: AllocationsFilter = {}): Promise<AllocationRow[]> {
    let q = allocationsIn(db, scope)
    if (f.roleId !== undefined) q = q.where('a.role_id', '=', f.roleId)
    if (f.projectId !== undefined) q = q.where('r.project_id', '=', f.projectId)
    if (f.personId !== undefined) q = q.where('a.person_id', '=', f.personId)
    if (f.programmeId !== undefined) q = q.where('p.programme_id', '=', f.programmeId)
    return q
      .orderBy('p.reference')
      .orderBy('r.title')
      .orderBy('a.id')
      .limit(f.limit ?? 5000)
      .offset(f.offset ?? 0)
      .execute()
  },

  allocationMonths: (db: Db, allocationIds: number[]) =>
    allocationIds.length === 0
      ? Promise.resolve([])
      : db
          .selectFrom('allocation_months')
          .select(['allocation_id', 'period', 'fte_hundredths'])
          .where('allocation_id', 'in', allocationIds)
          .orderBy('period')
          .execute(),

  /** Every allocation month of a role, whoever reads: what the role's own months must still cover. */
  allocatedPeriodsOfRole: async (db: Db, roleId: number) =>
    (
      await db
        .selectFrom('allocation_months as am')
        .innerJoin('allocations as a', 'a.id', 'am.allocation_id')
        .select('am.period')
        .distinct()
        .where('a.role_id', '=', roleId)
        .execute()
    ).map((r) => r.period),

  replaceAllocationMonths: (trx: Transaction<DB>, organisationId: number, id: number, months: MonthFte[]) =>
    replaceMonths(trx, 'allocation_months', organisationId, id, months),

  /** The business case's resource lines of a project, with the skills each needs. */
  async resourceLines(db: Db, organisationId: number, projectId: number) {
    const lines = await db
      .selectFrom('business_case_resources as l')
      .innerJoin('business_cases as bc', 'bc.id', 'l.business_case_id')
      .select(['l.id', 'l.role', 'l.fte_hundredths', 'l.months'])
      .where('bc.organisation_id', '=', organisationId)
      .where('bc.project_id', '=', projectId)
      .orderBy('l.id')
      .execute()
    const skills =
      lines.length === 0
        ? []
        : await db
            .selectFrom('business_case_resource_skills')
            .select(['resource_id', 'skill_id'])
            .where(
              'resource_id',
              'in',
              lines.map((l) => l.id),
            )
            .execute()
    return lines.map((l) => ({
      ...l,
      skillIds: skills.filter((s) => s.resource_id === l.id).map((s) => s.skill_id),
    }))
  },
}
