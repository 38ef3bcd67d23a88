/**
 * Who an API token acts for is remembered per token on the organisation's change counter
 * (src/modules/tokens/token-actor.repository.ts): a change to the person's role or membership made through the
 * app must take effect on the token's very next call, and two tokens are never confused.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

describe(`an API token's remembered actor (${dialectName()})`, () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp()
  })
  after(() => t.close())

  let saved = 0
  const addProgramme = (token: string) =>
    t.api(token, 'POST', '/api/v1/programmes', { reference: `TA-${++saved}`, name: 'Through a token' })

  it('a role changed by an administrator holds on the token’s next call; a leaver’s token acts for nobody', async () => {
    const pmUser = t.orgs.a.users.programme_manager
    const pm = await t.tokenFor(pmUser)
    const viewer = await t.tokenFor(t.orgs.a.users.viewer)
    assert.equal((await addProgramme(pm)).statusCode, 201)
    assert.equal((await addProgramme(pm)).statusCode, 201, 'remembered, and still a programme manager')
    assert.equal((await addProgramme(viewer)).statusCode, 403, 'another token, another person')

    const admin = await t.signIn(t.orgs.a.users.administrator)
    await admin.get('/settings/people')
    const demoted = await admin.post(`/settings/people/${pmUser.id}/role`, { role: 'viewer' })
    assert.equal(demoted.status, 303, demoted.text)
    assert.equal((await addProgramme(pm)).statusCode, 403, 'a viewer now, at once')
    assert.equal((await t.api(pm, 'GET', '/api/v1/programmes')).statusCode, 200)

    const promoted = await admin.post(`/settings/people/${pmUser.id}/role`, { role: 'programme_manager' })
    assert.equal(promoted.status, 303, promoted.text)
    assert.equal((await addProgramme(pm)).statusCode, 201, 'a programme manager again')

    const left = await admin.post(`/settings/people/${pmUser.id}/leaver`, {})
    assert.equal(left.status, 303, left.text)
    assert.equal((await t.api(pm, 'GET', '/api/v1/programmes')).statusCode, 401, 'a leaver’s token is nobody')
  })

  it('calls and pages sent at once, as different people, each act for their own (PostgreSQL gathers the reads)', async () => {
    const aToken = await t.tokenFor(t.orgs.a.users.viewer)
    const bToken = await t.tokenFor(t.orgs.b.users.viewer)
    const aPage = await t.signIn(t.orgs.a.users.viewer)
    const bPage = await t.signIn(t.orgs.b.users.programme_manager)
    const alone = {
      a: (await t.api(aToken, 'GET', '/api/v1/programmes')).body,
      b: (await t.api(bToken, 'GET', '/api/v1/programmes')).body,
    }
    assert.notEqual(alone.a, alone.b)
    const calls = Array.from({ length: 24 }, (_, i) =>
      i % 2 === 0 ? t.api(aToken, 'GET', '/api/v1/programmes') : t.api(bToken, 'GET', '/api/v1/programmes'),
    )
    const pages = Array.from({ length: 12 }, (_, i) => (i % 2 === 0 ? aPage : bPage).get('/account'))
    const [answers, shown] = await Promise.all([Promise.all(calls), Promise.all(pages)])
    answers.forEach((r, i) => assert.equal(r.body, i % 2 === 0 ? alone.a : alone.b, `call ${i}`))
    shown.forEach((r, i) => {
      assert.equal(r.status, 200)
      const who = i % 2 === 0 ? t.orgs.a.users.viewer : t.orgs.b.users.programme_manager
      assert.ok(r.text.includes(who.email), `page ${i} is ${who.email}'s`)
    })
  })

  it('a revoked token is nobody at once, though nothing else changed', async () => {
    const token = await t.tokenFor(t.orgs.b.users.programme_manager)
    assert.equal((await t.api(token, 'GET', '/api/v1/programmes')).statusCode, 200)
    // Straight to the database: revoking moves no change counter, and must still end the token at once.
    await t.database.db
      .updateTable('api_tokens')
      .set({ revoked_at: new Date().toISOString() })
      .where('organisation_id', '=', t.orgs.b.id)
      .execute()
    assert.equal((await t.api(token, 'GET', '/api/v1/programmes')).statusCode, 401)
  })
})
