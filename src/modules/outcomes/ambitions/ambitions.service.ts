import type { Kysely, Transaction } from 'kysely'
import { scopeOf, type Actor, type Scope } from '../../../auth/actor.ts'
import { wholeOrganisation } from '../../../auth/visibility.ts'
import { foreignIdErrors, type ForeignId } from '../../../db/foreign-ids.ts'
import type { Ambition, DB } from '../../../db/schema.ts'
import { ConflictError, notFound, ValidationError } from '../../../errors.ts'
import { insertAudited, updateVersioned } from '../../audit/versioned-update.ts'
import type { ProgrammesService } from '../../programmes/programmes.service.ts'
import { ownerColumns, personChoices } from '../../resourcing/person-refs.ts'
import { ambitionsRepository as repo, type LinkedRecord } from './ambitions.repository.ts'
import { validateAmbition, type AmbitionInput } from './ambitions.rules.ts'

/** An ambition with the programmes and projects that contribute to it, as far as the reader may see them. */
export interface AmbitionView {
  ambition: Ambition
  programmes: LinkedRecord[]
  projects: LinkedRecord[]
}

interface Deps {
  programmes: Pick<ProgrammesService, 'options'>
}

const ambitionValues = (a: AmbitionInput) => ({
  title: a.title.trim(),
  statement: a.statement.trim(),
  theme: a.theme.trim(),
  horizon_on: a.horizonOn,
  status: a.status,
})

/** Strategic ambitions (issue 11) and the programmes and projects that contribute to them. */
export function createAmbitionsService(db: Kysely<DB>, deps: Deps) {
  async function errorsOf(trx: Transaction<DB>, actor: Actor, a: AmbitionInput, exceptId: number | null) {
    const errors = validateAmbition(a)
    if (!errors.title && (await repo.titleTaken(trx, actor.organisationId, a.title, exceptId)))
      errors.title = 'An ambition with this title is already recorded'
    const refs: ForeignId[] = [
      { field: 'ownerPersonId', table: 'people', id: a.ownerPersonId },
      ...a.programmeIds.map((id): ForeignId => ({ field: 'programmeIds', table: 'programmes', id })),
      ...a.projectIds.map((id): ForeignId => ({ field: 'projectIds', table: 'projects', id })),
    ]
    const foreign = await foreignIdErrors(trx, actor, refs)
    for (const [k, v] of Object.entries(foreign)) errors[k] ??= v
    return errors
  }

  /** The links as one line each, for the audit event: the history page shows them changing. */
  async function linksForAudit(trx: Transaction<DB>, organisationId: number, ambitionId: number) {
    const scope = wholeOrganisation(organisationId)
    const [programmes, projects] = await Promise.all([
      repo.programmes(trx, scope, [ambitionId]),
      repo.projects(trx, scope, [ambitionId]),
    ])
    return {
      programmes: programmes.map((p) => p.reference).join(', '),
      projects: projects.map((p) => p.reference).join(', '),
    }
  }

  async function views(scope: Scope, ambitions: Ambition[]): Promise<AmbitionView[]> {
    const ids = ambitions.map((a) => a.id)
    const [programmes, projects] = await Promise.all([
      repo.programmes(db, scope, ids),
      repo.projects(db, scope, ids),
    ])
    return ambitions.map((ambition) => ({
      ambition,
      programmes: programmes.filter((p) => p.ambitionId === ambition.id),
      projects: projects.filter((p) => p.ambitionId === ambition.id),
    }))
  }

  const owner = (trx: Transaction<DB>, actor: Actor, a: AmbitionInput) =>
    ownerColumns(trx, actor, { field: 'ownerPersonId', personId: a.ownerPersonId, name: a.owner })

  return {
    get: (scope: Scope, id: number) => repo.get(db, scope, id),
    list: (scope: Scope, w: { offset?: number; limit?: number } = {}) => repo.list(db, scope, w),
    views,
    async view(scope: Scope, id: number): Promise<AmbitionView | undefined> {
      const ambition = await repo.get(db, scope, id)
      return ambition && (await views(scope, [ambition]))[0]
    },
    async all(scope: Scope): Promise<AmbitionView[]> {
      return views(scope, await repo.list(db, scope))
    },
    ofProgramme: (scope: Scope, programmeId: number) => repo.ofProgramme(db, scope, programmeId),
    ofProject: (scope: Scope, projectId: number) => repo.ofProject(db, scope, projectId),

    /** What the form offers: the register's people, and the programmes and projects the writer may see. */
    async options(actor: Actor, chosenOwner: number | null) {
      const scope = scopeOf(actor)
      const [people, programmes, projects] = await Promise.all([
        personChoices(db, actor.organisationId, [chosenOwner]),
        deps.programmes.options(scope),
        repo.projectOptions(db, scope),
      ])
      return { people, programmes, projects }
    },

    async create(actor: Actor, input: AmbitionInput): Promise<Ambition> {
      return db.transaction().execute(async (trx) => {
        const errors = await errorsOf(trx, actor, input, null)
        if (Object.keys(errors).length > 0) throw new ValidationError(errors)
        return insertAudited(trx, {
          table: 'ambitions',
          entityType: 'ambition',
          actor,
          values: { ...ambitionValues(input), ...(await owner(trx, actor, input)) },
          // The creation event holds the links too, so the history starts complete.
          withParts: async (created) => {
            await repo.replaceLinks(trx, actor.organisationId, created.id, input)
            return linksForAudit(trx, actor.organisationId, created.id)
          },
        })
      })
    },

    async update(actor: Actor, id: number, version: number, input: AmbitionInput): Promise<Ambition> {
      return db.transaction().execute(async (trx) => {
        const current = await repo.get(trx, scopeOf(actor), id)
        if (!current) throw notFound('Ambition')
        if (current.version !== version) throw new ConflictError(current)
        const errors = await errorsOf(trx, actor, input, id)
        if (Object.keys(errors).length > 0) throw new ValidationError(errors)
        const changes = { ...ambitionValues(input), ...(await owner(trx, actor, input)) }
        const before = { ...current, ...(await linksForAudit(trx, actor.organisationId, id)) }
        await repo.replaceLinks(trx, actor.organisationId, id, input)
        const after = await linksForAudit(trx, actor.organisationId, id)
        return updateVersioned(trx, {
          table: 'ambitions',
          entityType: 'ambition',
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

export type AmbitionsService = ReturnType<typeof createAmbitionsService>
