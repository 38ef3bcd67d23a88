/**
 * Performance indicators (issue 11), on SQLite in bench/out/indicators.sqlite:
 *   npx tsx bench/indicators.ts           the targets' sizes
 *   npx tsx bench/indicators.ts --quick   a tiny run that only shows the bench works
 * 1. An indicator page with 10 years of monthly values and targets, its chart and table, through the app
 *    (app.inject, signed in): ≤ 50 ms median, within 2× of the same figures read with one query and rendered
 *    by a bare template (the floor).
 * 2. An import of 100,000 values (834 monthly indicators × 120 months) through the one import pipeline, check
 *    and commit: ≤ 5 s and ≤ 300 MB resident, against the floor of the same rows inserted straight through
 *    the driver in one transaction.
 */
import { rmSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { Readable } from 'node:stream'
import { performance } from 'node:perf_hooks'
import nunjucks from 'nunjucks'
import { buildApp } from '../src/app.ts'
import { loadConfig, type DatabaseConfig } from '../src/config.ts'
import { openDatabase } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { keysBetween } from '../src/domain/reporting-periods.ts'
import { projectRoot } from '../src/paths.ts'
import { sessionCookieName } from '../src/plugins/auth.ts'
import type { Actor } from '../src/auth/actor.ts'

const QUICK = process.argv.includes('--quick')
const RUNS = QUICK ? 3 : 25
const MONTHS = keysBetween('monthly', '2016-04', QUICK ? '2017-03' : '2026-03')
const IMPORT_INDICATORS = QUICK ? 10 : 834

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

async function timed(fn: () => Promise<unknown>): Promise<number> {
  await fn()
  const samples: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now()
    await fn()
    samples.push(performance.now() - start)
  }
  return median(samples)
}

