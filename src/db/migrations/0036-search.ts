import type { Kysely } from 'kysely'
import {
  createSearchIndex,
  dropSearchIndex,
  installSearchSources,
  uninstallSearchSources,
} from '../../modules/search/search-index.ts'

// Issue 13, "Search ... from every page header". One index of every searchable record, kept by triggers on
// the source tables in the same transaction as each write (src/modules/search/search-index.ts), with the
// database's own full-text search: FTS5 on SQLite, a GIN-indexed tsvector on PostgreSQL. Raw SQL where the
// schema builder has no words for it (virtual tables, triggers, an expression index); every existing record
// is indexed here.
const SOURCES = [
  'programme',
  'project',
  'milestone',
  'risk',
  'issue',
  'status_report',
  'decision',
  'recommendation',
  'meeting',
  'report',
]

export async function up(db: Kysely<unknown>): Promise<void> {
  await createSearchIndex(db)
  await installSearchSources(db, SOURCES)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await uninstallSearchSources(db, SOURCES)
  await dropSearchIndex(db)
}
