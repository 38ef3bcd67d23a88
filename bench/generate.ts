/**
 * Builds the W1 workload deterministically: 20 programmes, 1,000 projects, 10,000 milestones and
 * 12,000 status reports in one organisation, plus a user and API token for the benchmarks.
 *   npm run bench:generate [-- --out bench/out/w1.sqlite]   (or DATABASE_URL=postgres://… for PostgreSQL)
 */
import { existsSync, rmSync } from 'node:fs'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { hashPassword } from '../src/auth/passwords.ts'
import { parseDatabaseUrl, type DatabaseConfig } from '../src/config.ts'
import { openDatabase } from '../src/db/database.ts'
import { migrateToLatest } from '../src/db/migrate.ts'
import { addDays, todayInLondon } from '../src/domain/dates.ts'
import { currentPeriod, previousPeriod } from '../src/domain/periods.ts'
import { projectRoot } from '../src/paths.ts'

export const W1 = { programmes: 20, projects: 1000, milestonesPerProject: 10, reportsPerProject: 12 }
export const BENCH_EMAIL = 'bench@bench.oversight.test'
export const BENCH_PASSWORD = 'bench-password-1'

/** Mulberry32: a tiny seeded generator, so every run builds the same data. */
export function rng(seed: number) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/** The seed W1 is built from; bench/generate-w100.ts builds its first organisation from it too. */
export const W1_SEED = 20261126

const STAGES = ['idea', 'business_case', 'approved', 'delivery', 'delivery', 'delivery', 'closure', 'closed']
const RATINGS = ['green', 'amber_green', 'amber', 'amber_red', 'red']
const MILESTONE_STATUSES = ['not_started', 'in_progress', 'complete', 'complete']

/**
 * The rows of one W1-sized organisation, built in a fixed order from one seeded generator, so W1 (inserted
 * row by row into either database) and each organisation of W100 (copied in bulk) are the same portfolio.
 */
export function w1Rows(seed: number, at: string, today: string) {
  const random = rng(seed)
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!
  return {
    programme(organisationId: number, i: number) {
      return {
        organisation_id: organisationId,
        reference: `PRG-${String(i).padStart(2, '0')}`,
        name: `Programme ${i}: transformation workstream`,
        purpose: 'Generated for benchmarking.',
        sro: `Director ${i}`,
        portfolio_holder: `Councillor ${i}`,
        start_date: addDays(today, -900),
        end_date: addDays(today, 900),
        status: 'active',
        created_at: at,
        updated_at: at,
      }
    },
    project(organisationId: number, programmeId: number, i: number) {
      const startOffset = -Math.floor(random() * 700)
      const baselineStart = addDays(today, startOffset)
      const baselineEnd = addDays(baselineStart, 200 + Math.floor(random() * 500))
      const slip = random() < 0.4 ? Math.floor(random() * 120) : 0
      return {
        organisation_id: organisationId,
        programme_id: programmeId,
        reference: `PRJ-${String(i).padStart(4, '0')}`,
        name: `Project ${i}: ${pick(['website', 'CRM', 'forms', 'data platform', 'network', 'telephony'])} improvement`,
        description: 'Generated for benchmarking.',
        project_manager: `Manager ${i % 50}`,
        sponsor: `Sponsor ${i % 20}`,
        stage: pick(STAGES),
        baseline_start: baselineStart,
        baseline_end: baselineEnd,
        forecast_start: baselineStart,
        forecast_end: addDays(baselineEnd, slip),
        actual_start: baselineStart,
        actual_end: null,
        created_at: at,
        updated_at: at,
      }
    },
    milestones(organisationId: number, projectId: number, baselineStart: string) {
      const milestones = []
      for (let m = 1; m <= W1.milestonesPerProject; m++) {
        const baseline = addDays(baselineStart, m * 20)
        const status = pick(MILESTONE_STATUSES)
        milestones.push({
          organisation_id: organisationId,
          project_id: projectId,
          name: `Milestone ${m}`,
          description: '',
          baseline_date: baseline,
          forecast_date: addDays(baseline, random() < 0.3 ? Math.floor(random() * 60) : 0),
          actual_date: status === 'complete' && baseline <= today ? baseline : null,
          status: status === 'complete' && baseline > today ? 'in_progress' : status,
          is_key: m % 5 === 0 ? 1 : 0,
          created_at: at,
          updated_at: at,
        })
      }
      return milestones
    },
    /** Twelve monthly reports ending at `period`; one project in ten has not reported this month. */
    reports(organisationId: number, projectId: number, userId: number, userName: string, period: string) {
      const reports = []
      let p = random() < 0.1 ? previousPeriod(period) : period
      for (let r = 0; r < W1.reportsPerProject; r++) {
        reports.push({
          organisation_id: organisationId,
          project_id: projectId,
          period: p,
          rating: pick(RATINGS),
          narrative: 'Progress as planned with some pressure on resources.',
          achievements: 'Milestones delivered.',
          next_steps: 'Continue delivery.',
          key_issues: '',
          reported_by: userId,
          reported_by_name: userName,
          reported_at: at,
          created_at: at,
          updated_at: at,
        })
        p = previousPeriod(p)
      }
      return reports
    },
  }
}

