import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import { openDatabase, type Database } from '../../src/db/database.ts'
import { createTestDatabase } from './database.ts'

export interface TwoInstances {
  /** Two apps, each with its own connection pool, on one database: two instances behind a load balancer. */
  apps: [FastifyInstance, FastifyInstance]
  /** The pool of each instance, in the same order. */
  databases: [Database, Database]
  close(): Promise<void>
}

/** Two instances of the app on one fresh test database (PostgreSQL: SQLite is one process's file). */
export async function twoInstances(): Promise<TwoInstances> {
  const first = await createTestDatabase()
  const second = openDatabase(first.config, { poolSize: 5 })
  const config = loadConfig({ NODE_ENV: 'test', DEMO: 'false', LOG_LEVEL: 'silent' })
  const apps: FastifyInstance[] = []
  for (const database of [first.database, second]) {
    const app = await buildApp({ config, database })
    await app.ready()
    apps.push(app)
  }
  return {
    apps: apps as [FastifyInstance, FastifyInstance],
    databases: [first.database, second],
    close: async () => {
      for (const app of apps) await app.close()
      await second.close()
      await first.drop()
    },
  }
}
