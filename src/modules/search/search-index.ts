import { sql, type Kysely } from 'kysely'
import { idColumn, isPostgres } from '../../db/migrations/helpers.ts'
import { SEARCH_SOURCES, type SearchSource } from './search.sources.ts'

// The search index's DDL (issue 13), used by migrations only. `search_entries` holds one row per searchable
// record (title, body and the columns visibility needs), written by triggers on each source table, so a
// write and its index entry commit or roll back together whichever code path made the write.
//
// SQLite: an FTS5 external-content table `search_fts` over `search_entries`, kept in step by three triggers
// on `search_entries`; `secure-delete` so an erased name leaves no trace in the index's pages.
// PostgreSQL: a GIN index on the weighted tsvector of title and body (`searchDocument`); the query uses the
// same expression, so the planner uses the index.
//
// Both use a language-neutral tokenizer (FTS5 `unicode61`, PostgreSQL `simple`) without stemming or accent
// folding, so the two dialects find the same records for the same words.

/**
 * The tsvector PostgreSQL searches, over `search_entries` (columns prefixed by `prefix`): the GIN index's
 * expression, so a query must use it as it is. Punctuation becomes spaces first, as FTS5's tokenizer treats
 * it: PostgreSQL's parser would otherwise keep "PMP/2021/03" as one word and drop "<script>" as a tag.
 */
export function searchDocument(prefix: string): string {
  const words = (column: string) =>
    `to_tsvector('simple', regexp_replace(${prefix}${column}, '[[:punct:]]', ' ', 'g'))`
  return `(setweight(${words('title')}, 'A') || setweight(${words('body')}, 'B'))`
}

const ENTRY_COLUMNS =
  'organisation_id, record_type, record_id, title, body, project_id, programme_id, visibility'

function entryValues(source: SearchSource, r: string): string {
  return [
    `${r}.organisation_id`,
    `'${source.type}'`,
    `${r}.id`,
    source.title(r),
    source.body(r),
    source.projectId?.(r) ?? 'null',
    source.programmeId?.(r) ?? 'null',
    typeof source.visibility === 'string' ? `'${source.visibility}'` : source.visibility(r),
  ].join(', ')
}

function entrySet(source: SearchSource, r: string): string {
  return [
    `organisation_id = ${r}.organisation_id`,
    `title = ${source.title(r)}`,
    `body = ${source.body(r)}`,
    `project_id = ${source.projectId?.(r) ?? 'null'}`,
    `programme_id = ${source.programmeId?.(r) ?? 'null'}`,
  ].join(', ')
}

/** Rewrites the title and body of the entries of the rows that refer to `new` (see `SearchSource.reads`). */
function rewriteReferring(s: SearchSource, reads: { table: string; column: string }): string {
  const from = `from ${s.table} r where r.id = search_entries.record_id`
  return `update search_entries set title = (select ${s.title('r')} ${from}), body = (select ${s.body('r')} ${from})
       where record_type = '${s.type}' and record_id in (select id from ${s.table} where ${reads.column} = new.id)`
}

function sqliteTriggers(s: SearchSource): string[] {
  const reads = s.reads
  const refresh = reads
    ? [
        `create trigger search_${s.type}_reads after update on ${reads.table} begin
           ${rewriteReferring(s, reads)};
         end`,
      ]
    : []
  const where = (r: string) => `record_type = '${s.type}' and record_id = ${r}.id`
  return [
    `create trigger search_${s.type}_insert after insert on ${s.table} begin
       insert into search_entries (${ENTRY_COLUMNS}) values (${entryValues(s, 'new')});
     end`,
    `create trigger search_${s.type}_update after update on ${s.table} begin
       update search_entries set ${entrySet(s, 'new')} where ${where('new')};
     end`,
    `create trigger search_${s.type}_delete after delete on ${s.table} begin
       delete from search_entries where ${where('old')};
     end`,
    ...refresh,
  ]
}

function postgresTriggers(s: SearchSource): string[] {
  return [
    `create or replace function search_sync_${s.type}() returns trigger language plpgsql as $$
     begin
       if tg_op = 'DELETE' then
         delete from search_entries where record_type = '${s.type}' and record_id = old.id;
         return old;
       end if;
       insert into search_entries (${ENTRY_COLUMNS}) values (${entryValues(s, 'new')})
         on conflict (record_type, record_id) do update set ${entrySet(s, 'new')};
       return new;
     end $$`,
    `create trigger search_${s.type} after insert or update or delete on ${s.table}
       for each row execute function search_sync_${s.type}()`,
    ...(s.reads
      ? [
          `create or replace function search_reads_${s.type}() returns trigger language plpgsql as $$
           begin
             ${rewriteReferring(s, s.reads)};
             return new;
           end $$`,
          `create trigger search_reads_${s.type} after update on ${s.reads.table}
             for each row execute function search_reads_${s.type}()`,
        ]
      : []),
  ]
}

