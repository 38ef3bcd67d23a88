import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { BasePage, browserUnavailable, launchBrowser, type BrowserSession } from '../helpers/browser.ts'
import { dialectName } from '../helpers/database.ts'
import { startServer, type RunningServer } from '../helpers/server.ts'

describe(
  `sessions, leavers and token expiry, in a browser (${dialectName()})`,
  { skip: browserUnavailable() },
  () => {
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

    it('a person sees their sessions and an administrator marks and reinstates a leaver', async () => {
      const admin = new BasePage(await browser.context.newPage(), server.baseUrl, 'js')
      await admin.signIn(server.t.orgs.a.users.administrator, '/account/sessions')
      await admin.checkPage('sessions')
      assert.equal(await admin.heading(), 'Your sessions')
      const table = admin.page.getByRole('table', { name: 'Your sessions' })
      assert.match((await table.textContent()) ?? '', /Chrome on Linux\s*This session/)

      await admin.goto('/account/tokens', 'tokens-with-expiry')
      assert.equal(await admin.field('Days until it expires').inputValue(), '90')

      const viewer = server.t.orgs.a.users.viewer
      await admin.goto('/settings/people', 'people-with-leavers')
      await admin.press(`Mark as leaver ${viewer.name}`, 'people-leaver-marked')
      assert.match(await admin.flash(), /Marked as a leaver/)
      await admin.press(`Reinstate ${viewer.name}`, 'people-leaver-reinstated')
      assert.match(await admin.flash(), /Reinstated/)
      await admin.page.close()
    })
  },
)
