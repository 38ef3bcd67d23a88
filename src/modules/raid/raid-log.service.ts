import { ifProjectVisible, whereProjectVisible } from '../../auth/visibility.ts'
import type { Kysely, Transaction } from 'kysely'
import { scopeOf, type Actor, type Scope } from '../../auth/actor.ts'
import type { Assumption, DB, Dependency } from '../../db/schema.ts'
import { isIsoDate } from '../../domain/dates.ts'
import { ConflictError, notFound, ValidationError, throwIfInvalid } from '../../errors.ts'
import { insertAudited, updateVersioned } from '../audit/versioned-update.ts'
import { projectIn } from '../gates/gates.repository.ts'
import { namedOnly, ownerColumns } from '../resourcing/person-refs.ts'

/** Assumptions and dependencies: the A and D of the RAID log. */
export interface AssumptionInput {
  description: string
  /** The owner in the people register (wins over `owner`, a name found in it or added to it). */
  ownerPersonId?: number | null
  owner: string
  /** Left out when adding: a new assumption is open. */
  status?: string
}

export interface DependencyInput {
  description: string
  dependsOnProjectId: number | null
  partnerName: string
  neededBy: string | null
  /** Left out when adding: a new dependency is open. */
  status?: string
}

/** An assumption stays open until it is confirmed or proved wrong (when it may become an issue). */
export const ASSUMPTION_STATUSES = [
  { value: 'open', text: 'Open' },
  { value: 'confirmed', text: 'Confirmed' },
  { value: 'invalid', text: 'Proved wrong' },
] as const

export const DEPENDENCY_STATUSES = [
  { value: 'open', text: 'Open' },
  { value: 'at_risk', text: 'At risk' },
  { value: 'met', text: 'Met' },
] as const

const known = (list: readonly { value: string }[], v: string | undefined) =>
  v === undefined || list.some((x) => x.value === v)

export function validateAssumption(a: AssumptionInput): Record<string, string> {
  const errors: Record<string, string> = {}
  if (a.description.trim() === '') errors.assumptionDescription = 'Enter the assumption'
  else if (a.description.length > 5000) errors.assumptionDescription = 'Must be 5,000 characters or fewer'
  if (a.owner.length > 200) errors.assumptionOwner = 'Owner must be 200 characters or fewer'
  if (!known(ASSUMPTION_STATUSES, a.status)) errors.assumptionStatus = 'Select the status of the assumption'
  return errors
}

export function validateDependency(d: DependencyInput): Record<string, string> {
  const errors: Record<string, string> = {}
  if (d.description.trim() === '') errors.dependencyDescription = 'Enter what the project depends on'
  else if (d.description.length > 5000) errors.dependencyDescription = 'Must be 5,000 characters or fewer'
  if (d.dependsOnProjectId === null && d.partnerName.trim() === '')
    errors.dependsOn = 'Select the project, or enter the partner, the project depends on'
  if (d.partnerName.length > 200) errors.dependsOn = 'Partner must be 200 characters or fewer'
  if (d.neededBy !== null && !isIsoDate(d.neededBy)) errors.neededBy = 'Needed-by date must be a real date'
  if (!known(DEPENDENCY_STATUSES, d.status)) errors.dependencyStatus = 'Select the status of the dependency'
  return errors
}

export type DependencyRow = Dependency & {
  depends_on_reference: string | null
  depends_on_name: string | null
}

export interface RaidLogFilter {
  projectId?: number
  programmeId?: number
  status?: string
  offset?: number
  limit?: number
}

type Db = Kysely<DB> | Transaction<DB>

/** Entries of the log hang off projects: a partner officer sees those of projects shared with the partner. */
function assumptionsIn(db: Db, scope: Scope) {
  let q = db
    .selectFrom('assumptions')
    .innerJoin('projects as p', 'p.id', 'assumptions.project_id')
    .selectAll('assumptions')
    .where('assumptions.organisation_id', '=', scope.organisationId)
  q = whereProjectVisible(q, scope, 'p.id')
  return q
}

