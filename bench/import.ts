/**
 * Ledger import benchmark: a 250,000-row LGA spend file (about 60 MB) through the command line's own
 * code path (`oversight import ledger FILE --org … --commit`: validate pass, then commit pass in one
 * transaction) on a fresh SQLite database. Target: ≤ 10 s end to end, peak RSS ≤ 300 MB.
 * The floor is the sqlite3 shell's `.import` of the same file into a bare table, timed in the same run.
 * Both are timed by /usr/bin/time: wall clock, CPU (user + system) and peak RSS. The machine is shared,
 * so the CPU seconds and the load average are printed too: on a busy machine wall time stretches, CPU
 * time much less.
 *   npx tsx bench/import.ts [--rows 250000]
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { projectRoot } from '../src/paths.ts'
import { generateLedger } from './generate-ledger.ts'

const { values } = parseArgs({ options: { rows: { type: 'string' } } })
const rows = Number(values.rows ?? 250_000)
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

const dbFile = path.join(out, 'ledger-bench.sqlite')
for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) rmSync(f, { force: true })
cli(dbFile, ['migrate'], false)
cli(dbFile, ['org', 'create', '--slug', 'bench', '--name', 'Bench Council'], false)
const load = os.loadavg()
const run = cli(dbFile, ['import', 'ledger', file, '--org', 'bench', '--commit'], true)
const m = /BENCH ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(run.stderr)
const seconds = Number(m?.[1])
const rssMb = Number(m?.[2]) / 1024
const cpu = Number(m?.[3]) + Number(m?.[4])
if (!/Added (\d+) rows/.test(run.stdout)) throw new Error(`import did not add rows: ${run.stdout}`)

// The floor: the sqlite3 shell reading the same CSV into a bare table, no checks, no indexes.
const floorDb = path.join(out, 'ledger-floor.sqlite')
rmSync(floorDb, { force: true })
const floor = spawnSync(
  '/usr/bin/time',
  ['-f', 'BENCH %e %M %U %S', 'sqlite3', floorDb, '-cmd', '.mode csv', `.import ${file} spend`],
  { encoding: 'utf8' },
)
if (floor.status !== 0)
  throw new Error(`sqlite3 .import failed (is the sqlite3 package installed?): ${floor.stderr}`)
const f = /BENCH ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(floor.stderr)
const floorSeconds = Number(f?.[1])
const floorCpu = Number(f?.[3]) + Number(f?.[4])

const ok = (b: boolean) => (b ? 'meets target' : 'MISSES target')
process.stdout.write(
  [
    `Ledger import benchmark: ${rows.toLocaleString('en-GB')} rows, ${(size / 1024 / 1024).toFixed(1)} MB (LGA spend schema)`,
    `  load average at the start: ${load.map((l) => l.toFixed(2)).join(', ')} (${os.cpus().length} CPUs)`,
    `  oversight import ledger --commit: ${seconds.toFixed(2)} s end to end (${ok(seconds <= 10)} ≤ 10 s), ${cpu.toFixed(2)} s CPU`,
    `  peak RSS: ${rssMb.toFixed(0)} MB (${ok(rssMb <= 300)} ≤ 300 MB)`,
    `  floor, sqlite3 .import into a bare table: ${floorSeconds.toFixed(2)} s, ${floorCpu.toFixed(2)} s CPU`,
    `  ratio: ${(seconds / floorSeconds).toFixed(1)}× the floor (CPU: ${(cpu / floorCpu).toFixed(1)}×)`,
    '',
  ].join('\n'),
)
