import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Page } from 'playwright-core'
import { totpAt } from '../../src/modules/auth/totp.rules.ts'
import {
  BasePage,
  browserUnavailable,
  launchBrowser,
  withAndWithoutJavaScript,
  type BrowserSession,
} from '../helpers/browser.ts'
import { TEST_PASSWORD } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { startServer, type RunningServer } from '../helpers/server.ts'

// Issue 13: setting up a second factor and signing in with it, on a 320 px screen, with and without
// JavaScript, axe clean on every page. The code is worked out from the key the page shows, as an app would.
describe(`second factor, in a browser (${dialectName()})`, { skip: browserUnavailable() }, () => {
  let server: RunningServer
  let browser: BrowserSession
  before(async () => {
    server = await startServer()
    browser = await launchBrowser()
  })
  after(async () => {
    await browser?.close()
    await server?.close()
  })

  /** The page as it is, checked again on a 320 px screen (the header's menu folds away there). */
  async function fits(site: BasePage, name: string) {
    await site.page.setViewportSize({ width: 320, height: 800 })
    await site.checkPage(`${name}-320`)
    const { scrollWidth, width } = await site.page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      width: window.innerWidth,
    }))
    assert.ok(scrollWidth <= width, `${name} scrolls sideways at 320 px (${scrollWidth})`)
    await site.page.setViewportSize({ width: 1280, height: 900 })
  }

  withAndWithoutJavaScript(
    () => browser,
    async (page: Page, label) => {
      const user =
        label === 'js' ? server.t.orgs.a.users.project_manager : server.t.orgs.a.users.finance_officer
      const site = new BasePage(page, server.baseUrl, label)
      await site.signIn(user, '/account/second-factor')
      await fits(site, 'second-factor-off')
      await site.follow('Set up a second factor', 'second-factor-set-up')
      await fits(site, 'second-factor-set-up')
      const secret = ((await page.locator('#secret').textContent()) ?? '').replace(/\s/g, '')
      await site.field('Code from your app').fill(totpAt(secret, Date.now() - 30_000))
      await site.press('Turn on second factor', 'recovery-codes')
      await fits(site, 'recovery-codes')
      assert.equal(await page.locator('.app-recovery-codes li').count(), 10)
      await site.follow('I have saved my recovery codes', 'second-factor-on')
      await site.signOut()

      await page.goto(site.url('/sign-in?returnTo=%2Faccount'))
      await site.field('Email address').fill(user.email)
      await site.field('Password').fill(TEST_PASSWORD)
      await site.press('Sign in', 'second-factor-code')
      await fits(site, 'second-factor-code')
      assert.equal(await site.heading(), 'Enter your code')
      await site.field('Code').fill('000000')
      await site.press('Continue', 'second-factor-code-wrong')
      assert.deepEqual(await site.errorMessages(), [
        'Enter a correct code. Each code works once: wait for your app to show a new one',
      ])
      await site.field('Code').fill(totpAt(secret, Date.now()))
      await site.press('Continue', 'signed-in-with-code')
      assert.equal(new URL(page.url()).pathname, '/account')
      assert.ok(await site.signedInAs())
    },
    {
      js: 'sets up a second factor and signs in with a code, with JavaScript',
      nojs: 'sets up a second factor and signs in with a code, without JavaScript',
    },
  )

  it('an administrator sees a member’s sessions and second factor, and ends a session', async () => {
    const member = server.t.orgs.a.users.project_manager
    const context = await browser.noScriptContext()
    const site = new BasePage(await context.newPage(), server.baseUrl, 'nojs')
    await site.signIn(server.t.orgs.a.users.administrator, '/settings/people')
    await site.page.getByRole('link', { name: `See sessions of ${member.name}`, exact: true }).click()
    await fits(site, 'member-sessions')
    assert.equal(await site.heading(), `Sessions of ${member.name}`)
    // The journey above left the project manager signed in, with a second factor on.
    assert.match((await site.page.locator('main').textContent()) ?? '', /signs in with a code/)
    await site.page
      .getByRole('button', { name: /^End the session in/ })
      .first()
      .click()
    await site.checkPage('member-session-ended')
    assert.match(await site.flash(), /The session has ended/)
    await context.close()
  })
})
