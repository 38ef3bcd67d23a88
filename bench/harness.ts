/**
 * What the server benchmarks share (bench/run.ts, bench/w100.ts, bench/pg-vs-sqlite.ts, bench/public.ts,
 * bench/open-data.ts): building, starting the dist server or a floor on the server cores, signing in, loading
 * pages with autocannon, and reading a process's memory and CPU from /proc.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { copyFileSync, existsSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import autocannon from 'autocannon'
import { sql } from 'kysely'
import { serverNodeFlags } from '../scripts/node-flags.mjs'
import type { DatabaseConfig } from '../src/config.ts'
import { openDatabase, type Database } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { createTokensService } from '../src/modules/tokens/tokens.service.ts'
import { projectRoot } from '../src/paths.ts'
import { BENCH_EMAIL, generateW1 } from './generate.ts'
import { createDatabase } from './generate-w100.ts'

export const root = projectRoot()
export const out = path.join(root, 'bench', 'out')

/** `taskset -c CPUS` before a command where the machine has cores to spare, so the servers keep off the generator's. */
const cores = os.cpus().length
export const pinned = cores >= 2 && spawnSync('taskset', ['-V']).status === 0
export const serverCpus = pinned ? `0-${cores - 2}` : null
export function onServerCores(command: string, args: string[]): [string, string[]] {
  return serverCpus ? ['taskset', ['-c', serverCpus, command, ...args]] : [command, args]
}

/** Puts every thread of this process (the load generator) on the last core, off the servers'. */
export function pinLoadGenerator(): void {
  if (!pinned) return
  spawnSync('taskset', ['-a', '-cp', String(cores - 1), String(process.pid)], { stdio: 'ignore' })
  log(`Load generator on core ${cores - 1}, servers on cores ${serverCpus}`)
}

export function machine() {
  return {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model ?? '',
    memoryGb: Math.round(os.totalmem() / 2 ** 30),
    node: process.version,
    loadAverage: os.loadavg().map((l) => Math.round(l * 10) / 10),
  }
}

export function log(line: string) {
  process.stderr.write(`${line}\n`)
}

/** Builds dist/; with `skipIfBuilt`, not when it is already there (a --skip-build run). */
export function build(skipIfBuilt = false): void {
  if (skipIfBuilt && existsSync(path.join(root, 'dist', 'src', 'server.js'))) return
  log('Building…')
  const b = spawnSync('npm', ['run', '--silent', 'build'], { cwd: root, stdio: 'inherit' })
  if (b.status !== 0) throw new Error('build failed')
}

