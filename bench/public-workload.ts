/**
 * The public-site benchmarks' data: a copy of W1 (bench/generate.ts: 20 programmes, 1,000 projects) whose
 * organisation publishes its programmes (and, for open data, its spend), with optionally a ledger of
 * payments charged to one programme's projects. SQLite files under bench/out/.
 */
import { copyFileSync, existsSync, rmSync } from 'node:fs'
import path from 'node:path'
import type { Actor } from '../src/auth/actor.ts'
import { loadConfig } from '../src/config.ts'
import { openDatabase } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { createServices } from '../src/services.ts'
import { log, out } from './harness.ts'
import { BENCH_EMAIL, generateW1 } from './generate.ts'

export const SLUG = 'bench'

const SUPPLIERS = [
  'Northgate Public Services (UK) Ltd',
  'Civica UK Ltd',
  'Capita Business Services Ltd',
  'Softcat plc',
  'Agilisys Ltd',
  'Smith & Sons Builders',
  'Mr J Smith', // an individual: redacted on the public site
]
const EXPENSES = ['Software licences', 'Consultancy fees', 'Hardware purchase', 'Building repairs']

/**
 * Copies W1 (generating it once) to bench/out/NAME.sqlite, publishes `types`, and answers the programme
 * with the most projects. With `ledgerRows`, that many payments of £500 to £50,500 (one in 50 a refund)
 * are charged to its projects, in one transaction of multi-row inserts.
 */
export async function publishedCopy(name: string, types: string[], ledgerRows = 0) {
  const w1 = path.join(out, 'w1.sqlite')
  if (!existsSync(w1)) {
    log('Generating W1…')
    await generateW1({ dialect: 'sqlite', file: w1 })
  }
  const file = path.join(out, `${name}.sqlite`)
  for (const s of ['', '-wal', '-shm']) rmSync(file + s, { force: true })
  copyFileSync(w1, file)
  const config = loadConfig({
    ...process.env,
    DATABASE_URL: `file:${file}`,
    DEMO: 'false',
    LOG_LEVEL: 'silent',
  })
  const database = openDatabase(config.database)
  await migrateToLatest(database)
  const { db } = database
  const org = await db
    .selectFrom('organisations')
    .selectAll()
    .where('slug', '=', SLUG)
    .executeTakeFirstOrThrow()
  const user = await db
    .selectFrom('users')
    .select('id')
    .where('email', '=', BENCH_EMAIL)
    .executeTakeFirstOrThrow()
  const actor: Actor = {
    userId: user.id,
    name: 'Benchmark user',
    email: BENCH_EMAIL,
    role: 'administrator',
    organisationId: org.id,
    organisationName: org.name,
    organisationSlug: org.slug,
    ratingScale: 'ipa5',
    isDemo: false,
    via: 'session',
    partnerId: null,
    sessionId: null,
  }
  const services = createServices(database, config)
  await services.publicSite.publication.save(actor, { types, threshold: '500' }, 0)
  const biggest = await db
    .selectFrom('projects')
    .select(['programme_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('organisation_id', '=', org.id)
    .groupBy('programme_id')
    .orderBy('n', 'desc')
    .executeTakeFirstOrThrow()
  const programmeId = Number(biggest.programme_id)
  const projects = await db
    .selectFrom('projects')
    .select('id')
    .where('programme_id', '=', programmeId)
    .orderBy('id')
    .execute()
  if (ledgerRows > 0) {
    const at = new Date().toISOString()
    await db.transaction().execute(async (trx) => {
      const BATCH = 500
      for (let start = 0; start < ledgerRows; start += BATCH) {
        const rows = []
        for (let i = start; i < Math.min(ledgerRows, start + BATCH); i++) {
          const day = new Date(Date.UTC(2025, 3, 1) + Math.floor((i / ledgerRows) * 365) * 86_400_000)
          const date = day.toISOString().slice(0, 10)
          const pence = (50_000 + ((i * 7919) % 5_000_000)) * (i % 50 === 49 ? -1 : 1)
          rows.push({
            organisation_id: org.id,
            project_id: projects[i % projects.length]!.id,
            import_id: null,
            transaction_ref: `TX${String(i).padStart(8, '0')}`,
            dedupe_key: `bench-${i}`,
            content_hash: `bench-${i}`,
            transaction_date: date,
            period: date.slice(0, 7),
            financial_year: '2025-26',
            amount_pence: pence,
            supplier_name: SUPPLIERS[i % SUPPLIERS.length]!,
            description: 'Benchmark payment',
            cost_centre: 'ICT4410',
            account_code: '5100',
            expense_type: EXPENSES[i % EXPENSES.length]!,
            service_area: 'Digital and ICT',
            created_at: at,
          })
        }
        await trx.insertInto('ledger_transactions').values(rows).execute()
      }
    })
  }
  await database.close()
  return { file, programmeId, projects: projects.length }
}
