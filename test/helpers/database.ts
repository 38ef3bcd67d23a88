import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import type { DatabaseConfig } from '../../src/config.ts'
import { openDatabase, type Database } from '../../src/db/database.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'

/**
 * A fresh, migrated database for one test file: a SQLite file in a temp folder, or, when
 * TEST_DATABASE_URL names a PostgreSQL server, a new database created on it (and dropped afterwards).
 */
export async function createTestDatabase(): Promise<{
  database: Database
  config: DatabaseConfig
  drop: () => Promise<void>
}> {
  const url = process.env.TEST_DATABASE_URL
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    const { name, url: databaseUrl } = await createPostgresDatabase(url, 'oversight_t')
    const config: DatabaseConfig = { dialect: 'postgres', url: databaseUrl }
    const database = openDatabase(config, { poolSize: 5 })
    await migrateToLatest(database)
    return {
      database,
      config,
      drop: async () => {
        await database.close()
        await dropDatabase(url, name)
      },
    }
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'oversight-test-'))
  const config: DatabaseConfig = { dialect: 'sqlite', file: path.join(dir, 'test.sqlite') }
  const database = openDatabase(config)
  await migrateToLatest(database)
  return {
    database,
    config,
    drop: async () => {
      await database.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** Creates an empty PostgreSQL database on the server `adminUrl` names, returning its name and URL. */
export async function createPostgresDatabase(
  adminUrl: string,
  prefix: string,
): Promise<{ name: string; url: string }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`
  const c = new pg.Client({ connectionString: adminUrl })
  await c.connect()
  try {
    await c.query(`create database ${name}`)
  } finally {
    await c.end()
  }
  const u = new URL(adminUrl)
  u.pathname = `/${name}`
  return { name, url: u.toString() }
}

/**
 * Drops a test database. Our own pool is closed by now, so a plain DROP works unless an autovacuum
 * worker is still on it; PostgreSQL stops those itself, so a short retry is enough. DROP … WITH
 * (FORCE) is not used: it refuses to end a backend of another role (autovacuum included) unless the
 * caller holds pg_signal_backend. The client is always ended, so a failure never leaves a socket
 * holding the test process open.
 */
export async function dropDatabase(url: string, name: string): Promise<void> {
  const c = new pg.Client({ connectionString: url })
  await c.connect()
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await c.query(`drop database if exists ${name}`)
        return
      } catch (error) {
        if (attempt >= 40) throw error
        await new Promise((resolve) => setTimeout(resolve, 250))
      }
    }
  } finally {
    await c.end()
  }
}

export const dialectName = (): string => (process.env.TEST_DATABASE_URL ? 'postgres' : 'sqlite')