export async function waitFor200(url: string, timeoutMs: number): Promise<number> {
  const started = performance.now()
  for (;;) {
    try {
      const res = await fetch(url)
      if (res.status === 200) return performance.now() - started
    } catch {
      // not listening yet
    }
    if (performance.now() - started > timeoutMs)
      throw new Error(`${url} did not answer 200 within ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** The built server (dist/) on the server cores, as `npm start` runs it, answering /health. */
export async function startServer(port: number, env: Record<string, string>): Promise<ChildProcess> {
  const app = spawn(
    ...onServerCores(process.execPath, [
      ...serverNodeFlags({ ...process.env, ...env }),
      path.join(root, 'dist', 'src', 'server.js'),
    ]),
    {
      cwd: root,
      env: {
        ...process.env,
        DEMO: 'false',
        LOG_LEVEL: 'warn',
        NODE_ENV: 'production',
        SCHEDULER: 'false',
        SESSION_SECRET: 'b'.repeat(64),
        ...env,
        PORT: String(port),
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  )
  await waitFor200(`http://127.0.0.1:${port}/health`, 30_000)
  return app
}

export async function stopServer(app: ChildProcess): Promise<void> {
  if (app.exitCode !== null) return
  const exited = new Promise((r) => app.once('exit', r))
  app.kill('SIGTERM')
  await exited
}

export function rssMb(pid: number): number {
  return procMb(pid, 'VmRSS')
}

/**
 * One request per reader, one at a time, before the warm-up: the first view of a page is computed once and
 * remembered, rather than by every connection at once while the warm-up runs out.
 */
async function prime(url: string, headers: Record<string, string>[]) {
  for (const h of headers) {
    const res = await fetch(url, { headers: h })
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`)
    await res.arrayBuffer()
  }
}

/**
 * Requests answered a second over the whole run. Under 100 a second it keeps one decimal: the computed dashboard
 * answers 5–7 a second, and rounded to whole numbers its PostgreSQL ÷ SQLite ratio moved by a sixth (5 ÷ 6 or
 * 5 ÷ 7) between runs whose answers differed by a few percent.
 */
function ratePerSecond(r: autocannon.Result): number {
  const perSecond = r.requests.total / r.duration
  return perSecond < 100 ? Math.round(perSecond * 10) / 10 : Math.round(perSecond)
}

export interface LoadResult {
  reqPerSec: number
  p50: number
  p99: number
  peakRssMb: number
}

/**
 * One URL under `connections` connections for `duration` seconds, after a 2 s warm-up that is not counted
 * (`warm: false`, for a later round of a URL already warmed, goes straight to the measurement).
 */
export async function load(
  url: string,
  headers: Record<string, string>,
  opts: {
    connections: number
    duration: number
    /**
     * A page that takes seconds to answer is measured by count: `amount` answers (as many from each connection),
     * timed from the first request to the last answer, and warmed by one answer a connection. In a window of
     * `duration` seconds, 16 computed dashboards of 2–3 s each answer in step, so the count moves by 16 at a time,
     * and the answers still being computed when the window closes are work done but not counted.
     */
    amount?: number
    watchPid?: number
    warm?: boolean
    timeoutS?: number
  },
): Promise<LoadResult> {
  // autocannon counts an answer slower than `timeout` (10 s unless given) as an error.
  const timeout = opts.timeoutS ?? 10
  const { connections, amount } = opts
  if (amount !== undefined && (!Number.isInteger(amount) || amount % connections !== 0))
    throw new Error(
      `amount ${amount} is not a whole number of answers from each of ${connections} connections`,
    )
  if (opts.warm !== false) {
    await prime(url, [headers])
    const warming = amount === undefined ? { duration: 2 } : { amount: connections }
    await autocannon({ url, connections, ...warming, headers, timeout })
  }
  let peak = 0
  const pid = opts.watchPid
  const timer = pid ? setInterval(() => (peak = Math.max(peak, rssMb(pid))), 100) : null
  const r = await autocannon({
    url,
    connections,
    ...(amount === undefined ? { duration: opts.duration } : { amount }),
    headers,
    timeout,
  })
  if (timer) clearInterval(timer)
  if (r.non2xx > 0 || r.errors > 0)
    throw new Error(`${url}: ${r.non2xx} non-2xx responses, ${r.errors} errors`)
  return {
    reqPerSec: ratePerSecond(r),
    p50: r.latency.p50,
    p99: r.latency.p99,
    peakRssMb: Math.round(peak),
  }
}

export interface Reader {
  label: string
  headers: Record<string, string>
}

export interface SpreadResult {
  reqPerSec: number
  p50: number
  p99: number
  /** Answers other than 2xx (a 503 is load shedding) and failed requests: either fails a run. */
  non2xx: number
  errors: number
  /** Each reader's own requests: how many, and their latency in milliseconds. */
  readers: Record<string, { requests: number; meanMs: number; p50: number; p99: number }>
}

const quantile = (sorted: number[], q: number) =>
  Math.round((sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0) * 10) / 10

/**
 * One URL under `connections` connections that take turns among `readers` (organisations, each with its
 * own token or session): connection i starts with reader i and moves to the next reader after each answer,
 * so every reader is asked for alike whatever the number of connections. Warm-up of 2 s not counted.
 */
export async function spreadLoad(
  url: string,
  readers: readonly Reader[],
  opts: { connections: number; duration: number },
): Promise<SpreadResult> {
  const samples = new Map<string, number[]>(readers.map((r) => [r.label, []]))
  const run = (duration: number, record: boolean) => {
    let next = 0
    return autocannon({
      url,
      connections: opts.connections,
      duration,
      setupClient(client) {
        let turn = next++ % readers.length
        client.setHeaders(readers[turn]!.headers)
        client.on('response', (status: number, _bytes: number, ms: number) => {
          if (record && status === 200) samples.get(readers[turn]!.label)!.push(ms)
          turn = (turn + 1) % readers.length
          client.setHeaders(readers[turn]!.headers)
        })
      },
    })
  }
  await prime(
    url,
    readers.map((r) => r.headers),
  )
  await run(2, false)
  // Counted, not thrown: a 503 from load shedding on a busy machine is a finding of the run, not its end.
  const r = await run(opts.duration, true)
  const perReader: SpreadResult['readers'] = {}
  for (const [label, ms] of samples) {
    ms.sort((a, b) => a - b)
    perReader[label] = {
      requests: ms.length,
      meanMs: Math.round((ms.reduce((a, b) => a + b, 0) / Math.max(1, ms.length)) * 10) / 10,
      p50: quantile(ms, 0.5),
      p99: quantile(ms, 0.99),
    }
  }
  return {
    reqPerSec: ratePerSecond(r),
    p50: r.latency.p50,
    p99: r.latency.p99,
    non2xx: r.non2xx,
    errors: r.errors,
    readers: perReader,
  }
}

/** Signs in through the sign-in form, as a person would; answers the session's Cookie header. */
export async function signIn(base: string, email: string, password: string): Promise<string> {
  const jar = new Map<string, string>()
  const keep = (res: Response) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';')
      const [k, v] = pair!.split('=')
      jar.set(k!, v!)
    }
  }
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join('; ')
  const page = await fetch(`${base}/sign-in`, { headers: { accept: 'text/html' } })
  keep(page)
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? ''
  const res = await fetch(`${base}/sign-in`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie: cookie(), 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
    body: new URLSearchParams({ _csrf: csrf, email, password }).toString(),
  })
  if (res.status !== 303) throw new Error(`sign-in as ${email} failed: ${res.status}`)
  keep(res)
  return cookie()
}

/**
 * W1 ready to serve: on SQLite a copy of bench/out/w1.sqlite (built once), on PostgreSQL built afresh in the
 * database the URL names; either way migrated, with a new API token for the W1 user. Answers the token.
 */
/** A new API token for W1's benchmark user (BENCH_EMAIL), named `label`. */
export async function benchToken(database: Database, label: string): Promise<string> {
  const user = await database.db
    .selectFrom('users as u')
    .innerJoin('memberships as m', 'm.user_id', 'u.id')
    .select(['u.id', 'm.organisation_id'])
    .where('u.email', '=', BENCH_EMAIL)
    .executeTakeFirstOrThrow()
  return (await createTokensService(database.db).create(user.organisation_id, user.id, label)).token
}

export async function w1Ready(config: DatabaseConfig): Promise<string> {
  if (config.dialect === 'sqlite') {
    const w1 = path.join(root, 'bench', 'out', 'w1.sqlite')
    if (!existsSync(w1)) {
      log('Generating W1…')
      await generateW1({ dialect: 'sqlite', file: w1 })
    }
    for (const s of ['', '-wal', '-shm']) rmSync(config.file + s, { force: true })
    copyFileSync(w1, config.file)
  } else {
    log('Generating W1 on PostgreSQL…')
    createDatabase(config.url, true)
    await generateW1(config)
  }
  const database = openDatabase(config)
  try {
    // A W1 generated before a later migration is brought up to date (the server would, but the token comes first).
    await migrateToLatest(database)
    // Freshly loaded tables have no statistics until autovacuum's next round (a minute or more, and then
    // its ANALYZE runs during the measurement): the planner would guess, and the figures would move mid-run.
    // Vacuumed too: tables just filled are owed an insert-triggered autovacuum, which ran during the first
    // round of bench/pg-vs-sqlite.ts (6 December 2026).
    if (config.dialect === 'postgres') await sql`vacuum (analyze)`.execute(database.db)
    return await benchToken(database, 'benchmark')
  } finally {
    await database.close()
  }
}

/** The same server's database under another name (`…/w1_bench` beside `…/w100_bench`). */
export function siblingDatabase(url: string, name: string): string {
  const u = new URL(url)
  u.pathname = `/${name}`
  return u.toString()
}

/** The environment a benchmark's server or floor runs with, on the SQLite file given. */
export function serverEnv(file: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    DATABASE_URL: `file:${file}`,
    DEMO: 'false',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    SESSION_SECRET: 'b'.repeat(64),
  }
}

/**
 * The built server, or a floor script under tsx, on the server cores with the server's V8 settings (so a
 * ratio compares code, not GC tuning).
 */
export function startNode(
  children: ChildProcess[],
  script: string,
  env: NodeJS.ProcessEnv,
  tsx = false,
): ChildProcess {
  const args = [...serverNodeFlags(env), ...(tsx ? ['--import', 'tsx'] : []), script]
  const child = spawn(...onServerCores(process.execPath, args), {
    cwd: root,
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  children.push(child)
  return child
}

export const appScript = () => path.join(root, 'dist', 'src', 'server.js')

/** A field of /proc/PID/status in MB: VmRSS (resident now) or VmHWM (the peak since the process started). */
export function procMb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0)
  return Math.round(kb / 1024)
}

/** CPU time the process has used, user and system, in ms (/proc/PID/stat; clock ticks of 10 ms). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}
