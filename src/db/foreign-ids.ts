import type { Kysely, Transaction } from 'kysely'
import { ValidationError } from '../errors.ts'
import type { OwnedTable } from './owned-row.ts'
import type { DB } from './schema.ts'

/**
 * A field of a body that names another record: its id must name a record of the actor's organisation (people:
 * a member of it). Another council's record, or none at all, is a field error (400), never stored and never a
 * database error (500) — which would also tell a prober which ids exist.
 */
export interface ForeignId {
  /** The body's field name, as the error names it. */
  field: string
  /** An owned table, or `users` for a person (members only, through `memberships`). */
  table: OwnedTable | 'users'
  /** No id (null or undefined) is not checked: whether the field is required is the rule's business. */
  id: number | null | undefined
  /** The error in GOV.UK wording; by default one for the table. */
  message?: string
}

const MESSAGES: Partial<Record<ForeignId['table'], string>> = {
  users: 'Choose a person from this organisation',
  people: 'Choose a person from the register',
  programmes: 'Choose a programme from the list',
  projects: 'Choose a project from the list',
  boards: 'Select a board from the list',
  funding_streams: 'Choose a funding stream from the list',
  partners: 'Choose a partner from the list',
}

/**
 * Checks every foreign id of a write at once, one query a table, within the organisation; throws one
 * ValidationError naming every field that fails. The one rule for foreign ids: services call it before writing.
 */
export async function checkForeignIds(
  d: Kysely<DB> | Transaction<DB>,
  scope: { organisationId: number },
  refs: ForeignId[],
): Promise<void> {
  const errors = await foreignIdErrors(d, scope, refs)
  if (Object.keys(errors).length > 0) throw new ValidationError(errors)
}

/** The same check, answering the field errors, for a service that reports them with its rules' own. */
export async function foreignIdErrors(
  d: Kysely<DB> | Transaction<DB>,
  scope: { organisationId: number },
  refs: ForeignId[],
): Promise<Record<string, string>> {
  const byTable = new Map<ForeignId['table'], Set<number>>()
  for (const r of refs) {
    if (r.id === null || r.id === undefined) continue
    const ids = byTable.get(r.table) ?? new Set<number>()
    ids.add(r.id)
    byTable.set(r.table, ids)
  }
  const found = new Map<ForeignId['table'], Set<number>>()
  for (const [table, ids] of byTable) {
    // An id beyond the database's integer range names nothing: PostgreSQL would refuse the query itself.
    const wanted = [...ids].filter((id) => Number.isSafeInteger(id) && id >= 1 && id <= 2_147_483_647)
    found.set(
      table,
      new Set(wanted.length === 0 ? [] : await existing(d, scope.organisationId, table, wanted)),
    )
  }
  const errors: Record<string, string> = {}
  for (const r of refs) {
    if (r.id === null || r.id === undefined || found.get(r.table)?.has(r.id)) continue
    errors[r.field] ??= r.message ?? MESSAGES[r.table] ?? 'Choose one from the list'
  }
  return errors
}

async function existing(
  d: Kysely<DB> | Transaction<DB>,
  organisationId: number,
  table: ForeignId['table'],
  ids: number[],
): Promise<number[]> {
  if (table === 'users') {
    const rows = await d
      .selectFrom('memberships')
      .select('user_id')
      .where('organisation_id', '=', organisationId)
      .where('user_id', 'in', ids)
      .execute()
    return rows.map((r) => r.user_id)
  }
  // Every owned table has these two columns (see owned-row.ts).
  const narrow = d as unknown as Kysely<Record<OwnedTable, { id: number; organisation_id: number }>>
  const name: OwnedTable = table
  const rows = await narrow
    .selectFrom(name)
    .select('id')
    .where('organisation_id', '=', organisationId)
    .where('id', 'in', ids)
    .execute()
  return rows.map((r) => r.id)
}
