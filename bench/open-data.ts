/**
 * Open data at size (issue 12): W1's organisation publishes its programmes and their spend; ROWS payments
 * are charged to its largest programme's projects; the public spend CSV is fetched over HTTP from the built
 * server, timing the first and the last byte and sampling the server's RSS (/proc/PID/status VmRSS every
 * 10 ms, and VmHWM, the peak since it started) and its CPU time. The floor: the same rows streamed by a bare Fastify route
 * through the raw driver (bench/public-floor.ts).
 *   npx tsx bench/open-data.ts [--rows 200000] [--runs 3] [--skip-build]
 * Target: the whole CSV in ≤ 3 s, server RSS ≤ 200 MB. Figures are medians of --runs fetches (each
 * after a warm-up fetch). Prints a table and one final JSON line.
 */
import type { ChildProcess } from 'node:child_process'
import { parseArgs } from 'node:util'
import {
  appScript,
  build,
  cpuMs,
  log,
  machine,
  median,
  pinLoadGenerator,
  pinned,
  procMb,
  root,
  serverEnv,
  startNode,
  waitFor200,
} from './harness.ts'
import { publishedCopy, SLUG } from './public-workload.ts'

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '200000' },
    runs: { type: 'string', default: '3' },
    'skip-build': { type: 'boolean', default: false },
  },
})
const ROWS = Number(values.rows)
const RUNS = Number(values.runs)
const APP_PORT = 3221
const FLOOR_PORT = 3222

/** Fetches `url` to the end, counting lines; RSS of `pid` sampled meanwhile. */
async function fetchAll(url: string, pid: number) {
  let peak = procMb(pid, 'VmRSS')
  const cpu0 = cpuMs(pid)
  const timer = setInterval(() => (peak = Math.max(peak, procMb(pid, 'VmRSS'))), 10)
  const t0 = performance.now()
  const res = await fetch(url)
  if (res.status !== 200) throw new Error(`${url} answered ${res.status}`)
  let firstByteMs = 0
  let bytes = 0
  let lines = 0
  for await (const chunk of res.body!) {
    if (bytes === 0) firstByteMs = performance.now() - t0
    bytes += chunk.byteLength
    for (const b of chunk) if (b === 10) lines++
  }
  const totalMs = performance.now() - t0
  clearInterval(timer)
  // The server's own CPU time: on a shared machine the wall clock also counts other processes' turns.
  const serverCpuMs = cpuMs(pid) - cpu0
  return {
    firstByteMs: Math.round(firstByteMs),
    totalMs: Math.round(totalMs),
    serverCpuMs,
    bytes,
    lines,
    peakRssMb: peak,
  }
}

async function series(url: string, pid: number) {
  await fetchAll(url, pid) // warm-up: statement cache, JIT
  const runs = []
  for (let i = 0; i < RUNS; i++) runs.push(await fetchAll(url, pid))
  return {
    firstByteMs: median(runs.map((r) => r.firstByteMs)),
    totalMs: median(runs.map((r) => r.totalMs)),
    runsMs: runs.map((r) => r.totalMs),
    serverCpuMs: median(runs.map((r) => r.serverCpuMs)),
    bytes: runs[0]!.bytes,
    rows: runs[0]!.lines - 1,
    peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)),
    hwmMb: procMb(pid, 'VmHWM'),
  }
}

async function main() {
  const children: ChildProcess[] = []
  const stop = () => children.forEach((c) => c.kill('SIGTERM'))
  process.on('exit', stop)
  try {
    build(values['skip-build'])
    const started = performance.now()
    const { file, programmeId } = await publishedCopy('open-data', ['programmes', 'spend'], ROWS)
    log(`${ROWS} ledger rows written in ${Math.round(performance.now() - started)} ms`)
    pinLoadGenerator()
    const env = serverEnv(file)
    const app = startNode(children, appScript(), { ...env, PORT: String(APP_PORT) })
    const floor = startNode(
      children,
      `${root}/bench/public-floor.ts`,
      { ...env, PORT: String(FLOOR_PORT), PROGRAMME_ID: String(programmeId) },
      true,
    )
    const url = `http://127.0.0.1:${APP_PORT}/public/${SLUG}/data/spend.csv`
    const floorUrl = `http://127.0.0.1:${FLOOR_PORT}/spend.csv`
    await waitFor200(`http://127.0.0.1:${APP_PORT}/health`, 30_000)
    await waitFor200(`http://127.0.0.1:${FLOOR_PORT}/programme`, 30_000)
    const idleRssMb = procMb(app.pid!, 'VmRSS')

    const csv = await series(url, app.pid!)
    const bare = await series(floorUrl, floor.pid!)
    if (csv.rows !== ROWS) throw new Error(`The CSV has ${csv.rows} rows, not ${ROWS}`)
    const m = machine()
    const result = {
      benchmark: 'open-data-spend-csv',
      date: new Date().toISOString(),
      machine: m,
      serverPinned: pinned,
      rows: ROWS,
      runs: RUNS,
      app: { ...csv, idleRssMb },
      floor: bare,
      ratio: Math.round((csv.totalMs / bare.totalMs) * 10) / 10,
      target: '≤ 3 s to the last byte, RSS ≤ 200 MB',
      pass: csv.totalMs <= 3000 && Math.max(csv.peakRssMb, csv.hwmMb) <= 200,
    }
    log('')
    log(
      `${ROWS} rows                  first byte ms  last byte ms  server CPU ms   MB out   peak RSS MB   runs (ms)`,
    )
    for (const [label, r] of [
      ['GET public spend.csv', csv],
      ['  floor: raw driver', bare],
    ] as const)
      log(
        `${label.padEnd(24)} ${String(r.firstByteMs).padStart(13)} ${String(r.totalMs).padStart(13)} ${String(r.serverCpuMs).padStart(14)} ${(r.bytes / 2 ** 20).toFixed(1).padStart(8)} ${String(Math.max(r.peakRssMb, r.hwmMb)).padStart(13)}   ${r.runsMs.join(' / ')}`,
      )
    log(
      `App RSS idle ${idleRssMb} MB; time ratio app/floor ${result.ratio}; load average ${m.loadAverage.join(' ')}`,
    )
    process.stdout.write(`${JSON.stringify(result)}\n`)
  } finally {
    stop()
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`Benchmark failed: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