function dependenciesIn(db: Db, scope: Scope) {
  let q = db
    .selectFrom('dependencies as d')
    .innerJoin('projects as p', 'p.id', 'd.project_id')
    .leftJoin('projects as dp', 'dp.id', 'd.depends_on_project_id')
    .selectAll('d')
    // The project depended on is named only to a reader who may see it; the id alone says nothing.
    .select([
      ifProjectVisible<string>(scope, 'dp.id', 'dp.reference').as('depends_on_reference'),
      ifProjectVisible<string>(scope, 'dp.id', 'dp.name').as('depends_on_name'),
    ])
    .where('d.organisation_id', '=', scope.organisationId)
  q = whereProjectVisible(q, scope, 'p.id')
  return q
}

const projectVisible = async (db: Db, scope: Scope, projectId: number) =>
  (await projectIn(db, scope, projectId)) !== undefined

/** Field errors of a dependency, including whether the project it depends on is one the person can see. */
async function dependencyErrors(db: Db, scope: Scope, projectId: number, input: DependencyInput) {
  const errors = validateDependency(input)
  if (input.dependsOnProjectId !== null) {
    if (input.dependsOnProjectId === projectId) errors.dependsOn = 'A project cannot depend on itself'
    else if (!(await projectVisible(db, scope, input.dependsOnProjectId)))
      errors.dependsOn = 'Select a project from the list'
  }
  return errors
}

export const toAssumptionInput = (a: Assumption): AssumptionInput => ({
  description: a.description,
  ownerPersonId: a.owner_person_id,
  owner: a.owner,
  status: a.status,
})

/** An assumption's owner as a person of the register, found or added in the write's transaction. */
const assumptionOwner = (trx: Transaction<DB>, actor: Actor, a: AssumptionInput) =>
  ownerColumns(trx, actor, { field: 'assumptionOwnerPersonId', personId: a.ownerPersonId, name: a.owner })

export const toDependencyInput = (d: Dependency): DependencyInput => ({
  description: d.description,
  dependsOnProjectId: d.depends_on_project_id,
  partnerName: d.partner_name,
  neededBy: d.needed_by,
  status: d.status,
})