export async function generateW1(config: DatabaseConfig): Promise<void> {
  if (config.dialect === 'sqlite' && existsSync(config.file)) {
    for (const suffix of ['', '-wal', '-shm']) rmSync(config.file + suffix, { force: true })
  }
  const database = openDatabase(config)
  await migrateToLatest(database)
  const db = database.db
  const at = new Date().toISOString()
  const today = todayInLondon()
  const rows = w1Rows(W1_SEED, at, today)
  const hash = await hashPassword(BENCH_PASSWORD)

  await db.transaction().execute(async (trx) => {
    const org = await trx
      .insertInto('organisations')
      .values({
        slug: 'bench',
        name: 'Benchmark Borough Council',
        rating_scale: 'ipa5',
        is_demo: 0,
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const user = await trx
      .insertInto('users')
      .values({
        email: BENCH_EMAIL,
        name: 'Benchmark user',
        password_hash: hash,
        is_active: 1,
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await trx
      .insertInto('memberships')
      .values({ organisation_id: org.id, user_id: user.id, role: 'programme_manager', created_at: at })
      .execute()

    const programmeIds: number[] = []
    for (let i = 1; i <= W1.programmes; i++) {
      const p = await trx
        .insertInto('programmes')
        .values(rows.programme(org.id, i))
        .returning('id')
        .executeTakeFirstOrThrow()
      programmeIds.push(p.id)
    }

    const period = currentPeriod()
    for (let i = 1; i <= W1.projects; i++) {
      const values = rows.project(org.id, programmeIds[(i - 1) % W1.programmes]!, i)
      const project = await trx
        .insertInto('projects')
        .values(values)
        .returning('id')
        .executeTakeFirstOrThrow()
      await trx
        .insertInto('milestones')
        .values(rows.milestones(org.id, project.id, values.baseline_start))
        .execute()
      await trx
        .insertInto('status_reports')
        .values(rows.reports(org.id, project.id, user.id, 'Benchmark user', period))
        .execute()
    }
  })
  await database.close()
}

async function main() {
  const { values } = parseArgs({ options: { out: { type: 'string' } } })
  const root = projectRoot()
  const config: DatabaseConfig | string = process.env.DATABASE_URL
    ? parseDatabaseUrl(process.env.DATABASE_URL, root)
    : { dialect: 'sqlite', file: path.resolve(root, values.out ?? 'bench/out/w1.sqlite') }
  if (typeof config === 'string') throw new Error(config)
  const started = performance.now()
  await generateW1(config)
  const where = config.dialect === 'sqlite' ? config.file : 'PostgreSQL'
  process.stdout.write(
    `W1 built in ${((performance.now() - started) / 1000).toFixed(1)} s: ${W1.programmes} programmes, ${W1.projects} projects, ` +
      `${W1.projects * W1.milestonesPerProject} milestones, ${W1.projects * W1.reportsPerProject} status reports → ${where}\n`,
  )
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`)
    process.exit(1)
  })
}
