/**
 * Governance control over W1 (1,000 projects): the health check and the tolerance sweep.
 *   npx tsx bench/governance.ts             SQLite, a fresh W1 in bench/out/w1-governance.sqlite
 *   DATABASE_URL=postgres://… npx tsx bench/governance.ts
 * Targets (issue 4): health check ≤ 500 ms, tolerance sweep ≤ 200 ms. Reports the median of 15 runs.
 */
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import type { Kysely } from 'kysely'
import type { DB } from '../src/db/schema.ts'
import { todayInLondon } from '../src/domain/dates.ts'
import { financialYearOf, financialYearPeriods, periodOf, previousPeriod } from '../src/domain/periods.ts'
import { loadConfig, parseDatabaseUrl, type DatabaseConfig } from '../src/config.ts'
import { openDatabase } from '../src/db/database.ts'
import { projectRoot } from '../src/paths.ts'
import { createServices } from '../src/services.ts'
import { generateW1 } from './generate.ts'
import { recording, replay } from './sql-floor.ts'
import { wholeOrganisation } from '../src/auth/visibility.ts'

const RUNS = 15

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

async function time(label: string, fn: () => Promise<unknown>, target: number): Promise<number> {
  await fn() // warm the statement cache and the JIT
  const samples: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now()
    await fn()
    samples.push(performance.now() - start)
  }
  const m = median(samples)
  console.log(
    `${label.padEnd(44)} median ${m.toFixed(1).padStart(7)} ms   target ≤ ${target} ms   ${m <= target ? 'OK' : 'OVER'}`,
  )
  return m
}

/**
 * W1 has no money in it; give every project a year's approved budget profiled monthly, two forecasts
 * (every fifth project forecast over budget) and signed-off monitoring on half of them, so the finance
 * health rules and the cost tolerance are measured against realistic volumes.
 */
async function seedFinance(db: Kysely<DB>, organisationId: number, at: string) {
  const fy = financialYearOf(todayInLondon())
  const periods = financialYearPeriods(fy)
  const now = periodOf(todayInLondon())
  const stream = await db
    .insertInto('funding_streams')
    .values({
      organisation_id: organisationId,
      name: 'Core revenue',
      kind: 'core_revenue',
      eligibility: '',
      base_costs_eligible: 1,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const projects = await db
    .selectFrom('projects')
    .select('id')
    .where('organisation_id', '=', organisationId)
    .orderBy('id')
    .execute()
  const chunks = <T>(xs: T[], n = 500) =>
    Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, i * n + n))
  for (const batch of chunks(projects)) {
    const lines = await db
      .insertInto('budget_lines')
      .values(
        batch.map((p) => ({
          organisation_id: organisationId,
          project_id: p.id,
          financial_year: fy.label,
          category: 'revenue',
          funding_stream_id: stream.id,
          cost_type: 'supplier',
          description: '',
          amount_pence: 12_000_000,
          profile_method: 'flat',
          approved_by: 'Cabinet',
          approved_by_user_id: null,
          approved_on: `${fy.label.slice(0, 4)}-04-01`,
          approval_reference: '',
          created_at: at,
          updated_at: at,
        })),
      )
      .returning('id')
      .execute()
    const rows = lines.flatMap((l) =>
      periods.map((period) => ({
        organisation_id: organisationId,
        budget_line_id: l.id,
        period,
        amount_pence: 1_000_000,
      })),
    )
    for (const c of chunks(rows)) await db.insertInto('budget_line_periods').values(c).execute()
    await db
      .insertInto('forecasts')
      .values(
        batch.flatMap((p) =>
          [periods[0]!, now].map((period, i) => ({
            organisation_id: organisationId,
            project_id: p.id,
            financial_year: fy.label,
            period,
            forecast_outturn_pence: i === 1 && p.id % 5 === 0 ? 15_000_000 : 12_000_000,
            note: '',
            entered_by: null,
            entered_by_name: 'Finance',
            created_at: at,
            updated_at: at,
          })),
        ),
      )
      .execute()
    const signed = batch.filter((p) => p.id % 2 === 0)
    if (signed.length)
      await db
        .insertInto('budget_monitoring')
        .values(
          signed.map((p) => ({
            organisation_id: organisationId,
            project_id: p.id,
            period: previousPeriod(now),
            finance_signed_off_by: null,
            finance_signed_off_by_name: 'Finance',
            finance_signed_off_at: at,
            pm_signed_off_by: null,
            pm_signed_off_by_name: 'PM',
            pm_signed_off_at: at,
            forecast_confirmed: 1,
            variance_explanation: '',
            created_at: at,
            updated_at: at,
          })),
        )
        .execute()
  }
}

