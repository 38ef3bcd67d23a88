import { PostgresAdapter, type CreateTableBuilder, type Kysely } from 'kysely'

export function isPostgres(db: Kysely<unknown>): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter
}

/**
 * An integer surrogate key on both dialects: an identity column on PostgreSQL, an AUTOINCREMENT rowid on
 * SQLite (so a deleted row's id is never handed to a new record, which would confuse the audit trail).
 */
export function idColumn<T extends string>(
  db: Kysely<unknown>,
  builder: CreateTableBuilder<T, never>,
): CreateTableBuilder<T, 'id'> {
  return isPostgres(db)
    ? builder.addColumn('id', 'integer', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    : builder.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
}
