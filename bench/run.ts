/**
 * The foundation benchmark on W1 (see bench/generate.ts and BENCHMARKS.md):
 *   npm run bench [-- --duration 10 --connections 16]
 * Builds the server, starts it on a copy of W1 (measuring start to first 200), starts the floors
 * (bench/floor.ts) in their own process, and measures with autocannon, 16 connections:
 *   GET /api/v1/projects?limit=100 against a bare Fastify route running the same SQL, and against a
 *   second floor: a bare Fastify route sending the same response bytes from memory;
 *   GET / (the dashboard) against a bare render of the same GOV.UK Frontend page.
 * On a machine with two or more cores the load generator (this process) runs on one core and the
 * servers on the others (taskset), so the ratios do not swing with where the scheduler puts them.
 * Prints a table and one final JSON line; writes bench/out/latest.json.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { projectRoot } from '../src/paths.ts'
import { serverNodeFlags } from '../scripts/node-flags.mjs'
import { BENCH_EMAIL, BENCH_PASSWORD } from './generate.ts'
import {
  build,
  load,
  log,
  machine,
  onServerCores,
  pinLoadGenerator,
  pinned,
  signIn,
  waitFor200,
  w1Ready,
} from './harness.ts'

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    'skip-build': { type: 'boolean', default: false },
  },
})
const DURATION = Number(values.duration)
const CONNECTIONS = Number(values.connections)
const root = projectRoot()
const out = path.join(root, 'bench', 'out')
const runDb = path.join(out, 'run.sqlite')
const APP_PORT = 3201
const FLOOR_PORT = 3202

const loadOpts = { connections: CONNECTIONS, duration: DURATION }

async function main() {
  const children: ChildProcess[] = []
  const stop = () => children.forEach((c) => c.kill('SIGTERM'))
  process.on('exit', stop)
  try {
    if (!values['skip-build']) build()
    const token = await w1Ready({ dialect: 'sqlite', file: runDb })

    const env = {
      ...process.env,
      DATABASE_URL: `file:${runDb}`,
      DEMO: 'false',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'production',
      SESSION_SECRET: 'b'.repeat(64),
    }
    // This process drives autocannon: every thread of it onto the last core.
    pinLoadGenerator()
    const started = performance.now()
    const app = spawn(
      ...onServerCores(process.execPath, [...serverNodeFlags(), path.join(root, 'dist', 'src', 'server.js')]),
      {
        cwd: root,
        env: { ...env, PORT: String(APP_PORT) },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    )
    children.push(app)
    await waitFor200(`http://127.0.0.1:${APP_PORT}/health`, 20_000)
    const startToFirst200Ms = Math.round(performance.now() - started)
    log(`Server answered 200 ${startToFirst200Ms} ms after start`)

    // The static floor sends the very bytes the API answers.
    const appBase = `http://127.0.0.1:${APP_PORT}`
    const staticBody = path.join(out, 'projects-page.json')
    const page = await fetch(`${appBase}/api/v1/projects?limit=100`, {
      headers: { authorization: `Bearer ${token}` },
    })
    if (page.status !== 200) throw new Error(`GET /api/v1/projects answered ${page.status}`)
    writeFileSync(staticBody, Buffer.from(await page.arrayBuffer()))

    // The floor runs under the same V8 settings as the server, so the ratio compares code, not GC tuning.
    const floor = spawn(
      ...onServerCores(process.execPath, [
        ...serverNodeFlags(),
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
    children.push(floor)
    await waitFor200(`http://127.0.0.1:${FLOOR_PORT}/projects`, 30_000)

    const floorBase = `http://127.0.0.1:${FLOOR_PORT}`
    const cookie = await signIn(appBase, BENCH_EMAIL, BENCH_PASSWORD)
    log(`Measuring: ${CONNECTIONS} connections, ${DURATION} s each (after a 2 s warm-up)`)
    const projects = await load(
      `${appBase}/api/v1/projects?limit=100`,
      { authorization: `Bearer ${token}` },
      { ...loadOpts, watchPid: app.pid },
    )
    const projectsFloor = await load(`${floorBase}/projects`, {}, loadOpts)
    const projectsStatic = await load(`${floorBase}/projects-static`, {}, loadOpts)
    const dashboard = await load(
      `${appBase}/`,
      { cookie, accept: 'text/html' },
      { ...loadOpts, watchPid: app.pid },
    )
    const dashboardFloor = await load(`${floorBase}/dashboard`, {}, loadOpts)
    const peakRssMb = Math.max(projects.peakRssMb, dashboard.peakRssMb)

    const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100
    const result = {
      benchmark: 'foundation-w1',
      date: new Date().toISOString(),
      machine: machine(),
      connections: CONNECTIONS,
      loadGeneratorPinned: pinned,
      durationSeconds: DURATION,
      projectList: {
        ...projects,
        floor: projectsFloor,
        ratio: ratio(projects.reqPerSec, projectsFloor.reqPerSec),
        staticFloor: projectsStatic,
        staticRatio: ratio(projects.reqPerSec, projectsStatic.reqPerSec),
        target: '≥ 0.6× floor, ≥ 0.5× static floor',
      },
      dashboard: {
        ...dashboard,
        floor: dashboardFloor,
        ratio: ratio(dashboard.reqPerSec, dashboardFloor.reqPerSec),
        target: '≥ 0.7× floor, p99 < 100 ms',
      },
      peakRssMb,
      startToFirst200Ms,
      pass: {
        projectList:
          ratio(projects.reqPerSec, projectsFloor.reqPerSec) >= 0.6 &&
          ratio(projects.reqPerSec, projectsStatic.reqPerSec) >= 0.5,
        dashboard: ratio(dashboard.reqPerSec, dashboardFloor.reqPerSec) >= 0.7 && dashboard.p99 < 100,
        rss: peakRssMb <= 150,
        start: startToFirst200Ms <= 3000,
      },
    }
    log('')
    log('                          req/s    p50 ms   p99 ms   floor req/s   ratio')
    log(
      `GET /api/v1/projects   ${String(projects.reqPerSec).padStart(8)} ${String(projects.p50).padStart(8)} ${String(projects.p99).padStart(8)} ${String(projectsFloor.reqPerSec).padStart(12)} ${String(result.projectList.ratio).padStart(7)}`,
    )
    log(
      `  static floor (same bytes from memory)                   ${String(projectsStatic.reqPerSec).padStart(12)} ${String(result.projectList.staticRatio).padStart(7)}`,
    )
    log(
      `GET / (dashboard)      ${String(dashboard.reqPerSec).padStart(8)} ${String(dashboard.p50).padStart(8)} ${String(dashboard.p99).padStart(8)} ${String(dashboardFloor.reqPerSec).padStart(12)} ${String(result.dashboard.ratio).padStart(7)}`,
    )
    log(`Peak server RSS under load: ${peakRssMb} MB; start to first 200: ${startToFirst200Ms} ms`)
    writeFileSync(path.join(out, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`)
    process.stdout.write(`${JSON.stringify(result)}\n`)
  } finally {
    stop()
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`Benchmark failed: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
