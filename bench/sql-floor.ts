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

/**
 * The house floor for a request (bench/floor.ts does the same for the project list): a bare Fastify route,
 * no plugins, that runs the captured SQL straight through the driver and sends the rows as JSON, so timing it
 * over HTTP the way the real request is timed leaves only what Oversight adds beyond the database and HTTP.
 * Read-only queries only (each request runs them as they are). Answers the route's address and its close.
 */
export async function serveReplay(
  database: Database,
  queries: readonly CompiledQuery[],
  opts: { url?: string } = {},
): Promise<{ href: string; close: () => Promise<void> }> {
  const { default: Fastify } = await import('fastify')
  const handle = database.sqlite
  const statements = handle
    ? queries.map((q) => ({ stmt: handle.prepare(q.sql), params: q.parameters as unknown[] }))
    : []
  if (!handle && !opts.url) throw new Error('the floor on PostgreSQL needs the database URL')
  const pool = handle ? null : new pg.Pool({ connectionString: opts.url, max: 2 })
  const app = Fastify({ logger: false })
  app.get('/floor', async () => {
    if (pool) {
      const out: unknown[][] = []
      for (const q of queries)
        out.push((await pool.query(q.sql, q.parameters as unknown[])).rows as unknown[])
      return { results: out }
    }
    return { results: statements.map(({ stmt, params }) => stmt.all(...params)) }
  })
  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  return {
    href: `${address}/floor`,
    close: async () => {
      await app.close()
      await pool?.end()
    },
  }
}
