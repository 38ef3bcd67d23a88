/**
 * Ledger import benchmark: a 250,000-row LGA spend file (about 60 MB) through the command line's own
 * code path (`oversight import ledger FILE --org … --commit`: validate pass, then commit pass in one
 * transaction) on a fresh SQLite database. Target: within 3× the floor, peak RSS ≤ 300 MB.
 * The floor is the sqlite3 shell's `.import` of the same file into a table like `ledger_transactions` (its
 * columns and indexes, read from the migrated database): the CSV imported as it is, then copied across
 * with the dates, amounts, keys and a content hash worked out in SQL. The `.import` into a bare table (no
 * indexes, no conversion) is printed too, as a second line. Each floor run is paired with an import run
 * made just before it; the median of the pairs is quoted.
 * Both are timed by /usr/bin/time: wall clock, CPU (user + system) and peak RSS. The machine is shared,
 * so the CPU seconds and the load average are printed too: on a busy machine wall time stretches, CPU
 * time much less.
 *   npx tsx bench/import.ts [--rows 250000] [--runs 3] [--built]
 * The command runs under tsx from the checkout, as `npm run cli` runs it; with --built, the built command
 * (dist/src/cli.js, `npm run build` first), as an installed Oversight runs it: no TypeScript loader threads, about
 * 50 MB less resident.
 */
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { projectRoot } from '../src/paths.ts'
import { runCli, timeOf } from './cli-run.ts'
import { generateLedger } from './generate-ledger.ts'

const { values } = parseArgs({
  options: { rows: { type: 'string' }, runs: { type: 'string' }, built: { type: 'boolean' } },
})
const built = values.built === true
const rows = Number(values.rows ?? 250_000)
const runs = Number(values.runs ?? 3)
const root = projectRoot()
const out = path.join(root, 'bench', 'out')
mkdirSync(out, { recursive: true })
const file = path.join(out, `ledger-${rows}.csv`)
if (!existsSync(file)) await generateLedger(file, rows)
const size = statSync(file).size

interface Timed {
  seconds: number
  /** Peak resident set in MiB (/usr/bin/time's %M is in KiB). */
  rssMib: number
  cpu: number
}
function timed(stderr: string): Timed {
  const { seconds, rssKib, cpu } = timeOf(stderr)
  return { seconds, rssMib: rssKib / 1024, cpu }
}

/** One import on a fresh database (migrated and given its organisation before the clock starts). */
function importOnce(): Timed {
  const dbFile = path.join(out, 'ledger-bench.sqlite')
  for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) rmSync(f, { force: true })
  runCli(dbFile, ['migrate'], { built })
  runCli(dbFile, ['org', 'create', '--slug', 'bench', '--name', 'Bench Council'], { built })
  const run = runCli(dbFile, ['import', 'ledger', file, '--org', 'bench', '--commit'], {
    timed: true,
    built,
  })
  if (!/Added (\d+) rows/.test(run.stdout)) throw new Error(`import did not add rows: ${run.stdout}`)
  return timed(run.stderr)
}

function sqlite3(args: string[], input?: string): Timed {
  const floor = spawnSync('/usr/bin/time', ['-f', 'BENCH %e %M %U %S', 'sqlite3', ...args], {
    encoding: 'utf8',
    input,
  })
  if (floor.status !== 0)
    throw new Error(`sqlite3 failed (is the sqlite3 package installed?): ${floor.stderr}`)
  return timed(floor.stderr)
}

/** `ledger_transactions` as the migrations made it: its columns, constraints and indexes. */
function ledgerSchema(): string {
  const dbFile = path.join(out, 'ledger-bench.sqlite')
  if (!existsSync(dbFile)) runCli(dbFile, ['migrate'])
  const r = spawnSync('sqlite3', [dbFile, '.schema ledger_transactions'], { encoding: 'utf8' })
  if (r.status !== 0 || !/create index/i.test(r.stdout)) throw new Error(`no ledger schema: ${r.stderr}`)
  return r.stdout
}

/**
 * The comparable floor: the same file into a table with ledger_transactions' columns and indexes, with
 * what the import works out per row (ISO date, period, financial year, pence, key, content hash) done in
 * SQL. The dates in the generated file are dd/mm/yyyy; amounts in brackets are credits.
 */
function comparableFloorScript(schema: string): string {
  const iso = `substr(PaymentDate, 7, 4) || '-' || substr(PaymentDate, 4, 2) || '-' || substr(PaymentDate, 1, 2)`
  const year = `cast(substr(PaymentDate, 7, 4) as integer) - (cast(substr(PaymentDate, 4, 2) as integer) < 4)`
  return [
    '.mode csv',
    `.import ${file} src`,
    'begin;',
    schema,
    `insert into ledger_transactions (organisation_id, import_id, project_id, transaction_ref, dedupe_key,
       content_hash, transaction_date, period, financial_year, amount_pence, supplier_name, description,
       cost_centre, account_code, expense_type, service_area, created_at)
     select 1, 1, null, TransactionNumber, 'ref:' || TransactionNumber || '#1',
       lower(substr(hex(sha3(TransactionNumber || char(31) || PaymentDate || char(31) || Amount || char(31) ||
         lower(BeneficiaryName) || char(31) || lower(Purpose) || char(31) || lower(ProfitCentre) || char(31) ||
         lower(ProclassLabel) || char(31) || lower(OrganisationalUnit))), 1, 40)),
       ${iso}, substr(${iso}, 1, 7),
       (${year}) || '/' || substr('0' || ((${year} + 1) % 100), -2),
       cast(round(cast(replace(replace(Amount, '(', '-'), ')', '') as real) * 100) as integer),
       BeneficiaryName, Purpose, ProfitCentre, ProclassLabel, ProclassLabel, OrganisationalUnit,
       '2026-01-01T00:00:00.000Z'
     from src order by rowid
     on conflict (organisation_id, dedupe_key) do nothing;`,
    'drop table src;',
    'commit;',
    '',
  ].join('\n')
}

