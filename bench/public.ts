/**
 * A public programme page under load (issue 12): W1's organisation publishes its programmes, and the page
 * of its largest programme is fetched with no sign-in by autocannon at 16 connections, against the floor:
 * a bare Fastify route rendering the same template with the same data, computed once (bench/public-floor.ts).
 * A page read again unchanged is sent from the app's page cache (public-page-cache.ts); the same page under a
 * new address each time (an ignored query) is read and rendered each time, and is reported beside it.
 * Then the same page as a conditional GET, with the If-None-Match and the If-Modified-Since the app emits:
 * each must answer 304 (that nothing is read or rendered for it is tested in public-site.test.ts).
 *   npx tsx bench/public.ts [--duration 10] [--connections 16] [--runs 3] [--skip-build]
 * Target: ≥ 0.7× the floor's requests a second, p99 < 100 ms. Each figure is the median of --runs runs,
 * app and floor taking turns. Prints a table and one final JSON line.
 */
import type { ChildProcess } from 'node:child_process'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import {
  appScript,
  build,
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
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '16' },
    runs: { type: 'string', default: '3' },
    'skip-build': { type: 'boolean', default: false },
  },
})
const DURATION = Number(values.duration)
const CONNECTIONS = Number(values.connections)
const RUNS = Number(values.runs)
const APP_PORT = 3211
const FLOOR_PORT = 3212

type Result = { reqPerSec: number; p50: number; p99: number; status: number }

/** One measured run; `status` is the class every answer must be in (2 for 200, 3 for 304). */
async function measure(url: string, headers: Record<string, string>, status: 2 | 3): Promise<Result> {
  // `[<id>]` in an address is a new id for each request (autocannon's idReplacement).
  const r = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION,
    headers,
    idReplacement: url.includes('[<id>]'),
  })
  const wrong = status === 2 ? r.non2xx : r['1xx'] + r['2xx'] + r['4xx'] + r['5xx']
  if (r.errors > 0 || r.timeouts > 0 || wrong > 0 || r['2xx'] + r['3xx'] === 0)
    throw new Error(
      `${url}: ${r['2xx']} 2xx, ${r['3xx']} 3xx, ${r['4xx'] + r['5xx']} 4xx/5xx, ${r.errors} errors; expected all ${status}xx`,
    )
  return { reqPerSec: Math.round(r.requests.average), p50: r.latency.p50, p99: r.latency.p99, status }
}

function summary(runs: Result[]) {
  return {
    reqPerSec: median(runs.map((r) => r.reqPerSec)),
    p50: median(runs.map((r) => r.p50)),
    p99: median(runs.map((r) => r.p99)),
    runs: runs.map((r) => r.reqPerSec),
  }
}

async function main() {
  const children: ChildProcess[] = []
  const stop = () => children.forEach((c) => c.kill('SIGTERM'))
  process.on('exit', stop)
  try {
    build(values['skip-build'])
    const { file, programmeId, projects } = await publishedCopy('public', ['programmes'])
    pinLoadGenerator()
    const env = serverEnv(file)
    const app = startNode(children, appScript(), { ...env, PORT: String(APP_PORT) })
    const floor = startNode(
      children,
      `${root}/bench/public-floor.ts`,
      { ...env, PORT: String(FLOOR_PORT), PROGRAMME_ID: String(programmeId) },
      true,
    )
    const page = `http://127.0.0.1:${APP_PORT}/public/${SLUG}/programmes/${programmeId}`
    const floorPage = `http://127.0.0.1:${FLOOR_PORT}/programme`
    await waitFor200(page, 30_000)
    await waitFor200(floorPage, 30_000)

    // What the app emits, for the conditional GETs; and the two bodies, to show like is measured against like.
    const first = await fetch(page)
    const appBytes = (await first.arrayBuffer()).byteLength
    const floorBytes = (await (await fetch(floorPage)).arrayBuffer()).byteLength
    const etag = first.headers.get('etag') ?? ''
    const lastModified = first.headers.get('last-modified') ?? ''
    if (!etag || !lastModified) throw new Error('The public page sent no ETag or Last-Modified')

    log(
      `Programme ${programmeId} (${projects} projects): app page ${appBytes} bytes, floor ${floorBytes} bytes`,
    )
    log(`Measuring: ${CONNECTIONS} connections, ${DURATION} s each, ${RUNS} runs (after a 2 s warm-up each)`)
    for (const url of [page, floorPage]) await autocannon({ url, connections: CONNECTIONS, duration: 2 }) // warm-up, not counted
    const runs = {
      page: [] as Result[],
      rendered: [] as Result[],
      floor: [] as Result[],
      etag: [] as Result[],
      since: [] as Result[],
    }
    for (let i = 0; i < RUNS; i++) {
      runs.page.push(await measure(page, {}, 2))
      // Each request a new address (an unknown query is ignored), so none is answered from the page cache.
      runs.rendered.push(await measure(`${page}?v=[<id>]`, {}, 2))
      runs.floor.push(await measure(floorPage, {}, 2))
      runs.etag.push(await measure(page, { 'if-none-match': etag }, 3))
      runs.since.push(await measure(page, { 'if-modified-since': lastModified }, 3))
    }
    const peakRssMb = procMb(app.pid!, 'VmHWM')
    const floorRssMb = procMb(floor.pid!, 'VmHWM')
    const [p, r, f, e, s] = [runs.page, runs.rendered, runs.floor, runs.etag, runs.since].map(summary) as [
      ReturnType<typeof summary>,
      ReturnType<typeof summary>,
      ReturnType<typeof summary>,
      ReturnType<typeof summary>,
      ReturnType<typeof summary>,
    ]
    const ratio = Math.round((p.reqPerSec / f.reqPerSec) * 100) / 100
    const renderedRatio = Math.round((r.reqPerSec / f.reqPerSec) * 100) / 100
    const m = machine()
    const result = {
      benchmark: 'public-programme-page',
      date: new Date().toISOString(),
      machine: m,
      loadGeneratorPinned: pinned,
      connections: CONNECTIONS,
      durationSeconds: DURATION,
      runs: RUNS,
      projects,
      page: { ...p, bytes: appBytes },
      floor: { ...f, bytes: floorBytes },
      ratio,
      rendered: r,
      renderedRatio,
      ifNoneMatch304: e,
      ifModifiedSince304: s,
      peakRssMb,
      floorPeakRssMb: floorRssMb,
      target: '≥ 0.7× floor, p99 < 100 ms; conditional GETs answer 304',
      pass: ratio >= 0.7 && p.p99 < 100,
    }
    const row = (label: string, r: ReturnType<typeof summary>, extra = '') =>
      log(
        `${label.padEnd(34)} ${String(r.reqPerSec).padStart(8)} ${String(r.p50).padStart(8)} ${String(r.p99).padStart(8)}   ${r.runs.join(' / ')}${extra}`,
      )
    log('')
    log(`${''.padEnd(34)}    req/s   p50 ms   p99 ms   runs (req/s)`)
    row('GET public programme page (200)', p, `   ratio ${ratio}`)
    row('  rendered each time (new address)', r, `   ratio ${renderedRatio}`)
    row('  floor: bare render, same data', f)
    row('If-None-Match (304)', e)
    row('If-Modified-Since (304)', s)
    log(`Peak RSS: app ${peakRssMb} MB, floor ${floorRssMb} MB; load average ${m.loadAverage.join(' ')}`)
    process.stdout.write(`${JSON.stringify(result)}\n`)
  } finally {
    stop()
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`Benchmark failed: ${err instanceof Error ? err.message : String(err)}\n`)
  process.exit(1)
})
