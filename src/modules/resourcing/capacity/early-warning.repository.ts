import type { Transaction } from 'kysely'
import type { DB } from '../../../db/schema.ts'
import type { Db } from '../people.repository.ts'

// The SQL of the early warning: which roles were already warned about, and the projects to name in it.

export const earlyWarningRepository = {
  /** Of these roles, the ones whose managers were already told (kept in role_early_warnings). */
  async warned(trx: Transaction<DB>, organisationId: number, roleIds: number[]): Promise<Set<number>> {
    if (roleIds.length === 0) return new Set()
    const rows = await trx
      .selectFrom('role_early_warnings')
      .select('role_id')
      .where('organisation_id', '=', organisationId)
      .where('role_id', 'in', roleIds)
      .execute()
    return new Set(rows.map((r) => r.role_id))
  },

  record: (trx: Transaction<DB>, organisationId: number, roleId: number, projectId: number, at: string) =>
    trx
      .insertInto('role_early_warnings')
      .values({ organisation_id: organisationId, role_id: roleId, project_id: projectId, sent_at: at })
      .execute(),

  projects: (trx: Transaction<DB>, organisationId: number, ids: number[]) =>
    trx
      .selectFrom('projects')
      .select(['id', 'reference', 'name', 'project_manager', 'project_manager_person_id'])
      .where('organisation_id', '=', organisationId)
      .where('id', 'in', ids)
      .execute(),

  organisations: (db: Db) => db.selectFrom('organisations').select('id').orderBy('id').execute(),
}
