/**
 * A signed-in page kept by the instance and sent again (src/web/page-store.ts; the dashboard): it must be the
 * reader's own page, carry a nonce and a CSRF token of its own response, never swallow a one-off message, and
 * show the next change at once.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type Agent, type Page, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

function nonceOf(page: Page): string {
  const csp = String(page.headers['content-security-policy'] ?? '')
  const header = /'nonce-([^']+)'/.exec(csp)?.[1]
  assert.ok(header, 'the CSP names a nonce')
  return header
}

describe(`pages kept and sent again (${dialectName()})`, () => {
  let t: TestApp
  let pm: Agent
  before(async () => {
    t = await buildTestApp()
    pm = await t.signIn(t.orgs.a.users.programme_manager)
  })
  after(() => t.close())

  it('a dashboard sent again carries its own response’s nonce and a CSRF token that a form accepts', async () => {
    const first = await pm.get('/')
    const second = await pm.get('/')
    assert.equal(second.status, 200)
    const firstNonce = nonceOf(first)
    const secondNonce = nonceOf(second)
    assert.notEqual(firstNonce, secondNonce, 'each response draws its own nonce')
    assert.ok(second.body.includes(`nonce="${secondNonce}"`), 'the page carries the nonce its CSP names')
    assert.ok(!second.body.includes(firstNonce), 'nothing of the first response’s nonce is left')
    assert.ok(!second.body.includes('\u0000'), 'no marker is left in the page')
    const token = second.document.querySelector('input[name="_csrf"]')?.getAttribute('value')
    assert.ok(token, 'the page has a form with a CSRF token')
    // The token of the page sent again is good for a form post (the layout's sign-out form uses it).
    const saved = await pm.post(
      '/programmes',
      {
        reference: 'PS-1',
        name: 'Posted from a kept page',
        'startDate-day': '1',
        'startDate-month': '4',
        'startDate-year': '2026',
        status: 'active',
      },
      { csrf: token },
    )
    assert.equal(saved.status, 303, saved.text)
  })

  it('a one-off message is shown on the dashboard, not hidden behind the kept page, and the next change shows', async () => {
    // The post above left a flash cookie ("Programme PS-1 added") and changed the portfolio.
    const withMessage = await pm.get('/')
    assert.match(withMessage.text, /Programme PS-1 added/)
    assert.match(withMessage.text, /Posted from a kept page/, 'the change shows at once')
    const again = await pm.get('/')
    assert.doesNotMatch(again.text, /Programme PS-1 added/, 'the message is shown once')
    assert.match(again.text, /Posted from a kept page/)
    // A message that comes with no change to the portfolio (as "You are now working in another organisation"
    // does), while the page is kept: shown, and the kept page is not replaced by the page with the message.
    pm.setCookie('oversight_flash', t.app.signCookie('A message with nothing changed'))
    assert.match((await pm.get('/')).text, /A message with nothing changed/)
    assert.doesNotMatch((await pm.get('/')).text, /A message with nothing changed/)
  })

  it('each reader gets their own page: another role, a partner officer, another organisation', async () => {
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    const administrator = await t.signIn(t.orgs.a.users.administrator)
    const partner = await t.signIn(t.orgs.a.users.partner_officer)
    const other = await t.signIn(t.orgs.b.users.programme_manager)
    for (let i = 0; i < 2; i++) {
      const admin = await administrator.get('/')
      assert.ok(admin.document.querySelector('a[href="/settings"]'), 'an administrator’s header links to settings')
      const seen = await viewer.get('/')
      assert.equal(seen.status, 200)
      assert.equal(seen.document.querySelector('a[href="/settings"]'), null, 'not from the administrator’s page')
      const partnerPage = await partner.get('/')
      assert.equal(partnerPage.status, 200)
      assert.doesNotMatch(partnerPage.text, /Posted from a kept page/, 'a programme not shared with the partner')
      const otherPage = await other.get('/')
      assert.equal(otherPage.status, 200)
      assert.doesNotMatch(otherPage.body, new RegExp(t.orgs.a.name), 'another organisation’s page')
      assert.doesNotMatch(otherPage.text, /Posted from a kept page/)
    }
  })
})
