import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ROLES } from '../../src/auth/roles.ts'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

// The header's menu is how a person finds an area: every area they may read is in it, and every link opens.
describe(`Navigation (${dialectName()})`, () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp()
  })
  after(() => t.close())

  it('the menu leads to exceptions and governance, and every link in it opens, for each role', async () => {
    for (const role of ROLES) {
      const user = await t.signIn(t.orgs.a.users[role])
      const page = await user.get('/')
      const links = [...page.document.querySelectorAll('#navigation a')].map((a) => a.getAttribute('href')!)
      assert.ok(links.includes('/exceptions'), `${role}: exceptions are in the menu`)
      assert.ok(links.includes('/governance'), `${role}: governance is in the menu`)
      for (const href of links) assert.equal((await user.get(href)).status, 200, `${role}: ${href}`)
      const exceptions = await user.get('/exceptions')
      assert.ok(
        exceptions.document.querySelector('#navigation a[href="/exceptions"][aria-current="page"]'),
        `${role}: the menu marks where they are`,
      )
    }
  })
})
