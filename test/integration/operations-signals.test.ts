import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createScheduler } from '../../src/scheduler/scheduler.ts'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { metricValue } from '../helpers/metrics.ts'

/**
 * Issue 14's signals for operators: /health/live and /health/ready, and /metrics behind its token (request
 * counts and latency by route pattern, the database, the outbox, scheduled jobs and imports).
 */
const TOKEN = 'a-metrics-token-of-at-least-24-characters'

describe(`operator signals (${dialectName()})`, () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp({ METRICS_TOKEN: TOKEN })
  })
  after(() => t.close())

  const scrape = async () => {
    const res = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${TOKEN}` },
    })
    assert.equal(res.statusCode, 200, res.body)
    return res.body
  }

  it('/health/live answers ok with no sign-in, and /health/ready checks the database and migrations', async () => {
    const live = await t.app.inject({ method: 'GET', url: '/health/live' })
    assert.equal(live.statusCode, 200)
    assert.deepEqual(live.json(), { status: 'ok' })
    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' })
    assert.equal(ready.statusCode, 200)
    assert.deepEqual(ready.json(), { status: 'ok', checks: { database: 'ok', migrations: 'ok' } })
    assert.equal(ready.headers['cache-control'], 'no-store')
    // The old /health keeps answering, for the load balancers already pointed at it.
    assert.equal((await t.app.inject({ method: 'GET', url: '/health' })).statusCode, 200)
  })

  it('/health/ready answers 503 while a migration this code knows is not applied', async () => {
    const last = await t.database.db
      .selectFrom('kysely_migration' as never)
      .select(['name' as never, 'timestamp' as never])
      .orderBy('name' as never, 'desc')
      .executeTakeFirstOrThrow()
    const { name } = last as { name: string; timestamp: string }
    await t.database.db
      .deleteFrom('kysely_migration' as never)
      .where('name' as never, '=', name as never)
      .execute()
    try {
      const ready = await t.app.inject({ method: 'GET', url: '/health/ready' })
      assert.equal(ready.statusCode, 503)
      assert.deepEqual(ready.json(), {
        status: 'unavailable',
        checks: { database: 'ok', migrations: 'failed' },
      })
      assert.ok(!ready.body.includes(name), 'the migration is not named')
      const live = await t.app.inject({ method: 'GET', url: '/health/live' })
      assert.equal(live.statusCode, 200, 'the process is alive all the same')
    } finally {
      await t.database.db
        .insertInto('kysely_migration' as never)
        .values(last)
        .execute()
    }
    assert.equal((await t.app.inject({ method: 'GET', url: '/health/ready' })).statusCode, 200)
  })

  it('/metrics asks for its token: none or a wrong one is refused with 401', async () => {
    const none = await t.app.inject({ method: 'GET', url: '/metrics' })
    assert.equal(none.statusCode, 401)
    assert.equal(none.headers['www-authenticate'], 'Bearer')
    const wrong = await t.app.inject({
      method: 'GET',
      url: '/metrics',
      headers: { authorization: `Bearer ${TOKEN}x` },
    })
    assert.equal(wrong.statusCode, 401)
    assert.doesNotMatch(wrong.body, /oversight_/)
    // A signed-in administrator is no substitute for the token.
    const admin = await t.signIn(t.orgs.a.users.administrator)
    assert.equal((await admin.get('/metrics')).status, 401)
  })

  it('counts requests and their latency by route pattern and status class, never the URL', async () => {
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    await viewer.get('/programmes/987654')
    await viewer.get('/no-such-page/alice.smith@example.org')
    const text = await scrape()
    assert.equal(text.includes('987654'), false, 'no id from a URL')
    assert.equal(text.includes('alice.smith'), false, 'nothing a URL carried')
    const notFound = metricValue(text, 'oversight_http_requests_total', {
      method: 'GET',
      route: '/programmes/:id',
      status_class: '4xx',
    })
    assert.ok(notFound !== undefined && notFound >= 1, 'the route pattern, with its status class')
    assert.ok(
      (metricValue(text, 'oversight_http_requests_total', {
        method: 'GET',
        route: '(unmatched)',
        status_class: '4xx',
      }) ?? 0) >= 1,
    )
    const count = metricValue(text, 'oversight_http_request_duration_seconds_count', {
      method: 'GET',
      route: '/programmes/:id',
    })
    const inf = metricValue(text, 'oversight_http_request_duration_seconds_bucket', {
      method: 'GET',
      route: '/programmes/:id',
      le: '+Inf',
    })
    assert.ok(count !== undefined && count >= 1)
    assert.equal(inf, count, 'every observation falls in the +Inf bucket')
    assert.match(text, /^# TYPE oversight_http_request_duration_seconds histogram$/m)
  })

  it('shows the database pool (PostgreSQL) or files (SQLite), and the mail outbox depth', async () => {
    const before = metricValue(await scrape(), 'oversight_mail_outbox_messages', { status: 'pending' })
    await t.database.db
      .insertInto('mail_outbox')
      .values({
        organisation_id: t.orgs.a.id,
        recipients_json: '["someone@example.org"]',
        subject: 'Waiting',
        text_body: 'Waiting',
        html_body: '<p>Waiting</p>',
        status: 'pending',
        created_at: new Date().toISOString(),
        sent_at: null,
        last_error: null,
        lease_owner: null,
        lease_expires_at: null,
      })
      .execute()
    const text = await scrape()
    assert.equal(
      metricValue(text, 'oversight_mail_outbox_messages', { status: 'pending' }),
      (before ?? 0) + 1,
    )
    assert.equal(metricValue(text, 'oversight_db_up', {}), 1)
    if (t.database.dialect === 'postgres') {
      const total = metricValue(text, 'oversight_db_pool_connections', { state: 'total' })
      assert.ok(total !== undefined && total >= 1, 'the pool has connections')
      assert.ok(metricValue(text, 'oversight_db_pool_connections', { state: 'waiting' }) !== undefined)
    } else {
      const size = metricValue(text, 'oversight_db_sqlite_bytes', { file: 'database' })
      assert.ok(size !== undefined && size > 0, 'the database file size')
    }
    assert.ok((metricValue(text, 'oversight_process_heap_used_bytes', {}) ?? 0) > 0)
  })

  it('counts scheduled job runs and failures, and their duration', async () => {
    const scheduler = createScheduler({
      db: t.database.db,
      jobs: [
        { name: 'metrics-test-works', slotOf: () => 'once', run: () => Promise.resolve('done') },
        {
          name: 'metrics-test-fails',
          slotOf: () => 'once',
          run: () => Promise.reject(new Error('the mail server refused')),
        },
      ],
    })
    await scheduler.runDue()
    const text = await scrape()
    assert.equal(
      metricValue(text, 'oversight_scheduler_job_runs_total', { job: 'metrics-test-works', outcome: 'ok' }),
      1,
    )
    assert.equal(
      metricValue(text, 'oversight_scheduler_job_runs_total', {
        job: 'metrics-test-fails',
        outcome: 'failed',
      }),
      1,
    )
    assert.equal(
      metricValue(text, 'oversight_scheduler_job_duration_seconds_count', { job: 'metrics-test-fails' }),
      1,
    )
    const last = metricValue(text, 'oversight_scheduler_job_last_success_timestamp_seconds', {
      job: 'metrics-test-works',
    })
    assert.ok(last !== undefined && Math.abs(last - Date.now() / 1000) < 120)
    assert.equal(
      metricValue(text, 'oversight_scheduler_job_last_success_timestamp_seconds', {
        job: 'metrics-test-fails',
      }),
      undefined,
      'a job that never succeeded has no last success',
    )
  })

  it('records how long an import pass took, by kind, phase and outcome', async () => {
    const labels = { kind: 'indicator_imports', phase: 'validating', outcome: 'ok' }
    const before = metricValue(await scrape(), 'oversight_import_pass_duration_seconds_count', labels) ?? 0
    const token = await t.tokenFor(t.orgs.a.users.administrator)
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/indicator-imports?fileName=values.csv',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      payload: 'Indicator,Period,Value,Note\nNo such indicator,2025-05,8,\n',
    })
    assert.equal(res.statusCode, 201, res.body)
    const text = await scrape()
    assert.equal(metricValue(text, 'oversight_import_pass_duration_seconds_count', labels), before + 1)
  })

  it('when the database is gone: live still answers, ready and /metrics say so (last: it closes the database)', async () => {
    await t.appDatabase.close()
    assert.equal((await t.app.inject({ method: 'GET', url: '/health/live' })).statusCode, 200)
    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' })
    assert.equal(ready.statusCode, 503)
    assert.deepEqual(ready.json(), {
      status: 'unavailable',
      checks: { database: 'failed', migrations: 'not checked' },
    })
    assert.equal(metricValue(await scrape(), 'oversight_db_up', {}), 0)
  })
})
