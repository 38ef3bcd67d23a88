/**
 * Search (issue 13) on W1 plus 10,000 document-like entries:
 *   npx tsx bench/search.ts            SQLite, a fresh W1 in bench/out/w1-search.sqlite
 *   DATABASE_URL=postgres://… npx tsx bench/search.ts   the same on PostgreSQL (an empty database)
 *   npx tsx bench/search.ts --quick    1,000 documents and 5 runs: only shows the bench works
 * W1 is generated through the migrations, so the triggers index it as it is written. The documents are
 * index entries of the kind the attached-documents source adds (a file name and its title, on a project).
 * Measures GET /api/v1/search with two two-word queries over HTTP (a real socket, an API token): one that
 * matches a few hundred records and one that matches every status report. The floor is the house floor
 * (bench/floor.ts's for the project list): a bare Fastify route running the same SQL the service sends
 * straight through the driver, timed over HTTP the same way (bench/sql-floor.ts, serveReplay); the SQL
 * replayed in-process with no HTTP is shown beside it.
 * Targets: ≤ 50 ms median, within 2× of the floor.
 */
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { buildApp } from '../src/app.ts'
import { wholeOrganisation } from '../src/auth/visibility.ts'
import { loadConfig, parseDatabaseUrl, type DatabaseConfig } from '../src/config.ts'
import { openDatabase } from '../src/db/database.ts'
import { projectRoot } from '../src/paths.ts'
import { createSearchService } from '../src/modules/search/search.service.ts'
import { createTokensService } from '../src/modules/tokens/tokens.service.ts'
import { generateW1 } from './generate.ts'
import { recording, replay, serveReplay } from './sql-floor.ts'

const QUICK = process.argv.includes('--quick')
const RUNS = QUICK ? 5 : 25
const DOCUMENTS = QUICK ? 1000 : 10_000
const QUERIES = ['network improvement', 'progress resources']

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** Requests before the timed ones, so each route is measured warm (the real route has far more to compile). */
const WARMUP = QUICK ? 1 : 20

async function timed(fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < WARMUP; i++) await fn()
  const samples: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now()
    await fn()
    samples.push(performance.now() - start)
  }
  return median(samples)
}

const WORDS = [
  'minutes',
  'appendix',
  'business',
  'case',
  'report',
  'plan',
  'budget',
  'survey',
  'network',
  'design',
]

async function main() {
  const root = projectRoot()
  mkdirSync(path.join(root, 'bench', 'out'), { recursive: true })
  const url = process.env.DATABASE_URL
  const config: DatabaseConfig | string = url
    ? parseDatabaseUrl(url, root)
    : { dialect: 'sqlite', file: path.join(root, 'bench', 'out', 'w1-search.sqlite') }
  if (typeof config === 'string') throw new Error(config)
  let started = performance.now()
  await generateW1(config)
  console.log(
    `W1 generated and indexed by the triggers in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  )
  const database = openDatabase(config)
  const db = database.db
  const user = await db
    .selectFrom('users as u')
    .innerJoin('memberships as m', 'm.user_id', 'u.id')
    .select(['u.id', 'm.organisation_id'])
    .executeTakeFirstOrThrow()
  const projects = await db.selectFrom('projects').select('id').execute()

  started = performance.now()
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < DOCUMENTS; i += 500) {
      await trx
        .insertInto('search_entries')
        .values(
          Array.from({ length: Math.min(500, DOCUMENTS - i) }, (_, k) => {
            const n = i + k
            const words = [WORDS[n % 10]!, WORDS[(n * 7) % 10]!, WORDS[(n * 3 + 1) % 10]!]
            return {
              organisation_id: user.organisation_id,
              record_type: 'document',
              record_id: n + 1,
              title: `${words.join(' ')} ${n}.pdf`,
              body: `Attached ${words[0]} document version ${(n % 4) + 1}`,
              project_id: projects[n % projects.length]!.id,
              programme_id: null,
              visibility: 'project',
            }
          }),
        )
        .execute()
    }
  })
  console.log(`${DOCUMENTS} document entries added in ${((performance.now() - started) / 1000).toFixed(1)} s`)

  const { token } = await createTokensService(db).create(user.organisation_id, user.id, 'benchmark')
  const app = await buildApp({ config: loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' }), database })
  const address = await app.listen({ port: 0, host: '127.0.0.1' })

  const results = []
  for (const q of QUERIES) {
    const href = `${address}/api/v1/search?q=${encodeURIComponent(q)}&limit=20`
    let found = 0
    const http = await timed(async () => {
      const res = await fetch(href, { headers: { authorization: `Bearer ${token}` } })
      if (res.status !== 200) throw new Error(`search answered ${res.status}`)
      const body = (await res.json()) as { groups: Array<{ count: number }> }
      found = body.groups.reduce((n, g) => n + g.count, 0)
    })
    const recorder = recording(database)
    const answer = await createSearchService(recorder.database.db).search(
      wholeOrganisation(user.organisation_id),
      q,
      { offset: 0, limit: 21 },
    )
    if ('error' in answer) throw new Error(answer.error)
    const floorRoute = await serveReplay(database, recorder.queries, url ? { url } : {})
    const floor = await timed(async () => {
      const res = await fetch(floorRoute.href)
      if (res.status !== 200) throw new Error(`the floor answered ${res.status}`)
      await res.json()
    })
    await floorRoute.close()
    const sqlMs = await replay(database, recorder.queries, { runs: RUNS, url })
    const ok = http <= 50 && http <= 2 * floor
    console.log(
      `"${q}" (${found} results): HTTP median ${http.toFixed(1)} ms, floor (bare route, same SQL, over HTTP) ${floor.toFixed(1)} ms, ${(http / floor).toFixed(1)}×   target ≤ 50 ms and ≤ 2×   ${ok ? 'OK' : 'OVER'}   (the SQL alone, in-process: ${sqlMs.toFixed(1)} ms, ${recorder.queries.length} queries)`,
    )
    results.push({ query: q, results: found, httpMs: http, floorMs: floor, sqlMs, ok })
  }
  await app.close()
  console.log(
    JSON.stringify({
      benchmark: 'search, W1 + documents',
      dialect: config.dialect,
      documents: DOCUMENTS,
      quick: QUICK,
      results,
    }),
  )
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
