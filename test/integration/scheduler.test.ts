import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createScheduler } from '../../src/scheduler/scheduler.ts'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { twoInstances, type TwoInstances } from '../helpers/two-instances.ts'

describe(`scheduler (${dialectName()})`, () => {
  let t: TestApp

  before(async () => {
    t = await buildTestApp()
  })
  after(() => t.close())

  it('runs each job once per slot and records the run', async () => {
    let runs = 0
    const s = createScheduler({
      db: t.database.db,
      jobs: [
        { name: 'count', slotOf: (now) => now.toISOString().slice(0, 13), run: async () => `${++runs}` },
      ],
    })
    const now = new Date('2026-11-26T09:15:00Z')
    assert.equal((await s.runDue(now)).length, 1)
    assert.equal((await s.runDue(new Date('2026-11-26T09:45:00Z'))).length, 0, 'same hour: already run')
    assert.equal((await s.runDue(new Date('2026-11-26T10:01:00Z'))).length, 1, 'next hour')
    assert.equal(runs, 2)
    const rows = await t.database.db.selectFrom('job_runs').selectAll().where('job', '=', 'count').execute()
    assert.deepEqual(rows.map((r) => r.outcome).sort(), ['1', '2'])
  })

  it('a failing job is recorded as failed and does not stop the others', async () => {
    const s = createScheduler({
      db: t.database.db,
      jobs: [
        { name: 'broken', slotOf: () => 'x', run: () => Promise.reject(new Error('mail server down')) },
        { name: 'fine', slotOf: () => 'x', run: async () => 'ok' },
      ],
    })
    const ran = await s.runDue()
    assert.deepEqual(
      ran.map((r) => [r.job, r.outcome]),
      [
        ['broken', 'failed: mail server down'],
        ['fine', 'ok'],
      ],
    )
  })

  it('the governance jobs run: sweep, escalations, snapshot, digest after 7am London, outbox', async () => {
    const ran = await t.app.scheduler.runDue(new Date('2026-11-26T08:00:00Z'))
    assert.deepEqual(ran.map((r) => r.job).sort(), [
      'access-to-information-alerts',
      'audit-checkpoint',
      'daily-digest',
      'exception-escalations',
      'followed-changes',
      'governance-alerts',
      'health-snapshot',
      'housekeeping',
      'mail-outbox',
      'resourcing-early-warning',
      'retention',
      'tolerance-sweep',
    ])
    const early = await t.app.scheduler.runDue(new Date('2026-11-27T05:30:00Z'))
    assert.ok(!early.some((r) => r.job === 'daily-digest'), 'not before 7am')
  })
})

// Two app instances against one PostgreSQL database, as in a load-balanced deployment.
describe(
  'scheduler lock across two instances',
  {
    skip:
      !process.env.TEST_DATABASE_URL &&
      "needs PostgreSQL (TEST_DATABASE_URL): SQLite is one process's file, never shared by two instances",
  },
  () => {
    let instances: TwoInstances
    let apps: TwoInstances['apps']

    before(async () => {
      instances = await twoInstances()
      apps = instances.apps
      // A project beyond its tolerance that no save has evaluated: the sweep must raise it exactly once.
      const db = instances.databases[0].db
      const at = new Date().toISOString()
      const org = await db
        .insertInto('organisations')
        .values({
          slug: 'lock',
          name: 'Lock Council',
          rating_scale: 'ipa5',
          is_demo: 0,
          created_at: at,
          updated_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      const prog = await db
        .insertInto('programmes')
        .values({
          organisation_id: org.id,
          reference: 'L',
          name: 'L',
          purpose: '',
          sro: '',
          portfolio_holder: '',
          status: 'active',
          created_at: at,
          updated_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
      await db
        .insertInto('projects')
        .values({
          organisation_id: org.id,
          programme_id: prog.id,
          reference: 'L-1',
          name: 'Late',
          description: '',
          project_manager: '',
          sponsor: '',
          stage: 'delivery',
          baseline_end: '2021-03-31',
          forecast_end: '2021-12-31',
          created_at: at,
          updated_at: at,
        })
        .execute()
      await db
        .insertInto('tolerance_settings')
        .values({
          organisation_id: org.id,
          programme_id: prog.id,
          time_days: 30,
          scope_note: '',
          benefits_note: '',
          created_at: at,
          updated_at: at,
        })
        .execute()
    })
    after(() => instances.close())

    it('never runs the same job twice, even when both instances tick at the same moment', async () => {
      const now = new Date('2026-11-26T10:00:00Z')
      for (let round = 0; round < 5; round++) {
        const [a, b] = await Promise.all(apps.map((app) => app.scheduler.runDue(now)))
        if (round === 0)
          assert.equal(a!.length + b!.length, 12, 'every job ran once, on one instance or the other')
        else assert.equal(a!.length + b!.length, 0)
      }
      const runs = await instances.databases[0].db.selectFrom('job_runs').selectAll().execute()
      assert.equal(runs.length, 12)
      assert.ok(runs.every((r) => r.finished_at !== null))
      const exceptions = await instances.databases[0].db
        .selectFrom('tolerance_exceptions')
        .selectAll()
        .execute()
      assert.equal(exceptions.length, 1, 'the sweep raised the breach once')
    })
  },
)
