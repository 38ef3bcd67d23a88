import type { Kysely, Selectable, Transaction } from 'kysely'
import type { DB } from './schema.ts'

/** Every table whose rows have an id and belong to one organisation; derived from the schema. */
export type OwnedTable = {
  [T in keyof DB]: DB[T] extends { id: unknown; organisation_id: number } ? T : never
}[keyof DB]

/**
 * One record of the organisation by id, or undefined. Another organisation's record is never found,
 * so the routes answer 404 for it rather than showing or changing it.
 */
export function ownRow<T extends OwnedTable>(
  d: Kysely<DB> | Transaction<DB>,
  table: T,
  scope: { organisationId: number },
  id: number,
): Promise<Selectable<DB[T]> | undefined> {
  // Every owned table has these two columns; the narrow view lets one query serve them all.
  const narrow = d as unknown as Kysely<Record<OwnedTable, { id: number; organisation_id: number }>>
  const name: OwnedTable = table
  return narrow
    .selectFrom(name)
    .selectAll()
    .where('organisation_id', '=', scope.organisationId)
    .where('id', '=', id)
    .executeTakeFirst() as Promise<Selectable<DB[T]> | undefined>
}
