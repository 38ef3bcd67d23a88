/**
 * The proxy's cost and the second instance's gain (issue 14): the demo's project list API measured with
 * autocannon straight at one instance, through nginx with one instance, and through nginx with two, all on
 * PostgreSQL through pgbouncer in transaction mode (deploy/local/stack.mjs). Every run must answer 2xx only.
 *
 *   npx tsx bench/proxy.ts [--duration 20] [--connections 16] [--quick]
 *
 * ADMIN_DATABASE_URL names a PostgreSQL role that may create databases (default the CI server's). On a
 * two-core machine expect no gain from the second instance: the figures show the proxy's cost. The last column
 * counts the connections nginx closed (keepalive_requests) and the load generator opened again, as a browser does.
 */
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import type * as StackTypes from '../deploy/local/stack.mjs'
import { openDatabase } from '../src/db/database.ts'
import { createTokensService } from '../src/modules/tokens/tokens.service.ts'
import { projectRoot } from '../src/paths.ts'
import { serverNodeFlags } from '../scripts/node-flags.mjs'

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '20' },
    connections: { type: 'string', default: '16' },
    // A smoke run: proves the bench works, measures nothing worth recording.
    quick: { type: 'boolean', default: false },
  },
})
const DURATION = values.quick ? 1 : Number(values.duration)
const CONNECTIONS = values.quick ? 2 : Number(values.connections)
const ADMIN_URL =
  process.env.ADMIN_DATABASE_URL ?? 'postgres://oversight_ci:oversight_ci@127.0.0.1:5432/postgres'
const PATH = '/api/v1/projects?limit=50'

const { startStack } = (await import(
  pathToFileURL(path.join(projectRoot(), 'deploy', 'local', 'stack.mjs')).href
)) as typeof StackTypes

function log(line: string) {
  process.stderr.write(`${line}\n`)
}

/**
 * nginx closes a client connection after 1,000 requests (`keepalive_requests`, its default), saying so with
 * `Connection: close` on the last answer. A browser, or any HTTP/1.1 client (RFC 9112 §9.6), sends its next
 * request on a new connection; autocannon 8 writes it on the closing one at once, meets nginx's reset and counts
 * an error (4 and 7 resets in 10 s runs of 2,400 and 3,600 req/s through nginx with one instance, none with this).
 * Each client here opens a new connection after such an answer instead. It reaches into autocannon's client
 * (package-lock pins 8.0.0): if those internals change, this says so rather than measuring wrongly.
 */
interface CannonClient {
  on(event: 'headers', listener: (response: { headers: string[] }) => void): void
  _doRequest?: (...args: unknown[]) => unknown
  _resetConnection?: () => unknown
}
function honourConnectionClose(counted: { closes: number }) {
  return (client: autocannon.Client) => {
    const c = client as unknown as CannonClient
    const send = c._doRequest
    const reconnect = c._resetConnection
    if (typeof send !== 'function' || typeof reconnect !== 'function')
      throw new Error('autocannon changed: its client has no _doRequest or _resetConnection to wrap')
    let closing = false
    c.on('headers', ({ headers }) => {
      for (let i = 0; i < headers.length; i += 2)
        if (headers[i]?.toLowerCase() === 'connection' && /\bclose\b/i.test(headers[i + 1] ?? '')) {
          closing = true
          counted.closes++
        }
    })
    // Called when an answer is complete, to send the next request; _resetConnection connects anew and sends it.
    c._doRequest = function (this: CannonClient, ...args: unknown[]) {
      if (!closing) return send.apply(this, args)
      closing = false
      return reconnect.call(this)
    }
  }
}

async function load(url: string, headers: Record<string, string>) {
  const counted = { closes: 0 }
  const options = { url, connections: CONNECTIONS, headers, pipelining: 1 }
  if (!values.quick)
    await autocannon({ ...options, duration: 2, setupClient: honourConnectionClose({ closes: 0 }) }) // warm-up
  const r = await autocannon({ ...options, duration: DURATION, setupClient: honourConnectionClose(counted) })
  if (r.non2xx > 0 || r.errors > 0)
    throw new Error(`${url}: ${r.non2xx} non-2xx responses, ${r.errors} errors (${r.timeouts} timeouts)`)
  return {
    reqPerSec: Math.round(r.requests.average),
    p50: r.latency.p50,
    p99: r.latency.p99,
    closes: counted.closes,
  }
}

/** A bearer token for the demo's administrator, made straight in the database. */
async function demoToken(directUrl: string): Promise<string> {
  const database = openDatabase({ dialect: 'postgres', url: directUrl }, { poolSize: 1 })
  try {
    const who = await database.db
      .selectFrom('users')
      .innerJoin('memberships', 'memberships.user_id', 'users.id')
      .select(['users.id as userId', 'memberships.organisation_id as organisationId'])
      .where('users.email', '=', 'admin@demo.oversight.test')
      .executeTakeFirstOrThrow()
    return (await createTokensService(database.db).create(who.organisationId, who.userId, 'bench/proxy.ts'))
      .token
  } finally {
    await database.close()
  }
}

const database = `oversight_bench_proxy_${process.pid}`
const rows: Array<{ setup: string; reqPerSec: number; p50: number; p99: number; closes: number }> = []
const env = { DEMO: 'true', DEMO_PASSWORD: 'bench proxy demo password 2026' }
// The V8 settings `npm start` runs the server with, so that what is measured is what runs.
const serverArgs = [
  ...serverNodeFlags({ ...process.env, DATABASE_URL: ADMIN_URL }),
  '--import',
  'tsx',
  'src/server.ts',
]
let dropped = false
try {
  log('Starting nginx → 2 instances → pgbouncer → PostgreSQL (the demo data)…')
  const two = await startStack({ adminUrl: ADMIN_URL, instances: 2, database, env, serverArgs })
  const headers = { authorization: `Bearer ${await demoToken(two.directUrl)}`, accept: 'application/json' }
  try {
    const [first] = two.instances
    if (!first) throw new Error('no instance')
    rows.push({ setup: 'one instance, direct', ...(await load(`${first.url}${PATH}`, headers)) })
    rows.push({ setup: 'nginx, two instances', ...(await load(`${two.baseUrl}${PATH}`, headers)) })
  } finally {
    await two.stop({ dropDatabase: false })
  }
  log('Starting nginx → 1 instance on the same database…')
  const one = await startStack({ adminUrl: ADMIN_URL, instances: 1, database, env, serverArgs })
  try {
    rows.push({ setup: 'nginx, one instance', ...(await load(`${one.baseUrl}${PATH}`, headers)) })
  } finally {
    await one.stop({ dropDatabase: true })
    dropped = true
  }
} finally {
  if (!dropped) {
    const admin = openDatabase({ dialect: 'postgres', url: ADMIN_URL }, { poolSize: 1 })
    const { sql } = await import('kysely')
    await sql`drop database if exists ${sql.id(database)} with (force)`
      .execute(admin.db)
      .catch(() => undefined)
    await admin.close()
  }
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
process.stdout.write(
  [
    `GET ${PATH} (bearer token), ${CONNECTIONS} connections, ${DURATION} s, ${os.cpus().length} × ${cpu}, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, load average ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}${values.quick ? ' (--quick: not a measurement)' : ''}`,
    '',
    '| Setup | req/s | p50 ms | p99 ms | connections closed by the server |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...rows.map((r) => `| ${r.setup} | ${r.reqPerSec} | ${r.p50} | ${r.p99} | ${r.closes} |`),
    '',
  ].join('\n'),
)