async function main() {
  const root = projectRoot()
  let config: DatabaseConfig
  if (process.env.DATABASE_URL) {
    const parsed = parseDatabaseUrl(process.env.DATABASE_URL, root)
    if (typeof parsed === 'string') throw new Error(parsed)
    config = parsed
  } else {
    mkdirSync(path.join(root, 'bench', 'out'), { recursive: true })
    config = { dialect: 'sqlite', file: path.join(root, 'bench', 'out', 'w1-governance.sqlite') }
  }
  console.log(`Generating W1 on ${config.dialect}…`)
  await generateW1(config)
  const database = openDatabase(config)
  const services = createServices(database, loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }))
  const db = database.db
  const org = await db
    .selectFrom('organisations')
    .select('id')
    .where('slug', '=', 'bench')
    .executeTakeFirstOrThrow()
  const scope = wholeOrganisation(org.id)
  const at = new Date().toISOString()
  // Every programme gets a time and risk tolerance, as a council would set them.
  const programmes = await db
    .selectFrom('programmes')
    .select('id')
    .where('organisation_id', '=', org.id)
    .execute()
  await db
    .insertInto('tolerance_settings')
    .values(
      programmes.map((p) => ({
        organisation_id: org.id,
        programme_id: p.id,
        time_days: 90,
        cost_percent: 10,
        risk_score: 15,
        scope_note: '',
        benefits_note: '',
        created_at: at,
        updated_at: at,
      })),
    )
    .execute()

  await seedFinance(db, org.id, at)

  const sweep = () =>
    db
      .transaction()
      .execute((trx) => services.tolerances.evaluate(trx, org.id, null, { userId: null, label: 'Benchmark' }))
  const start = performance.now()
  const first = await sweep()
  console.log(
    `First sweep raised ${first.raised.length} exceptions (with notifications and mail) in ${(performance.now() - start).toFixed(0)} ms`,
  )
  const check = await services.governance.run(scope)
  console.log(
    `Health check: ${check.total} findings under ${check.results.filter((r) => r.findings.length).length} rules`,
  )

  const health = await time(
    'Health check over W1 (1,000 projects)',
    () => services.governance.run(scope),
    500,
  )
  const steady = await time('Tolerance sweep over W1 (no change)', sweep, 200)

  // Floors, in the same run: the SQL each ran, captured once and replayed straight through the driver.
  const recorder = recording(database)
  const recorded = createServices(recorder.database, loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }))
  await recorded.governance.run(scope)
  const healthSql = recorder.queries.splice(0)
  await recorder.database.db
    .transaction()
    .execute((trx) => recorded.tolerances.evaluate(trx, org.id, null, { userId: null, label: 'Benchmark' }))
  const sweepSql = recorder.queries.splice(0)
  const url = config.dialect === 'postgres' ? config.url : undefined
  const healthFloor = await replay(database, healthSql, { runs: RUNS, url })
  const sweepFloor = await replay(database, sweepSql, { runs: RUNS, url })
  const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}× its floor`
  console.log(
    `Floor: the health check's ${healthSql.length} queries replayed raw: median ${healthFloor.toFixed(1)} ms; ` +
      `health check ${ratio(health, healthFloor)}`,
  )
  console.log(
    `Floor: the sweep's ${sweepSql.length} queries replayed raw: median ${sweepFloor.toFixed(1)} ms; ` +
      `sweep ${ratio(steady, sweepFloor)}`,
  )
  console.log(
    JSON.stringify({
      benchmark: 'governance-w1',
      dialect: config.dialect,
      date: new Date().toISOString(),
      healthCheckMs: Math.round(health * 10) / 10,
      healthCheckFloorMs: Math.round(healthFloor * 10) / 10,
      healthQueries: healthSql.length,
      sweepMs: Math.round(steady * 10) / 10,
      sweepFloorMs: Math.round(sweepFloor * 10) / 10,
      sweepQueries: sweepSql.length,
    }),
  )
  await database.close()
  if (health > 500 || steady > 200) process.exitCode = 1
}

await main()
