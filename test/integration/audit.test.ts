import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Kysely } from 'kysely'
import type { DB } from '../../src/db/schema.ts'
import { eventHash, recordAudit, verifyAuditChain } from '../../src/modules/audit/audit.service.ts'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

let orgCounter = 0

/** A fresh organisation with `n` programmes, each created with its audit event, as the services do it. */
async function organisationWithEvents(db: Kysely<DB>, n: number): Promise<number> {
  const at = new Date().toISOString()
  orgCounter++
  const org = await db
    .insertInto('organisations')
    .values({
      slug: `audit-${orgCounter}`,
      name: `Audit test council ${orgCounter}`,
      rating_scale: 'ipa5',
      is_demo: 0,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  for (let i = 1; i <= n; i++) {
    await db.transaction().execute(async (trx) => {
      const p = await trx
        .insertInto('programmes')
        .values({
          organisation_id: org.id,
          reference: `P-${i}`,
          name: `Programme ${i}`,
          purpose: '',
          sro: '',
          portfolio_holder: '',
          start_date: null,
          end_date: null,
          status: 'active',
          created_at: at,
          updated_at: at,
        })
        .returningAll()
        .executeTakeFirstOrThrow()
      await recordAudit(trx, {
        organisationId: org.id,
        actor: { userId: null, label: 'Audit test' },
        action: 'create',
        entityType: 'programme',
        entityId: p.id,
        after: p,
      })
    })
  }
  return org.id
}

async function problemsFor(db: Kysely<DB>, organisationId: number) {
  const { problems } = await verifyAuditChain(db)
  return problems.filter((p) => p.organisationId === organisationId)
}

async function eventAt(db: Kysely<DB>, organisationId: number, seq: number) {
  return db
    .selectFrom('audit_events')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('seq', '=', seq)
    .executeTakeFirstOrThrow()
}

describe(`audit trail (${dialectName()})`, () => {
  let t: TestApp
  let db: Kysely<DB>
  before(async () => {
    t = await buildTestApp()
    db = t.database.db
  })
  after(() => t.close())

  it('writes an event as canonical JSON (keys sorted, undefined left out) and hashes it as it always has', async () => {
    const org = await organisationWithEvents(db, 0)
    await db.transaction().execute((trx) =>
      recordAudit(trx, {
        organisationId: org,
        actor: { userId: null, label: 'Audit test' },
        action: 'update',
        entityType: 'programme',
        entityId: 7,
        before: { name: 'Old', b: [1, 'two', null, { z: true, a: undefined }], é: 2, A: -1.5 },
        after: { name: 'New "quoted"', list: [], empty: {}, gone: undefined },
        occurredAt: '2025-01-02T03:04:05.000Z',
      }),
    )
    const e = await eventAt(db, org, 1)
    assert.equal(e.before_json, '{"A":-1.5,"b":[1,"two",null,{"z":true}],"name":"Old","é":2}')
    assert.equal(e.after_json, '{"empty":{},"list":[],"name":"New \\"quoted\\""}')
    // The first event of a chain, pinned: a change to how events are written would orphan every chain kept.
    assert.equal(eventHash(e), e.hash)
    assert.equal(
      eventHash({ ...e, organisation_id: 1 }),
      '103bf4443b882ef01d06a0f01d8f349ee5174b8353b7796d310145c9151e8811',
    )
  })

  it('an untouched chain verifies, counting every event', async () => {
    const org = await organisationWithEvents(db, 3)
    const before = await verifyAuditChain(db)
    assert.deepEqual(before.problems, [])
    assert.ok(before.events >= 3)
    await organisationWithEvents(db, 2)
    const after = await verifyAuditChain(db)
    assert.equal(after.events, before.events + 2)
    assert.deepEqual(await problemsFor(db, org), [])
  })

  it('an edited event is named as edited', async () => {
    const org = await organisationWithEvents(db, 4)
    const e = await eventAt(db, org, 2)
    await db
      .updateTable('audit_events')
      .set({ after_json: e.after_json!.replace('Programme 2', 'Programme 2 (quietly renamed)') })
      .where('id', '=', e.id)
      .execute()
    assert.deepEqual(await problemsFor(db, org), [
      { organisationId: org, seq: 2, problem: 'content does not match its hash (edited)' },
    ])
    // Recomputing the edited event's own hash does not help: the next event still points at the old one.
    const edited = await eventAt(db, org, 2)
    await db
      .updateTable('audit_events')
      .set({ hash: eventHash(edited) })
      .where('id', '=', e.id)
      .execute()
    const problems = await problemsFor(db, org)
    assert.deepEqual(
      problems.map((p) => [p.seq, p.problem]),
      [[3, 'does not link to the event before it']],
    )
  })

  it('a deleted event in the middle breaks the sequence and the link', async () => {
    const org = await organisationWithEvents(db, 4)
    const e = await eventAt(db, org, 2)
    await db.deleteFrom('audit_events').where('id', '=', e.id).execute()
    const problems = await problemsFor(db, org)
    assert.deepEqual(
      problems.map((p) => [p.seq, p.problem]),
      [
        [3, 'expected event 2, found 3 (an event is missing)'],
        [3, 'does not link to the event before it'],
      ],
    )
  })

  it('events deleted from the end are noticed through the chain head', async () => {
    const org = await organisationWithEvents(db, 4)
    await db.deleteFrom('audit_events').where('organisation_id', '=', org).where('seq', '>=', 3).execute()
    const problems = await problemsFor(db, org)
    assert.equal(problems.length, 1)
    assert.equal(problems[0]!.seq, 4)
    assert.match(problems[0]!.problem, /the chain ends at event 2 but 4 were recorded/)
  })

  it('a change that fails leaves no audit event: the two commit together or not at all', async () => {
    const org = await organisationWithEvents(db, 1)
    const count = async () =>
      (await db.selectFrom('audit_events').select('id').where('organisation_id', '=', org).execute()).length
    const head = await db
      .selectFrom('audit_heads')
      .selectAll()
      .where('organisation_id', '=', org)
      .executeTakeFirst()
    await assert.rejects(
      db.transaction().execute(async (trx) => {
        const at = new Date().toISOString()
        const values = {
          organisation_id: org,
          reference: 'DUP-1',
          name: 'First',
          purpose: '',
          sro: '',
          portfolio_holder: '',
          start_date: null,
          end_date: null,
          status: 'active',
          created_at: at,
          updated_at: at,
        }
        const p = await trx.insertInto('programmes').values(values).returningAll().executeTakeFirstOrThrow()
        await recordAudit(trx, {
          organisationId: org,
          actor: { userId: null, label: 'Audit test' },
          action: 'create',
          entityType: 'programme',
          entityId: p.id,
          after: p,
        })
        // The reference is unique per organisation: the database refuses, after the event was written.
        await trx.insertInto('programmes').values(values).execute()
      }),
    )
    assert.equal(await count(), 1, 'the audit event was rolled back with the change')
    assert.equal(
      (await db.selectFrom('programmes').select('id').where('reference', '=', 'DUP-1').execute()).length,
      0,
    )
    assert.deepEqual(
      await db.selectFrom('audit_heads').selectAll().where('organisation_id', '=', org).executeTakeFirst(),
      head,
    )
    assert.deepEqual(await problemsFor(db, org), [])

    // Through the API: a refused create writes neither the programme nor an event.
    const token = await t.tokenFor(t.orgs.a.users.programme_manager)
    const events = async () =>
      (await db.selectFrom('audit_events').select('id').where('organisation_id', '=', t.orgs.a.id).execute())
        .length
    const created = await t.api(token, 'POST', '/api/v1/programmes', { reference: 'AUD-1', name: 'Audited' })
    assert.equal(created.statusCode, 201)
    const afterCreate = await events()
    const duplicate = await t.api(token, 'POST', '/api/v1/programmes', { reference: 'AUD-1', name: 'Again' })
    assert.equal(duplicate.statusCode, 400)
    assert.equal(await events(), afterCreate)
  })
})
