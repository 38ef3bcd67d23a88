import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { startSmtp } from '../helpers/smtp.ts'
import { sql } from 'kysely'
import { recordAudit } from '../../src/modules/audit/audit.service.ts'
import { asScheduler } from '../helpers/tenant-scope.ts'

interface Json {
  id: number
  version: number
}

// Issue 12: a signed-in member follows a committee, programme or recommendation (the Follow button on its
// page) and is emailed, through a real SMTP server, when someone else changes it.
describe(`following a record (${dialectName()})`, () => {
  let t: TestApp
  let smtp: Awaited<ReturnType<typeof startSmtp>>
  let admin: string
  let programme: Json
  let committee: Json
  // Unfolded headers and quoted-printable soft line breaks, so a test reads the mail as a person would.
  const readable = (raw: string) => raw.replace(/=\r?\n/g, '').replace(/\r?\n[ \t]+/g, ' ')
  const changed = (name: string) =>
    smtp.received.filter((m) => readable(m.raw).includes(`Subject: Changed: ${name}`))
  const tell = async () => {
    const n = await asScheduler(() => t.app.services.follows.sendChanges())
    await t.app.services.mailer.flush()
    return n
  }

  before(async () => {
    smtp = await startSmtp()
    t = await buildTestApp({ SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, MAIL_FROM: 'oversight@alpha.test' })
    admin = await t.tokenFor(t.orgs.a.users.administrator)
    programme = (
      await t.api(admin, 'POST', '/api/v1/programmes', { reference: 'FO', name: 'Followed' })
    ).json<Json>()
    committee = (
      await t.api(await t.tokenFor(t.orgs.a.users.scrutiny_member), 'POST', '/api/v1/committees', {
        name: 'Performance Monitoring Panel',
        code: 'PMP',
        kind: 'scrutiny_panel',
      })
    ).json<Json>()
  })
  after(async () => {
    await t.close()
    await smtp.close()
  })

  it('a member follows a programme from its page and is emailed when someone else changes it', async () => {
    const pm = await t.signIn(t.orgs.a.users.project_manager)
    const page = await pm.get(`/programmes/${programme.id}`)
    assert.equal(page.status, 200)
    const form = page.document.querySelector(`form[action="/programmes/${programme.id}/follow"]`)
    assert.equal(form?.querySelector('button')?.textContent?.trim(), 'Follow')
    // Changes made before following are not told.
    assert.equal(await tell(), 0)
    assert.equal((await pm.post(`/programmes/${programme.id}/follow`, {})).status, 303)
    const following = await pm.get(`/programmes/${programme.id}`)
    assert.ok(following.document.querySelector(`form[action="/programmes/${programme.id}/unfollow"]`))
    assert.match(following.text, /You get an email when this programme changes/)

    const current = (await t.api(admin, 'GET', `/api/v1/programmes/${programme.id}`)).json<Json>()
    const patch = await t.api(admin, 'PATCH', `/api/v1/programmes/${programme.id}`, {
      version: current.version,
      purpose: 'Now with a purpose',
    })
    assert.equal(patch.statusCode, 200, patch.body)
    assert.equal(await tell(), 1)
    const mails = changed('FO Followed')
    assert.deepEqual(
      mails.flatMap((m) => m.to),
      [t.orgs.a.users.project_manager.email],
    )
    assert.match(readable(mails[0]!.raw), /updated the programme/)
    assert.match(mails[0]!.raw, new RegExp(`/programmes/${programme.id}`))
    assert.equal(await tell(), 0, 'each change is told once')
    // Two runs at once (two instances): the change is told once.
    const again = (await t.api(admin, 'GET', `/api/v1/programmes/${programme.id}`)).json<Json>()
    await t.api(admin, 'PATCH', `/api/v1/programmes/${programme.id}`, {
      version: again.version,
      purpose: 'Twice?',
    })
    const runs = await Promise.all([
      asScheduler(() => t.app.services.follows.sendChanges()),
      asScheduler(() => t.app.services.follows.sendChanges()),
    ])
    assert.deepEqual(runs.sort(), [0, 1])
    await t.app.services.mailer.flush()
    assert.equal(changed('FO Followed').length, 2)
  })

  it('the person who made a change is not told of it, and stopping ends the emails', async () => {
    const pm = await t.signIn(t.orgs.a.users.project_manager)
    const adminAgent = await t.signIn(t.orgs.a.users.administrator)
    await adminAgent.post(`/programmes/${programme.id}/follow`, {})
    const before = changed('FO Followed').length
    const current = (await t.api(admin, 'GET', `/api/v1/programmes/${programme.id}`)).json<Json>()
    await t.api(admin, 'PATCH', `/api/v1/programmes/${programme.id}`, {
      version: current.version,
      purpose: 'Changed again',
    })
    await tell()
    assert.deepEqual(
      changed('FO Followed')
        .slice(before)
        .flatMap((m) => m.to),
      [t.orgs.a.users.project_manager.email],
    )
    assert.equal((await pm.post(`/programmes/${programme.id}/unfollow`, {})).status, 303)
    const again = (await t.api(admin, 'GET', `/api/v1/programmes/${programme.id}`)).json<Json>()
    await t.api(admin, 'PATCH', `/api/v1/programmes/${programme.id}`, {
      version: again.version,
      purpose: 'And again',
    })
    await tell()
    assert.equal(changed('FO Followed').length, before + 1, 'no one follows it but its changer')
  })

  it('a committee’s follower hears of a new meeting', async () => {
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    const page = await viewer.get(`/committees/${committee.id}`)
    assert.ok(page.document.querySelector(`form[action="/committees/${committee.id}/follow"]`))
    await viewer.post(`/committees/${committee.id}/follow`, {})
    const meeting = await t.api(
      await t.tokenFor(t.orgs.a.users.scrutiny_member),
      'POST',
      '/api/v1/meetings',
      {
        committeeId: committee.id,
        meetingDate: '2027-01-14',
      },
    )
    assert.equal(meeting.statusCode, 201, meeting.body)
    await tell()
    const mails = changed('Performance Monitoring Panel')
    assert.deepEqual(
      mails.flatMap((m) => m.to),
      [t.orgs.a.users.viewer.email],
    )
    assert.match(readable(mails[0]!.raw), /added a meeting/)
  })

  it('another organisation cannot follow our records', async () => {
    const other = await t.signIn(t.orgs.b.users.administrator)
    assert.equal((await other.post(`/programmes/${programme.id}/follow`, {})).status, 404)
    assert.equal((await other.post(`/committees/${committee.id}/follow`, {})).status, 404)
    assert.equal((await other.post(`/programmes/${programme.id}/unfollow`, {})).status, 404)
    assert.equal((await other.post(`/committees/nonsense/follow`, {})).status, 400)
    const rows = await t.database.db.selectFrom('follows').select('user_id').execute()
    assert.ok(!rows.some((r) => r.user_id === t.orgs.b.users.administrator.id))
  })
  // A reader that remembers "the last event id told" would skip an event whose id was allocated first but
  // committed last (ids from a sequence can commit out of order on PostgreSQL). Within one organisation that
  // cannot happen: recordAudit takes the organisation's audit head row FOR UPDATE before the event gets its
  // id, so a second audited transaction waits for the first to end, and ids are allocated in commit order.
  // SQLite serialises writers, so there it cannot happen at all.
  it(
    'an event whose transaction commits late is still told (PostgreSQL)',
    { skip: dialectName() !== 'postgres' && 'SQLite runs one writer at a time' },
    async () => {
      const member = await t.signIn(t.orgs.a.users.scrutiny_member)
      assert.equal((await member.post(`/programmes/${programme.id}/follow`, {})).status, 303)
      await tell()
      const { db } = t.database
      const write = (label: string) => (trx: Parameters<typeof recordAudit>[0]) =>
        recordAudit(trx, {
          organisationId: t.orgs.a.id,
          actor: { userId: t.orgs.a.users.administrator.id, label },
          action: 'update',
          entityType: 'programme',
          entityId: programme.id,
          after: { purpose: label },
        })
      // The first writer records its event, then stays open.
      let finishFirst!: () => void
      let firstWrote!: () => void
      const wrote = new Promise<void>((resolve) => (firstWrote = resolve))
      const first = db.transaction().execute(async (trx) => {
        await write('First writer')(trx)
        firstWrote()
        await new Promise<void>((resolve) => (finishFirst = resolve))
      })
      await wrote
      // The second writer starts while the first is open, and commits as soon as it may.
      let secondDone = false
      const second = db
        .transaction()
        .execute(write('Second writer'))
        .then(() => (secondDone = true))
      // Until the second writer has either committed or is waiting on a lock (no sleeps: ask the server).
      for (;;) {
        if (secondDone) break
        const waiting = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'`.execute(db)
        if (waiting.rows[0]!.n > 0) break
      }
      assert.equal(secondDone, false, 'the second writer waits for the first to end')
      // A run now (the first still open) must not move the cursor past the first writer's event.
      await tell()
      finishFirst()
      await Promise.all([first, second])
      const ids = await db
        .selectFrom('audit_events')
        .select(['id', 'actor_label'])
        .where('actor_label', 'in', ['First writer', 'Second writer'])
        .orderBy('id')
        .execute()
      assert.deepEqual(
        ids.map((e) => e.actor_label),
        ['First writer', 'Second writer'],
      )
      await tell()
      const told = changed('FO Followed')
        .filter((m) => m.to.includes(t.orgs.a.users.scrutiny_member.email))
        .map((m) => readable(m.raw))
        .join('\n')
      assert.match(told, /First writer updated the programme/, 'the event that committed late was told')
      assert.match(told, /Second writer updated the programme/)
    },
  )
})
