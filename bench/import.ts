/**
 * Ledger import benchmark: a 250,000-row LGA spend file (about 60 MB) through the command line's own
 * code path (`oversight import ledger FILE --org … --commit`: validate pass, then commit pass in one
 * transaction) on a fresh SQLite database. Target: within 3× the floor, peak RSS ≤ 300 MB.
 * The floor is the sqlite3 shell's `.import` of the same file into a bare table, each run paired with an
 * import run made just before it; the median of three pairs is quoted.
 * Both are timed by /usr/bin/time: wall clock, CPU (user + system) and peak RSS. The machine is shared,
 * so the CPU seconds and the load average are printed too: on a busy machine wall time stretches, CPU
 * time much less.
 *   npx tsx bench/import.ts [--rows 250000] [--runs 3]
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { projectRoot } from '../src/paths.ts'
import { generateLedger } from './generate-ledger.ts'

const { values } = parseArgs({ options: { rows: { type: 'string' }, runs: { type: 'string' } } })
const rows = Number(values.rows ?? 250_000)
const runs = Number(values.runs ?? 3)
const root = projectRoot()
const out = path.join(root, 'bench', 'out')
mkdirSync(out, { recursive: true })
const file = path.join(out, `ledger-${rows}.csv`)
if (!existsSync(file)) await generateLedger(file, rows)
const size = statSync(file).size

function cli(dbFile: string, args: string[], timed: boolean) {
  const cmd = timed ? '/usr/bin/time' : process.execPath
  const argv = [
    ...(timed ? ['-f', 'BENCH %e %M %U %S', process.execPath] : []),
    '--import',
    'tsx',
    'src/cli.ts',
    ...args,
  ]
  const r = spawnSync(cmd, argv, {
    cwd: root,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      SESSION_SECRET: 'bench-'.padEnd(40, 'x'),
      DEMO: 'false',
      DATABASE_URL: `file:${dbFile}`,
    },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${r.stderr}`)
  return r
}

interface Timed {
  seconds: number
  rssMb: number
  cpu: number
}
function timed(stderr: string): Timed {
  const m = /BENCH ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(stderr)
  return { seconds: Number(m?.[1]), rssMb: Number(m?.[2]) / 1024, cpu: Number(m?.[3]) + Number(m?.[4]) }
}

/** One import on a fresh database (migrated and given its organisation before the clock starts). */
function importOnce(): Timed {
  const dbFile = path.join(out, 'ledger-bench.sqlite')
  for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) rmSync(f, { force: true })
  cli(dbFile, ['migrate'], false)
  cli(dbFile, ['org', 'create', '--slug', 'bench', '--name', 'Bench Council'], false)
  const run = cli(dbFile, ['import', 'ledger', file, '--org', 'bench', '--commit'], true)
  if (!/Added (\d+) rows/.test(run.stdout)) throw new Error(`import did not add rows: ${run.stdout}`)
  return timed(run.stderr)
}

/** The floor: the sqlite3 shell reading the same CSV into a bare table, no checks, no indexes. */
function floorOnce(): Timed {
  const floorDb = path.join(out, 'ledger-floor.sqlite')
  rmSync(floorDb, { force: true })
  const floor = spawnSync(
    '/usr/bin/time',
    ['-f', 'BENCH %e %M %U %S', 'sqlite3', floorDb, '-cmd', '.mode csv', `.import ${file} spend`],
    { encoding: 'utf8' },
  )
  if (floor.status !== 0)
    throw new Error(`sqlite3 .import failed (is the sqlite3 package installed?): ${floor.stderr}`)
  return timed(floor.stderr)
}

// Runs in turn (import, floor, import, floor …), so that a ratio compares runs made at the same moment
// of a shared machine; the median of each figure and of the ratios is quoted.
const load = os.loadavg()
const pairs: Array<{ a: Timed; b: Timed }> = []
for (let i = 0; i < runs; i++) pairs.push({ a: importOnce(), b: floorOnce() })
const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}
const seconds = median(pairs.map((p) => p.a.seconds))
const cpu = median(pairs.map((p) => p.a.cpu))
const rssMb = Math.max(...pairs.map((p) => p.a.rssMb))
const floorSeconds = median(pairs.map((p) => p.b.seconds))
const floorCpu = median(pairs.map((p) => p.b.cpu))
const ratio = median(pairs.map((p) => p.a.seconds / p.b.seconds))
const cpuRatio = median(pairs.map((p) => p.a.cpu / p.b.cpu))

const ok = (b: boolean) => (b ? 'meets target' : 'MISSES target')
process.stdout.write(
  [
    `Ledger import benchmark: ${rows.toLocaleString('en-GB')} rows, ${(size / 1024 / 1024).toFixed(1)} MB (LGA spend schema), ${runs} paired runs, medians`,
    `  load average at the start: ${load.map((l) => l.toFixed(2)).join(', ')} (${os.cpus().length} CPUs)`,
    `  oversight import ledger --commit: ${seconds.toFixed(2)} s end to end, ${cpu.toFixed(2)} s CPU (runs: ${pairs.map((p) => p.a.seconds.toFixed(1)).join(', ')} s)`,
    `  peak RSS: ${rssMb.toFixed(0)} MB, the largest of the runs (${ok(rssMb <= 300)} ≤ 300 MB)`,
    `  floor, sqlite3 .import into a bare table: ${floorSeconds.toFixed(2)} s, ${floorCpu.toFixed(2)} s CPU`,
    `  ratio, pair by pair: ${ratio.toFixed(1)}× the floor (${ok(ratio <= 3)} ≤ 3×); CPU ${cpuRatio.toFixed(1)}×`,
    '',
  ].join('\n'),
)
