/**
 * Governance control over W1 (1,000 projects): the health check and the tolerance sweep.
 *   npx tsx bench/governance.ts             SQLite, a fresh W1 in bench/out/w1-governance.sqlite
 *   DATABASE_URL=postgres://… npx tsx bench/governance.ts
 * Targets (issue 4): health check ≤ 500 ms, tolerance sweep ≤ 200 ms. Reports the median of 15 runs.
 */
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { loadConfig, parseDatabaseUrl, type DatabaseConfig } from '../src/config.ts'
import { openDatabase } from '../src/db/database.ts'
import { projectRoot } from '../src/paths.ts'
import { createServices } from '../src/services.ts'
import { generateW1 } from './generate.ts'

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
  const scope = { organisationId: org.id, partnerOnly: false }
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
        risk_score: 15,
        scope_note: '',
        benefits_note: '',
        created_at: at,
        updated_at: at,
      })),
    )
    .execute()

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
  await database.close()
  if (health > 500 || steady > 200) process.exitCode = 1
}

await main()
