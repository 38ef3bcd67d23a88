import type { Kysely } from 'kysely'
import { idColumn, isPostgres } from './helpers.ts'

// Uploaded files live in the database, in chunks of at most 1 MiB, so every instance can read an upload
// another took and a backup holds it too; ledger imports (and later documents and attachments) point at
// them. An import's progress and the lease of the instance working on it are on the import row: a lease
// that is not renewed has lost its worker, and only then is the import failed (and can be taken up again).
export async function up(db: Kysely<unknown>): Promise<void> {
  await idColumn(db, db.schema.createTable('stored_files'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('sha256', 'text', (c) => c.notNull().defaultTo(''))
    // 0 while the upload is arriving: an upload that never finished is never read, and is removed.
    .addColumn('complete', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('stored_files_org').on('stored_files').columns(['organisation_id']).execute()

  await db.schema
    .createTable('stored_file_chunks')
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('file_id', 'integer', (c) => c.notNull().references('stored_files.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('bytes', isPostgres(db) ? 'bytea' : 'blob', (c) => c.notNull())
    .addPrimaryKeyConstraint('stored_file_chunks_pk', ['file_id', 'seq'])
    .execute()

  await db.schema
    .alterTable('ledger_imports')
    .addColumn('stored_file_id', 'integer', (c) => c.references('stored_files.id').onDelete('set null'))
    .execute()
  await db.schema
    .alterTable('ledger_imports')
    .addColumn('rows_done', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  await db.schema.alterTable('ledger_imports').addColumn('lease_owner', 'text').execute()
  await db.schema.alterTable('ledger_imports').addColumn('lease_expires_at', 'text').execute()
  await db.schema.alterTable('ledger_imports').addColumn('updated_at', 'text').execute()
  await db.schema
    .createIndex('ledger_imports_lease')
    .on('ledger_imports')
    .columns(['status', 'lease_expires_at'])
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('ledger_imports_lease').execute()
  for (const c of ['updated_at', 'lease_expires_at', 'lease_owner', 'rows_done', 'stored_file_id'])
    await db.schema.alterTable('ledger_imports').dropColumn(c).execute()
  await db.schema.dropTable('stored_file_chunks').execute()
  await db.schema.dropTable('stored_files').execute()
}
