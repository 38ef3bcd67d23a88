/**
 * Saved column mappings (issue 13, "column mapping (saved and reused)"): the columns a person named for a
 * file's layout, kept for the organisation so the next file laid out the same way is read the same way. The
 * ledger's are named and chosen; the portfolio import's are found by the file's headings (`headings_signature`)
 * and saved again, on the one versioned path, each time an import with named columns is committed.
 */
import { createHash } from 'node:crypto'
import type { Kysely, Transaction } from 'kysely'
import type { Actor } from '../auth/actor.ts'
import type { ColumnMapping, DB } from '../db/schema.ts'
import { insertAudited, updateVersioned } from '../modules/audit/versioned-update.ts'

export type MappingKind = 'ledger' | 'portfolio'

/** The organisation's saved mappings of one kind, by name. */
export function mappingsOf(
  db: Kysely<DB>,
  organisationId: number,
  kind: MappingKind,
): Promise<ColumnMapping[]> {
  return db
    .selectFrom('column_mappings')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('kind', '=', kind)
    .orderBy('name')
    .execute()
}

/** One saved mapping of a kind, by id or by name. */
export function mappingOf(
  db: Kysely<DB>,
  organisationId: number,
  kind: MappingKind,
  by: { id: number } | { name: string },
): Promise<ColumnMapping | undefined> {
  let q = db
    .selectFrom('column_mappings')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('kind', '=', kind)
  q = 'id' in by ? q.where('id', '=', by.id) : q.where('name', '=', by.name)
  return q.executeTakeFirst()
}

/** The headings as read, whatever their case, spacing or order of blank cells: a layout's fingerprint. */
export function headingsSignature(headings: readonly string[]): string {
  const keys = headings.map((h) =>
    h
      .replace(/^\ufeff/, '')
      .trim()
      .toLowerCase()
      .replace(/\s+/g, ' '),
  )
  return createHash('sha256').update(JSON.stringify(keys)).digest('hex')
}

/** The mapping saved for files with these headings, if any. */
export function mappingForHeadings(
  db: Kysely<DB>,
  organisationId: number,
  kind: MappingKind,
  signature: string,
): Promise<ColumnMapping | undefined> {
  return db
    .selectFrom('column_mappings')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('kind', '=', kind)
    .where('headings_signature', '=', signature)
    .orderBy('id', 'desc')
    .executeTakeFirst()
}

/**
 * Saves the columns used for files with these headings, in the caller's transaction: a new mapping (with its
 * audit event), the saved one changed if the columns differ, or nothing if they are the same.
 */
export async function saveMappingForHeadings(
  trx: Transaction<DB>,
  actor: Actor,
  kind: MappingKind,
  headings: readonly string[],
  columns: Record<string, string>,
): Promise<ColumnMapping> {
  const signature = headingsSignature(headings)
  const columns_json = JSON.stringify(columns)
  const current = await mappingForHeadings(trx, actor.organisationId, kind, signature)
  if (current) {
    if (current.columns_json === columns_json) return current
    return updateVersioned(trx, {
      table: 'column_mappings',
      entityType: 'column_mapping',
      actor,
      current,
      version: current.version,
      changes: { columns_json },
    })
  }
  return insertAudited(trx, {
    table: 'column_mappings',
    entityType: 'column_mapping',
    actor,
    values: {
      kind,
      // Unique within the kind (and, on SQLite, across kinds: migration 0042): the digest makes it so.
      name: `${kind === 'portfolio' ? 'Portfolio' : 'Ledger'} columns for headings ${signature.slice(0, 12)}`,
      headings_signature: signature,
      columns_json,
      date_format: 'auto',
      delimiter: 'auto',
      encoding: 'auto',
      skip_lines: 0,
    },
  })
}