function dropTriggers(db: Kysely<unknown>, s: SearchSource): string[] {
  if (isPostgres(db))
    return [
      `drop trigger if exists search_${s.type} on ${s.table}`,
      `drop function if exists search_sync_${s.type}()`,
      ...(s.reads
        ? [
            `drop trigger if exists search_reads_${s.type} on ${s.reads.table}`,
            `drop function if exists search_reads_${s.type}()`,
          ]
        : []),
    ]
  return ['insert', 'update', 'delete', 'reads'].map((op) => `drop trigger if exists search_${s.type}_${op}`)
}

async function run(db: Kysely<unknown>, statements: string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db)
}

function sourcesOf(types: readonly string[]): SearchSource[] {
  return types.map((type) => {
    const source = SEARCH_SOURCES.find((s) => s.type === type)
    if (!source) throw new Error(`No search source of type ${type}`)
    return source
  })
}

/** Creates `search_entries` and the dialect's full-text index over it. */
export async function createSearchIndex(db: Kysely<unknown>): Promise<void> {
  await idColumn(db, db.schema.createTable('search_entries'))
    .addColumn('organisation_id', 'integer', (c) =>
      c.notNull().references('organisations.id').onDelete('cascade'),
    )
    .addColumn('record_type', 'text', (c) => c.notNull())
    .addColumn('record_id', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('project_id', 'integer')
    .addColumn('programme_id', 'integer')
    .addColumn('visibility', 'text', (c) => c.notNull())
    .addUniqueConstraint('search_entries_record', ['record_type', 'record_id'])
    .execute()
  await db.schema
    .createIndex('search_entries_organisation')
    .on('search_entries')
    .columns(['organisation_id', 'record_type'])
    .execute()
  if (isPostgres(db)) {
    await run(db, [
      `create index search_entries_document on search_entries using gin (${searchDocument('')})`,
    ])
    return
  }
  await run(db, [
    `create virtual table search_fts using fts5(title, body, content = 'search_entries', content_rowid = 'id',
       tokenize = 'unicode61 remove_diacritics 0')`,
    `insert into search_fts (search_fts, rank) values ('secure-delete', 1)`,
    `create trigger search_entries_insert after insert on search_entries begin
       insert into search_fts (rowid, title, body) values (new.id, new.title, new.body);
     end`,
    `create trigger search_entries_delete after delete on search_entries begin
       insert into search_fts (search_fts, rowid, title, body) values ('delete', old.id, old.title, old.body);
     end`,
    `create trigger search_entries_update after update of title, body on search_entries begin
       insert into search_fts (search_fts, rowid, title, body) values ('delete', old.id, old.title, old.body);
       insert into search_fts (rowid, title, body) values (new.id, new.title, new.body);
     end`,
  ])
}

/**
 * Installs (or reinstalls, after a source's definition changed) the triggers of these sources and indexes
 * their existing rows. Call it from a migration, after `createSearchIndex` and the sources' tables.
 */
export async function installSearchSources(db: Kysely<unknown>, types: readonly string[]): Promise<void> {
  for (const source of sourcesOf(types)) {
    await run(db, dropTriggers(db, source))
    await run(db, [`delete from search_entries where record_type = '${source.type}'`])
    await run(db, isPostgres(db) ? postgresTriggers(source) : sqliteTriggers(source))
    await run(db, [
      `insert into search_entries (${ENTRY_COLUMNS}) select ${entryValues(source, 'r')} from ${source.table} r`,
    ])
  }
}

/** Removes the sources' triggers and entries (a migration's `down`). */
export async function uninstallSearchSources(db: Kysely<unknown>, types: readonly string[]): Promise<void> {
  for (const source of sourcesOf(types)) {
    await run(db, dropTriggers(db, source))
    await run(db, [`delete from search_entries where record_type = '${source.type}'`])
  }
}

/** Drops the index and `search_entries` (a migration's `down`, after uninstalling every source). */
export async function dropSearchIndex(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) await run(db, ['drop table if exists search_fts'])
  await db.schema.dropTable('search_entries').ifExists().execute()
}
