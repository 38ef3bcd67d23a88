import type { Kysely } from 'kysely'
import { isPostgres } from './helpers.ts'

// Issue 13, "column mapping (saved and reused)": the portfolio import saves the columns a person named for a
// layout and offers them again for a file with the same headings. Saved mappings were the ledger's only; each
// now says whose it is (`kind`, 'ledger' for every existing one) and, for a portfolio mapping, the headings
// it was made for (`headings_signature`, a digest of the headings as read).
//
// A name is unique within its kind: (organisation_id, kind, name). On PostgreSQL the old (organisation_id,
// name) constraint is replaced. SQLite drops a table constraint only by rebuilding the table (and this one is
// referenced by ledger_imports), so there the old key stays beside the new index: names stay unique across
// kinds too, which the portfolio's generated names never meet (see src/imports/column-mappings.ts).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('column_mappings')
    .addColumn('kind', 'text', (c) => c.notNull().defaultTo('ledger'))
    .execute()
  await db.schema
    .alterTable('column_mappings')
    .addColumn('headings_signature', 'text', (c) => c.notNull().defaultTo(''))
    .execute()
  if (isPostgres(db))
    await db.schema.alterTable('column_mappings').dropConstraint('column_mappings_org_name').execute()
  await db.schema
    .createIndex('column_mappings_org_kind_name')
    .on('column_mappings')
    .columns(['organisation_id', 'kind', 'name'])
    .unique()
    .execute()
  await db.schema
    .createIndex('column_mappings_org_kind_headings')
    .on('column_mappings')
    .columns(['organisation_id', 'kind', 'headings_signature'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('column_mappings_org_kind_headings').execute()
  await db.schema.dropIndex('column_mappings_org_kind_name').execute()
  await db
    .deleteFrom('column_mappings' as never)
    .where('kind' as never, '!=', 'ledger' as never)
    .execute()
  if (isPostgres(db))
    await db.schema
      .alterTable('column_mappings')
      .addUniqueConstraint('column_mappings_org_name', ['organisation_id', 'name'])
      .execute()
  await db.schema.alterTable('column_mappings').dropColumn('headings_signature').execute()
  await db.schema.alterTable('column_mappings').dropColumn('kind').execute()
}
