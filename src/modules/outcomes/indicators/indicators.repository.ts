import type { Kysely, Transaction } from 'kysely'
import type { Scope } from '../../../auth/actor.ts'
import {
  whereIndicatorVisible,
  whereProgrammeVisible,
  whereProjectVisible,
} from '../../../auth/visibility.ts'
import type { DB, Indicator, IndicatorTarget, IndicatorValue } from '../../../db/schema.ts'

// The SQL of performance indicators. Every read of an indicator goes through indicatorsIn, so a partner
// officer's confinement to the indicators of projects shared with their partner is never skipped; a link is
// shown only when the reader may see what it names.

type Db = Kysely<DB> | Transaction<DB>

export interface IndicatorLink {
  indicatorId: number
  kind: 'ambition' | 'programme' | 'project'
  id: number
  title: string
  url: string
}

function indicatorsIn(db: Db, scope: Scope) {
  const q = db.selectFrom('indicators').selectAll().where('organisation_id', '=', scope.organisationId)
  return whereIndicatorVisible(q, scope, 'indicators.id')
}

export interface LinkIds {
  ambitionIds: number[]
  programmeIds: number[]
  projectIds: number[]
}

export const indicatorsRepository = {
  get: (db: Db, scope: Scope, id: number): Promise<Indicator | undefined> =>
    indicatorsIn(db, scope).where('id', '=', id).executeTakeFirst(),

  list: (
    db: Db,
    scope: Scope,
    w: { offset?: number; limit?: number; ids?: number[] } = {},
  ): Promise<Indicator[]> => {
    let q = indicatorsIn(db, scope)
    if (w.ids) {
      if (w.ids.length === 0) return Promise.resolve([])
      q = q.where('id', 'in', w.ids)
    }
    return q
      .orderBy('group_name')
      .orderBy('name')
      .orderBy('id')
      .limit(w.limit ?? 5000)
      .offset(w.offset ?? 0)
      .execute()
  },

  async nameTaken(db: Db, organisationId: number, name: string, exceptId: number | null) {
    let q = db
      .selectFrom('indicators')
      .select('id')
      .where('organisation_id', '=', organisationId)
      .where((eb) => eb(eb.fn('lower', ['name']), '=', name.trim().toLowerCase()))
    if (exceptId !== null) q = q.where('id', '!=', exceptId)
    return (await q.executeTakeFirst()) !== undefined
  },

  async links(db: Db, scope: Scope, indicatorIds: readonly number[]): Promise<IndicatorLink[]> {
    if (indicatorIds.length === 0) return []
    const ids = [...indicatorIds]
    const base = (kind: string) =>
      db
        .selectFrom('indicator_links as il')
        .where('il.organisation_id', '=', scope.organisationId)
        .where('il.indicator_id', 'in', ids)
        .where(`il.${kind}_id` as 'il.project_id', 'is not', null)
    // The ambitions' titles only, for links and choices (as this repository reads programmes' and projects')
    const ambitions = scope.partnerOnly
      ? []
      : await base('ambition')
          .innerJoin('ambitions as a', 'a.id', 'il.ambition_id')
          .select(['il.indicator_id', 'a.id', 'a.title'])
          .orderBy('a.title')
          .execute()
    const programmes = await whereProgrammeVisible(
      base('programme')
        .innerJoin('programmes as p', 'p.id', 'il.programme_id')
        .select(['il.indicator_id', 'p.id', 'p.reference', 'p.name']),
      scope,
      'p.id',
    )
      .orderBy('p.reference')
      .execute()
    const projects = await whereProjectVisible(
      base('project')
        .innerJoin('projects as p', 'p.id', 'il.project_id')
        .select(['il.indicator_id', 'p.id', 'p.reference', 'p.name']),
      scope,
      'p.id',
    )
      .orderBy('p.reference')
      .execute()
    return [
      ...ambitions.map((a) => ({
        indicatorId: a.indicator_id,
        kind: 'ambition' as const,
        id: a.id,
        title: a.title,
        url: `/ambitions/${a.id}`,
      })),
      ...programmes.map((p) => ({
        indicatorId: p.indicator_id,
        kind: 'programme' as const,
        id: p.id,
        title: `${p.reference}: ${p.name}`,
        url: `/programmes/${p.id}`,
      })),
      ...projects.map((p) => ({
        indicatorId: p.indicator_id,
        kind: 'project' as const,
        id: p.id,
        title: `${p.reference}: ${p.name}`,
        url: `/projects/${p.id}`,
      })),
    ]
  },

  async replaceLinks(trx: Transaction<DB>, organisationId: number, indicatorId: number, links: LinkIds) {
    await trx.deleteFrom('indicator_links').where('indicator_id', '=', indicatorId).execute()
    const base = { organisation_id: organisationId, indicator_id: indicatorId }
    const rows = [
      ...[...new Set(links.ambitionIds)].map((id) => ({ ...base, ambition_id: id })),
      ...[...new Set(links.programmeIds)].map((id) => ({ ...base, programme_id: id })),
      ...[...new Set(links.projectIds)].map((id) => ({ ...base, project_id: id })),
    ]
    if (rows.length > 0) await trx.insertInto('indicator_links').values(rows).execute()
  },

  /** The indicators measuring a project, a programme or an ambition. */
  async idsLinkedTo(db: Db, scope: Scope, kind: 'ambition' | 'programme' | 'project', id: number) {
    const column = `${kind}_id` as 'project_id'
    const rows = await indicatorsIn(db, scope)
      .where(
        'id',
        'in',
        db
          .selectFrom('indicator_links')
          .select('indicator_id')
          .where('organisation_id', '=', scope.organisationId)
          .where(column, '=', id),
      )
      .execute()
    return rows.map((r) => r.id)
  },

  /** The indicators measuring a programme or any of its projects, for its panel report. */
  async idsForProgramme(db: Db, scope: Scope, programmeId: number) {
    const rows = await indicatorsIn(db, scope)
      .where(
        'id',
        'in',
        db
          .selectFrom('indicator_links')
          .select('indicator_id')
          .where('organisation_id', '=', scope.organisationId)
          .where((eb) =>
            eb.or([
              eb('programme_id', '=', programmeId),
              eb(
                'project_id',
                'in',
                eb
                  .selectFrom('projects')
                  .select('projects.id')
                  .where('projects.programme_id', '=', programmeId),
              ),
            ]),
          ),
      )
      .execute()
    return rows.map((r) => r.id)
  },

  targets: (db: Db, organisationId: number, indicatorIds: readonly number[]): Promise<IndicatorTarget[]> =>
    indicatorIds.length === 0
      ? Promise.resolve([])
      : db
          .selectFrom('indicator_targets')
          .selectAll()
          .where('organisation_id', '=', organisationId)
          .where('indicator_id', 'in', [...indicatorIds])
          .orderBy('period')
          .execute(),

  values: (db: Db, organisationId: number, indicatorIds: readonly number[]): Promise<IndicatorValue[]> =>
    indicatorIds.length === 0
      ? Promise.resolve([])
      : db
          .selectFrom('indicator_values')
          .selectAll()
          .where('organisation_id', '=', organisationId)
          .where('indicator_id', 'in', [...indicatorIds])
          .orderBy('period')
          .execute(),

  target: (db: Db, organisationId: number, indicatorId: number, period: string) =>
    db
      .selectFrom('indicator_targets')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('indicator_id', '=', indicatorId)
      .where('period', '=', period)
      .executeTakeFirst(),

  value: (db: Db, organisationId: number, indicatorId: number, period: string) =>
    db
      .selectFrom('indicator_values')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('indicator_id', '=', indicatorId)
      .where('period', '=', period)
      .executeTakeFirst(),

  /** Whether the signed-in user is the person the register names as the indicator's owner. */
  async isOwner(db: Db, indicator: Indicator, userId: number): Promise<boolean> {
    if (indicator.owner_person_id === null) return false
    const p = await db
      .selectFrom('people')
      .select('id')
      .where('organisation_id', '=', indicator.organisation_id)
      .where('id', '=', indicator.owner_person_id)
      .where('user_id', '=', userId)
      .executeTakeFirst()
    return p !== undefined
  },

  /** What a definition may measure, as the reader may see it. */
  async linkOptions(db: Db, scope: Scope) {
    // The ambitions' titles only, for links and choices (as this repository reads programmes' and projects')
    const ambitions = await db
      .selectFrom('ambitions')
      .select(['id', 'title'])
      .where('organisation_id', '=', scope.organisationId)
      .orderBy('title')
      .execute()
    const programmes = await whereProgrammeVisible(
      db
        .selectFrom('programmes')
        .select(['id', 'reference', 'name'])
        .where('organisation_id', '=', scope.organisationId),
      scope,
      'programmes.id',
    )
      .orderBy('reference')
      .execute()
    const projects = await whereProjectVisible(
      db
        .selectFrom('projects')
        .select(['id', 'reference', 'name'])
        .where('organisation_id', '=', scope.organisationId),
      scope,
      'projects.id',
    )
      .orderBy('reference')
      .execute()
    return { ambitions, programmes, projects }
  },
}
