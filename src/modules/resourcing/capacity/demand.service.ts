import type { Kysely, Transaction } from 'kysely'
import { scopeOf, type Actor, type Scope } from '../../../auth/actor.ts'
import { foreignIdErrors } from '../../../db/foreign-ids.ts'
import type { Allocation, DB, ProjectRole } from '../../../db/schema.ts'
import { ConflictError, notFound, ValidationError, throwIfInvalid } from '../../../errors.ts'
import { auditBy, insertAudited, updateVersioned } from '../../audit/versioned-update.ts'
import { periodOf } from '../../../domain/periods.ts'
import { peopleRepository } from '../people.repository.ts'
import { postsRepository } from '../posts.repository.ts'
import {
  leftOn,
  seededMonths,
  startWhenFilled,
  unfilledAtStart as unfilledAtStartRule,
  validateAllocation,
  validateRole,
  type AllocationInput,
  type MonthFte,
  type RoleInput,
} from './capacity.rules.ts'
import { demandRepository as repo, type AllocationsFilter, type RolesFilter } from './demand.repository.ts'

// Demand (a project's roles and the FTE they need by month) and allocation (who gives a role how much, by
// month). Rules in capacity.rules.ts, SQL in demand.repository.ts; each write is one transaction with its audit.

const monthsOf = (rows: { period: string; fte_hundredths: number }[]): MonthFte[] =>
  rows.map((m) => ({ period: m.period, fteHundredths: m.fte_hundredths }))

