import type { Kysely, Transaction } from 'kysely'
import type { Scope } from '../../../auth/actor.ts'
import { whereIndicatorVisible, whereProgrammeVisible, whereProjectVisible } from '../../../auth/visibility.ts'
import type { Benefit, DB } from '../../../db/schema.ts'
import type { ProfileYearInput } from './benefits.rules.ts'

// The SQL of the benefits register. Every read of a benefit goes through benefitsIn, so a partner officer's
// confinement to the projects shared with their partner is never skipped.

type Db = Kysely<DB> | Transaction<DB>

/** A benefit with the names a list shows: its project (none for the whole programme's), programme, ambition and indicator. */
export type BenefitRow = Benefit & {
  project_reference: string | null
  project_name: string | null
  programme_reference: string
  programme_name: string
  ambition_title: string | null
  indicator_name: string | null
}

export interface ProfileYear {
  benefitId: number
  year: string
  planned: number
  realised: number | null
}

export interface BenefitFilter {
  programmeId?: number | null
  projectId?: number | null
  type?: string | null
  ambitionId?: number | null
}

function benefitsIn(db: Db, scope: Scope) {
  const q = db
    .selectFrom('benefits')
    .innerJoin('programmes', 'programmes.id', 'benefits.programme_id')
    .leftJoin('projects', 'projects.id', 'benefits.project_id')
    // The linked ambition's and indicator's names only
    .leftJoin('ambitions', 'ambitions.id', 'benefits.ambition_id')
    // A partner officer reads the name only of an indicator they may see (one linked to a shared project).
    .leftJoin(
      (eb) =>
        whereIndicatorVisible(
          eb.selectFrom('indicators').select(['indicators.id', 'indicators.name']),
          scope,
          'indicators.id',
        ).as('indicators'),
      (j) => j.onRef('indicators.id', '=', 'benefits.indicator_id'),
    )
    .selectAll('benefits')
    .select([
      'projects.reference as project_reference',
      'projects.name as project_name',
      'programmes.reference as programme_reference',
      'programmes.name as programme_name',
      'ambitions.title as ambition_title',
      'indicators.name as indicator_name',
    ])
    .where('benefits.organisation_id', '=', scope.organisationId)
  // A partner officer sees the benefits of the projects shared with their partner: never a whole programme's,
  // whose null project is in no list of shared projects.
  return whereProjectVisible(q, scope, 'benefits.project_id')
}

export const benefitsRepository = {
  get: (db: Db, scope: Scope, id: number): Promise<BenefitRow | undefined> =>
    benefitsIn(db, scope).where('benefits.id', '=', id).executeTakeFirst(),

  /** The benefit's own row, for a versioned write (after `get` has found it within the reader's scope). */
  record: (db: Db, organisationId: number, id: number): Promise<Benefit | undefined> =>
    db
      .selectFrom('benefits')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('id', '=', id)
      .executeTakeFirst(),

  list(
    db: Db,
    scope: Scope,
    f: BenefitFilter = {},
    w: { offset?: number; limit?: number } = {},
  ): Promise<BenefitRow[]> {
    let q = benefitsIn(db, scope)
    if (f.programmeId != null) q = q.where('benefits.programme_id', '=', f.programmeId)
    if (f.projectId != null) q = q.where('benefits.project_id', '=', f.projectId)
    if (f.type) q = q.where('benefits.type', '=', f.type)
    if (f.ambitionId != null) q = q.where('benefits.ambition_id', '=', f.ambitionId)
    return q
      .orderBy('programmes.reference')
      .orderBy((eb) => eb.fn.coalesce('projects.reference', eb.val('')))
      .orderBy('benefits.title')
      .orderBy('benefits.id')
      .limit(w.limit ?? 5000)
      .offset(w.offset ?? 0)
      .execute()
  },

  async profiles(db: Db, organisationId: number, benefitIds: readonly number[]): Promise<ProfileYear[]> {
    if (benefitIds.length === 0) return []
    const rows = await db
      .selectFrom('benefit_profile')
      .select(['benefit_id', 'financial_year', 'planned_value', 'realised_value'])
      .where('organisation_id', '=', organisationId)
      .where('benefit_id', 'in', [...benefitIds])
      .orderBy('financial_year')
      .execute()
    return rows.map((r) => ({
      benefitId: r.benefit_id,
      year: r.financial_year,
      planned: Number(r.planned_value),
      realised: r.realised_value === null ? null : Number(r.realised_value),
    }))
  },

  /** The programme a project of the organisation is part of. */
  programmeOf: async (db: Db, organisationId: number, projectId: number): Promise<number | undefined> =>
    (
      await db
        .selectFrom('projects')
        .select('programme_id')
        .where('organisation_id', '=', organisationId)
        .where('id', '=', projectId)
        .executeTakeFirst()
    )?.programme_id,

  /** Replaces a benefit's profile, inside the transaction that saves the benefit under its version. */
  async replaceProfile(
    trx: Transaction<DB>,
    organisationId: number,
    benefitId: number,
    profile: readonly ProfileYearInput[],
  ) {
    await trx.deleteFrom('benefit_profile').where('benefit_id', '=', benefitId).execute()
    if (profile.length === 0) return
    await trx
      .insertInto('benefit_profile')
      .values(
        profile.map((p) => ({
          organisation_id: organisationId,
          benefit_id: benefitId,
          financial_year: p.year,
          planned_value: p.planned ?? 0,
          realised_value: p.realised,
        })),
      )
      .execute()
  },

  /** A project's benefits with their profiles, for the benefits-review gate (the whole organisation). */
  async forProject(db: Db, organisationId: number, projectId: number) {
    const benefits = await db
      .selectFrom('benefits')
      .select(['id', 'title'])
      .where('organisation_id', '=', organisationId)
      .where('project_id', '=', projectId)
      .orderBy('title')
      .orderBy('id')
      .execute()
    const years = await benefitsRepository.profiles(
      db,
      organisationId,
      benefits.map((b) => b.id),
    )
    return benefits.map((b) => ({ title: b.title, profile: years.filter((y) => y.benefitId === b.id) }))
  },

  /** What the forms and filters offer: visible projects and programmes, the organisation's ambitions and indicators. */
  async options(db: Db, scope: Scope) {
    let projects = db
      .selectFrom('projects')
      .select(['id', 'reference', 'name', 'programme_id'])
      .where('organisation_id', '=', scope.organisationId)
    projects = whereProjectVisible(projects, scope, 'projects.id')
    let programmes = db
      .selectFrom('programmes')
      .select(['id', 'reference', 'name'])
      .where('organisation_id', '=', scope.organisationId)
    programmes = whereProgrammeVisible(programmes, scope, 'programmes.id')
    const [projectRows, programmeRows, ambitions, indicators] = await Promise.all([
      projects.orderBy('reference').execute(),
      programmes.orderBy('reference').execute(),
      // The ambitions' titles only, for the form's choices
      db
        .selectFrom('ambitions')
        .select(['id', 'title'])
        .where('organisation_id', '=', scope.organisationId)
        .orderBy('title')
        .execute(),
      // The indicators' names only, for the form's choices
      db
        .selectFrom('indicators')
        .select(['id', 'name'])
        .where('organisation_id', '=', scope.organisationId)
        .orderBy('name')
        .execute(),
    ])
    return { projects: projectRows, programmes: programmeRows, ambitions, indicators }
  },
}
