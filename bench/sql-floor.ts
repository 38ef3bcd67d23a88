/**
 * A floor for benchmarks of in-process work (the health check, the tolerance sweep, the finance summary):
 * the very SQL that work runs, captured while it runs once, then replayed straight through the driver —
 * better-sqlite3 statements or a pg client — with no query building, no rules, no shaping of results.
 * The ratio of the two is the cost of everything Oversight does beyond asking the database.
 */
import { performance } from 'node:perf_hooks'
import type {
  CompiledQuery,
  Kysely,
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely'
import pg from 'pg'
import type { Database } from '../src/db/database.ts'
import type { DB } from '../src/db/schema.ts'

/** The database with a recorder on it: every query run through `database.db` is kept in `queries`. */
export function recording(database: Database): { database: Database; queries: CompiledQuery[] } {
  const queries: CompiledQuery[] = []
  const plugin: KyselyPlugin = {
    transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
      // Compiled by the base executor (no plugins), so what is kept is what the driver is sent.
      queries.push(database.db.getExecutor().compileQuery(args.node, args.queryId))
      return args.node
    },
    transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
      return Promise.resolve(args.result)
    },
  }
  const db: Kysely<DB> = database.db.withPlugin(plugin)
  return { database: { ...database, db }, queries }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/**
 * Replays the queries `runs` times (after one warm-up) inside a transaction that is rolled back, so a
 * write among them changes nothing; answers the median time of one full replay, in milliseconds.
 */
export async function replay(
  database: Database,
  queries: readonly CompiledQuery[],
  opts: { runs: number; url?: string },
): Promise<number> {
  const samples: number[] = []
  if (database.sqlite) {
    const handle = database.sqlite
    const statements = queries.map((q) => ({
      stmt: handle.prepare(q.sql),
      params: q.parameters as unknown[],
    }))
    for (let i = 0; i <= opts.runs; i++) {
      handle.exec('begin')
      const start = performance.now()
      for (const { stmt, params } of statements) {
        if (stmt.reader) stmt.all(...params)
        else stmt.run(...params)
      }
      const ms = performance.now() - start
      handle.exec('rollback')
      if (i > 0) samples.push(ms)
    }
    return median(samples)
  }
  if (!opts.url) throw new Error('replay on PostgreSQL needs the database URL')
  const client = new pg.Client({ connectionString: opts.url })
  await client.connect()
  try {
    for (let i = 0; i <= opts.runs; i++) {
      await client.query('begin')
      const start = performance.now()
      for (const q of queries) await client.query(q.sql, q.parameters as unknown[])
      const ms = performance.now() - start
      await client.query('rollback')
      if (i > 0) samples.push(ms)
    }
  } finally {
    await client.end()
  }
  return median(samples)
}
