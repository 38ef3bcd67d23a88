import type { Insertable, Transaction } from 'kysely'
import type { DB } from '../db/schema.ts'
import { recordAudit } from '../modules/audit/audit.service.ts'
import { DEMO_ACTOR } from './demo-loader.ts'

/** Tables whose rows carry organisation_id, created_at and updated_at and an id of their own. */
type Dated = {
  [T in keyof DB]: DB[T] extends {
    organisation_id: number
    created_at: string
    updated_at: string
    id: unknown
  }
    ? T
    : never
}[keyof DB]

/**
 * The demo's one way to add a record of an organisation: inserted at the demo's clock in the caller's
 * transaction, with its audit 'create' event, as the services would have written it. Answers the new id.
 */
export function demoInserter(trx: Transaction<DB>, organisationId: number, now: Date) {
  const at = now.toISOString()
  return async function add<T extends Dated>(
    table: T,
    entityType: string,
    values: Omit<Insertable<DB[T]>, 'organisation_id' | 'created_at' | 'updated_at'>,
  ): Promise<number> {
    const row = await trx
      .insertInto(table)
      .values({ ...values, organisation_id: organisationId, created_at: at, updated_at: at } as never)
      .returningAll()
      .executeTakeFirstOrThrow()
    const id = (row as { id: number }).id
    await recordAudit(trx, {
      organisationId,
      actor: DEMO_ACTOR,
      action: 'create',
      entityType,
      entityId: id,
      after: row,
    })
    return id
  }
}
