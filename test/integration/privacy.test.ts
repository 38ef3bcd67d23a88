import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import type { Kysely } from 'kysely'
import { USER_NAME_COPIES } from '../../src/modules/privacy/privacy.repository.ts'
import { asAtEndOf, asItStood } from '../../src/modules/audit/as-it-stood.ts'
import { verifyAuditChain } from '../../src/modules/audit/audit.service.ts'
import { createFileStore } from '../../src/imports/file-store.ts'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { inOrganisation } from '../helpers/tenant-scope.ts'

// Issue 10, personal data (UK GDPR): recording a leaver, erasing them (administrators only, with a
// reason, never breaking the audit chain), the subject access export, retention and the privacy notice.

interface Json {
  id: number
  version: number
  [k: string]: unknown
}

const date = (name: string, iso: string) => {
  const [y, m, d] = iso.split('-')
  return { [`${name}-day`]: d!, [`${name}-month`]: m!, [`${name}-year`]: y! }
}

describe(`personal data: erasure, export, retention, privacy notice (${dialectName()})`, () => {
  let t: TestApp
  let admin: string
  let userId: number
  let actedOn: number

  async function person(name: string, email: string, extra: Record<string, unknown> = {}) {
    return (
      await t.api(admin, 'POST', '/api/v1/people', {
        name,
        kind: 'employee',
        team: 'Digital',
        email,
        ...extra,
      })
    ).json<Json>()
  }

  before(async () => {
    t = await buildTestApp()
    admin = await t.tokenFor(t.orgs.a.users.administrator)
    // A user who belonged only to organisation a and has left it.
    const at = new Date().toISOString()
    userId = (
      await t.database.db
        .insertInto('users')
        .values({
          email: 'jo.leaver@alpha.test',
          name: 'Jo Leaver',
          password_hash: 'x',
          is_active: 1,
          created_at: at,
          updated_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id
    await t.database.db
      .insertInto('memberships')
      .values({ organisation_id: t.orgs.a.id, user_id: userId, role: 'programme_manager', created_at: at })
      .execute()
    // While they worked here they added someone to the register: the trail names them as its author.
    const theirs = await t.tokenFor({
      id: userId,
      email: 'jo.leaver@alpha.test',
      name: 'Jo Leaver',
      role: 'programme_manager',
      organisationId: t.orgs.a.id,
    })
    actedOn = (
      await t.api(theirs, 'POST', '/api/v1/people', { name: 'Added by Jo', kind: 'employee' })
    ).json<Json>().id
    // They entered an indicator's value: the value keeps a copy of their name as who entered it.
    const indicator = (
      await t.api(admin, 'POST', '/api/v1/indicators', {
        name: 'Entered by a leaver',
        unit: 'count',
        polarity: 'higher',
        frequency: 'monthly',
      })
    ).json<Json>()
    const entered = await t.api(theirs, 'POST', `/api/v1/indicators/${indicator.id}/values`, {
      period: '2025-04',
      value: 3,
    })
    assert.equal(entered.statusCode, 200, entered.body)
    await t.database.db
      .insertInto('notifications')
      .values({
        organisation_id: t.orgs.a.id,
        user_id: userId,
        kind: 'test',
        title: 'For Jo',
        body: '',
        url: '/',
        created_at: at,
        read_at: null,
        digested_at: null,
      })
      .execute()
    await t.database.db
      .updateTable('memberships')
      .set({ left_at: at })
      .where('user_id', '=', userId)
      .execute()
  })
  after(() => t.close())

  it('only an administrator erases or exports; another organisation’s person is not found', async () => {
    const p = await person('Kim Role', 'kim@alpha.test')
    for (const role of ['programme_manager', 'viewer', 'service_manager'] as const) {
      const agent = await t.signIn(t.orgs.a.users[role])
      assert.equal((await agent.get(`/people/${p.id}/erase`)).status, 403, role)
      assert.equal((await agent.post(`/people/${p.id}/erase`, { reason: 'x', version: '1' })).status, 403)
      assert.equal((await agent.get(`/people/${p.id}/personal-data.json`)).status, 403, role)
      assert.equal((await agent.get('/settings/privacy')).status, 403, role)
    }
    const other = await t.signIn(t.orgs.b.users.administrator)
    assert.equal((await other.get(`/people/${p.id}/erase`)).status, 404)
    assert.equal((await other.post(`/people/${p.id}/erase`, { reason: 'x', version: '1' })).status, 404)
    assert.equal((await other.get(`/people/${p.id}/personal-data.json`)).status, 404)
    assert.equal((await other.post(`/people/${p.id}/left`, date('leftOn', '2024-01-31'))).status, 404)
  })

  it('refuses to erase a person who has not left, and asks for a reason, changing nothing', async () => {
    const p = await person('Ali Stays', 'ali@alpha.test')
    const browser = await t.signIn(t.orgs.a.users.administrator)
    const page = await browser.get(`/people/${p.id}/erase`)
    assert.equal(page.status, 200)
    const refused = await browser.post(`/people/${p.id}/erase`, {
      reason: 'Asked',
      version: String(p.version),
    })
    assert.equal(refused.status, 400)
    assert.match(refused.text, /There is a problem/)
    assert.match(refused.text, /Only a person who has left can be erased/)
    const noReason = await browser.post(`/people/${p.id}/left`, {
      ...date('leftOn', '2024-03-28'),
      version: String(p.version),
    })
    assert.equal(noReason.status, 303, noReason.text)
    const left = (await t.api(admin, 'GET', `/api/v1/people/${p.id}`)).json<Json>()
    const blank = await browser.post(`/people/${p.id}/erase`, { reason: ' ', version: String(left.version) })
    assert.equal(blank.status, 400)
    assert.match(blank.text, /Enter why this person’s details are being erased/)
    const still = (await t.api(admin, 'GET', `/api/v1/people/${p.id}`)).json<Json>()
    assert.equal(still.name, 'Ali Stays')
    assert.equal(still.email, 'ali@alpha.test')
  })

  it('erases a leaver and their account, records it, shows their old values as erased, and the chain verifies', async () => {
    const p = await person('Jo Leaver', 'jo.leaver@alpha.test', { userId })
    // They owned a risk on a project: its owner is read from the copy of their name that the record keeps.
    const programme = (
      await t.api(admin, 'POST', '/api/v1/programmes', { reference: 'PRV-1', name: 'Privacy programme' })
    ).json<Json>()
    const project = (
      await t.api(admin, 'POST', '/api/v1/projects', {
        reference: 'PRV-P1',
        name: 'Owned by a leaver',
        programmeId: programme.id,
        projectManagerPersonId: p.id,
      })
    ).json<Json>()
    const browser = await t.signIn(t.orgs.a.users.administrator)
    await browser.get(`/people/${p.id}/left`)
    const left = await browser.post(`/people/${p.id}/left`, {
      ...date('leftOn', '2025-06-30'),
      version: String(p.version),
    })
    assert.equal(left.status, 303, left.text)
    const confirm = await browser.get(`/people/${p.id}/erase`)
    assert.match(confirm.text, /Jo Leaver left on 30 June 2025/)
    const erased = await browser.post(`/people/${p.id}/erase`, {
      reason: 'Subject’s request of 1 December',
      version: String(p.version + 1),
    })
    assert.equal(erased.status, 303, erased.text)

    const page = await browser.get(`/people/${p.id}`)
    assert.match(page.text, new RegExp(`Erased person #${p.id}`))
    const owned = (await t.api(admin, 'GET', `/api/v1/projects/${project.id}`)).json<Json>()
    assert.equal(owned.projectManager, `Erased person #${p.id}`, 'the owner copy no longer names them')
    assert.doesNotMatch(page.text, /Jo Leaver|jo\.leaver/)
    const user = await t.database.db
      .selectFrom('users')
      .select(['name', 'email', 'is_active'])
      .where('id', '=', userId)
      .executeTakeFirstOrThrow()
    assert.equal(user.name, `Erased user #${userId}`)
    assert.doesNotMatch(user.email, /leaver/)
    assert.equal(user.is_active, 0)
    // No record keeps a copy of their name as who entered, signed off or decided it.
    const loose = t.database.db as unknown as Kysely<Record<string, Record<string, unknown>>>
    for (const c of USER_NAME_COPIES) {
      const left = await loose.selectFrom(c.table).select(c.name).where(c.userId, '=', userId).execute()
      assert.ok(
        left.every((r) => r[c.name] === `Erased user #${userId}`),
        `${c.table}.${c.name} still names them`,
      )
    }
    const value = await t.database.db
      .selectFrom('indicator_values')
      .select('entered_by_name')
      .where('entered_by', '=', userId)
      .executeTakeFirstOrThrow()
    assert.equal(value.entered_by_name, `Erased user #${userId}`)
    const notes = await t.database.db
      .selectFrom('notifications')
      .select('id')
      .where('user_id', '=', userId)
      .execute()
    assert.equal(notes.length, 0, 'their notifications went with the account')

    const history = await browser.get(`/history/person/${p.id}`)
    assert.equal(history.status, 200)
    assert.doesNotMatch(history.body, /Jo Leaver|jo\.leaver@alpha\.test/)
    assert.match(history.text, /erased/)
    assert.match(history.text, /Subject’s request of 1 December/)
    // What they did is still recorded, but no longer under their name.
    const authored = await browser.get(`/history/person/${actedOn}`)
    assert.equal(authored.status, 200)
    assert.doesNotMatch(authored.text, /Jo Leaver/)
    assert.match(authored.text, /Erased user/)

    // The trail was added to, not edited: every link still holds.
    const { problems } = await verifyAuditChain(t.database.db)
    assert.deepEqual(problems, [])
    // The erasure's own event does not repeat what it erased.
    const event = await t.database.db
      .selectFrom('audit_events')
      .select(['before_json', 'after_json'])
      .where('entity_type', '=', 'person')
      .where('entity_id', '=', String(p.id))
      .where('action', '=', 'erase')
      .executeTakeFirstOrThrow()
    assert.doesNotMatch(`${event.before_json} ${event.after_json}`, /Jo Leaver|jo\.leaver/)

    // A paper as it stood before the erasure does not bring the name back.
    const row = await t.database.db
      .selectFrom('people')
      .selectAll()
      .where('id', '=', p.id)
      .executeTakeFirstOrThrow()
    const [then] = await asItStood(t.database.db, t.orgs.a.id, 'person', [row], asAtEndOf('2000-01-01'))
    assert.notEqual(then!.name, 'Jo Leaver')

    // Erasure is final: the API says so, and the details cannot be typed back in.
    const json = (await t.api(admin, 'GET', `/api/v1/people/${p.id}`)).json<Json>()
    assert.equal(json.leftOn, '2025-06-30')
    assert.ok(json.erasedAt)
    const retype = await t.api(admin, 'PATCH', `/api/v1/people/${p.id}`, {
      version: json.version,
      name: 'Jo Leaver',
      email: 'jo.leaver@alpha.test',
    })
    assert.equal(retype.statusCode, 400)
    assert.equal(
      (await t.api(admin, 'GET', `/api/v1/people/${p.id}`)).json<Json>().name,
      `Erased person #${p.id}`,
    )

    const again = await browser.post(`/people/${p.id}/erase`, {
      reason: 'Again',
      version: String(p.version + 2),
    })
    assert.equal(again.status, 400)
    assert.match(again.text, /already been erased/)
  })

  it('exports everything held about a person as JSON, without secrets, and records the export', async () => {
    const p = await person('Pat Export', 'pat@alpha.test', { userId: t.orgs.a.users.viewer.id })
    await t.api(admin, 'POST', '/api/v1/secondments', {
      personId: p.id,
      direction: 'out',
      toTeam: 'Covid-19 response',
      startsOn: '2020-03-23',
      fte: 0.5,
      reason: 'Covid-19 response',
    })
    await t.signIn(t.orgs.a.users.viewer)
    const browser = await t.signIn(t.orgs.a.users.administrator)
    const res = await browser.get(`/people/${p.id}/personal-data.json`)
    assert.equal(res.status, 200)
    assert.match(String(res.headers['content-disposition']), /attachment/)
    const data = JSON.parse(res.body) as {
      person: { name: string; email: string }
      secondments: Array<{ to_team: string }>
      userAccount: { email: string; password_hash?: string }
      sessions: Array<Record<string, unknown>>
      auditEvents: Array<{ action: string }>
    }
    assert.equal(data.person.name, 'Pat Export')
    assert.equal(data.secondments[0]?.to_team, 'Covid-19 response')
    assert.equal(data.userAccount.email, t.orgs.a.users.viewer.email)
    assert.equal(data.userAccount.password_hash, undefined)
    assert.ok(data.sessions.length >= 1)
    assert.ok(data.sessions.every((s) => !('id' in s)))
    assert.ok(data.auditEvents.some((e) => e.action === 'create'))
    const recorded = await t.database.db
      .selectFrom('audit_events')
      .select('actor_label')
      .where('entity_type', '=', 'person')
      .where('entity_id', '=', String(p.id))
      .where('action', '=', 'subject access export')
      .execute()
    assert.equal(recorded.length, 1)
  })

  it('erases leavers past their retention period and deletes old records, once', async () => {
    const old = await person('Val Retired', 'val@alpha.test')
    const recent = await person('Rob Recent', 'rob@alpha.test')
    await t.database.db
      .updateTable('people')
      .set({ left_on: '2015-01-31' })
      .where('id', '=', old.id)
      .execute()
    const today = new Date().toISOString().slice(0, 10)
    await t.database.db.updateTable('people').set({ left_on: today }).where('id', '=', recent.id).execute()
    const longAgo = '2020-01-01T00:00:00.000Z'
    await t.database.db
      .insertInto('notifications')
      .values({
        organisation_id: t.orgs.a.id,
        user_id: t.orgs.a.users.viewer.id,
        kind: 'test',
        title: 'Old news',
        body: '',
        url: '/',
        created_at: longAgo,
        read_at: null,
        digested_at: null,
      })
      .execute()
    const db = t.database.db
    const viewer = t.orgs.a.users.viewer.id
    await db
      .insertInto('api_tokens')
      .values({
        organisation_id: t.orgs.a.id,
        user_id: viewer,
        name: 'Old script',
        token_hash: 'old-token-hash',
        token_prefix: 'ovs_old',
        created_at: longAgo,
        revoked_at: longAgo,
        expires_at: longAgo,
      })
      .execute()
    // A ledger import finished long ago: its file and refused rows go, its summary stays.
    const file = await createFileStore(db).store(
      t.orgs.a.id,
      'ledger.csv',
      Readable.from([Buffer.from('a,b\n')]),
      1000,
    )
    const imported = await db
      .insertInto('ledger_imports')
      .values({
        organisation_id: t.orgs.a.id,
        file_name: 'ledger.csv',
        file_size: file.size,
        sha256: file.sha256,
        stored_file_id: file.id,
        format: 'csv',
        mapping_id: null,
        mapping_name: '',
        status: 'committed',
        layout: '',
        encoding: '',
        delimiter: ',',
        failure_reason: '',
        rows_read: 1,
        rows_good: 0,
        rows_bad: 1,
        rows_duplicate: 0,
        rows_changed: 0,
        rows_unmatched: 0,
        rows_added: 0,
        total_pence: 0,
        progress_bytes: 0,
        summary_json: '{}',
        finished_at: longAgo,
        committed_at: longAgo,
        created_by: viewer,
        created_by_name: 'Viewer',
        started_at: longAgo,
        updated_at: longAgo,
        lease_owner: null,
        lease_expires_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db
      .insertInto('ledger_import_problems')
      .values({
        organisation_id: t.orgs.a.id,
        import_id: imported.id,
        kind: 'bad',
        line_number: 2,
        reason: 'No amount',
        raw_text: 'Jo Bloggs,expenses',
      })
      .execute()
    const now = new Date()
    const first = await inOrganisation(t.orgs.a, () => t.app.services.privacy.sweep(t.orgs.a.id, now))
    assert.ok(first.leavers >= 1)
    assert.ok(first.notifications >= 1)
    assert.equal(first.tokens, 1)
    assert.equal(first.importFiles, 1)
    assert.equal(
      (await db.selectFrom('stored_files').select('id').where('id', '=', file.id).execute()).length,
      0,
    )
    assert.equal(
      (
        await db
          .selectFrom('ledger_import_problems')
          .select('id')
          .where('import_id', '=', imported.id)
          .execute()
      ).length,
      0,
    )
    const kept = await db
      .selectFrom('ledger_imports')
      .select(['rows_bad', 'stored_file_id'])
      .where('id', '=', imported.id)
      .executeTakeFirstOrThrow()
    assert.deepEqual(kept, { rows_bad: 1, stored_file_id: null })
    const names = await t.database.db
      .selectFrom('people')
      .select(['id', 'name', 'erased_at'])
      .where('id', 'in', [old.id, recent.id])
      .orderBy('id')
      .execute()
    assert.equal(names[0]!.name, `Erased person #${old.id}`)
    assert.equal(names[1]!.name, 'Rob Recent')
    const event = await t.database.db
      .selectFrom('audit_events')
      .select(['actor_label', 'after_json'])
      .where('entity_id', '=', String(old.id))
      .where('action', '=', 'erase')
      .executeTakeFirstOrThrow()
    assert.equal(event.actor_label, 'System')
    assert.match(event.after_json ?? '', /Retention period passed/)
    const second = await inOrganisation(t.orgs.a, () => t.app.services.privacy.sweep(t.orgs.a.id, now))
    assert.deepEqual(second, { leavers: 0, sessions: 0, tokens: 0, notifications: 0, importFiles: 0 })
    assert.deepEqual((await verifyAuditChain(t.database.db)).problems, [])
  })

  it('the privacy notice is public, linked from every page, and shows the retention periods the settings set', async () => {
    const anon = t.anonymous()
    const notice = await anon.get('/privacy')
    assert.equal(notice.status, 200)
    assert.match(notice.text, /public task/)
    assert.match(notice.text, /People who have left 2190/)
    assert.ok(notice.document.querySelector('footer a[href="/privacy"]'))

    const browser = await t.signIn(t.orgs.a.users.administrator)
    const form = await browser.get('/settings/privacy')
    assert.equal(form.status, 200)
    const version = form.document.querySelector('input[name="version"]')!.getAttribute('value')!
    const values = {
      leavers: '2190',
      sessions: '30',
      api_tokens: '365',
      notifications: '365',
      import_files: '90',
    }
    const bad = await browser.post('/settings/privacy', {
      ...values,
      leavers: '0',
      sessions: 'soon',
      version,
    })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /There is a problem/)
    assert.match(bad.text, /must be between 1 and 36500/)
    assert.match(bad.text, /Enter the number of days to keep sign-in sessions/)
    const saved = await browser.post('/settings/privacy', {
      ...values,
      leavers: '2555',
      contact: 'Data Protection Officer, dpo@alpha.test',
      version,
    })
    assert.equal(saved.status, 303, saved.text)
    const mine = await browser.get('/privacy')
    assert.match(mine.text, /People who have left 2555/)
    assert.match(mine.text, /dpo@alpha\.test/)
    const theirs = await (await t.signIn(t.orgs.b.users.viewer)).get('/privacy')
    assert.match(theirs.text, /People who have left 2190/)
    assert.doesNotMatch(theirs.text, /dpo@alpha\.test/)
  })
})
