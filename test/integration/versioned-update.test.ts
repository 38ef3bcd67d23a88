import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Actor } from '../../src/auth/actor.ts'
import { ownRow } from '../../src/db/owned-row.ts'
import { historyOf } from '../../src/modules/audit/audit.service.ts'
import { auditBy, insertAudited, updateVersioned } from '../../src/modules/audit/versioned-update.ts'
import { ConflictError } from '../../src/errors.ts'
import { buildTestApp, type TestApp, type TestUser } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

const actorOf = (u: TestUser): Actor => ({
  userId: u.id,
  name: u.name,
  email: u.email,
  role: u.role,
  organisationId: u.organisationId,
  organisationName: 'Test',
  organisationSlug: 'test',
  ratingScale: 'ipa5',
  isDemo: false,
  via: 'session',
  partnerId: null,
  sessionId: null,
})

// The shared audited writes every module uses: where each event is filed is what a history page shows.
describe(`audited inserts, updates and changes (${dialectName()})`, () => {
  let t: TestApp
  let actor: Actor
  before(async () => {
    t = await buildTestApp()
    actor = actorOf(t.orgs.a.users.administrator)
  })
  after(() => t.close())

  const newCommittee = (name: string, audit: { action?: string; entityId?: number } = {}) =>
    t.database.db.transaction().execute((trx) =>
      insertAudited(trx, {
        table: 'committees',
        entityType: 'committee',
        actor,
        values: { name, code: 'C', kind: 'scrutiny_panel', description: '' },
        ...audit,
      }),
    )
  const events = (id: number) => historyOf(t.database.db, actor.organisationId, 'committee', id)

  it('files a new record under itself as a creation, by the person who made it', async () => {
    const c = await newCommittee('Audit and Governance Committee')
    assert.equal(c.organisation_id, actor.organisationId)
    const [e] = await events(c.id)
    assert.equal(e?.action, 'create')
    assert.equal(e?.actor_label, actor.name)
  })

  it('files a part of a record under that record with its own verb', async () => {
    const parent = await newCommittee('Overview and Scrutiny Committee')
    const part = await newCommittee('Task and finish group', { action: 'add_group', entityId: parent.id })
    assert.deepEqual(
      (await events(parent.id)).map((e) => e.action),
      ['add_group', 'create'],
    )
    assert.equal((await events(part.id)).length, 0, 'nothing is filed under the part itself')

    const renamed = await t.database.db.transaction().execute((trx) =>
      updateVersioned(trx, {
        table: 'committees',
        entityType: 'committee',
        actor,
        current: part,
        version: part.version,
        changes: { name: 'Digital task and finish group' },
        action: 'update_group',
        entityId: parent.id,
      }),
    )
    assert.equal(renamed.version, part.version + 1)
    assert.equal((await events(parent.id))[0]?.action, 'update_group')
  })

  it('refuses a stale version and writes nothing', async () => {
    const c = await newCommittee('Licensing Committee')
    const save = (version: number) =>
      t.database.db.transaction().execute((trx) =>
        updateVersioned(trx, {
          table: 'committees',
          entityType: 'committee',
          actor,
          current: c,
          version,
          changes: { name: `Licensing Committee v${version}` },
        }),
      )
    await save(c.version)
    await assert.rejects(save(c.version), ConflictError)
    assert.equal(
      (await ownRow(t.database.db, 'committees', actor, c.id))?.name,
      `Licensing Committee v${c.version}`,
    )
    assert.deepEqual(
      (await events(c.id)).map((e) => e.action),
      ['update', 'create'],
    )
  })

  it('records any other change in the same transaction, and only if it commits', async () => {
    const c = await newCommittee('Standards Committee')
    await assert.rejects(
      t.database.db.transaction().execute(async (trx) => {
        await auditBy(trx, actor, { action: 'dissolve', entityType: 'committee', entityId: c.id, before: c })
        throw new Error('rolled back')
      }),
    )
    await t.database.db
      .transaction()
      .execute((trx) =>
        auditBy(trx, actor, { action: 'review', entityType: 'committee', entityId: c.id, after: c }),
      )
    assert.deepEqual(
      (await events(c.id)).map((e) => e.action),
      ['review', 'create'],
    )
  })

  it("never finds another organisation's record", async () => {
    const c = await newCommittee('Planning Committee')
    assert.equal((await ownRow(t.database.db, 'committees', actor, c.id))?.id, c.id)
    const other = { organisationId: t.orgs.b.id }
    assert.equal(await ownRow(t.database.db, 'committees', other, c.id), undefined)
  })
})