export function createRaidLogService(db: Kysely<DB>) {
  const getAssumption = (scope: Scope, id: number, trx?: Db): Promise<Assumption | undefined> =>
    assumptionsIn(trx ?? db, scope)
      .where('assumptions.id', '=', id)
      .executeTakeFirst()
  const getDependency = (scope: Scope, id: number, trx?: Db): Promise<DependencyRow | undefined> =>
    dependenciesIn(trx ?? db, scope)
      .where('d.id', '=', id)
      .executeTakeFirst()

  return {
    getAssumption,
    getDependency,

    assumptions: (scope: Scope, projectId: number): Promise<Assumption[]> =>
      assumptionsIn(db, scope)
        .where('assumptions.project_id', '=', projectId)
        .orderBy('assumptions.id')
        .execute(),

    dependencies: (scope: Scope, projectId: number): Promise<DependencyRow[]> =>
      dependenciesIn(db, scope).where('d.project_id', '=', projectId).orderBy('d.id').execute(),

    listAssumptions(scope: Scope, f: RaidLogFilter = {}): Promise<Assumption[]> {
      let q = assumptionsIn(db, scope)
      if (f.projectId) q = q.where('assumptions.project_id', '=', f.projectId)
      if (f.programmeId) q = q.where('p.programme_id', '=', f.programmeId)
      if (f.status) q = q.where('assumptions.status', '=', f.status)
      return q
        .orderBy('assumptions.id')
        .limit(f.limit ?? 1000)
        .offset(f.offset ?? 0)
        .execute()
    },

    listDependencies(scope: Scope, f: RaidLogFilter = {}): Promise<DependencyRow[]> {
      let q = dependenciesIn(db, scope)
      if (f.projectId) q = q.where('d.project_id', '=', f.projectId)
      if (f.programmeId) q = q.where('p.programme_id', '=', f.programmeId)
      if (f.status) q = q.where('d.status', '=', f.status)
      return q
        .orderBy('d.id')
        .limit(f.limit ?? 1000)
        .offset(f.offset ?? 0)
        .execute()
    },

    async addAssumption(actor: Actor, projectId: number, input: AssumptionInput): Promise<Assumption> {
      throwIfInvalid(validateAssumption(input))
      return db.transaction().execute(async (trx) => {
        if (!(await projectVisible(trx, scopeOf(actor), projectId)))
          throw new ValidationError({ projectId: 'Select a project from the list' })
        return insertAudited(trx, {
          table: 'assumptions',
          entityType: 'assumption',
          actor,
          values: {
            project_id: projectId,
            description: input.description.trim(),
            ...(await assumptionOwner(trx, actor, input)),
            status: input.status ?? 'open',
          },
        })
      })
    },

    async addDependency(actor: Actor, projectId: number, input: DependencyInput): Promise<Dependency> {
      return db.transaction().execute(async (trx) => {
        const scope = scopeOf(actor)
        throwIfInvalid(await dependencyErrors(trx, scope, projectId, input))
        if (!(await projectVisible(trx, scope, projectId)))
          throw new ValidationError({ projectId: 'Select a project from the list' })
        return insertAudited(trx, {
          table: 'dependencies',
          entityType: 'dependency',
          actor,
          values: {
            project_id: projectId,
            depends_on_project_id: input.dependsOnProjectId,
            partner_name: input.partnerName.trim(),
            description: input.description.trim(),
            needed_by: input.neededBy,
            status: input.status ?? 'open',
          },
        })
      })
    },

    async updateAssumption(
      actor: Actor,
      id: number,
      version: number,
      patch: Partial<AssumptionInput>,
    ): Promise<Assumption> {
      return db.transaction().execute(async (trx) => {
        const current = await getAssumption(scopeOf(actor), id, trx)
        if (!current) throw notFound('Assumption')
        if (current.version !== version) throw new ConflictError(current)
        // An owner changed by name only (the API's old field) is that name's person.
        const byName = namedOnly(patch, 'owner', 'ownerPersonId') ? { ownerPersonId: null } : {}
        const merged = { ...toAssumptionInput(current), ...byName, ...patch }
        throwIfInvalid(validateAssumption(merged))
        return updateVersioned(trx, {
          table: 'assumptions',
          entityType: 'assumption',
          actor,
          current,
          version,
          changes: {
            description: merged.description.trim(),
            ...(await assumptionOwner(trx, actor, merged)),
            status: merged.status ?? current.status,
          },
        })
      })
    },

    async updateDependency(
      actor: Actor,
      id: number,
      version: number,
      patch: Partial<DependencyInput>,
    ): Promise<Dependency> {
      return db.transaction().execute(async (trx) => {
        const scope = scopeOf(actor)
        const found = await getDependency(scope, id, trx)
        if (!found) throw notFound('Dependency')
        const { depends_on_reference: _r, depends_on_name: _n, ...current } = found
        if (current.version !== version) throw new ConflictError(current)
        const merged = { ...toDependencyInput(current), ...patch }
        throwIfInvalid(await dependencyErrors(trx, scope, current.project_id, merged))
        return updateVersioned(trx, {
          table: 'dependencies',
          entityType: 'dependency',
          actor,
          current,
          version,
          changes: {
            depends_on_project_id: merged.dependsOnProjectId,
            partner_name: merged.partnerName.trim(),
            description: merged.description.trim(),
            needed_by: merged.neededBy,
            status: merged.status ?? current.status,
          },
        })
      })
    },
  }
}

export type RaidLogService = ReturnType<typeof createRaidLogService>
