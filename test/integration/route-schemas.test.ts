import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

describe(`route schemas compiled on first use (${dialectName()})`, () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp()
  })
  after(() => t.close())

  it('compiles a route’s schemas when it is first asked, and validates as before', async () => {
    const before = t.app.schemas.pending
    assert.ok(before > 300, `expected hundreds of uncompiled schemas at start, found ${before}`)
    const token = await t.tokenFor(t.orgs.a.users.programme_manager)
    const bad = await t.api(token, 'POST', '/api/v1/programmes', { reference: 7 })
    assert.equal(bad.statusCode, 400)
    assert.ok(bad.json<{ fields: Record<string, string> }>().fields.name, bad.body)
    assert.ok(t.app.schemas.pending < before)
    const list = await t.api(token, 'GET', '/api/v1/projects?limit=2')
    assert.equal(list.statusCode, 200)
  })

  it('every schema of every route compiles (the server compiles each on its first request)', async () => {
    await t.app.schemas.warm()
    assert.equal(t.app.schemas.pending, 0)
  })
})
