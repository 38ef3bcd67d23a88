import { mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import SQLite from 'better-sqlite3'
import { Kysely, PostgresAdapter, PostgresDialect, SqliteDialect, sql, type PostgresPool } from 'kysely'
import type pg from 'pg'
import type { DatabaseConfig } from '../config.ts'
import { preparedStatementsPool } from './prepared-statements.ts'
import { rowSecurityPool } from './row-security.ts'
import type { DB } from './schema.ts'

export type Dialect = 'sqlite' | 'postgres'

export interface Database {
  readonly db: Kysely<DB>
  readonly dialect: Dialect
  /** The raw SQLite handle, for the online backup; null on PostgreSQL. */
  readonly sqlite: SQLite.Database | null
  ping(): Promise<boolean>
  /** The PostgreSQL pool's connections now (for /metrics); null on SQLite, which has one connection. */
  poolStats(): { total: number; idle: number; waiting: number } | null
  close(): Promise<void>
}

/**
 * The PostgreSQL driver, loaded when a PostgreSQL database is first opened: a process on SQLite never uses it,
 * and it held about 4 MB of heap. PostgreSQL returns bigint (int8) and COUNT(*) as strings; our integers
 * (pence, counts) fit in 2^53.
 */
let driver: typeof pg | null = null
function postgresDriver(): typeof pg {
  if (driver) return driver
  const loaded = createRequire(import.meta.url)('pg') as typeof pg
  loaded.types.setTypeParser(loaded.types.builtins.INT8, (v) => Number(v))
  loaded.types.setTypeParser(loaded.types.builtins.NUMERIC, (v) => Number(v))
  return (driver = loaded)
}

const STATEMENT_CACHE_SIZE = 500

/**
 * Kysely prepares every query afresh; better-sqlite3 statements are reusable, and preparing was a
 * measurable share of a list request (bench/run.ts). Kysely runs one query at a time per connection
 * (its SQLite driver holds a mutex, also while streaming), so a cached statement is never used twice at once.
 */
function withStatementCache(handle: SQLite.Database) {
  const cache = new Map<string, SQLite.Statement>()
  return {
    close: () => handle.close(),
    prepare(sql: string) {
      let stmt = cache.get(sql)
      if (!stmt) {
        stmt = handle.prepare(sql)
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!)
        cache.set(sql, stmt)
      }
      return stmt
    },
  }
}

/**
 * Kysely's PostgreSQL migration lock is a session advisory lock taken and released outside the migrations'
 * transaction. Through pgbouncer in transaction mode (docs/deployment.md) each of those statements may reach a
 * different server connection, so two instances starting at once both migrated, or the lock stayed held on a
 * pooled connection and the next instance to start waited on it. migrate.ts runs the migrations in one
 * transaction that first takes a transaction-scoped lock instead, so Kysely's own is not taken.
 */
class TransactionScopedMigrationLock extends PostgresAdapter {
  override async acquireMigrationLock(): Promise<void> {}
  override async releaseMigrationLock(): Promise<void> {}
}

class OversightPostgresDialect extends PostgresDialect {
  override createAdapter(): PostgresAdapter {
    return new TransactionScopedMigrationLock()
  }
}

/** The driver's pool as the app uses it: statements named (if asked), then row security's settings around them. */
function wrapPool(
  pool: PostgresPool,
  opts: { rowSecurity?: boolean; preparedStatements?: boolean },
): PostgresPool {
  const named = opts.preparedStatements ? preparedStatementsPool(pool) : pool
  return opts.rowSecurity ? rowSecurityPool(named) : named
}

/**
 * `rowSecurity`: the connection is the app's restricted role (DATABASE_APP_URL), and each transaction names
 * its organisation for PostgreSQL's row-level security (row-security.ts). Without it (the owner, SQLite) no
 * statement is added. `preparedStatements` (DATABASE_PREPARED_STATEMENTS): prepared-statements.ts.
 */
export function openDatabase(
  config: DatabaseConfig,
  opts: { poolSize?: number; rowSecurity?: boolean; preparedStatements?: boolean } = {},
): Database {
  if (config.dialect === 'sqlite') {
    if (config.file !== ':memory:') mkdirSync(path.dirname(config.file), { recursive: true })
    const handle = new SQLite(config.file)
    // WAL lets readers carry on while a write commits; foreign keys are off by default in SQLite.
    handle.pragma('journal_mode = WAL')
    handle.pragma('foreign_keys = ON')
    handle.pragma('busy_timeout = 5000')
    handle.pragma('synchronous = NORMAL')
    const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: withStatementCache(handle) }) })
    return {
      db,
      dialect: 'sqlite',
      sqlite: handle,
      async ping() {
        try {
          await sql`select 1`.execute(db)
          return true
        } catch {
          return false
        }
      },
      poolStats: () => null,
      async close() {
        await db.destroy()
      },
    }
  }
  const pool = new (postgresDriver().Pool)({
    connectionString: config.url,
    max: opts.poolSize ?? 10,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30000,
  })
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined)
  const db = new Kysely<DB>({
    dialect: new OversightPostgresDialect({ pool: wrapPool(pool, opts) }),
  })
  return {
    db,
    dialect: 'postgres',
    sqlite: null,
    async ping() {
      try {
        await sql`select 1`.execute(db)
        return true
      } catch {
        return false
      }
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    async close() {
      await db.destroy()
    },
  }
}
