import type { Kysely, Transaction } from 'kysely'
import type { Scope } from '../../auth/actor.ts'
import { seesPartyOf, whereAssetVisible, whereProjectVisible } from '../../auth/visibility.ts'
import type { DB, ServiceAsset } from '../../db/schema.ts'
import type { ResponsibilityInput } from './responsibilities.rules.ts'

// The SQL of the responsibility matrix. Every read of an asset goes through assetsIn, so a partner officer's
// confinement to the assets their partner is party to is never skipped; linked projects and risks are those
// of projects the reader may see.

type Db = Kysely<DB> | Transaction<DB>

/** One cell of the matrix as a page shows it: the party's name, or null when the reader may not see it. */
export interface MatrixCell {
  assetId: number
  role: string
  partyKind: string
  team: string | null
  personId: number | null
  partnerId: number | null
  name: string | null
}

export interface LinkedProject {
  assetId: number
  id: number
  reference: string
  name: string
}

export interface LinkedRisk {
  assetId: number
  id: number
  title: string
  projectReference: string
}

function assetsIn(db: Db, scope: Scope) {
  const q = db.selectFrom('service_assets').selectAll().where('organisation_id', '=', scope.organisationId)
  return whereAssetVisible(q, scope, 'service_assets.id')
}

export const responsibilitiesRepository = {
  get: (db: Db, scope: Scope, id: number): Promise<ServiceAsset | undefined> =>
    assetsIn(db, scope).where('id', '=', id).executeTakeFirst(),

  list: (db: Db, scope: Scope, w: { offset?: number; limit?: number } = {}): Promise<ServiceAsset[]> =>
    assetsIn(db, scope)
      .orderBy('kind')
      .orderBy('name')
      .orderBy('id')
      .limit(w.limit ?? 5000)
      .offset(w.offset ?? 0)
      .execute(),

  async nameTaken(db: Db, organisationId: number, name: string, exceptId: number | null) {
    let q = db
      .selectFrom('service_assets')
      .select('id')
      .where('organisation_id', '=', organisationId)
      .where((eb) => eb(eb.fn('lower', ['name']), '=', name.trim().toLowerCase()))
    if (exceptId !== null) q = q.where('id', '!=', exceptId)
    return (await q.executeTakeFirst()) !== undefined
  },

  async cells(db: Db, scope: Scope, assetIds: readonly number[]): Promise<MatrixCell[]> {
    if (assetIds.length === 0) return []
    const rows = await db
      .selectFrom('asset_responsibilities as ar')
      .leftJoin('people', 'people.id', 'ar.person_id')
      .leftJoin('partners', 'partners.id', 'ar.partner_id')
      .select([
        'ar.asset_id',
        'ar.role',
        'ar.party_kind',
        'ar.team',
        'ar.person_id',
        'ar.partner_id',
        'people.name as person_name',
        'people.partner_id as employer_id',
        'partners.name as partner_name',
      ])
      .where('ar.organisation_id', '=', scope.organisationId)
      .where('ar.asset_id', 'in', [...assetIds])
      .orderBy('ar.id')
      .execute()
    return rows.map((r) => ({
      assetId: r.asset_id,
      role: r.role,
      partyKind: r.party_kind,
      team: r.team,
      personId: r.person_id,
      partnerId: r.partner_id,
      name:
        r.party_kind === 'team'
          ? r.team
          : r.party_kind === 'person'
            ? seesPartyOf(scope, r.employer_id)
              ? r.person_name
              : null
            : seesPartyOf(scope, r.partner_id)
              ? r.partner_name
              : null,
    }))
  },

  async projects(db: Db, scope: Scope, assetIds: readonly number[]): Promise<LinkedProject[]> {
    if (assetIds.length === 0) return []
    let q = db
      .selectFrom('asset_projects as ap')
      .innerJoin('projects', 'projects.id', 'ap.project_id')
      .select(['ap.asset_id as assetId', 'projects.id', 'projects.reference', 'projects.name'])
      .where('ap.organisation_id', '=', scope.organisationId)
      .where('ap.asset_id', 'in', [...assetIds])
    q = whereProjectVisible(q, scope, 'projects.id')
    return q.orderBy('projects.reference').execute()
  },

  async risks(db: Db, scope: Scope, assetIds: readonly number[]): Promise<LinkedRisk[]> {
    if (assetIds.length === 0) return []
    let q = db
      .selectFrom('asset_risks as ar')
      .innerJoin('risks', 'risks.id', 'ar.risk_id')
      .innerJoin('projects', 'projects.id', 'risks.project_id')
      .select(['ar.asset_id as assetId', 'risks.id', 'risks.title', 'projects.reference as projectReference'])
      .where('ar.organisation_id', '=', scope.organisationId)
      .where('ar.asset_id', 'in', [...assetIds])
    q = whereProjectVisible(q, scope, 'projects.id')
    return q.orderBy('projects.reference').orderBy('risks.title').execute()
  },

  /** The assets a project changes, for the project's page. */
  async ofProject(db: Db, scope: Scope, projectId: number): Promise<ServiceAsset[]> {
    return assetsIn(db, scope)
      .where(
        'id',
        'in',
        db.selectFrom('asset_projects').select('asset_id').where('project_id', '=', projectId),
      )
      .orderBy('name')
      .execute()
  },

  /** Replaces an asset's matrix and links, inside the transaction that saves the asset. */
  async replaceParts(
    trx: Transaction<DB>,
    organisationId: number,
    assetId: number,
    parts: { responsibilities: ResponsibilityInput[]; projectIds: number[]; riskIds: number[] },
  ) {
    for (const table of ['asset_responsibilities', 'asset_projects', 'asset_risks'] as const)
      await trx.deleteFrom(table).where('asset_id', '=', assetId).execute()
    const base = { organisation_id: organisationId, asset_id: assetId }
    if (parts.responsibilities.length > 0)
      await trx
        .insertInto('asset_responsibilities')
        .values(
          parts.responsibilities.map((r) => ({
            ...base,
            role: r.role,
            party_kind: r.party,
            team: r.party === 'team' ? r.team : null,
            person_id: r.party === 'person' ? r.personId : null,
            partner_id: r.party === 'partner' ? r.partnerId : null,
          })),
        )
        .execute()
    const projectIds = [...new Set(parts.projectIds)]
    if (projectIds.length > 0)
      await trx
        .insertInto('asset_projects')
        .values(projectIds.map((project_id) => ({ ...base, project_id })))
        .execute()
    const riskIds = [...new Set(parts.riskIds)]
    if (riskIds.length > 0)
      await trx
        .insertInto('asset_risks')
        .values(riskIds.map((risk_id) => ({ ...base, risk_id })))
        .execute()
  },

  /** The projects and risks a writer may link an asset to. */
  async projectOptions(db: Db, scope: Scope) {
    let q = db
      .selectFrom('projects')
      .select(['id', 'reference', 'name'])
      .where('organisation_id', '=', scope.organisationId)
    q = whereProjectVisible(q, scope, 'projects.id')
    return q.orderBy('reference').execute()
  },
}
