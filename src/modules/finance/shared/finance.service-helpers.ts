import type { Kysely, Transaction } from 'kysely'
import type { Actor, Scope } from '../../../auth/actor.ts'
import type { DB } from '../../../db/schema.ts'
import { notFound, ValidationError } from '../../../errors.ts'
import { scopedProjects } from './finance.repository.ts'

type Db = Kysely<DB> | Transaction<DB>

export const check = (errors: Record<string, string>) => {
  if (Object.keys(errors).length > 0) throw new ValidationError(errors)
}

export async function projectVisible(db: Db, scope: Scope, projectId: number) {
  const p = await scopedProjects(db, scope)
    .select('projects.id')
    .where('projects.id', '=', projectId)
    .executeTakeFirst()
  return p !== undefined
}

/** A partner or funding stream name is the organisation's to use once; `except` is the record being changed. */
export async function nameTaken(
  trx: Transaction<DB>,
  table: 'partners' | 'funding_streams',
  actor: Actor,
  name: string,
  except?: number,
) {
  let q = trx
    .selectFrom(table)
    .select('id')
    .where('organisation_id', '=', actor.organisationId)
    .where('name', '=', name.trim())
  if (except !== undefined) q = q.where('id', '<>', except)
  return (await q.executeTakeFirst()) !== undefined
}

/** The project, if within the scope; otherwise the write is refused as not found. */
export async function projectInScope(trx: Transaction<DB>, scope: Scope, projectId: number) {
  const p = await scopedProjects(trx, scope)
    .selectAll('projects')
    .where('projects.id', '=', projectId)
    .executeTakeFirst()
  if (!p) throw notFound('Project')
  return p
}