/** The floor: the sqlite3 shell reading the same CSV into a table like the ledger's. */
function floorOnce(script: string): Timed {
  const floorDb = path.join(out, 'ledger-floor.sqlite')
  rmSync(floorDb, { force: true })
  return sqlite3([floorDb], script)
}

/** The old floor, kept as a second line: `.import` into a bare table, no conversion, no indexes. */
function bareFloorOnce(): Timed {
  const floorDb = path.join(out, 'ledger-floor-bare.sqlite')
  rmSync(floorDb, { force: true })
  return sqlite3([floorDb, '-cmd', '.mode csv', `.import ${file} spend`])
}

// Runs in turn (import, floor, import, floor …), so that a ratio compares runs made at the same moment
// of a shared machine; the median of each figure and of the ratios is quoted.
const load = os.loadavg()
const script = comparableFloorScript(ledgerSchema())
const pairs: Array<{ a: Timed; b: Timed; bare: Timed }> = []
for (let i = 0; i < runs; i++) pairs.push({ a: importOnce(), b: floorOnce(script), bare: bareFloorOnce() })
const loadAfter = os.loadavg()
const median = (xs: number[]) => {
  const s = [...xs].sort((x, y) => x - y)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2
}
const seconds = median(pairs.map((p) => p.a.seconds))
const cpu = median(pairs.map((p) => p.a.cpu))
const rssMib = Math.max(...pairs.map((p) => p.a.rssMib))
// The target is in MB (10^6 bytes), as issue 9 states it.
const rssMB = (rssMib * 1024 * 1024) / 1e6
const floorSeconds = median(pairs.map((p) => p.b.seconds))
const floorCpu = median(pairs.map((p) => p.b.cpu))
const ratio = median(pairs.map((p) => p.a.seconds / p.b.seconds))
const cpuRatio = median(pairs.map((p) => p.a.cpu / p.b.cpu))
const bareSeconds = median(pairs.map((p) => p.bare.seconds))
const bareCpu = median(pairs.map((p) => p.bare.cpu))
const bareRatio = median(pairs.map((p) => p.a.seconds / p.bare.seconds))
const bareCpuRatio = median(pairs.map((p) => p.a.cpu / p.bare.cpu))
const floorRss = Math.max(...pairs.map((p) => p.b.rssMib))

const ok = (b: boolean) => (b ? 'meets target' : 'MISSES target')
process.stdout.write(
  [
    `Ledger import benchmark: ${rows.toLocaleString('en-GB')} rows, ${(size / 1024 / 1024).toFixed(1)} MB (LGA spend schema), ${runs} paired runs, medians`,
    `  load average at the start: ${load.map((l) => l.toFixed(2)).join(', ')}, at the end: ${loadAfter.map((l) => l.toFixed(2)).join(', ')} (${os.cpus().length} CPUs)`,
    `  oversight import ledger --commit (${built ? 'built' : 'tsx'}): ${seconds.toFixed(2)} s end to end, ${cpu.toFixed(2)} s CPU (runs: ${pairs.map((p) => `${p.a.seconds.toFixed(1)} s / ${p.a.cpu.toFixed(1)} s CPU`).join(', ')})`,
    `  peak RSS: ${rssMB.toFixed(0)} MB (${rssMib.toFixed(0)} MiB), the largest of the runs (${ok(rssMB <= 300)} ≤ 300 MB; runs: ${pairs.map((p) => `${((p.a.rssMib * 1024 * 1024) / 1e6).toFixed(0)} MB`).join(', ')})`,
    `  floor, sqlite3 .import into a table like ledger_transactions (its columns and indexes): ${floorSeconds.toFixed(2)} s, ${floorCpu.toFixed(2)} s CPU, peak RSS ${floorRss.toFixed(0)} MiB`,
    `  ratio, pair by pair: ${ratio.toFixed(1)}× the floor (${ok(ratio <= 3)} ≤ 3×); CPU ${cpuRatio.toFixed(1)}× (${ok(cpuRatio <= 3)} ≤ 3×)`,
    `  second line, sqlite3 .import into a bare table (no indexes, no conversion): ${bareSeconds.toFixed(2)} s, ${bareCpu.toFixed(2)} s CPU; ratio ${bareRatio.toFixed(1)}×, CPU ${bareCpuRatio.toFixed(1)}×`,
    '',
  ].join('\n'),
)
