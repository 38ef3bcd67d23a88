/**
 * Where the project list's time goes, beside the static floor's (see BENCHMARKS.md, issue 9):
 *   npm run build && npx tsx bench/profile-list.ts [--duration 10]
 * Starts the built server on a copy of W1 and the floors (bench/floor.ts), each under `node --cpu-prof`
 * and pinned to the server cores as bench/run.ts pins them, loads GET /api/v1/projects?limit=100 and the
 * static floor's same bytes with autocannon, stops both, and prints each profile's top self-time functions.
 * The profiles are left in bench/out/profiles/ (open them in Chrome DevTools).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { openDatabase } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { projectRoot } from '../src/paths.ts'
import { serverNodeFlags } from '../scripts/node-flags.mjs'
import { benchToken } from './harness.ts'

const { values } = parseArgs({
  options: { duration: { type: 'string', default: '10' }, top: { type: 'string', default: '12' } },
})
const DURATION = Number(values.duration)
const TOP = Number(values.top)
const root = projectRoot()
const out = path.join(root, 'bench', 'out')
const profiles = path.join(out, 'profiles')
const runDb = path.join(out, 'profile.sqlite')
const APP_PORT = 3211
const FLOOR_PORT = 3212

const cores = os.cpus().length
const pinned = cores >= 2 && spawnSync('taskset', ['-V']).status === 0
function onServerCores(command: string, args: string[]): [string, string[]] {
  return pinned ? ['taskset', ['-c', `0-${cores - 2}`, command, ...args]] : [command, args]
}

async function waitFor200(url: string, headers: Record<string, string> = {}): Promise<void> {
  const started = performance.now()
  for (;;) {
    try {
      if ((await fetch(url, { headers })).status === 200) return
    } catch {
      // not listening yet
    }
    if (performance.now() - started > 30_000) throw new Error(`${url} did not answer 200 within 30 s`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** The process's CPU time so far (user + system), in milliseconds. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100 // utime, stime in clock ticks (USER_HZ 100)
}

/**
 * Requests a second and the server's CPU time per request: on a machine shared with other work the
 * req/s swing, the CPU each request costs much less.
 */
async function load(url: string, headers: Record<string, string>, pid: number) {
  await autocannon({ url, connections: 16, duration: 2, headers })
  const before = cpuMs(pid)
  // V8 stamps a profile with the monotonic clock that process.hrtime reads: this marks the window.
  const from = Number(process.hrtime.bigint() / 1000n)
  const r = await autocannon({ url, connections: 16, duration: DURATION, headers })
  const to = Number(process.hrtime.bigint() / 1000n)
  const cpu = cpuMs(pid) - before
  if (r.non2xx > 0 || r.errors > 0) throw new Error(`${url}: ${r.non2xx} non-2xx, ${r.errors} errors`)
  return {
    reqPerSec: Math.round(r.requests.average),
    cpuUsPerRequest: Math.round((cpu * 1000) / r.requests.total),
    window: { from, to },
  }
}

function stopped(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  hitCount?: number
}
interface CpuProfile {
  endTime: number
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

/**
 * Self time by function (name, file and line) within the measured load (not start-up or shutdown), as
 * shares of the time not idle, largest first.
 */
function topSelf(file: string, top: number, window: { from: number; to: number }): string[] {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile
  const byNode = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map<string, number>()
  const totalDelta = profile.timeDeltas.reduce((a, b) => a + b, 0)
  let at = profile.endTime - totalDelta
  let total = 0
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0
    at += dt
    const f = byNode.get(id)!.callFrame
    if (at < window.from || at > window.to || f.functionName === '(idle)') return
    const where = f.url
      ? `${f.url.replace(/^file:\/\//, '').replace(`${root}/`, '')}:${f.lineNumber + 1}`
      : ''
    const key = `${f.functionName || '(anonymous)'} ${where}`.trim()
    self.set(key, (self.get(key) ?? 0) + dt)
    total += dt
  })
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, us]) => `${((us / total) * 100).toFixed(1).padStart(5)} %  ${k}`)
}

/** The main thread's profile: the largest (tsx's module loader thread writes one of its own). */
function mainProfile(dir: string): string {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => path.join(dir, f))
    .sort((a, b) => statSync(b).size - statSync(a).size)
  if (files.length === 0) throw new Error(`no profile in ${dir}`)
  return files[0]!
}

async function main() {
  rmSync(profiles, { recursive: true, force: true })
  for (const d of ['app', 'floor']) mkdirSync(path.join(profiles, d), { recursive: true })
  for (const s of ['', '-wal', '-shm']) rmSync(runDb + s, { force: true })
  copyFileSync(path.join(out, 'w1.sqlite'), runDb)
  const database = openDatabase({ dialect: 'sqlite', file: runDb })
  await migrateToLatest(database)
  const token = await benchToken(database, 'profile')
  await database.close()

  const env = {
    ...process.env,
    DATABASE_URL: `file:${runDb}`,
    DEMO: 'false',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    SESSION_SECRET: 'b'.repeat(64),
  }
  if (pinned) spawnSync('taskset', ['-a', '-cp', String(cores - 1), String(process.pid)], { stdio: 'ignore' })
  const auth = { authorization: `Bearer ${token}` }

  const app = spawn(
    ...onServerCores(process.execPath, [
      ...serverNodeFlags(env),
      '--cpu-prof',
      `--cpu-prof-dir=${path.join(profiles, 'app')}`,
      path.join(root, 'dist', 'src', 'server.js'),
    ]),
    { cwd: root, env: { ...env, PORT: String(APP_PORT) }, stdio: ['ignore', 'ignore', 'inherit'] },
  )
  const listUrl = `http://127.0.0.1:${APP_PORT}/api/v1/projects?limit=100`
  await waitFor200(listUrl, auth)
  const staticBody = path.join(out, 'profile-page.json')
  writeFileSync(staticBody, Buffer.from(await (await fetch(listUrl, { headers: auth })).arrayBuffer()))
  const list = await load(listUrl, auth, app.pid!)
  await stopped(app)

  const floor = spawn(
    ...onServerCores(process.execPath, [
      ...serverNodeFlags(env),
      '--cpu-prof',
      `--cpu-prof-dir=${path.join(profiles, 'floor')}`,
      '--import',
      'tsx',
      path.join(root, 'bench', 'floor.ts'),
    ]),
    {
      cwd: root,
      env: { ...env, PORT: String(FLOOR_PORT), STATIC_BODY_FILE: staticBody },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  )
  await waitFor200(`http://127.0.0.1:${FLOOR_PORT}/projects-static`)
  const floorStatic = await load(`http://127.0.0.1:${FLOOR_PORT}/projects-static`, {}, floor.pid!)
  await stopped(floor)

  const lines = [
    `load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
    `GET /api/v1/projects?limit=100: ${list.reqPerSec} req/s, ${list.cpuUsPerRequest} µs CPU a request`,
    `static floor: ${floorStatic.reqPerSec} req/s, ${floorStatic.cpuUsPerRequest} µs CPU a request`,
    `ratio: ${(list.reqPerSec / floorStatic.reqPerSec).toFixed(2)} (req/s), ${(floorStatic.cpuUsPerRequest / list.cpuUsPerRequest).toFixed(2)} (CPU)`,
    '',
    'Project list, self time under load (share of time not idle):',
    ...topSelf(mainProfile(path.join(profiles, 'app')), TOP, list.window),
    '',
    'Static floor, self time under load (share of time not idle):',
    ...topSelf(mainProfile(path.join(profiles, 'floor')), TOP, floorStatic.window),
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
  process.exit(1)
})
