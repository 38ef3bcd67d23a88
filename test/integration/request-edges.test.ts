import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
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
})
