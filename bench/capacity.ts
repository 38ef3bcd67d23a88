/**
 * The capacity page and its API over W1 (1,000 projects) with 500 people and 24 months of demand:
 *   npx tsx bench/capacity.ts        SQLite, a fresh W1 in bench/out/w1-capacity.sqlite
 * Each project gets three roles needing FTE for 24 months (one with two skills); two of them are allocated
 * to people for part of the time; every person holds a post, some are seconded out. Measures the service,
 * the page (app.inject) and the API under autocannon (this process pinned to one core with taskset where it
 * can be), and the same SQL replayed straight through the driver as the floor. The report is remembered on the
 * organisation's change counter, so it is measured twice: computed (a fresh service each time, as the first
 * read after any change is) and remembered (every later read until something changes).
 * Targets (issue 10): ≤ 200 ms median, within 2× of the raw SQL.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { loadavg } from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import autocannon from 'autocannon'
import { buildApp } from '../src/app.ts'
import { wholeOrganisation } from '../src/auth/visibility.ts'
import { loadConfig, type DatabaseConfig } from '../src/config.ts'
import { openDatabase } from '../src/db/database.ts'
import { periodsBetween } from '../src/domain/periods.ts'
import { projectRoot } from '../src/paths.ts'
import { createServices } from '../src/services.ts'
import { seedSkills } from '../src/modules/resourcing/skills.service.ts'
import { createCapacityService } from '../src/modules/resourcing/capacity/capacity.service.ts'
import { generateW1 } from './generate.ts'
import { recording, replay } from './sql-floor.ts'

const RUNS = 15
const PEOPLE = 500
const FROM = '2025-01'
const TO = '2026-12'
const QUERY = `from=${FROM}&to=${TO}&by=skill`

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

async function time(label: string, fn: () => Promise<unknown>): Promise<number> {
  await fn()
  const samples: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now()
    await fn()
    samples.push(performance.now() - start)
  }
  const m = median(samples)
  console.log(
    `${label.padEnd(48)} median ${m.toFixed(1).padStart(7)} ms   target ≤ 200 ms   ${m <= 200 ? 'OK' : 'OVER'}`,
  )
  return m
}

async function main() {
  spawnSync('taskset', ['-a', '-cp', '1', String(process.pid)], { stdio: 'ignore' })
  const root = projectRoot()
  mkdirSync(path.join(root, 'bench', 'out'), { recursive: true })
  const config: DatabaseConfig = {
    dialect: 'sqlite',
    file: path.join(root, 'bench', 'out', 'w1-capacity.sqlite'),
  }
  console.log('Generating W1…')
  await generateW1(config)
  const database = openDatabase(config)
  const appConfig = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'silent' })
  const services = createServices(database, appConfig)
  const db = database.db
  const org = await db
    .selectFrom('organisations')
    .select('id')
    .where('slug', '=', 'bench')
    .executeTakeFirstOrThrow()
  const at = new Date().toISOString()
  const months = periodsBetween(FROM, TO)
  await seedSkills(db, org.id)
  const skills = await db
    .selectFrom('skills')
    .select(['id', 'name'])
    .where('organisation_id', '=', org.id)
    .execute()

  console.log('Adding 500 people, 3,000 roles and their allocations…')
  await db.transaction().execute(async (trx) => {
    const post = await trx
      .insertInto('posts')
      .values({
        organisation_id: org.id,
        title: 'Officer',
        team: '',
        grade: '',
        funded: 1,
        annual_cost_pence: 0,
        fte_hundredths: 100,
        status: 'filled',
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const people: number[] = []
    for (let i = 0; i < PEOPLE; i++) {
      const p = await trx
        .insertInto('people')
        .values({
          organisation_id: org.id,
          name: `Person ${i}`,
          kind: 'employee',
          email: '',
          job_title: '',
          team: `Team ${i % 10}`,
          created_at: at,
          updated_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      people.push(p.id)
      await trx
        .insertInto('post_holders')
        .values({
          organisation_id: org.id,
          post_id: post.id,
          person_id: p.id,
          starts_on: '2020-01-01',
          fte_hundredths: i % 4 === 0 ? 60 : 100,
          created_at: at,
          updated_at: at,
        })
        .execute()
      await trx
        .insertInto('person_skills')
        .values({
          organisation_id: org.id,
          person_id: p.id,
          skill_id: skills[i % (skills.length - 1)]!.id,
          level: 'working',
          created_at: at,
          updated_at: at,
        })
        .execute()
      if (i % 10 === 0)
        await trx
          .insertInto('secondments')
          .values({
            organisation_id: org.id,
            person_id: p.id,
            direction: 'out',
            from_team: '',
            from_organisation: '',
            to_team: 'Elsewhere',
            to_organisation: '',
            reason: 'Benchmark',
            starts_on: '2025-06-01',
            ends_on: '2025-11-30',
            fte_hundredths: 50,
            created_at: at,
            updated_at: at,
          })
          .execute()
    }
    const projects = await trx
      .selectFrom('projects')
      .select('id')
      .where('organisation_id', '=', org.id)
      .execute()
    let n = 0
    for (const project of projects) {
      for (let r = 0; r < 3; r++) {
        const role = await trx
          .insertInto('project_roles')
          .values({
            organisation_id: org.id,
            project_id: project.id,
            title: `Role ${r}`,
            source: '',
            team: `Team ${(project.id + r) % 10}`,
            created_at: at,
            updated_at: at,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
        const roleSkills = r === 0 ? [skills[0]!, skills[1]!] : [skills[(project.id + r) % skills.length]!]
        await trx
          .insertInto('project_role_skills')
          .values(roleSkills.map((s) => ({ organisation_id: org.id, role_id: role.id, skill_id: s.id })))
          .execute()
        await trx
          .insertInto('project_role_months')
          .values(
            months.map((period) => ({
              organisation_id: org.id,
              role_id: role.id,
              period,
              fte_hundredths: 50,
            })),
          )
          .execute()
        if (r === 2) continue
        const a = await trx
          .insertInto('allocations')
          .values({
            organisation_id: org.id,
            role_id: role.id,
            person_id: people[n++ % PEOPLE]!,
            post_id: null,
            created_at: at,
            updated_at: at,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
        await trx
          .insertInto('allocation_months')
          .values(
            months.slice(0, 12).map((period) => ({
              organisation_id: org.id,
              allocation_id: a.id,
              period,
              fte_hundredths: 50,
            })),
          )
          .execute()
      }
    }
  })
  const scope = wholeOrganisation(org.id)
  const report = await services.resourcing.capacity.capacity.report(scope, { from: FROM, to: TO })
  console.log(
    `Report: ${report.groups.length} rows × ${report.months.length} months, ${report.overAllocated.length} over-allocated person-months, ${report.unfilled.length} unfilled roles`,
  )

  // Computed: a fresh service each time, so nothing is remembered (the first read after any change).
  const service = await time('Capacity report computed (service, nothing remembered)', () =>
    createCapacityService(db).report(scope, { from: FROM, to: TO }),
  )
  await time('Capacity report remembered (service, no change since)', () =>
    services.resourcing.capacity.capacity.report(scope, { from: FROM, to: TO }),
  )

  const app = await buildApp({ config: appConfig, database, services })
  await app.ready()
  const user = await db
    .selectFrom('users')
    .select('id')
    .where('email', '=', 'bench@bench.oversight.test')
    .executeTakeFirstOrThrow()
  const { token } = await services.tokens.create(org.id, user.id, 'bench')
  const headers = { authorization: `Bearer ${token}`, accept: 'application/json' }
  const api = await time('GET /api/v1/capacity (inject, remembered)', () =>
    app.inject({ url: `/api/v1/capacity?${QUERY}`, headers }),
  )

  const address = await app.listen({ port: 0, host: '127.0.0.1' })
  const r = await autocannon({
    url: `${address}/api/v1/capacity?${QUERY}`,
    connections: 4,
    duration: 10,
    headers,
  })
  console.log(
    `GET /api/v1/capacity (autocannon, 4 connections, 10 s): median ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ${r.requests.average} req/s, ${r.non2xx} non-2xx`,
  )

  const recorder = recording(database)
  await createCapacityService(recorder.database.db).report(scope, { from: FROM, to: TO })
  const floor = await replay(database, recorder.queries, { runs: RUNS })
  console.log(
    `Floor: the report's ${recorder.queries.length} queries replayed raw: median ${floor.toFixed(1)} ms; computed ${(service / floor).toFixed(1)}×, API (remembered) ${(api / floor).toFixed(2)}× its floor`,
  )
  console.log(
    `Load average: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  )
  await app.close()
  await database.close()
}

await main()