async function main() {
  const root = projectRoot()
  mkdirSync(path.join(root, 'bench', 'out'), { recursive: true })
  const file = path.join(root, 'bench', 'out', 'indicators.sqlite')
  rmSync(file, { force: true })
  const config: DatabaseConfig = { dialect: 'sqlite', file }
  const database = openDatabase(config)
  await migrateToLatest(database)
  const db = database.db
  const at = new Date().toISOString()
  const org = await db
    .insertInto('organisations')
    .values({
      slug: 'bench',
      name: 'Bench Council',
      rating_scale: 'ipa5',
      is_demo: 0,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  const user = await db
    .insertInto('users')
    .values({
      email: 'admin@bench.test',
      name: 'Bench admin',
      password_hash: 'x',
      is_active: 1,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('memberships')
    .values({ organisation_id: org.id, user_id: user.id, role: 'administrator', created_at: at })
    .execute()
  const app = await buildApp({ config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), database })
  await app.ready()

  // 1. One indicator with ten years of monthly values and targets.
  const indicator = await db
    .insertInto('indicators')
    .values({
      organisation_id: org.id,
      name: 'Contacts by telephone',
      unit: 'count',
      scale: 0,
      polarity: 'lower',
      frequency: 'monthly',
      rollup: 'sum',
      status: 'active',
      description: '',
      owner: '',
      group_name: '',
      data_source: '',
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('indicator_values')
    .values(
      MONTHS.map((period, m) => ({
        organisation_id: org.id,
        indicator_id: indicator.id,
        period,
        value: 9000 - m * 40,
        note: m % 12 === 0 ? 'Year end' : '',
        entered_by_name: 'Bench',
        entered_at: at,
        created_at: at,
        updated_at: at,
      })),
    )
    .execute()
  await db
    .insertInto('indicator_targets')
    .values(
      MONTHS.map((period) => ({
        organisation_id: org.id,
        indicator_id: indicator.id,
        period,
        target: 6000,
        warning: 6500,
        created_at: at,
        updated_at: at,
      })),
    )
    .execute()
  const { token } = await app.services.auth.createSession(db, user.id, org.id)
  const cookie = `${sessionCookieName(false)}=${app.signCookie(token)}`
  const page = async () => {
    const res = await app.inject({ method: 'GET', url: `/indicators/${indicator.id}`, headers: { cookie } })
    if (res.statusCode !== 200) throw new Error(`indicator page answered ${res.statusCode}`)
  }
  const bare = new nunjucks.Environment()
  const BARE = `<table>{% for r in rows %}<tr><th>{{ r.period }}</th><td>{{ r.value }}</td><td>{{ r.target }}</td><td>{{ r.warning }}</td><td>{{ r.note }}</td></tr>{% endfor %}</table>`
  const floor = async () => {
    const rows = await db
      .selectFrom('indicator_values as v')
      .leftJoin('indicator_targets as t', (j) =>
        j.onRef('t.indicator_id', '=', 'v.indicator_id').onRef('t.period', '=', 'v.period'),
      )
      .select(['v.period', 'v.value', 'v.note', 't.target', 't.warning'])
      .where('v.indicator_id', '=', indicator.id)
      .orderBy('v.period', 'desc')
      .execute()
    bare.renderString(BARE, { rows })
  }
  const pageMs = await timed(page)
  const floorMs = await timed(floor)
  console.log(
    `indicator page, ${MONTHS.length} months   median ${pageMs.toFixed(1)} ms (target ≤ 50 ms, ≤ 2× floor)   floor ${floorMs.toFixed(1)} ms   ${pageMs <= 50 && pageMs <= 2 * floorMs ? 'OK' : 'OVER'}`,
  )

  // 2. 100,000 values in a long file, through the pipeline; the floor is the same rows inserted directly.
  const names = Array.from({ length: IMPORT_INDICATORS }, (_, i) => `Bench measure ${i + 1}`)
  for (let i = 0; i < names.length; i += 200)
    await db
      .insertInto('indicators')
      .values(
        names.slice(i, i + 200).map((name) => ({
          organisation_id: org.id,
          name,
          unit: 'count',
          scale: 0,
          polarity: 'higher',
          frequency: 'monthly',
          rollup: 'sum',
          status: 'active',
          description: '',
          owner: '',
          group_name: '',
          data_source: '',
          created_at: at,
          updated_at: at,
        })),
      )
      .execute()
  const lines = ['Indicator,Period,Value,Note']
  for (const name of names)
    for (const [m, period] of MONTHS.entries()) lines.push(`${name},${period},${1000 + m},`)
  const csv = `${lines.join('\n')}\n`
  const rows = lines.length - 1
  const actor: Actor = {
    userId: user.id,
    name: 'Bench admin',
    email: 'admin@bench.test',
    role: 'administrator',
    organisationId: org.id,
    organisationName: 'Bench Council',
    organisationSlug: 'bench',
    partnerId: null,
    ratingScale: 'ipa5',
    isDemo: false,
    via: 'token',
    sessionId: null,
  }
  let peak = process.memoryUsage().rss
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20)
  const imports = app.services.indicatorImports
  const started = performance.now()
  const stored = await imports.storeUpload(org.id, 'bench.csv', Readable.from([Buffer.from(csv)]))
  const checked = await imports.begin(
    actor,
    { ...stored, fileName: 'bench.csv' },
    { indicatorId: null, organisation: '', columns: {} },
  )
  await imports.check(org.id, checked.id)
  const committed = await imports.commit(actor, checked.id, false)
  const importMs = performance.now() - started
  clearInterval(sampler)
  if (committed.rows_added !== rows)
    throw new Error(`added ${committed.rows_added} of ${rows}: ${committed.failure_reason}`)
  await db.deleteFrom('indicator_values').where('import_id', '=', checked.id).execute()
  const ids = await db
    .selectFrom('indicators')
    .select(['id', 'name'])
    .where('name', 'like', 'Bench measure %')
    .execute()
  const floorStart = performance.now()
  await db.transaction().execute(async (trx) => {
    const values = ids.flatMap((i) =>
      MONTHS.map((period, m) => ({
        organisation_id: org.id,
        indicator_id: i.id,
        period,
        value: 1000 + m,
        entered_by_name: 'Bench',
        entered_at: at,
        created_at: at,
        updated_at: at,
      })),
    )
    for (let i = 0; i < values.length; i += 500)
      await trx
        .insertInto('indicator_values')
        .values(values.slice(i, i + 500))
        .execute()
  })
  const insertFloorMs = performance.now() - floorStart
  const mb = peak / 1024 / 1024
  console.log(
    `import of ${rows} values   ${(importMs / 1000).toFixed(2)} s (target ≤ 5 s)   peak ${mb.toFixed(0)} MB (≤ 300 MB)   raw insert floor ${(insertFloorMs / 1000).toFixed(2)} s   ${importMs <= 5000 && mb <= 300 ? 'OK' : 'OVER'}`,
  )
  await app.close()
}

await main()