export function createDemandService(db: Kysely<DB>) {
  async function roleErrors(
    trx: Transaction<DB>,
    actor: Actor,
    projectId: number,
    r: RoleInput,
    id: number | null,
  ) {
    const errors = {
      ...validateRole(r),
      ...(await foreignIdErrors(
        trx,
        actor,
        r.skillIds.map((s) => ({
          field: 'skillIds',
          table: 'skills',
          id: s,
          message: 'Choose skills from the catalogue',
        })),
      )),
    }
    if (!errors.title && (await repo.roleTitleTaken(trx, projectId, r.title, id)))
      errors.title = 'The project already has a role with this title'
    return errors
  }

  async function allocationErrors(trx: Transaction<DB>, actor: Actor, roleId: number, a: AllocationInput) {
    const scope = scopeOf(actor)
    const roleMonths = new Set((await repo.roleMonths(trx, [roleId])).map((m) => m.period))
    let left = null
    const errors: Record<string, string> = {}
    if (a.personId !== null) {
      const person = await peopleRepository.get(trx, scope, a.personId)
      if (!person) errors.personId = 'Choose a person from the register'
      else
        left = leftOn(
          person.left_on,
          (await peopleRepository.holdings(trx, scope, { personId: a.personId })).map((h) => ({
            endsOn: h.ends_on,
          })),
        )
    }
    if (a.postId !== null) {
      const post = scope.partnerOnly ? undefined : await postsRepository.get(trx, scope, a.postId)
      if (post?.status !== 'vacant') errors.postId = 'Choose a vacant post from the establishment'
    }
    return { ...validateAllocation(a, roleMonths, left), ...errors }
  }

  const roleIn = async (trx: Transaction<DB>, actor: Actor, id: number) => {
    const found = await repo.role(trx, scopeOf(actor), id)
    if (!found) throw notFound('Role')
    const { project_reference: _r, project_name: _n, programme_id: _p, ...role } = found
    return role
  }
  const allocationIn = async (trx: Transaction<DB>, actor: Actor, id: number) => {
    const found = await repo.allocation(trx, scopeOf(actor), id)
    if (!found) throw notFound('Allocation')
    const {
      project_id: _p,
      programme_id: _g,
      project_reference: _r,
      role_title: _t,
      person_name: _n,
      post_title: _o,
      ...a
    } = found
    return a
  }

  async function insertRole(
    trx: Transaction<DB>,
    actor: Actor,
    projectId: number,
    r: RoleInput,
    source: string,
  ) {
    const role = await insertAudited(trx, {
      table: 'project_roles',
      entityType: 'project_role',
      actor,
      values: { project_id: projectId, title: r.title.trim(), team: r.team.trim(), source },
    })
    await repo.replaceRoleParts(trx, actor.organisationId, role.id, r)
    await auditBy(trx, actor, {
      action: 'set demand',
      entityType: 'project_role',
      entityId: role.id,
      after: { months: r.months, skillIds: r.skillIds },
    })
    return role
  }

  return {
    project: (scope: Scope, id: number) => repo.project(db, scope, id),
    role: (scope: Scope, id: number) => repo.role(db, scope, id),
    roles: (scope: Scope, f: RolesFilter = {}) => repo.roles(db, scope, f),
    roleMonths: (roleIds: number[]) => repo.roleMonths(db, roleIds),
    roleSkills: (roleIds: number[]) => repo.roleSkills(db, roleIds),
    allocation: (scope: Scope, id: number) => repo.allocation(db, scope, id),
    allocations: (scope: Scope, f: AllocationsFilter = {}) => repo.allocations(db, scope, f),
    allocationMonths: (ids: number[]) => repo.allocationMonths(db, ids),

    /**
     * The project's roles unfilled at its forecast start, and the start that would fill them all (see
     * unfilledAtStart): for the project page and the "move the forecast start" page. Null without a project
     * the scope may see or a forecast start.
     */
    async unfilledAtStart(scope: Scope, projectId: number) {
      const project = await repo.project(db, scope, projectId)
      if (!project?.forecast_start) return null
      const roles = await repo.roles(db, scope, { projectId })
      const ids = roles.map((r) => r.id)
      const [needed, allocations] = await Promise.all([
        repo.roleMonths(db, ids),
        repo.allocations(db, scope, { projectId }),
      ])
      const ofPeople = allocations.filter((a) => a.person_id !== null)
      const given = await repo.allocationMonths(
        db,
        ofPeople.map((a) => a.id),
      )
      const roleOf = new Map(ofPeople.map((a) => [a.id, a.role_id]))
      const unfilled = unfilledAtStartRule(
        periodOf(project.forecast_start),
        roles.map((r) => ({
          roleId: r.id,
          title: r.title,
          needed: monthsOf(needed.filter((m) => m.role_id === r.id)),
          people: monthsOf(given.filter((m) => roleOf.get(m.allocation_id) === r.id)),
        })),
      )
      return { project, unfilled, suggested: startWhenFilled(unfilled) }
    },

    createRole: (actor: Actor, projectId: number, input: RoleInput): Promise<ProjectRole> =>
      db.transaction().execute(async (trx) => {
        if (!(await repo.project(trx, scopeOf(actor), projectId)))
          throw new ValidationError({ projectId: 'Choose a project from the list' })
        throwIfInvalid(await roleErrors(trx, actor, projectId, input, null))
        return insertRole(trx, actor, projectId, input, '')
      }),

    updateRole: (actor: Actor, id: number, version: number, input: RoleInput): Promise<ProjectRole> =>
      db.transaction().execute(async (trx) => {
        const current = await roleIn(trx, actor, id)
        if (current.version !== version) throw new ConflictError(current)
        throwIfInvalid(await roleErrors(trx, actor, current.project_id, input, id))
        const needed = new Set(input.months.map((m) => m.period))
        if ((await repo.allocatedPeriodsOfRole(trx, id)).some((p) => !needed.has(p)))
          throw new ValidationError({
            months: 'People are allocated in months this would remove: change their allocations first',
          })
        const before = {
          months: monthsOf(await repo.roleMonths(trx, [id])),
          skillIds: (await repo.roleSkills(trx, [id])).map((s) => s.skill_id),
        }
        await repo.replaceRoleParts(trx, actor.organisationId, id, input)
        return updateVersioned(trx, {
          table: 'project_roles',
          entityType: 'project_role',
          actor,
          current,
          version,
          changes: { title: input.title.trim(), team: input.team.trim() },
          record: {
            before: { ...current, ...before },
            after: {
              title: input.title.trim(),
              team: input.team.trim(),
              months: input.months,
              skillIds: input.skillIds,
            },
          },
        })
      }),

    deleteRole: (actor: Actor, id: number, version: number | null): Promise<void> =>
      db.transaction().execute(async (trx) => {
        const current = await roleIn(trx, actor, id)
        if (version === null) throw new ValidationError({ version: 'Send the version you read' })
        if (current.version !== version) throw new ConflictError(current)
        await trx.deleteFrom('project_roles').where('id', '=', id).execute()
        await auditBy(trx, actor, {
          action: 'delete',
          entityType: 'project_role',
          entityId: id,
          before: current,
        })
      }),

    /**
     * "Seed from business case": a role for each resource line of the project's business case, needing the
     * line's FTE for its number of months from the project's start. A line whose title the project already
     * has a role for is left alone, so seeding twice adds nothing and never overwrites an edited role.
     */
    seedFromBusinessCase: (actor: Actor, projectId: number): Promise<{ created: number; existing: number }> =>
      db.transaction().execute(async (trx) => {
        const project = await repo.project(trx, scopeOf(actor), projectId)
        if (!project) throw notFound('Project')
        const lines = await repo.resourceLines(trx, actor.organisationId, projectId)
        if (lines.length === 0)
          throw new ValidationError({
            projectId: 'The project’s business case has no resource lines to seed from',
          })
        const start = project.forecast_start ?? project.baseline_start ?? project.actual_start
        if (!start)
          throw new ValidationError({
            projectId: 'Enter the project’s forecast start date before seeding its demand',
          })
        let created = 0
        let existing = 0
        for (const line of lines) {
          if (await repo.roleTitleTaken(trx, projectId, line.role, null)) {
            existing++
            continue
          }
          const months = seededMonths(start, { fteHundredths: line.fte_hundredths, months: line.months })
          await insertRole(
            trx,
            actor,
            projectId,
            { title: line.role, team: '', skillIds: line.skillIds, months },
            'business_case',
          )
          created++
        }
        return { created, existing }
      }),

    /**
     * An allocation's field errors, without saving it: for a page form that warns of over-allocation only once
     * the allocation is otherwise acceptable. The write checks again.
     */
    allocationProblems: (
      actor: Actor,
      roleId: number,
      input: AllocationInput,
    ): Promise<Record<string, string>> =>
      db.transaction().execute((trx) => allocationErrors(trx, actor, roleId, input)),

    createAllocation: (actor: Actor, roleId: number, input: AllocationInput): Promise<Allocation> =>
      db.transaction().execute(async (trx) => {
        if (!(await repo.role(trx, scopeOf(actor), roleId)))
          throw new ValidationError({ roleId: 'Choose a role from the project' })
        throwIfInvalid(await allocationErrors(trx, actor, roleId, input))
        const created = await insertAudited(trx, {
          table: 'allocations',
          entityType: 'allocation',
          actor,
          values: { role_id: roleId, person_id: input.personId, post_id: input.postId },
        })
        await repo.replaceAllocationMonths(trx, actor.organisationId, created.id, input.months)
        await auditBy(trx, actor, {
          action: 'set months',
          entityType: 'allocation',
          entityId: created.id,
          after: { months: input.months },
        })
        return created
      }),

    updateAllocation: (
      actor: Actor,
      id: number,
      version: number,
      input: AllocationInput,
    ): Promise<Allocation> =>
      db.transaction().execute(async (trx) => {
        const current = await allocationIn(trx, actor, id)
        if (current.version !== version) throw new ConflictError(current)
        throwIfInvalid(await allocationErrors(trx, actor, current.role_id, input))
        const before = monthsOf(await repo.allocationMonths(trx, [id]))
        await repo.replaceAllocationMonths(trx, actor.organisationId, id, input.months)
        return updateVersioned(trx, {
          table: 'allocations',
          entityType: 'allocation',
          actor,
          current,
          version,
          changes: { person_id: input.personId, post_id: input.postId },
          record: {
            before: { ...current, months: before },
            after: { person_id: input.personId, post_id: input.postId, months: input.months },
          },
        })
      }),

    deleteAllocation: (actor: Actor, id: number, version: number | null): Promise<void> =>
      db.transaction().execute(async (trx) => {
        const current = await allocationIn(trx, actor, id)
        if (version === null) throw new ValidationError({ version: 'Send the version you read' })
        if (current.version !== version) throw new ConflictError(current)
        await trx.deleteFrom('allocations').where('id', '=', id).execute()
        await auditBy(trx, actor, {
          action: 'delete',
          entityType: 'allocation',
          entityId: id,
          before: current,
        })
      }),
  }
}

export type DemandService = ReturnType<typeof createDemandService>
