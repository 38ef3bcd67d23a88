/**
 * The foundation benchmark on W1 (see bench/generate.ts and BENCHMARKS.md):
 *   npm run bench [-- --duration 5 --rounds 3 --connections 16]
 * Builds the server, starts it on a copy of W1 (measuring start to first 200), starts the floors
 * (bench/floor.ts) in their own process, and measures with autocannon, 16 connections:
 *   GET /api/v1/projects?limit=100 against a bare Fastify route running the same SQL, and against a
 *   second floor: a bare Fastify route sending the same response bytes from memory;
 *   GET / (the dashboard) against a bare render of the same GOV.UK Frontend page.
 * On a machine with two or more cores the load generator (this process) runs on one core and the
 * servers on the others (taskset), so the ratios do not swing with where the scheduler puts them.
 * Each route and its floors are measured in turn, `--rounds` times over (A, floor, A, floor, …), and each ratio
 * is the median of the rounds' ratios: a machine whose speed drifts during a run moves both sides of a pair.
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
  type LoadResult,
  log,
  machine,
  onServerCores,
  pinLoadGenerator,
  pinned,
  serverEnv,
  signIn,
  waitFor200,
  w1Ready,
} from './harness.ts'

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '16' },
    'skip-build': { type: 'boolean', default: false },
  },
})
const DURATION = Number(values.duration)
const ROUNDS = Math.max(1, Number(values.rounds))
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

    const env = serverEnv(runDb)
    // This process drives autocannon: every thread of it onto the last core.
    pinLoadGenerator()
    const started = performance.now()
    const app = spawn(
      ...onServerCores(process.execPath, [
        ...serverNodeFlags(env),
        path.join(root, 'dist', 'src', 'server.js'),
      ]),
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
        ...serverNodeFlags(env),
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
    log(
      `Measuring: ${CONNECTIONS} connections, ${DURATION} s each, ${ROUNDS} rounds of each route and its floors (after a 2 s warm-up)`,
    )
    const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
    /** The round with the median of `by`, so a row's figures come from one measurement. */
    const medianOf = <T>(rows: T[], by: (r: T) => number) =>
      [...rows].sort((a, b) => by(a) - by(b))[Math.floor(rows.length / 2)]!
    const rounds: Array<
      Record<'projects' | 'projectsFloor' | 'projectsStatic' | 'dashboard' | 'dashboardFloor', LoadResult>
    > = []
    for (let i = 0; i < ROUNDS; i++) {
      const opts = { ...loadOpts, warm: i === 0 }
      const projects = await load(
        `${appBase}/api/v1/projects?limit=100`,
        { authorization: `Bearer ${token}` },
        { ...opts, watchPid: app.pid },
      )
      const projectsFloor = await load(`${floorBase}/projects`, {}, opts)
      const projectsStatic = await load(`${floorBase}/projects-static`, {}, opts)
      const dashboard = await load(
        `${appBase}/`,
        { cookie, accept: 'text/html' },
        { ...opts, watchPid: app.pid },
      )
      const dashboardFloor = await load(`${floorBase}/dashboard`, {}, opts)
      rounds.push({ projects, projectsFloor, projectsStatic, dashboard, dashboardFloor })
      log(
        `  round ${i + 1}: list ${projects.reqPerSec} req/s (static floor ${projectsStatic.reqPerSec}: ${ratio(projects.reqPerSec, projectsStatic.reqPerSec)}), dashboard ${dashboard.reqPerSec} req/s (floor ${dashboardFloor.reqPerSec}: ${ratio(dashboard.reqPerSec, dashboardFloor.reqPerSec)})`,
      )
    }
    const projects = medianOf(rounds, (r) => r.projects.reqPerSec).projects
    const projectsFloor = medianOf(rounds, (r) => r.projectsFloor.reqPerSec).projectsFloor
    const projectsStatic = medianOf(rounds, (r) => r.projectsStatic.reqPerSec).projectsStatic
    const dashboard = medianOf(rounds, (r) => r.dashboard.reqPerSec).dashboard
    const dashboardFloor = medianOf(rounds, (r) => r.dashboardFloor.reqPerSec).dashboardFloor
    const peakRssMb = Math.max(...rounds.flatMap((r) => [r.projects.peakRssMb, r.dashboard.peakRssMb]))
    const listRatio = median(rounds.map((r) => ratio(r.projects.reqPerSec, r.projectsFloor.reqPerSec)))
    const staticRatio = median(rounds.map((r) => ratio(r.projects.reqPerSec, r.projectsStatic.reqPerSec)))
    const dashboardRatio = median(rounds.map((r) => ratio(r.dashboard.reqPerSec, r.dashboardFloor.reqPerSec)))
    const dashboardP99 = median(rounds.map((r) => r.dashboard.p99))

    const result = {
      benchmark: 'foundation-w1',
      date: new Date().toISOString(),
      machine: machine(),
      connections: CONNECTIONS,
      loadGeneratorPinned: pinned,
      durationSeconds: DURATION,
      rounds: ROUNDS,
      projectList: {
        ...projects,
        floor: projectsFloor,
        ratio: listRatio,
        staticFloor: projectsStatic,
        staticRatio,
        target: '≥ 0.6× floor, ≥ 0.5× static floor',
      },
      dashboard: {
        ...dashboard,
        floor: dashboardFloor,
        ratio: dashboardRatio,
        target: '≥ 0.7× floor, p99 < 100 ms',
      },
      peakRssMb,
      startToFirst200Ms,
      pass: {
        projectList: listRatio >= 0.6 && staticRatio >= 0.5,
        dashboard: dashboardRatio >= 0.7 && dashboardP99 < 100,
        rss: peakRssMb <= 150,
        start: startToFirst200Ms <= 3000,
      },
    }
    log('')
    log('Medians of the rounds (each ratio the median of the rounds’ ratios):')
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
