/**
 * The floors the benchmark compares Oversight against, served by a bare Fastify with no plugins:
 *  - GET /projects runs exactly the SQL that `GET /api/v1/projects?limit=100` runs (captured from the
 *    projects service at start-up) through the raw driver and sends the rows as JSON;
 *  - GET /projects-static sends the API's own answer (STATIC_BODY_FILE, fetched by bench/run.ts) from memory:
 *    the cost of HTTP alone, the ceiling a cached answer can approach;
 *  - GET /dashboard renders the same dashboard template with the same data (computed once at start-up):
 *    a bare GOV.UK Frontend page render, without sessions, CSRF, headers or per-request queries.
 * Run by bench/run.ts in its own process: DATABASE_URL=… PORT=… node --import tsx bench/floor.ts
 */
import { readFileSync } from 'node:fs'
import Fastify from 'fastify'
import { Kysely, PostgresDialect, SqliteDialect, type CompiledQuery } from 'kysely'
import pg from 'pg'
import type { Actor } from '../src/auth/actor.ts'
import { loadConfig } from '../src/config.ts'
import { openDatabase } from '../src/db/database.ts'
import type { DB } from '../src/db/schema.ts'
import { createProgrammesService } from '../src/modules/programmes/programmes.service.ts'
import { createProjectsService } from '../src/modules/projects/projects.service.ts'
import { createViewEnvironment } from '../src/plugins/views.ts'
import { createServices } from '../src/services.ts'
import { wholeOrganisation } from '../src/auth/visibility.ts'

const config = loadConfig({ ...process.env, DEMO: 'false', LOG_LEVEL: 'silent' })
const database = openDatabase(config.database)
const org = await database.db
  .selectFrom('organisations')
  .selectAll()
  .where('slug', '=', 'bench')
  .executeTakeFirstOrThrow()
const scope = wholeOrganisation(org.id)

// Capture the SQL the API's list runs (limit + 1 rows, to know whether there is a next page).
const captured: CompiledQuery[] = []
const logging = new Kysely<DB>({
  dialect:
    database.dialect === 'sqlite'
      ? new SqliteDialect({ database: database.sqlite! })
      : new PostgresDialect({
          pool: new pg.Pool({ connectionString: (config.database as { url: string }).url, max: 2 }),
        }),
  log: (event) => {
    if (event.level === 'query') captured.push(event.query)
  },
})
const programmes = createProgrammesService(logging)
await createProjectsService(logging, programmes).listProjects(scope, { limit: 101, offset: 0 })
if (captured.length === 0) throw new Error('No SQL captured from the projects list')

const pool =
  database.dialect === 'postgres'
    ? new pg.Pool({ connectionString: (config.database as { url: string }).url, max: 10 })
    : null
const statements = database.sqlite ? captured.map((q) => database.sqlite!.prepare(q.sql)) : []

async function runListSql(): Promise<unknown[][]> {
  if (pool)
    return Promise.all(
      captured.map(async (q) => (await pool.query(q.sql, q.parameters as unknown[])).rows as unknown[]),
    )
  return statements.map((s, i) => s.all(...(captured[i]!.parameters as unknown[])))
}

const services = createServices(database, config)
const dashboard = await services.portfolio.dashboard(scope, 'ipa5')
const actor: Actor = {
  userId: 0,
  name: 'Benchmark user',
  email: 'bench@bench.oversight.test',
  role: 'programme_manager',
  organisationId: org.id,
  organisationName: org.name,
  organisationSlug: org.slug,
  ratingScale: 'ipa5',
  isDemo: false,
  via: 'session',
  partnerId: null,
  sessionId: null,
}
const views = createViewEnvironment()

const app = Fastify({ logger: false })
app.get('/projects', async () => {
  const [rows] = await runListSql()
  return { items: rows!.slice(0, 100), next: rows!.length > 100 ? 'x' : null }
})
const staticBody = process.env.STATIC_BODY_FILE
  ? readFileSync(process.env.STATIC_BODY_FILE)
  : Buffer.from('{}')
app.get('/projects-static', (_request, reply) => {
  void reply.type('application/json; charset=utf-8').send(staticBody)
})
app.get('/dashboard', async (_request, reply) => {
  const html = views.render('portfolio/views/dashboard.njk', {
    title: 'Portfolio dashboard',
    ...dashboard,
    actor,
    csrfToken: 'floor',
    cspNonce: 'floor',
    currentPath: '/',
  })
  return reply.type('text/html; charset=utf-8').send(html)
})
await app.listen({ port: Number(process.env.PORT ?? 3299), host: '127.0.0.1' })
process.stdout.write(`floor ready: ${captured.length} queries captured\n`)
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0))
})
