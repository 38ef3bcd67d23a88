import type { Kysely } from 'kysely'
import { scopeOf, type Actor, type Scope } from '../../auth/actor.ts'
import type { Assumption, DB, Dependency } from '../../db/schema.ts'
import { isIsoDate } from '../../domain/dates.ts'
import { ValidationError } from '../../errors.ts'
import { insertAudited } from '../audit/versioned-update.ts'

/** Assumptions and dependencies: the A and D of the RAID log. */
export interface AssumptionInput {
  description: string
  owner: string
}

export interface DependencyInput {
  description: string
  dependsOnProjectId: number | null
  partnerName: string
  neededBy: string | null
}

export function validateAssumption(a: AssumptionInput): Record<string, string> {
  const errors: Record<string, string> = {}
  if (a.description.trim() === '') errors.assumptionDescription = 'Enter the assumption'
  else if (a.description.length > 5000) errors.assumptionDescription = 'Must be 5,000 characters or fewer'
  if (a.owner.length > 200) errors.assumptionOwner = 'Owner must be 200 characters or fewer'
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
  return errors
}

export type DependencyRow = Dependency & {
  depends_on_reference: string | null
  depends_on_name: string | null
}

export function createRaidLogService(db: Kysely<DB>) {
  async function projectVisible(scope: Scope, projectId: number) {
    let q = db
      .selectFrom('projects')
      .select('id')
      .where('organisation_id', '=', scope.organisationId)
      .where('id', '=', projectId)
    if (scope.partnerOnly) q = q.where('shared_with_partner', '=', 1)
    return (await q.executeTakeFirst()) !== undefined
  }

  return {
    assumptions: (scope: Scope, projectId: number): Promise<Assumption[]> =>
      db
        .selectFrom('assumptions')
        .selectAll()
        .where('organisation_id', '=', scope.organisationId)
        .where('project_id', '=', projectId)
        .orderBy('id')
        .execute(),

    dependencies: (scope: Scope, projectId: number): Promise<DependencyRow[]> =>
      db
        .selectFrom('dependencies as d')
        .leftJoin('projects as p', 'p.id', 'd.depends_on_project_id')
        .selectAll('d')
        .select(['p.reference as depends_on_reference', 'p.name as depends_on_name'])
        .where('d.organisation_id', '=', scope.organisationId)
        .where('d.project_id', '=', projectId)
        .orderBy('d.id')
        .execute(),

    async addAssumption(actor: Actor, projectId: number, input: AssumptionInput): Promise<Assumption> {
      const errors = validateAssumption(input)
      if (Object.keys(errors).length > 0) throw new ValidationError(errors)
      if (!(await projectVisible(scopeOf(actor), projectId)))
        throw new ValidationError({ projectId: 'Select a project from the list' })
      return db.transaction().execute((trx) =>
        insertAudited(trx, {
          table: 'assumptions',
          entityType: 'assumption',
          actor,
          values: {
            project_id: projectId,
            description: input.description.trim(),
            owner: input.owner.trim(),
            status: 'open',
          },
        }),
      )
    },

    async addDependency(actor: Actor, projectId: number, input: DependencyInput): Promise<Dependency> {
      const errors = validateDependency(input)
      const scope = scopeOf(actor)
      if (input.dependsOnProjectId !== null) {
        if (input.dependsOnProjectId === projectId) errors.dependsOn = 'A project cannot depend on itself'
        else if (!(await projectVisible(scope, input.dependsOnProjectId)))
          errors.dependsOn = 'Select a project from the list'
      }
      if (Object.keys(errors).length > 0) throw new ValidationError(errors)
      if (!(await projectVisible(scope, projectId)))
        throw new ValidationError({ projectId: 'Select a project from the list' })
      return db.transaction().execute((trx) =>
        insertAudited(trx, {
          table: 'dependencies',
          entityType: 'dependency',
          actor,
          values: {
            project_id: projectId,
            depends_on_project_id: input.dependsOnProjectId,
            partner_name: input.partnerName.trim(),
            description: input.description.trim(),
            needed_by: input.neededBy,
            status: 'open',
          },
        }),
      )
    },
  }
}

export type RaidLogService = ReturnType<typeof createRaidLogService>
