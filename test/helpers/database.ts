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
    const name = `oversight_t_${randomBytes(6).toString('hex')}`
    const admin = new pg.Client({ connectionString: url })
    await admin.connect()
    await admin.query(`create database ${name}`)
    await admin.end()
    const u = new URL(url)
    u.pathname = `/${name}`
    const config: DatabaseConfig = { dialect: 'postgres', url: u.toString() }
    const database = openDatabase(config, { poolSize: 5 })
    await migrateToLatest(database)
    return {
      database,
      config,
      drop: async () => {
        await database.close()
        const c = new pg.Client({ connectionString: url })
        await c.connect()
        await c.query(`drop database if exists ${name} with (force)`)
        await c.end()
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

export const dialectName = (): string => (process.env.TEST_DATABASE_URL ? 'postgres' : 'sqlite')
