import type { Kysely } from 'kysely'
import { installSearchSources, uninstallSearchSources } from '../../modules/search/search-index.ts'
import { idColumn } from './helpers.ts'

// Issue 13, "Documents attached to projects, business cases, meetings, agenda items, decisions and reports".
// A document belongs to one parent record (parent_type, parent_id) and is seen exactly when its parent is. Its
// bytes are in the file store (stored_files, migration 0011), so every instance and every backup has them.
// Each upload is a version, kept; a removed document keeps its entry and its versions' descriptions (who,
// when, size, SHA-256) with the reason, and its bytes are deleted (stored_file_id null).
export async function up(db: Kysely<unknown>): Promise<void> {
  await idColumn(db, db.schema.createTable('documents'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    // project | business_case | meeting | agenda_item | decision | panel_report | status_report
    .addColumn('parent_type', 'text', (c) => c.notNull())
    .addColumn('parent_id', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    // The latest version's name and type, for lists and search.
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('latest_version', 'integer', (c) => c.notNull())
    .addColumn('created_by_name', 'text', (c) => c.notNull())
    .addColumn('removed_at', 'text')
    .addColumn('removed_by_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('removed_reason', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('documents_parent')
    .on('documents')
    .columns(['organisation_id', 'parent_type', 'parent_id'])
    .execute()
  await idColumn(db, db.schema.createTable('document_versions'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('document_id', 'integer', (c) => c.notNull().references('documents.id').onDelete('cascade'))
    .addColumn('number', 'integer', (c) => c.notNull())
    .addColumn('stored_file_id', 'integer', (c) => c.references('stored_files.id').onDelete('set null'))
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('uploaded_by', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('uploaded_by_name', 'text', (c) => c.notNull())
    .addColumn('uploaded_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('document_versions_number', ['document_id', 'number'])
    .execute()
  // Documents are found by search (migration 0036's index), by title and file name.
  await installSearchSources(db, ['document'])
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await uninstallSearchSources(db, ['document'])
  await db.schema.dropTable('document_versions').execute()
  await db.schema.dropTable('documents').execute()
}
