import type { Kysely, Transaction } from 'kysely'
import { scopeOf, type Actor, type Scope } from '../../../auth/actor.ts'
import { foreignIdErrors } from '../../../db/foreign-ids.ts'
import type { DB, Output } from '../../../db/schema.ts'
import { todayInLondon } from '../../../domain/dates.ts'
import { ConflictError, notFound, ValidationError } from '../../../errors.ts'
import { insertAudited, updateVersioned } from '../../audit/versioned-update.ts'
import type { MilestonesService, ProjectLookup } from '../../milestones/milestones.service.ts'
import { personChoices, resolvePeople } from '../../resourcing/person-refs.ts'
import {
  outputsRepository as repo,
  type LinkedMilestone,
  type OutputFilter,
  type OutputRow,
} from './outputs.repository.ts'
import { validateOutput, type OutputInput } from './outputs.rules.ts'

/** An output with its project and the milestones it is delivered at. */
export interface OutputView {
  output: OutputRow
  milestones: Array<Omit<LinkedMilestone, 'outputId'>>
}

interface Deps {
  projects: ProjectLookup
  milestones: Pick<MilestonesService, 'listForProject'>
}

const outputValues = (o: OutputInput) => ({
  title: o.title.trim(),
  type: o.type,
  description: o.description.trim(),
  planned_on: o.plannedOn,
  delivered_on: o.deliveredOn,
  accepted_on: o.acceptedOn,
  status: o.status,
})

/** A project's outputs (issue 11): what it delivered, when, and who accepted it. */
export function createOutputsService(db: Kysely<DB>, deps: Deps) {
  async function views(organisationId: number, rows: OutputRow[]): Promise<OutputView[]> {
    const links = await repo.milestones(
      db,
      organisationId,
      rows.map((r) => r.id),
    )
    return rows.map((output) => ({
      output,
      milestones: links.filter((l) => l.outputId === output.id).map(({ id, name }) => ({ id, name })),
    }))
  }

  /** The project (within the writer's scope) and its milestones' ids, read before the transaction. */
  async function projectOf(actor: Actor, projectId: number) {
    const scope = scopeOf(actor)
    const project = await deps.projects.get(scope, projectId)
    if (!project) throw notFound('Project')
    const milestones = await deps.milestones.listForProject(scope, project.id)
    return { project, milestoneIds: new Set(milestones.map((m) => m.id)) }
  }

  async function checked(trx: Transaction<DB>, actor: Actor, o: OutputInput, milestoneIds: Set<number>) {
    const errors = validateOutput(o, todayInLondon(), milestoneIds)
    const foreign = await foreignIdErrors(trx, actor, [
      { field: 'acceptedByPersonId', table: 'people', id: o.acceptedByPersonId },
    ])
    for (const [k, v] of Object.entries(foreign)) errors[k] ??= v
    if (Object.keys(errors).length > 0) throw new ValidationError(errors)
    const [acceptedBy] = await resolvePeople(trx, actor, [
      { field: 'acceptedByPersonId', personId: o.acceptedByPersonId, name: o.acceptedBy },
    ])
    return { ...outputValues(o), accepted_by_person_id: acceptedBy!.id, accepted_by: acceptedBy!.name }
  }

  const milestonesForAudit = async (trx: Transaction<DB>, organisationId: number, id: number) => ({
    milestones: (await repo.milestones(trx, organisationId, [id])).map((m) => m.name).join('; '),
  })

  return {
    get: (scope: Scope, id: number) => repo.get(db, scope, id),
    async list(scope: Scope, filter: OutputFilter = {}): Promise<OutputView[]> {
      return views(scope.organisationId, await repo.list(db, scope, filter))
    },
    views: (scope: Scope, rows: OutputRow[]) => views(scope.organisationId, rows),
    listRows: (scope: Scope, filter: OutputFilter) => repo.list(db, scope, filter),
    async view(scope: Scope, id: number): Promise<OutputView | undefined> {
      const row = await repo.get(db, scope, id)
      return row && (await views(scope.organisationId, [row]))[0]
    },
    async listForProject(scope: Scope, projectId: number): Promise<OutputView[]> {
      return views(scope.organisationId, await repo.list(db, scope, { projectId }))
    },

    /** What the form offers: the register's people, and the project's own milestones. */
    async options(actor: Actor, projectId: number, chosenPerson: number | null) {
      const [people, milestones] = await Promise.all([
        personChoices(db, actor.organisationId, [chosenPerson]),
        deps.milestones.listForProject(scopeOf(actor), projectId),
      ])
      return { people, milestones: milestones.map((m) => ({ id: m.id, name: m.name })) }
    },

    async create(actor: Actor, projectId: number, input: OutputInput): Promise<Output> {
      const { project, milestoneIds } = await projectOf(actor, projectId)
      return db.transaction().execute(async (trx) => {
        const values = await checked(trx, actor, input, milestoneIds)
        return insertAudited(trx, {
          table: 'outputs',
          entityType: 'output',
          actor,
          values: { ...values, project_id: project.id },
          withParts: async (created) => {
            await repo.replaceMilestones(trx, actor.organisationId, created.id, input.milestoneIds)
            return milestonesForAudit(trx, actor.organisationId, created.id)
          },
        })
      })
    },

    async update(actor: Actor, id: number, version: number, input: OutputInput): Promise<Output> {
      const found = await repo.get(db, scopeOf(actor), id)
      if (!found) throw notFound('Output')
      const { milestoneIds } = await projectOf(actor, found.project_id)
      return db.transaction().execute(async (trx) => {
        const row = await repo.get(trx, scopeOf(actor), id)
        if (!row) throw notFound('Output')
        const { project_reference: _r, project_name: _n, programme_id: _p, ...current } = row
        if (current.version !== version) throw new ConflictError(current)
        const changes = await checked(trx, actor, input, milestoneIds)
        const before = { ...current, ...(await milestonesForAudit(trx, actor.organisationId, id)) }
        await repo.replaceMilestones(trx, actor.organisationId, id, input.milestoneIds)
        const after = await milestonesForAudit(trx, actor.organisationId, id)
        return updateVersioned(trx, {
          table: 'outputs',
          entityType: 'output',
          actor,
          current,
          version,
          changes,
          record: { before, after: { ...current, ...changes, version: version + 1, ...after } },
        })
      })
    },
  }
}

export type OutputsService = ReturnType<typeof createOutputsService>
