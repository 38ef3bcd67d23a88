/**
 * Programme finance summary on W1 plus 200,000 ledger transactions: target ≤ 100 ms server time.
 *   npx tsx bench/finance-summary.ts [--transactions 200000] [--runs 30]
 * Builds W1 (bench/generate.ts) in bench/out/finance-w1.sqlite, gives every project two budget lines for
 * the current financial year, spreads the transactions over all 1,000 projects and 24 months, adds a
 * partner's recharges and claims, then times GET /api/v1/programmes/:id/finance and the HTML page
 * through app.inject (the server's own time: routing, queries, serialisation; no network).
 */
import path from 'node:path'
import { parseArgs } from 'node:util'
import { buildApp } from '../src/app.ts'
import { loadConfig } from '../src/config.ts'
import { openDatabase } from '../src/db/database.ts'
import { todayInLondon } from '../src/domain/dates.ts'
import {
  financialYearOf,
  financialYearPeriods,
  periodsBetween,
  previousPeriod,
  periodOf,
} from '../src/domain/periods.ts'
import { projectRoot } from '../src/paths.ts'
import { budgetLineProfile } from '../src/modules/finance/budgets/budgets.service.ts'
import { generateW1 } from './generate.ts'
import { recording, replay } from './sql-floor.ts'
import { wholeOrganisation } from '../src/auth/visibility.ts'

const { values } = parseArgs({
  options: { transactions: { type: 'string', default: '200000' }, runs: { type: 'string', default: '30' } },
})
const TRANSACTIONS = Number(values.transactions)
const RUNS = Number(values.runs)
const file = path.join(projectRoot(), 'bench', 'out', 'finance-w1.sqlite')

const t0 = performance.now()
await generateW1({ dialect: 'sqlite', file })
const database = openDatabase({ dialect: 'sqlite', file })
const db = database.db
const org = await db
  .selectFrom('organisations')
  .select('id')
  .where('slug', '=', 'bench')
  .executeTakeFirstOrThrow()
const user = await db
  .selectFrom('memberships')
  .select('user_id')
  .where('organisation_id', '=', org.id)
  .executeTakeFirstOrThrow()
const projects = await db
  .selectFrom('projects')
  .select(['id', 'programme_id'])
  .where('organisation_id', '=', org.id)
  .orderBy('id')
  .execute()
const at = new Date().toISOString()
const fy = financialYearOf(todayInLondon())
const now = periodOf(todayInLondon())
let months = periodsBetween(previousPeriod(previousPeriod(now)), now)
for (let i = 0; i < 21; i++) months = [previousPeriod(months[0]!), ...months]

