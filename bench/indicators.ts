/**
 * Performance indicators (issue 11), on SQLite in bench/out/indicators.sqlite:
 *   npx tsx bench/indicators.ts           the targets' sizes
 *   npx tsx bench/indicators.ts --quick   a tiny run that only shows the bench works
 *   npx tsx bench/indicators.ts --built   the import by the built command (npm run build first)
 * 1. An indicator page with 10 years of monthly values and targets, its chart and table, signed in:
 *    ≤ 50 ms median and within 2× of its floor. The floor is the house pattern (bench/floor.ts, the dashboard
 *    floor): a bare Fastify with no plugins whose route renders the SAME template with the SAME data, computed
 *    once before the clock starts. Both are measured the same way, through app.inject in this process: inject
 *    runs Fastify's whole request lifecycle (routing, hooks, the reply) without the network, so what separates
 *    the two is exactly what Oversight adds per request (session, CSRF, headers, the view model, its queries).
 *    A real port would add the same loopback and client cost to both, which only brings the ratio nearer 1 and
 *    on this shared two-core machine adds noise; inject is the stricter comparison. The page is measured twice:
 *    remembered (every read until something changes: the view model is kept on the change counter) and computed
 *    (an app started with CHANGE_CACHE=false: the first read after a change). Each line gives its SQL count.
 * 2. An import of 100,080 values (834 monthly indicators × 120 months), written to a CSV file first, then
 *    imported by the command line (`oversight import indicators FILE --org bench --commit`: check, then commit)
 *    in a process of its own, timed by /usr/bin/time: wall clock (node start-up included), CPU and that
 *    process's peak RSS. Targets ≤ 5 s and ≤ 300 MB. The floor: the same rows inserted straight through the
 *    driver in one transaction, in this process (its time only: this process holds the generator's rows).
 * Prints a table and, last, one JSON line; each figure with the load average when it was taken.
 */
import { createWriteStream, mkdirSync, rmSync } from 'node:fs'
import { once } from 'node:events'
import { loadavg } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import Fastify from 'fastify'
import { runCli } from './cli-run.ts'
import { buildApp } from '../src/app.ts'
import type { Actor } from '../src/auth/actor.ts'
import { wholeOrganisation } from '../src/auth/visibility.ts'
import { loadConfig, type DatabaseConfig } from '../src/config.ts'
import { openDatabase, type Database } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { keysBetween } from '../src/domain/reporting-periods.ts'
import { indicatorPage } from '../src/modules/outcomes/indicators/indicators.view.ts'
import { projectRoot } from '../src/paths.ts'
import { sessionCookieName } from '../src/plugins/auth.ts'
import { createViewEnvironment } from '../src/plugins/views.ts'
import { statementsDuring } from '../test/helpers/statements.ts'

const QUICK = process.argv.includes('--quick')
// Many rounds: on a shared machine a median of a few dozen swings with the load by more than the page costs.
const RUNS = QUICK ? 3 : 200
const MONTHS = keysBetween('monthly', '2016-04', QUICK ? '2017-03' : '2026-03')
const IMPORT_INDICATORS = QUICK ? 10 : 834
const BUILT = process.argv.includes('--built')

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * q)]!
const load = () => loadavg()[0]!.toFixed(2)

/**
 * Each function's median and fastest-decile milliseconds, taken in turns (one of each per round, after a warm-up
 * round), so a swing in the shared machine's load falls on all of them alike. The fastest decile is the figure
 * least moved by the load: it is printed beside the median.
 */
async function timedInTurns(
  fns: Array<() => Promise<unknown>>,
): Promise<Array<{ median: number; p10: number }>> {
  for (const fn of fns) await fn()
  const samples = fns.map((): number[] => [])
  for (let i = 0; i < RUNS; i++)
    for (const [n, fn] of fns.entries()) {
      const start = performance.now()
      await fn()
      samples[n]!.push(performance.now() - start)
    }
  return samples.map((xs) => ({ median: quantile(xs, 0.5), p10: quantile(xs, 0.1) }))
}

