import type { Kysely, Transaction } from 'kysely'
import type { Scope } from '../../../auth/actor.ts'
import { whereProgrammeVisible, whereProjectVisible } from '../../../auth/visibility.ts'
import type { Ambition, DB } from '../../../db/schema.ts'

// The SQL of strategic ambitions. Everyone in the organisation reads its ambitions (they are the council's
// published strategy); the programmes and projects linked to them are only those the reader may see, so a
// partner officer never reads the name of a project that is not shared with their partner.

type Db = Kysely<DB> | Transaction<DB>

export interface LinkedRecord {
  ambitionId: number
  id: number
  reference: string
  name: string
}

const ambitionsIn = (db: Db, scope: Scope) =>
  db.selectFrom('ambitions').selectAll().where('organisation_id', '=', scope.organisationId)

export const ambitionsRepository = {
  get: (db: Db, scope: Scope, id: number): Promise<Ambition | undefined> =>
    ambitionsIn(db, scope).where('id', '=', id).executeTakeFirst(),

  list: (db: Db, scope: Scope, w: { offset?: number; limit?: number } = {}): Promise<Ambition[]> =>
    ambitionsIn(db, scope)
      .orderBy('title')
      .orderBy('id')
      .limit(w.limit ?? 5000)
      .offset(w.offset ?? 0)
      .execute(),

  async titleTaken(db: Db, organisationId: number, title: string, exceptId: number | null) {
    let q = db
      .selectFrom('ambitions')
      .select('id')
      .where('organisation_id', '=', organisationId)
      .where((eb) => eb(eb.fn('lower', ['title']), '=', title.trim().toLowerCase()))
    if (exceptId !== null) q = q.where('id', '!=', exceptId)
    return (await q.executeTakeFirst()) !== undefined
  },

  async programmes(db: Db, scope: Scope, ambitionIds: readonly number[]): Promise<LinkedRecord[]> {
    if (ambitionIds.length === 0) return []
    let q = db
      .selectFrom('ambition_programmes as ap')
      .innerJoin('programmes', 'programmes.id', 'ap.programme_id')
      .select(['ap.ambition_id as ambitionId', 'programmes.id', 'programmes.reference', 'programmes.name'])
      .where('ap.organisation_id', '=', scope.organisationId)
      .where('ap.ambition_id', 'in', [...ambitionIds])
    q = whereProgrammeVisible(q, scope, 'programmes.id')
    return q.orderBy('programmes.reference').execute()
  },

  async projects(db: Db, scope: Scope, ambitionIds: readonly number[]): Promise<LinkedRecord[]> {
    if (ambitionIds.length === 0) return []
    let q = db
      .selectFrom('ambition_projects as ap')
      .innerJoin('projects', 'projects.id', 'ap.project_id')
      .select(['ap.ambition_id as ambitionId', 'projects.id', 'projects.reference', 'projects.name'])
      .where('ap.organisation_id', '=', scope.organisationId)
      .where('ap.ambition_id', 'in', [...ambitionIds])
    q = whereProjectVisible(q, scope, 'projects.id')
    return q.orderBy('projects.reference').execute()
  },

  /** The ambitions a programme contributes to, for the programme's page and its definition. */
  ofProgramme: (db: Db, scope: Scope, programmeId: number): Promise<Ambition[]> =>
    ambitionsIn(db, scope)
      .where(
        'id',
        'in',
        db.selectFrom('ambition_programmes').select('ambition_id').where('programme_id', '=', programmeId),
      )
      .orderBy('title')
      .execute(),

  /** The ambitions a project contributes to, for the project's page. */
  ofProject: (db: Db, scope: Scope, projectId: number): Promise<Ambition[]> =>
    ambitionsIn(db, scope)
      .where(
        'id',
        'in',
        db.selectFrom('ambition_projects').select('ambition_id').where('project_id', '=', projectId),
      )
      .orderBy('title')
      .execute(),

  /** Replaces an ambition's links, inside the transaction that saves the ambition. */
  async replaceLinks(
    trx: Transaction<DB>,
    organisationId: number,
    ambitionId: number,
    links: { programmeIds: readonly number[]; projectIds: readonly number[] },
  ) {
    await trx.deleteFrom('ambition_programmes').where('ambition_id', '=', ambitionId).execute()
    await trx.deleteFrom('ambition_projects').where('ambition_id', '=', ambitionId).execute()
    const base = { organisation_id: organisationId, ambition_id: ambitionId }
    const programmeIds = [...new Set(links.programmeIds)]
    if (programmeIds.length > 0)
      await trx
        .insertInto('ambition_programmes')
        .values(programmeIds.map((programme_id) => ({ ...base, programme_id })))
        .execute()
    const projectIds = [...new Set(links.projectIds)]
    if (projectIds.length > 0)
      await trx
        .insertInto('ambition_projects')
        .values(projectIds.map((project_id) => ({ ...base, project_id })))
        .execute()
  },

  /** The projects a writer may link an ambition to. */
  async projectOptions(db: Db, scope: Scope) {
    let q = db
      .selectFrom('projects')
      .select(['id', 'reference', 'name'])
      .where('organisation_id', '=', scope.organisationId)
    q = whereProjectVisible(q, scope, 'projects.id')
    return q.orderBy('reference').execute()
  },
}
