import type { CompiledQuery } from 'kysely'
import type { Database } from '../../src/db/database.ts'

/**
 * Runs `fn` and returns the SQL of every statement the database was asked to run meanwhile: on SQLite each
 * run of a better-sqlite3 statement (Kysely's and any prepared directly), on PostgreSQL each query Kysely sends.
 * For tests that pin how many reads a request costs.
 */
export async function statementsDuring(database: Database, fn: () => Promise<unknown>): Promise<string[]> {
  const asked: string[] = []
  const sqlite = database.sqlite
  if (sqlite) {
    const proto = Object.getPrototypeOf(sqlite.prepare('select 1')) as Record<string, unknown>
    const originals = new Map<string, unknown>()
    for (const name of ['get', 'all', 'run', 'iterate']) {
      const original = proto[name] as (this: { source: string }, ...args: unknown[]) => unknown
      originals.set(name, original)
      proto[name] = function (this: { source: string }, ...args: unknown[]) {
        asked.push(this.source)
        return original.apply(this, args)
      }
    }
    try {
      await fn()
    } finally {
      for (const [name, original] of originals) proto[name] = original
    }
    return asked
  }
  const executor = database.db.getExecutor()
  const run = executor.executeQuery.bind(executor)
  Object.defineProperty(executor, 'executeQuery', {
    configurable: true,
    value: <R>(query: CompiledQuery<R>) => {
      asked.push(query.sql)
      return run(query)
    },
  })
  try {
    await fn()
  } finally {
    Reflect.deleteProperty(executor, 'executeQuery')
  }
  return asked
}
