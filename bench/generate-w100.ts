/**
 * Builds W100 (issue 14) deterministically into a PostgreSQL database: 100 organisations, each the size
 * and shape of W1 (bench/generate.ts; the first is W1 itself), in all 100,000 projects, 1 million
 * milestones and 1.2 million status reports, plus 20 million ledger transactions spread across them.
 * Each organisation has a user who can sign in (w100-N@bench.oversight.test, the W1 password) and an API
 * token derived from the organisation's number (w100Token), so the benchmark needs no state from here.
 *   npx tsx bench/generate-w100.ts --url postgres://…/w100 [--scale 0.2] [--ledger-rows 2000000] [--replace]
 * --scale multiplies the number of organisations (each stays W1-sized, so a page of one organisation
 * compares with W1); --ledger-rows defaults to 200,000 an organisation. Rows go in with psql's \copy
 * (COPY FROM STDIN, streamed: no files on disk); foreign keys and secondary indexes of the bulk tables are
 * dropped for the load and made again after it, in one pass each. Prints a table and a final JSON line.
 */
import { spawn, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { once } from 'node:events'
import { parseArgs } from 'node:util'
import { sql } from 'kysely'
import { hashPassword } from '../src/auth/passwords.ts'
import { sha256 } from '../src/modules/auth/auth.service.ts'
import { TOKEN_PREFIX } from '../src/modules/tokens/tokens.service.ts'
import { openDatabase, type Database } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { addDays, todayInLondon } from '../src/domain/dates.ts'
import { currentPeriod, financialYearOf, periodOf } from '../src/domain/periods.ts'
import { BENCH_PASSWORD, W1, W1_SEED, rng, w1Rows } from './generate.ts'
import { CENTRES, PURPOSES, SUPPLIERS, UNITS } from './generate-ledger.ts'

export const W100 = { organisations: 100, ledgerRowsPerOrganisation: 200_000 }

export const w100Email = (n: number) => `w100-${n}@bench.oversight.test`

/** The API token of organisation `n` (1-based): derived, not random, so the benchmark can present it. */
export function w100Token(n: number): string {
  return `${TOKEN_PREFIX}${createHash('sha256').update(`w100-token-${n}`).digest('base64url')}`
}

/** A value as PostgreSQL's CSV COPY reads it: null is an unquoted empty field, an empty string is "". */
function csvField(v: string | number | null): string {
  if (v === null) return ''
  if (typeof v === 'number') return String(v)
  return `"${v.replaceAll('"', '""')}"`
}

type Row = Record<string, string | number | null>

/** Streams rows into `table` through `psql -c "\copy … from pstdin"`, honouring the pipe's back-pressure. */
async function copyInto(url: string, table: string, rows: Iterable<Row>): Promise<number> {
  let columns: string[] | null = null
  let child: ReturnType<typeof spawn> | null = null
  let exit: Promise<unknown[]> | null = null
  let count = 0
  let chunk = ''
  const flush = async () => {
    if (!child!.stdin!.write(chunk)) await once(child!.stdin!, 'drain')
    chunk = ''
  }
  for (const row of rows) {
    if (columns === null) {
      columns = Object.keys(row)
      child = spawn(
        'psql',
        [
          url,
          '-X',
          '-q',
          '-v',
          'ON_ERROR_STOP=1',
          '-c',
          `\\copy ${table} (${columns.join(', ')}) from pstdin with (format csv)`,
        ],
        { stdio: ['pipe', 'inherit', 'inherit'] },
      )
      exit = once(child, 'exit')
    }
    chunk += `${columns.map((c) => csvField(row[c] ?? null)).join(',')}\n`
    count++
    if (chunk.length > 1 << 20) await flush()
  }
  if (child === null) return 0
  await flush()
  child.stdin!.end()
  const [code] = await exit!
  if (code !== 0) throw new Error(`psql \\copy into ${table} exited with ${String(code)}`)
  return count
}

/** Foreign keys and plain (not unique: keys may rest on those) indexes of `table`, to drop before a bulk load and make again after it. */
async function looseConstraints(database: Database, table: string) {
  const { rows: keys } = await sql<{ name: string; def: string }>`
    select conname as name, pg_get_constraintdef(oid) as def from pg_constraint
    where conrelid = ${table}::regclass and contype = 'f'`.execute(database.db)
  const { rows: indexes } = await sql<{ name: string; def: string }>`
    select indexname as name, indexdef as def from pg_indexes
    where schemaname = current_schema() and tablename = ${table} and indexdef not like 'CREATE UNIQUE%'
      and indexname not in (select conname from pg_constraint where conrelid = ${table}::regclass)`.execute(
    database.db,
  )
  for (const k of keys)
    await sql`alter table ${sql.table(table)} drop constraint ${sql.id(k.name)}`.execute(database.db)
  for (const i of indexes) await sql`drop index ${sql.id(i.name)}`.execute(database.db)
  return async () => {
    for (const i of indexes) await sql.raw(i.def).execute(database.db)
    for (const k of keys)
      await sql`alter table ${sql.table(table)} add constraint ${sql.id(k.name)} ${sql.raw(k.def)}`.execute(
        database.db,
      )
  }
}

/** Creates (or with `replace`, drops and creates) the database the URL names, through the server's `postgres` one. */
export function createDatabase(url: string, replace: boolean) {
  const target = new URL(url)
  const name = decodeURIComponent(target.pathname.slice(1))
  if (!/^[a-z0-9_]+$/.test(name))
    throw new Error(`Name the database in lower-case letters, digits and _ (got "${name}")`)
  const admin = new URL(url)
  admin.pathname = '/postgres'
  const run = (statement: string) =>
    spawnSync('psql', [admin.toString(), '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', statement], {
      encoding: 'utf8',
    })
  if (replace) {
    const r = run(`drop database if exists ${name} with (force)`)
    if (r.status !== 0) throw new Error(r.stderr)
  }
  const r = run(`create database ${name}`)
  if (r.status !== 0 && !/already exists/.test(r.stderr)) throw new Error(r.stderr)
}

export interface W100Result {
  organisations: number
  rows: Record<string, number>
  seconds: Record<string, number>
}

export async function generateW100(
  url: string,
  opts: { scale: number; ledgerRows?: number; replace?: boolean },
): Promise<W100Result> {
  const organisations = Math.max(1, Math.round(W100.organisations * opts.scale))
  const ledgerRows = opts.ledgerRows ?? organisations * W100.ledgerRowsPerOrganisation
  createDatabase(url, opts.replace ?? false)
  const database = openDatabase({ dialect: 'postgres', url })
  const seconds: Record<string, number> = {}
  const rows: Record<string, number> = {}
  let clock = performance.now()
  const lap = (name: string) => {
    const now = performance.now()
    seconds[name] = Math.round(now - clock) / 1000
    clock = now
  }
  try {
    await migrateToLatest(database)
    const existing = await database.db
      .selectFrom('organisations')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
    if (Number(existing.n) > 0)
      throw new Error('The database already holds organisations: pass --replace to build it afresh')
    lap('migrate')

    const at = new Date().toISOString()
    const today = todayInLondon()
    const period = currentPeriod()
    const hash = await hashPassword(BENCH_PASSWORD)
    const expires = new Date(Date.now() + 365 * 86_400_000).toISOString()
    const perOrg = { programmes: W1.programmes, projects: W1.projects }
    // Ids are given, not generated, so children name their parents without a round trip; the identity
    // sequences are moved past them at the end.
    const programmeId = (org: number, i: number) => (org - 1) * perOrg.programmes + i
    const projectId = (org: number, i: number) => (org - 1) * perOrg.projects + i
    const orgs = Array.from({ length: organisations }, (_, k) => k + 1)

    rows.organisations = await copyInto(
      url,
      'organisations',
      orgs.map((n) => ({
        id: n,
        slug: `w100-${n}`,
        name: `W100 Council ${n}`,
        rating_scale: 'ipa5',
        is_demo: 0,
        created_at: at,
        updated_at: at,
      })),
    )
    rows.users = await copyInto(
      url,
      'users',
      orgs.map((n) => ({
        id: n,
        email: w100Email(n),
        name: `W100 user ${n}`,
        password_hash: hash,
        is_active: 1,
        created_at: at,
        updated_at: at,
      })),
    )
    rows.memberships = await copyInto(
      url,
      'memberships',
      orgs.map((n) => ({
        id: n,
        organisation_id: n,
        user_id: n,
        role: 'programme_manager',
        created_at: at,
      })),
    )
    rows.api_tokens = await copyInto(
      url,
      'api_tokens',
      orgs.map((n) => ({
        id: n,
        organisation_id: n,
        user_id: n,
        name: 'w100 benchmark',
        token_hash: sha256(w100Token(n)),
        token_prefix: w100Token(n).slice(0, 12),
        created_at: at,
        last_used_at: null,
        revoked_at: null,
        expires_at: expires,
      })),
    )
    lap('organisations')

    const bulk = ['programmes', 'projects', 'milestones', 'status_reports', 'ledger_transactions']
    const restore = []
    for (const table of bulk) restore.push(await looseConstraints(database, table))
    lap('drop keys')

    // One pass over the organisations feeds four tables; each table is its own COPY, so the rows are built
    // once per table from the organisation's seed (cheap next to the load) rather than held in memory.
    function* portfolio(table: 'programmes' | 'projects' | 'milestones' | 'status_reports'): Generator<Row> {
      for (const n of orgs) {
        const build = w1Rows(W1_SEED + n - 1, at, today)
        if (table === 'programmes') {
          for (let i = 1; i <= perOrg.programmes; i++)
            yield { id: programmeId(n, i), ...build.programme(n, i) }
          continue
        }
        for (let i = 1; i <= perOrg.projects; i++) {
          const project = build.project(n, programmeId(n, ((i - 1) % perOrg.programmes) + 1), i)
          const id = projectId(n, i)
          const milestones = build.milestones(n, id, project.baseline_start)
          const reports = build.reports(n, id, n, `W100 user ${n}`, period)
          if (table === 'projects') yield { id, ...project }
          else if (table === 'milestones') yield* milestones
          else yield* reports
        }
      }
    }
    for (const table of ['programmes', 'projects', 'milestones', 'status_reports'] as const) {
      rows[table] = await copyInto(url, table, portfolio(table))
      lap(table)
    }

    // Spend over the last two years, nine rows in ten on one of the organisation's projects, one in suspense.
    function* ledger(): Generator<Row> {
      const start = addDays(today, -730)
      for (let k = 0; k < organisations; k++) {
        const n = k + 1
        const r = rng(42 + n)
        const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!
        const share = Math.floor(ledgerRows / organisations) + (k < ledgerRows % organisations ? 1 : 0)
        for (let i = 1; i <= share; i++) {
          const date = addDays(start, Math.floor(r() * 730))
          const pence = Math.floor(r() * 5_000_000) - (r() < 0.02 ? 5_000_000 : 0)
          yield {
            organisation_id: n,
            project_id: r() < 0.9 ? projectId(n, 1 + Math.floor(r() * perOrg.projects)) : null,
            import_id: null,
            transaction_ref: `TX${String(i).padStart(8, '0')}`,
            dedupe_key: `w100:${i}`,
            content_hash: `w100:${n}:${i}`,
            transaction_date: date,
            period: periodOf(date),
            financial_year: financialYearOf(date).label,
            amount_pence: pence,
            supplier_name: pick(SUPPLIERS),
            description: pick(PURPOSES),
            cost_centre: pick(CENTRES),
            account_code: '',
            expense_type: '',
            service_area: pick(UNITS),
            created_at: at,
          }
        }
      }
    }
    rows.ledger_transactions = await copyInto(url, 'ledger_transactions', ledger())
    lap('ledger_transactions')

    for (const done of restore) await done()
    lap('keys and indexes')
    for (const table of ['organisations', 'users', 'memberships', 'api_tokens', 'programmes', 'projects']) {
      await sql`select setval(pg_get_serial_sequence(${table}, 'id'), (select max(id) from ${sql.table(table)}))`.execute(
        database.db,
      )
    }
    // Vacuumed as well as analysed: a table filled by COPY is owed an insert-triggered autovacuum (20 million
    // ledger rows just after the load), which would otherwise run during the first benchmark.
    await sql`vacuum (analyze)`.execute(database.db)
    lap('vacuum and analyze')
    return { organisations, rows, seconds }
  } finally {
    await database.close()
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: process.env.W100_DATABASE_URL ?? '' },
      scale: { type: 'string', default: '1' },
      'ledger-rows': { type: 'string' },
      replace: { type: 'boolean', default: false },
    },
  })
  if (!values.url.startsWith('postgres'))
    throw new Error('Name the PostgreSQL database: --url postgres://user:password@host/w100')
  const scale = Number(values.scale)
  if (!(scale > 0 && scale <= 1))
    throw new Error(`--scale must be more than 0 and at most 1 (got ${values.scale})`)
  const ledgerRows = values['ledger-rows'] === undefined ? undefined : Number(values['ledger-rows'])
  if (ledgerRows !== undefined && !(Number.isSafeInteger(ledgerRows) && ledgerRows >= 0))
    throw new Error(`--ledger-rows must be a whole number (got ${values['ledger-rows']})`)
  const started = performance.now()
  const result = await generateW100(values.url, { scale, ledgerRows, replace: values.replace })
  const totalSeconds = Math.round(performance.now() - started) / 1000
  const totalRows = Object.values(result.rows).reduce((a, b) => a + b, 0)
  const log = (line: string) => process.stderr.write(`${line}\n`)
  log('')
  log('step                      rows     seconds      rows/s')
  for (const [step, s] of Object.entries(result.seconds)) {
    const n = result.rows[step]
    log(
      `${step.padEnd(20)} ${n === undefined ? ''.padStart(10) : String(n).padStart(10)} ${s.toFixed(1).padStart(11)} ${n === undefined || s === 0 ? '' : String(Math.round(n / s)).padStart(11)}`,
    )
  }
  log(
    `total                ${String(totalRows).padStart(10)} ${totalSeconds.toFixed(1).padStart(11)} ${String(Math.round(totalRows / totalSeconds)).padStart(11)}`,
  )
  process.stdout.write(
    `${JSON.stringify({ benchmark: 'generate-w100', date: new Date().toISOString(), scale, ...result, totalRows, totalSeconds, rowsPerSecond: Math.round(totalRows / totalSeconds) })}\n`,
  )
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
    process.exit(1)
  })
}
