import { randomBytes } from 'node:crypto'
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import pg from 'pg'
import type { DatabaseConfig } from '../../src/config.ts'
import { openDatabase, type Database } from '../../src/db/database.ts'
import { migrateToLatest } from '../../src/db/migrate.ts'

/**
 * A fresh, migrated database for one test file: a SQLite file in a temp folder, or, when
 * TEST_DATABASE_URL names a PostgreSQL server, a new database created on it (and dropped afterwards).
 * Under `npm test` it is a copy of the template migrated once for the run (OVERSIGHT_TEST_TEMPLATE: a
 * SQLite file, or a PostgreSQL database name); a file run on its own migrates its own.
 */
export async function createTestDatabase(): Promise<{
  database: Database
  config: DatabaseConfig
  drop: () => Promise<void>
}> {
  const url = process.env.TEST_DATABASE_URL
  const template = process.env.OVERSIGHT_TEST_TEMPLATE
  if (url && /^postgres(ql)?:\/\//.test(url)) {
    const { name, url: databaseUrl } = await createPostgresDatabase(url, 'oversight_t', template)
    const config: DatabaseConfig = { dialect: 'postgres', url: databaseUrl }
    const database = openDatabase(config, { poolSize: 5 })
    if (!template) await migrateToLatest(database)
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
  const file = path.join(dir, 'test.sqlite')
  if (template) copyFileSync(template, file)
  const config: DatabaseConfig = { dialect: 'sqlite', file }
  const database = openDatabase(config)
  if (!template) await migrateToLatest(database)
  return {
    database,
    config,
    drop: async () => {
      await database.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/**
 * Creates a PostgreSQL database on the server `adminUrl` names, empty or a copy of `template`,
 * returning its name and URL. Copying refuses while another session is connected to the template
 * (a test file's own connections never are, but a just-closed one may linger a moment): retried briefly.
 */
export async function createPostgresDatabase(
  adminUrl: string,
  prefix: string,
  template?: string,
): Promise<{ name: string; url: string }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`
  const c = new pg.Client({ connectionString: adminUrl })
  await c.connect()
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await c.query(template ? `create database ${name} template ${template}` : `create database ${name}`)
        break
      } catch (error) {
        if (!template || attempt >= 40) throw error
        await new Promise((resolve) => setTimeout(resolve, 250))
      }
    }
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