await db.transaction().execute(async (trx) => {
  const stream = await trx
    .insertInto('funding_streams')
    .values({
      organisation_id: org.id,
      name: 'Core revenue',
      kind: 'core_revenue',
      eligibility: '',
      base_costs_eligible: 1,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const partner = await trx
    .insertInto('partners')
    .values({
      organisation_id: org.id,
      name: 'PSPS',
      base_contract: 'ICT',
      annual_base_contract_pence: 100000000,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  for (const [i, p] of projects.entries()) {
    for (const [costType, pounds] of [
      ['staff', 40000 + (i % 7) * 1000],
      ['partner_recharge', 12000],
    ] as const) {
      const input = {
        financialYear: fy.label,
        category: 'revenue',
        fundingStreamId: stream.id,
        costType,
        description: '',
        amountPence: pounds * 100,
        profileMethod: 'flat',
        manualProfile: [],
        approvedBy: '',
        approvedOn: null,
        approvalReference: '',
      }
      const line = await trx
        .insertInto('budget_lines')
        .values({
          organisation_id: org.id,
          project_id: p.id,
          financial_year: fy.label,
          category: 'revenue',
          funding_stream_id: stream.id,
          cost_type: costType,
          description: '',
          amount_pence: pounds * 100,
          profile_method: 'flat',
          approved_by: '',
          approved_by_user_id: null,
          approved_on: null,
          approval_reference: '',
          created_at: at,
          updated_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await trx
        .insertInto('budget_line_periods')
        .values(
          budgetLineProfile(input).map((x) => ({
            organisation_id: org.id,
            budget_line_id: line.id,
            period: x.period,
            amount_pence: x.amount,
          })),
        )
        .execute()
    }
    const recharges = financialYearPeriods(fy).filter((m) => m <= now)
    await trx
      .insertInto('partner_recharges')
      .values(
        recharges.map((m) => ({
          organisation_id: org.id,
          partner_id: partner.id,
          project_id: p.id,
          description: 'Web developer',
          period: m,
          amount_pence: 100000,
          cost_basis: 'non_base',
          created_at: at,
          updated_at: at,
        })),
      )
      .execute()
    await trx
      .insertInto('claims')
      .values({
        organisation_id: org.id,
        funding_stream_id: stream.id,
        project_id: p.id,
        title: 'Claim',
        eligible_pence: 1000,
        claimed_pence: 1000,
        received_pence: 500,
        submitted_on: null,
        received_on: null,
        status: 'submitted',
        created_at: at,
        updated_at: at,
      })
      .execute()
  }
  const batch: Array<Record<string, unknown>> = []
  const flush = async () => {
    if (batch.length)
      await trx
        .insertInto('ledger_transactions')
        .values(batch.splice(0) as never)
        .execute()
  }
  for (let i = 0; i < TRANSACTIONS; i++) {
    const p = projects[i % projects.length]!
    const period = months[Math.floor(i / projects.length) % months.length]!
    batch.push({
      organisation_id: org.id,
      project_id: i % 50 === 0 ? null : p.id,
      import_id: null,
      transaction_ref: `B${i}`,
      dedupe_key: `ref:B${i}`,
      content_hash: `h${i}`,
      transaction_date: `${period}-15`,
      period,
      financial_year: financialYearOf(`${period}-15`).label,
      amount_pence: 5000 + (i % 97) * 100,
      supplier_name: i % 5 === 0 ? 'PSPS' : 'Supplier Ltd',
      description: 'Payment',
      cost_centre: 'CC',
      account_code: 'A',
      expense_type: '',
      service_area: '',
      created_at: at,
    })
    if (batch.length === 500) await flush()
  }
  await flush()
})
const setupMs = Math.round(performance.now() - t0)

const token = await (
  await import('../src/modules/tokens/tokens.service.ts')
)
  .createTokensService(db)
  .create(org.id, user.user_id, 'finance bench')
const app = await buildApp({
  config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: `file:${file}` }),
  database,
})
await app.ready()
const programmeId = projects[0]!.programme_id

async function time(url: string): Promise<{ median: number; p95: number; max: number }> {
  const samples: number[] = []
  for (let i = 0; i < RUNS + 5; i++) {
    const started = performance.now()
    const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token.token}` } })
    const ms = performance.now() - started
    if (res.statusCode !== 200)
      throw new Error(`${url} answered ${res.statusCode}: ${res.body.slice(0, 200)}`)
    if (i >= 5) samples.push(ms)
  }
  samples.sort((a, b) => a - b)
  const q = (f: number) =>
    Math.round(samples[Math.min(samples.length - 1, Math.floor(f * samples.length))]! * 10) / 10
  return { median: q(0.5), p95: q(0.95), max: q(1) }
}

const api = await time(`/api/v1/programmes/${programmeId}/finance`)
const flags = performance.now()
await app.services.finance.flags(wholeOrganisation(org.id))
const flagsMs = Math.round((performance.now() - flags) * 10) / 10

// Floor, in the same run: the SQL one request runs (token lookup included), captured from a second app
// built on a recording connection and replayed straight through the driver.
const recorder = recording(database)
const recordingApp = await buildApp({
  config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', DATABASE_URL: `file:${file}` }),
  database: recorder.database,
})
await recordingApp.ready()
recorder.queries.splice(0)
await recordingApp.inject({
  method: 'GET',
  url: `/api/v1/programmes/${programmeId}/finance`,
  headers: { authorization: `Bearer ${token.token}` },
})
const requestSql = recorder.queries.splice(0)
await recordingApp.close()
const floorMs = Math.round((await replay(database, requestSql, { runs: RUNS })) * 10) / 10

const result = {
  benchmark: 'programme finance summary, W1 + ledger',
  transactions: TRANSACTIONS,
  projects: projects.length,
  programmeProjects: projects.filter((p) => p.programme_id === programmeId).length,
  setupMs,
  apiMs: api,
  floorMs,
  floorQueries: requestSql.length,
  ratio: Math.round((api.median / floorMs) * 10) / 10,
  flagsAllProjectsMs: flagsMs,
  targetMs: 100,
  pass: api.p95 <= 100,
}
console.log(JSON.stringify(result, null, 2))
await app.close()
await database.close()
