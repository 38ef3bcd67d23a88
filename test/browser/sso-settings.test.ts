import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { BasePage, browserUnavailable, launchBrowser, type BrowserSession } from '../helpers/browser.ts'
import { dialectName } from '../helpers/database.ts'
import { startServer, type RunningServer } from '../helpers/server.ts'

/** The identity provider settings and the sign-in page that offers it, axe clean in a real browser. */
describe(
  `sign-in through an identity provider, in a browser (${dialectName()})`,
  { skip: browserUnavailable() },
  () => {
    let server: RunningServer
    let browser: BrowserSession

    before(async () => {
      server = await startServer({ OVERSIGHT_SECRET_KEY: 'cd'.repeat(32) })
      browser = await launchBrowser()
    })
    after(async () => {
      await browser?.close()
      await server?.close()
    })

    it('an administrator sets the provider, and the sign-in page offers it', async () => {
      const site = new BasePage(await browser.context.newPage(), server.baseUrl, 'js')
      await site.signIn(server.t.orgs.a.users.administrator, '/settings')
      await site.follow('Sign-in through your identity provider (OpenID Connect)', 'sso-settings')
      await site.field('Provider name').fill('Alpha Login')
      await site.field('Issuer URL').fill('http://idp.example.com')
      await site.press('Save sign-in settings', 'sso-settings-errors')
      assert.deepEqual(await site.errorMessages(), [
        'Enter an issuer URL that starts with https://',
        'Enter the client ID',
        'Enter the client secret',
        'Enter at least one email domain, like council.gov.uk',
      ])
      await site.field('Issuer URL').fill('https://login.microsoftonline.com/tenant/v2.0')
      await site.field('Client ID').fill('oversight-alpha')
      await site.field('Client secret').fill('browser-secret-value')
      await site.field('Allowed email domains').fill('alpha.test')
      await site.press('Save sign-in settings', 'sso-settings-saved')
      assert.match(await site.flash(), /Sign-in settings saved/)
      assert.equal(await site.field('Client secret').inputValue(), '')
      assert.ok(!(await site.page.content()).includes('browser-secret-value'))
      await site.signOut()
      await site.goto('/sign-in', 'sign-in-with-provider')
      assert.equal(await site.page.getByRole('link', { name: 'Sign in with Alpha Login' }).count(), 1)
    })
  },
)
