import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { createMailer } from '../../src/mail/mailer.ts'
import { housekeep } from '../../src/scheduler/housekeeping.ts'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { startSmtp } from '../helpers/smtp.ts'

const DAY = 24 * 60 * 60 * 1000
const iso = (ms: number) => new Date(ms).toISOString()

describe(`mail outbox leases (${dialectName()})`, () => {
  let t: TestApp
  let smtp: Awaited<ReturnType<typeof startSmtp>>

  before(async () => {
    smtp = await startSmtp()
    t = await buildTestApp({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'oversight@alpha.test' })
  })
  after(async () => {
    await t.close()
    await smtp.close()
  })

  async function outboxRow(subject: string, values: Record<string, string | number | null>): Promise<number> {
    const row = await t.database.db
      .insertInto('mail_outbox')
      .values({
        organisation_id: t.orgs.a.id,
        recipients_json: JSON.stringify([`${subject.replace(/\W/g, '')}@alpha.test`]),
        subject,
        text_body: 'Body',
        html_body: '<p>Body</p>',
        status: 'pending',
        created_at: new Date().toISOString(),
        ...values,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  }

  it('a row left "sending" by a crash is sent exactly once after its lease expires; a live lease is left alone', async () => {
    const now = Date.now()
    const crashed = await outboxRow('Crashed', {
      status: 'sending',
      attempts: 1,
      lease_owner: 'instance that crashed',
      lease_expires_at: iso(now - 60_000),
    })
    const busy = await outboxRow('Busy', {
      status: 'sending',
      attempts: 1,
      lease_owner: 'instance still sending',
      lease_expires_at: iso(now + 10 * 60_000),
    })
    const first = await t.app.services.mailer.flush()
    const second = await t.app.services.mailer.flush()
    assert.deepEqual([first.sent, second.sent], [1, 0])
    assert.deepEqual(
      smtp.received.map((m) => m.to),
      [['Crashed@alpha.test']],
    )
    const rows = await t.database.db
      .selectFrom('mail_outbox')
      .select(['id', 'status', 'attempts', 'lease_owner'])
      .where('id', 'in', [crashed, busy])
      .orderBy('id')
      .execute()
    assert.equal(rows[0]?.status, 'sent')
    assert.equal(rows[0]?.attempts, 2)
    assert.deepEqual(rows[1], {
      id: busy,
      status: 'sending',
      attempts: 1,
      lease_owner: 'instance still sending',
    })
  })

  it('a sender on a slow mail server renews its lease, so a second instance does not send the message again', async () => {
    const slow = await startSmtp({ delayMs: 1_200 })
    const config = { smtpUrl: `smtp://127.0.0.1:${slow.port}`, mailFrom: 'oversight@alpha.test' }
    const one = createMailer(t.database.db, config, { instance: 'one', leaseMs: 400 })
    const two = createMailer(t.database.db, config, { instance: 'two', leaseMs: 400 })
    try {
      await outboxRow('Slow', {})
      const sending = one.flush()
      // Well past the first lease: only a renewed lease keeps the second instance off it.
      await new Promise((resolve) => setTimeout(resolve, 900))
      const other = await two.flush()
      const done = await sending
      assert.equal(other.sent, 0)
      assert.equal(done.sent, 1)
      assert.equal(slow.received.length, 1)
    } finally {
      one.close()
      two.close()
      await slow.close()
    }
  })
})

describe(`housekeeping (${dialectName()})`, () => {
  let t: TestApp

  before(async () => {
    t = await buildTestApp()
  })
  after(() => t.close())

  it('prunes old job runs, expired sessions and throttle rows, and old sent mail, in batches, idempotently', async () => {
    const db = t.database.db
    const now = Date.parse('2026-12-04T12:00:00Z')
    const user = t.orgs.a.users.viewer
    for (let i = 0; i < 5; i++)
      await db
        .insertInto('job_runs')
        .values({
          job: 'old',
          slot: `s${i}`,
          instance: 'x',
          started_at: iso(now - 31 * DAY - i),
          outcome: 'ok',
        })
        .execute()
    await db
      .insertInto('job_runs')
      .values({ job: 'recent', slot: 's', instance: 'x', started_at: iso(now - 29 * DAY), outcome: 'ok' })
      .execute()
    const session = (id: string, expires: number) => ({
      id,
      user_id: user.id,
      organisation_id: user.organisationId,
      created_at: iso(now - 2 * DAY),
      last_seen_at: iso(now - DAY),
      expires_at: iso(expires),
    })
    await db
      .insertInto('sessions')
      .values([
        session('expired-1', now - 1),
        session('expired-2', now - DAY),
        session('expired-3', now - 2 * DAY),
        session('live', now + DAY),
      ])
      .execute()
    await db
      .insertInto('sign_in_throttle')
      .values([
        {
          key: 'stale',
          failures: 3,
          first_failure_at: iso(now - 3 * DAY),
          last_failure_at: iso(now - 2 * DAY),
        },
        { key: 'fresh', failures: 3, first_failure_at: iso(now - 60_000), last_failure_at: iso(now - 1_000) },
      ])
      .execute()
    const mail = (subject: string, status: string, sentAt: number | null) => ({
      organisation_id: t.orgs.a.id,
      recipients_json: '["a@alpha.test"]',
      subject,
      text_body: 'x',
      html_body: 'x',
      status,
      created_at: iso(now - 40 * DAY),
      sent_at: sentAt === null ? null : iso(sentAt),
    })
    await db
      .insertInto('mail_outbox')
      .values([
        mail('old sent', 'sent', now - 31 * DAY),
        mail('recent sent', 'sent', now - DAY),
        mail('old failed', 'failed', null),
        mail('old pending', 'pending', null),
      ])
      .execute()

    const first = await housekeep(db, new Date(now), { batchSize: 2 })
    assert.deepEqual(first, { jobRuns: 5, sessions: 3, throttle: 1, mail: 1 })
    assert.deepEqual(
      (await db.selectFrom('job_runs').select('job').where('job', 'in', ['old', 'recent']).execute()).map(
        (r) => r.job,
      ),
      ['recent'],
    )
    assert.deepEqual(
      (await db.selectFrom('sessions').select('id').where('id', 'like', '%-%').execute()).map((r) => r.id),
      [],
    )
    assert.ok(await db.selectFrom('sessions').select('id').where('id', '=', 'live').executeTakeFirst())
    assert.deepEqual(
      (await db.selectFrom('sign_in_throttle').select('key').execute()).map((r) => r.key),
      ['fresh'],
    )
    assert.deepEqual(
      (await db.selectFrom('mail_outbox').select('subject').orderBy('id').execute()).map((r) => r.subject),
      ['recent sent', 'old failed', 'old pending'],
      'failed and unsent mail is kept for someone to look at',
    )
    assert.deepEqual(await housekeep(db, new Date(now), { batchSize: 2 }), {
      jobRuns: 0,
      sessions: 0,
      throttle: 0,
      mail: 0,
    })
  })

  it('prunes more old job runs than one batch holds, with the default batch size', async () => {
    const db = t.database.db
    const now = Date.parse('2026-12-04T12:00:00Z')
    const rows = Array.from({ length: 1_500 }, (_, i) => ({
      job: 'minutely',
      slot: `m${i}`,
      instance: 'x',
      started_at: iso(now - 40 * DAY + i * 60_000),
      outcome: 'ok',
    }))
    for (let i = 0; i < rows.length; i += 500)
      await db
        .insertInto('job_runs')
        .values(rows.slice(i, i + 500))
        .execute()
    const r = await housekeep(db, new Date(now))
    assert.equal(r.jobRuns, 1_500)
    assert.equal(
      (await db.selectFrom('job_runs').select('job').where('job', '=', 'minutely').execute()).length,
      0,
    )
  })

  it('runs from the scheduler once an hour', async () => {
    const ran = await t.app.scheduler.runDue(new Date('2026-12-04T13:05:00Z'))
    assert.match(ran.find((r) => r.job === 'housekeeping')?.outcome ?? '', /^pruned 0 job runs/)
    const again = await t.app.scheduler.runDue(new Date('2026-12-04T13:35:00Z'))
    assert.ok(!again.some((r) => r.job === 'housekeeping'))
  })
})
