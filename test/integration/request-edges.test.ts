import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import Fastify from 'fastify'
import { errorHandler } from '../../src/plugins/errors.ts'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

/** Names every plain object inherits: a lookup by a user's key must never find them. */
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf']

describe(`the edges of a request (${dialectName()})`, () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp()
  })
  after(() => t.close())

  it('a history page for a kind named after an object prototype member is not found', async () => {
    const agent = await t.signIn(t.orgs.a.users.viewer)
    for (const key of PROTOTYPE_KEYS) {
      const page = await agent.get(`/history/${encodeURIComponent(key)}/1`)
      assert.equal(page.status, 404, key)
      const calendar = await t.app.inject({ method: 'GET', url: `/calendar/${key}.ics` })
      assert.equal(calendar.statusCode, 404, `calendar ${key}`)
    }
  })

  it('text is stored without NUL, control characters, terminal escapes or lone surrogates, in NFC', async () => {
    const token = await t.tokenFor(t.orgs.a.users.programme_manager)
    const res = await t.api(token, 'POST', '/api/v1/programmes', {
      reference: 'TXT',
      name: '\u001b[31mRoads\u001b[0m\u0000 and Cafe\u0301s \ud800\u0007',
      purpose: 'Line one\r\nLine two\u001b]0;owned\u0007',
    })
    assert.equal(res.statusCode, 201, res.body)
    const row = await t.database.db
      .selectFrom('programmes')
      .select(['reference', 'name', 'purpose'])
      .where('id', '=', res.json<{ id: number }>().id)
      .executeTakeFirstOrThrow()
    assert.deepEqual(row, {
      reference: 'TXT',
      name: 'Roads and Cafés \ufffd',
      purpose: 'Line one\r\nLine two',
    })
  })

  it('a form post and a query string get the same cleaning', async () => {
    const agent = await t.signIn(t.orgs.a.users.programme_manager)
    const page = await agent.post('/programmes', {
      reference: 'FORM',
      name: 'Form\u001b[2J programme\u0000',
      status: 'active',
    })
    assert.equal(page.status, 303, page.text)
    const row = await t.database.db
      .selectFrom('programmes')
      .select(['name'])
      .where('reference', '=', 'FORM')
      .executeTakeFirstOrThrow()
    assert.equal(row.name, 'Form programme')
    const token = await t.tokenFor(t.orgs.a.users.viewer)
    const search = await t.api(token, 'GET', '/api/v1/projects?q=%00%1B%5B1m')
    assert.equal(search.statusCode, 200, search.body)
  })

  it('a number too large to hold is refused, even written as text where a number is expected', async () => {
    const token = await t.tokenFor(t.orgs.a.users.finance_officer)
    const before = await t.database.db.selectFrom('partners').select('id').execute()
    for (const amount of ['"1e309"', '"-1e309"', '1e309']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/partners',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        payload: `{"name":"Infinite partner","annualBaseContractPence":${amount}}`,
      })
      assert.equal(res.statusCode, 400, `${amount}: ${res.body}`)
      assert.ok(res.json<{ fields: Record<string, string> }>().fields.annualBaseContractPence, amount)
    }
    const list = await t.api(token, 'GET', '/api/v1/projects?limit=1e309')
    assert.equal(list.statusCode, 400, list.body)
    assert.equal((await t.database.db.selectFrom('partners').select('id').execute()).length, before.length)
  })

  it('a person or board of another council, or none, is a field error on a decision, never stored', async () => {
    const token = await t.tokenFor(t.orgs.a.users.portfolio_holder)
    const count = async () =>
      Number(
        (
          await t.database.db
            .selectFrom('decisions')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )
    const before = await count()
    const draft = { title: 'Approve the plan', capacity: 'portfolio_holder', status: 'awaiting_decision' }
    for (const decidedByUserId of [t.orgs.b.users.portfolio_holder.id, 2_000_000_000]) {
      const res = await t.api(token, 'POST', '/api/v1/decisions', { ...draft, decidedByUserId })
      assert.equal(res.statusCode, 400, res.body)
      assert.deepEqual(res.json<{ fields: Record<string, string> }>().fields, {
        decidedByUserId: 'Choose a person from this organisation',
      })
    }
    const ok = await t.api(token, 'POST', '/api/v1/decisions', {
      ...draft,
      decidedByUserId: t.orgs.a.users.portfolio_holder.id,
    })
    assert.equal(ok.statusCode, 201, ok.body)
    const d = ok.json<{ id: number; version: number }>()
    const patch = await t.api(token, 'PATCH', `/api/v1/decisions/${d.id}`, {
      version: d.version,
      decidedByUserId: t.orgs.b.users.viewer.id,
    })
    assert.equal(patch.statusCode, 400, patch.body)
    assert.equal(await count(), before + 1)
  })

  it('a foreign key the database refuses is a 400, not a 500, if a rule ever misses one', async () => {
    const probe = Fastify()
    probe.setErrorHandler(errorHandler)
    probe.post('/probe', async () => {
      await t.database.db
        .insertInto('memberships')
        .values({ organisation_id: t.orgs.a.id, user_id: 2_000_000_000, role: 'viewer', created_at: 'now' })
        .execute()
      return { stored: true }
    })
    const res = await probe.inject({ method: 'POST', url: '/probe', headers: { accept: 'application/json' } })
    await probe.close()
    assert.equal(res.statusCode, 400, res.body)
  })
})
