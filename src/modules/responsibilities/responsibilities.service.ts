import type { Kysely, Transaction } from 'kysely'
import { scopeOf, type Actor, type Scope } from '../../auth/actor.ts'
import { wholeOrganisation } from '../../auth/visibility.ts'
import { foreignIdErrors, type ForeignId } from '../../db/foreign-ids.ts'
import type { DB, ServiceAsset } from '../../db/schema.ts'
import { ConflictError, notFound, ValidationError } from '../../errors.ts'
import { insertAudited, updateVersioned } from '../audit/versioned-update.ts'
import type { FinanceService } from '../finance/finance.service.ts'
import type { RaidService } from '../raid/raid.service.ts'
import type { ResourcingService } from '../resourcing/resourcing.service.ts'
import {
  responsibilitiesRepository as repo,
  type LinkedProject,
  type LinkedRisk,
  type MatrixCell,
} from './responsibilities.repository.ts'
import { gapsOf, labelOf, RACI, validateAsset, type AssetInput, type Gap } from './responsibilities.rules.ts'

/** An asset with its matrix, links and gaps, as pages, the API and the exports show it. */
export interface AssetView {
  asset: ServiceAsset
  cells: MatrixCell[]
  projects: LinkedProject[]
  risks: LinkedRisk[]
  gaps: Gap[]
}

interface Deps {
  resourcing: ResourcingService
  raid: RaidService
  finance: Pick<FinanceService, 'partners'>
}

const assetValues = (a: AssetInput) => ({
  name: a.name.trim(),
  kind: a.kind,
  description: a.description.trim(),
  status: a.status,
})

/** Services and assets and their RACI matrices (issue 10). Rules in responsibilities.rules.ts. */
export function createResponsibilitiesService(db: Kysely<DB>, deps: Deps) {
  // The council's teams: the one team list, kept by resourcing.
  const teams = (organisationId: number) => deps.resourcing.teams(organisationId)

  async function errorsOf(
    trx: Transaction<DB>,
    actor: Actor,
    a: AssetInput,
    exceptId: number | null,
    knownTeams: ReadonlySet<string>,
  ) {
    const errors = validateAsset(a, knownTeams)
    if (!errors.name && (await repo.nameTaken(trx, actor.organisationId, a.name, exceptId)))
      errors.name = 'A service or asset with this name is already recorded'
    const refs: ForeignId[] = [
      ...a.responsibilities.flatMap((r, i): ForeignId[] =>
        r.party === 'person'
          ? [
              {
                field: `responsibilities-${i}`,
                table: 'people',
                id: r.personId,
                message: 'Choose a person from the register',
              },
            ]
          : r.party === 'partner'
            ? [{ field: `responsibilities-${i}`, table: 'partners', id: r.partnerId }]
            : [],
      ),
      ...a.projectIds.map((id): ForeignId => ({ field: 'projectIds', table: 'projects', id })),
      ...a.riskIds.map((id): ForeignId => ({
        field: 'riskIds',
        table: 'risks',
        id,
        message: 'Choose risks from the list',
      })),
    ]
    const foreign = await foreignIdErrors(trx, actor, refs)
    for (const [k, v] of Object.entries(foreign)) errors[k] ??= v
    return errors
  }

  /** The matrix and links as one line each, for the audit event: the history page shows them changing. */
  async function partsForAudit(trx: Transaction<DB>, actor: Actor, assetId: number) {
    const scope = wholeOrganisation(actor.organisationId)
    const [cells, projects, risks] = await Promise.all([
      repo.cells(trx, scope, [assetId]),
      repo.projects(trx, scope, [assetId]),
      repo.risks(trx, scope, [assetId]),
    ])
    return {
      matrix: cells.map((c) => `${c.name ?? ''}: ${labelOf(RACI, c.role)}`).join('; '),
      projects: projects.map((p) => p.reference).join(', '),
      risks: risks.map((r) => `${r.projectReference}: ${r.title}`).join('; '),
    }
  }

  async function views(scope: Scope, assets: ServiceAsset[]): Promise<AssetView[]> {
    const ids = assets.map((a) => a.id)
    const [cells, projects, risks] = await Promise.all([
      repo.cells(db, scope, ids),
      repo.projects(db, scope, ids),
      repo.risks(db, scope, ids),
    ])
    return assets.map((asset) => {
      const mine = cells.filter((c) => c.assetId === asset.id)
      return {
        asset,
        cells: mine,
        projects: projects.filter((p) => p.assetId === asset.id),
        risks: risks.filter((r) => r.assetId === asset.id),
        gaps: gapsOf(
          asset,
          mine.map((c) => ({ role: c.role, party_kind: c.partyKind })),
        ),
      }
    })
  }

  return {
    teams,
    get: (scope: Scope, id: number) => repo.get(db, scope, id),
    list: (scope: Scope, w: { offset?: number; limit?: number } = {}) => repo.list(db, scope, w),
    views,
    async view(scope: Scope, id: number): Promise<AssetView | undefined> {
      const asset = await repo.get(db, scope, id)
      return asset && (await views(scope, [asset]))[0]
    },
    async all(scope: Scope): Promise<AssetView[]> {
      return views(scope, await repo.list(db, scope))
    },
    ofProject: (scope: Scope, projectId: number) => repo.ofProject(db, scope, projectId),

    /** What the form offers: the council's teams, the register's people, partners, projects and risks. */
    async options(actor: Actor) {
      const scope = scopeOf(actor)
      const [teamNames, people, partners, projects, risks] = await Promise.all([
        teams(actor.organisationId),
        deps.resourcing.people.list(scope),
        deps.finance.partners(scope),
        repo.projectOptions(db, scope),
        deps.raid.listRisks(scope),
      ])
      return { teams: teamNames, people, partners, projects, risks }
    },

    async create(actor: Actor, input: AssetInput): Promise<ServiceAsset> {
      // Read through the resourcing service before the transaction: SQLite has one connection.
      const known = new Set(await teams(actor.organisationId))
      return db.transaction().execute(async (trx) => {
        const errors = await errorsOf(trx, actor, input, null, known)
        if (Object.keys(errors).length > 0) throw new ValidationError(errors)
        return insertAudited(trx, {
          table: 'service_assets',
          entityType: 'service_asset',
          actor,
          values: assetValues(input),
          // The creation event holds the matrix and links too, so the history starts complete.
          withParts: async (created) => {
            await repo.replaceParts(trx, actor.organisationId, created.id, input)
            return partsForAudit(trx, actor, created.id)
          },
        })
      })
    },

    async update(actor: Actor, id: number, version: number, input: AssetInput): Promise<ServiceAsset> {
      const known = new Set(await teams(actor.organisationId))
      return db.transaction().execute(async (trx) => {
        const current = await repo.get(trx, scopeOf(actor), id)
        if (!current) throw notFound('Service or asset')
        if (current.version !== version) throw new ConflictError(current)
        const errors = await errorsOf(trx, actor, input, id, known)
        if (Object.keys(errors).length > 0) throw new ValidationError(errors)
        const before = { ...current, ...(await partsForAudit(trx, actor, id)) }
        await repo.replaceParts(trx, actor.organisationId, id, input)
        const after = await partsForAudit(trx, actor, id)
        return updateVersioned(trx, {
          table: 'service_assets',
          entityType: 'service_asset',
          actor,
          current,
          version,
          changes: assetValues(input),
          record: { before, after: { ...current, ...assetValues(input), version: version + 1, ...after } },
        })
      })
    },
  }
}

export type ResponsibilitiesService = ReturnType<typeof createResponsibilitiesService>
