/**
 * Ledger import benchmark: a 250,000-row LGA spend file (about 60 MB) through the command line's own
 * code path (`oversight import ledger FILE --org … --commit`: validate pass, then commit pass in one
 * transaction) on a fresh SQLite database. Target: ≤ 10 s end to end, peak RSS ≤ 300 MB.
 * The floor is the sqlite3 shell's `.import` of the same file into a bare table, timed in the same run.
 *   npx tsx bench/import.ts [--rows 250000]
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs'
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
    ...(timed ? ['-f', 'BENCH %e %M', process.execPath] : []),
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
const run = cli(dbFile, ['import', 'ledger', file, '--org', 'bench', '--commit'], true)
const m = /BENCH ([\d.]+) (\d+)/.exec(run.stderr)
const seconds = Number(m?.[1])
const rssMb = Number(m?.[2]) / 1024
if (!/Added (\d+) rows/.test(run.stdout)) throw new Error(`import did not add rows: ${run.stdout}`)

// The floor: the sqlite3 shell reading the same CSV into a bare table, no checks, no indexes.
const floorDb = path.join(out, 'ledger-floor.sqlite')
rmSync(floorDb, { force: true })
const t0 = process.hrtime.bigint()
const floor = spawnSync('sqlite3', [floorDb, '-cmd', '.mode csv', `.import ${file} spend`], {
  encoding: 'utf8',
})
const floorSeconds = Number(process.hrtime.bigint() - t0) / 1e9
if (floor.status !== 0)
  throw new Error(`sqlite3 .import failed (is the sqlite3 package installed?): ${floor.stderr}`)

const ok = (b: boolean) => (b ? 'meets target' : 'MISSES target')
process.stdout.write(
  [
    `Ledger import benchmark: ${rows.toLocaleString('en-GB')} rows, ${(size / 1024 / 1024).toFixed(1)} MB (LGA spend schema)`,
    `  oversight import ledger --commit: ${seconds.toFixed(2)} s end to end (${ok(seconds <= 10)} ≤ 10 s)`,
    `  peak RSS: ${rssMb.toFixed(0)} MB (${ok(rssMb <= 300)} ≤ 300 MB)`,
    `  floor, sqlite3 .import into a bare table: ${floorSeconds.toFixed(2)} s`,
    `  ratio: ${(seconds / floorSeconds).toFixed(1)}× the floor`,
    '',
  ].join('\n'),
)