const indicatorRow = (organisationId: number, name: string, at: string) => ({
  organisation_id: organisationId,
  name,
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

async function seed(database: Database) {
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
  // One indicator with ten years of monthly values and targets.
  const indicator = await db
    .insertInto('indicators')
    .values(indicatorRow(org.id, 'Contacts by telephone', at))
    .returning('id')
    .executeTakeFirstOrThrow()
  const base = { organisation_id: org.id, indicator_id: indicator.id, created_at: at, updated_at: at }
  await db
    .insertInto('indicator_values')
    .values(
      MONTHS.map((period, m) => ({
        ...base,
        period,
        value: 9000 - m * 40,
        note: m % 12 === 0 ? 'Year end' : '',
        entered_by_name: 'Bench',
        entered_at: at,
      })),
    )
    .execute()
  await db
    .insertInto('indicator_targets')
    .values(MONTHS.map((period) => ({ ...base, period, target: 6000, warning: 6500 })))
    .execute()
  // The import's indicators, by name.
  const names = Array.from({ length: IMPORT_INDICATORS }, (_, i) => `Bench measure ${i + 1}`)
  for (let i = 0; i < names.length; i += 200)
    await db
      .insertInto('indicators')
      .values(
        names.slice(i, i + 200).map((name) => ({ ...indicatorRow(org.id, name, at), polarity: 'higher' })),
      )
      .execute()
  return { orgId: org.id, userId: user.id, indicatorId: indicator.id, names }
}

interface Timing {
  median: number
  p10: number
}
interface PageFigures {
  remembered: Timing
  computed: Timing
  floor: Timing
  queriesRemembered: number
  queriesComputed: number
  bytes: { page: number; floor: number }
  load: string
}

async function measurePage(database: Database, s: Awaited<ReturnType<typeof seed>>): Promise<PageFigures> {
  const started = async (env: Record<string, string>) => {
    const app = await buildApp({
      config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent', ...env }),
      database,
    })
    await app.ready()
    const { token } = await app.services.auth.createSession(database.db, s.userId, s.orgId)
    const session = `${sessionCookieName(false)}=${app.signCookie(token)}`
    // As a browser does: the CSRF secret cookie set by the first page is sent back with every later one.
    const first = await app.inject({ method: 'GET', url: '/indicators', headers: { cookie: session } })
    const cookie = [session, ...first.cookies.map((c) => `${c.name}=${encodeURIComponent(c.value)}`)].join(
      '; ',
    )
    return { app, cookie }
  }
  const cached = await started({})
  const fresh = await started({ CHANGE_CACHE: 'false' })
  const url = `/indicators/${s.indicatorId}`
  const read = (a: { app: typeof cached.app; cookie: string }) => async () => {
    const res = await a.app.inject({ method: 'GET', url, headers: { cookie: a.cookie } })
    if (res.statusCode !== 200) throw new Error(`indicator page answered ${res.statusCode}`)
    if (res.headers['set-cookie']) throw new Error('the page set a cookie again: the bench is not a browser')
    return res.body
  }

  // The floor: the same template and the same data, computed once, on a bare Fastify.
  const scope = wholeOrganisation(s.orgId)
  const view = await cached.app.services.indicators.view(scope, s.indicatorId)
  const actor: Actor = {
    userId: s.userId,
    name: 'Bench admin',
    email: 'admin@bench.test',
    role: 'administrator',
    organisationId: s.orgId,
    organisationName: 'Bench Council',
    organisationSlug: 'bench',
    partnerId: null,
    ratingScale: 'ipa5',
    isDemo: false,
    via: 'session',
    sessionId: null,
  }
  const context = {
    title: view!.indicator.name,
    breadcrumbs: [{ text: 'Indicators', href: '/indicators' }],
    ...indicatorPage(view!),
    canDefine: true,
    canEnter: true,
    historyUrl: `/history/indicator/${s.indicatorId}`,
    actor,
    csrfToken: 'floor',
    cspNonce: 'floor',
    currentPath: url,
  }
  const views = createViewEnvironment()
  const bare = Fastify({ logger: false })
  bare.get(url, (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .send(views.render('outcomes/indicators/views/indicator.njk', context)),
  )
  await bare.ready()
  const floorRead = async () => (await bare.inject({ method: 'GET', url })).body

  const [remembered, computed, floor] = await timedInTurns([read(cached), read(fresh), floorRead])
  const figures = {
    remembered: remembered!,
    computed: computed!,
    floor: floor!,
    queriesRemembered: (await statementsDuring(database, read(cached))).length,
    queriesComputed: (await statementsDuring(database, read(fresh))).length,
    bytes: { page: (await read(cached)()).length, floor: (await floorRead()).length },
    load: load(),
  }
  await Promise.all([cached.app.close(), fresh.app.close(), bare.close()])
  return figures
}

/**
 * The command line in a process of its own under /usr/bin/time: wall seconds, peak RSS (MB), CPU seconds. Under
 * tsx, as the other import benchmarks run it; with --built, the built command (dist/src/cli.js, `npm run build`
 * first), as an installed Oversight runs it: no TypeScript compiler in the process.
 */
function cli(dbFile: string, args: string[]) {
  const r = runCli(dbFile, args, { timed: true, built: BUILT })
  return {
    stdout: r.stdout,
    seconds: r.seconds,
    rssMb: Math.round(r.rssKib / 1024),
    cpu: Number(r.cpu.toFixed(2)),
  }
}

async function main() {
  const root = projectRoot()
  const out = path.join(root, 'bench', 'out')
  mkdirSync(out, { recursive: true })
  const dbFile = path.join(out, 'indicators.sqlite')
  for (const f of [dbFile, `${dbFile}-wal`, `${dbFile}-shm`]) rmSync(f, { force: true })
  const config: DatabaseConfig = { dialect: 'sqlite', file: dbFile }
  let database = openDatabase(config)
  await migrateToLatest(database)
  const s = await seed(database)

  // 1. The page.
  const page = await measurePage(database, s)

  // 2. The import: the file first, then the command line on it, then the floor.
  const csvFile = path.join(out, 'indicators-import.csv')
  const csv = createWriteStream(csvFile)
  csv.write('Indicator,Period,Value,Note\n')
  let rows = 0
  for (const name of s.names)
    for (const [m, period] of MONTHS.entries()) {
      if (!csv.write(`${name},${period},${1000 + m},\n`)) await once(csv, 'drain')
      rows++
    }
  csv.end()
  await once(csv, 'finish')
  await database.close()
  // The command's start-up alone (loading the app's code, opening the database), for the import's own share.
  const { stdout: _listed, ...startup } = cli(dbFile, ['org', 'list'])
  const { stdout, ...imp } = cli(dbFile, ['import', 'indicators', csvFile, '--org', 'bench', '--commit'])
  const importLoad = load()
  const added = Number(/Added (\d+) values/.exec(stdout)?.[1] ?? -1)
  if (added !== rows) throw new Error(`added ${added} of ${rows}: ${stdout}`)

  database = openDatabase(config)
  const db = database.db
  await db.deleteFrom('indicator_values').where('import_id', 'is not', null).execute()
  const ids = await db
    .selectFrom('indicators')
    .select('id')
    .where('name', 'like', 'Bench measure %')
    .execute()
  const at = new Date().toISOString()
  const floorStart = performance.now()
  await db.transaction().execute(async (trx) => {
    const values = ids.flatMap((i) =>
      MONTHS.map((period, m) => ({
        organisation_id: s.orgId,
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
  const insertFloorS = (performance.now() - floorStart) / 1000
  const floorLoad = load()
  await database.close()

  const ratio = page.remembered.median / page.floor.median
  const pageOk = page.remembered.median <= 50 && ratio <= 2
  const importOk = imp.seconds <= 5 && imp.rssMb <= 300
  const f1 = (n: number) => n.toFixed(1)
  const ms = (t: Timing) => `${f1(t.median)} ms (fastest tenth ${f1(t.p10)} ms)`
  console.log(
    [
      `| measure | figure | floor | target | met? | load |`,
      `| --- | --- | --- | --- | --- | --- |`,
      `| indicator page, ${MONTHS.length} months, remembered (${page.queriesRemembered} SQL) | ${ms(page.remembered)} | ${ms(page.floor)}: bare Fastify, same template and data | ≤ 50 ms, ≤ 2× | ${ratio.toFixed(2)}× (fastest tenths ${(page.remembered.p10 / page.floor.p10).toFixed(2)}×) ${pageOk ? 'yes' : '**no**'} | ${page.load} |`,
      `| indicator page, computed (CHANGE_CACHE=false, ${page.queriesComputed} SQL) | ${ms(page.computed)} | | first read after a change | ${(page.computed.median / page.floor.median).toFixed(2)}× | ${page.load} |`,
      `| import of ${rows} values, ${BUILT ? 'built' : 'tsx'} CLI process (check + commit) | ${imp.seconds.toFixed(2)} s, peak RSS ${imp.rssMb.toFixed(0)} MB, CPU ${imp.cpu.toFixed(2)} s | ${insertFloorS.toFixed(2)} s (raw insert, one transaction; load ${floorLoad}) | ≤ 5 s, ≤ 300 MB | ${importOk ? 'yes' : '**no**'} | ${importLoad} |`,
      `| the same command's start-up alone (\`org list\`) | ${startup.seconds.toFixed(2)} s, peak RSS ${startup.rssMb} MB, CPU ${startup.cpu.toFixed(2)} s | | | | ${importLoad} |`,
    ].join('\n'),
  )
  console.log(
    JSON.stringify({
      page: { ...page, ratio: Number(ratio.toFixed(2)), ok: pageOk },
      import: {
        rows,
        built: BUILT,
        ...imp,
        startup,
        floorSeconds: Number(insertFloorS.toFixed(2)),
        load: importLoad,
        ok: importOk,
      },
    }),
  )
}

await main()
