/**
 * What a remembered page costs in CPU, W1 against W100 (issue 14): the server process's and its PostgreSQL
 * backends' CPU time a request (from /proc), under the same spread load as bench/w100.ts (16 connections taking
 * turns among W100's first 20 organisations, or W1's one reader). CPU time a request moves far less than latency
 * on a shared machine, so it says which side a difference in bench/w100.ts comes from. Cache on; W1 and W100
 * alternate, `--rounds` times over.
 *   npx tsx bench/w100-cpu.ts --url postgres://…/w100_bench [--w1-url postgres://…/w1_bench] [--page dashboard|list]
 *     [--rounds 2 --duration 5 --skip-build]
 * Run bench/w100.ts first: it builds W1 (w1_bench beside the W100 database); this adds an API token to it.
 * DATABASE_PREPARED_STATEMENTS=true in the environment measures both with named prepared statements.
 */
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import pg from 'pg'
import { openDatabase } from '../src/db/database.ts'
import { BENCH_EMAIL, BENCH_PASSWORD } from './generate.ts'
import { w100Email, w100Token } from './generate-w100.ts'
import {
  benchToken,
  build,
  cpuMs,
  log,
  machine,
  pinLoadGenerator,
  siblingDatabase,
  signIn,
  startServer,
  stopServer,
} from './harness.ts'

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.W100_DATABASE_URL ?? '' },
    'w1-url': { type: 'string' },
    page: { type: 'string', default: 'dashboard' },
    orgs: { type: 'string', default: '20' },
    rounds: { type: 'string', default: '2' },
    duration: { type: 'string', default: '5' },
    'skip-build': { type: 'boolean', default: false },
  },
})
const PORT = 3233
const CONNECTIONS = 16

async function w1TokenOf(url: string): Promise<string> {
  const database = openDatabase({ dialect: 'postgres', url })
  try {
    return await benchToken(database, 'benchmark')
  } finally {
    await database.close()
  }
}

/** The PostgreSQL backends serving `database`, other than the asker's own. */
async function backendsOf(url: string, database: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rows } = await client.query<{ pid: number }>(
      'select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [database],
    )
    return rows.map((r) => r.pid)
  } finally {
    await client.end()
  }
}

const cpuOf = (pids: number[]) =>
  pids.reduce((sum, pid) => {
    try {
      return sum + cpuMs(pid)
    } catch {
      return sum // a backend that has gone
    }
  }, 0)

/** `CONNECTIONS` connections taking turns among `headers` (as bench/harness.ts spreadLoad does). */
function spread(url: string, headers: Record<string, string>[], duration: number) {
  let next = 0
  return autocannon({
    url,
    connections: CONNECTIONS,
    duration,
    setupClient(client) {
      let turn = next++ % headers.length
      client.setHeaders(headers[turn])
      client.on('response', () => {
        turn = (turn + 1) % headers.length
        client.setHeaders(headers[turn])
      })
    },
  })
}

async function measure(url: string, w100: boolean, orgs: number, w1Token: string) {
  const app = await startServer(PORT, { DATABASE_URL: url, MAX_EVENT_LOOP_DELAY_MS: '0' })
  try {
    const base = `http://127.0.0.1:${PORT}`
    const headers: Record<string, string>[] = []
    for (let org = 1; org <= (w100 ? orgs : 1); org++) {
      if (values.page === 'list') headers.push({ authorization: `Bearer ${w100 ? w100Token(org) : w1Token}` })
      else
        headers.push({
          accept: 'text/html',
          cookie: await signIn(base, w100 ? w100Email(org) : BENCH_EMAIL, BENCH_PASSWORD),
        })
    }
    const page = `${base}${values.page === 'list' ? '/api/v1/projects?limit=100' : '/'}`
    for (const h of headers) {
      const res = await fetch(page, { headers: h })
      if (res.status !== 200) throw new Error(`${page} answered ${res.status}`)
      await res.arrayBuffer()
    }
    await spread(page, headers, 2)
    const backends = await backendsOf(url, new URL(url).pathname.slice(1))
    const server0 = cpuMs(app.pid!)
    const pg0 = cpuOf(backends)
    const r = await spread(page, headers, Number(values.duration))
    if (r.non2xx + r.errors > 0) throw new Error(`${page}: ${r.non2xx} non-2xx answers, ${r.errors} errors`)
    const n = r.requests.total
    return {
      requests: n,
      serverUs: Math.round(((cpuMs(app.pid!) - server0) * 1000) / n),
      postgresUs: Math.round(((cpuOf(backends) - pg0) * 1000) / n),
      backends: backends.length,
    }
  } finally {
    await stopServer(app)
  }
}

async function main() {
  const url = values.url
  if (!url.startsWith('postgres')) throw new Error('Name the W100 database: --url postgres://…/w100_bench')
  if (values.page !== 'list' && values.page !== 'dashboard') throw new Error('--page is dashboard or list')
  const w1Url = values['w1-url'] ?? siblingDatabase(url, 'w1_bench')
  if (!values['skip-build']) build()
  pinLoadGenerator()
  const w1Token = await w1TokenOf(w1Url)
  const orgs = Number(values.orgs)
  const prepared = process.env.DATABASE_PREPARED_STATEMENTS === 'true'
  log(`${values.page}, cache on, ${prepared ? 'prepared statements' : 'unprepared'}: CPU time a request`)
  const rounds = []
  for (let i = 1; i <= Number(values.rounds); i++) {
    for (const [name, dbUrl] of [
      ['W1', w1Url],
      ['W100', url],
    ] as const) {
      const m = await measure(dbUrl, name === 'W100', orgs, w1Token)
      rounds.push({ round: i, database: name, ...m, loadAverage: machine().loadAverage })
      log(
        `  round ${i} ${name.padEnd(4)} ${String(m.requests).padStart(6)} requests: server ${m.serverUs} µs, PostgreSQL ${m.postgresUs} µs (${m.backends} backends); load ${machine().loadAverage.join(' ')}`,
      )
    }
  }
  process.stdout.write(
    `${JSON.stringify({ benchmark: 'w100-cpu', date: new Date().toISOString(), machine: machine(), page: values.page, prepared, organisations: orgs, connections: CONNECTIONS, rounds })}\n`,
  )
}

main().catch((err: unknown) => {
  process.stderr.write(`Benchmark failed: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
