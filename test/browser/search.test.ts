import assert from 'node:assert/strict'
import { after, before, describe } from 'node:test'
import {
  BasePage,
  browserUnavailable,
  launchBrowser,
  withAndWithoutJavaScript,
  type BrowserSession,
} from '../helpers/browser.ts'
import { dialectName } from '../helpers/database.ts'
import { startServer, type RunningServer } from '../helpers/server.ts'

/** Search from the header (issue 13) in a real browser, with and without JavaScript: axe clean, and at 320 px. */
describe(`search, in a browser (${dialectName()})`, { skip: browserUnavailable() }, () => {
  let server: RunningServer
  let browser: BrowserSession

  before(async () => {
    server = await startServer()
    browser = await launchBrowser()
    const t = server.t
    const admin = await t.tokenFor(t.orgs.a.users.administrator)
    const make = async (url: string, body: unknown) => {
      const res = await t.api(admin, 'POST', url, body)
      assert.equal(res.statusCode, 201, res.body)
      return res.json<{ id: number }>().id
    }
    const programme = await make('/api/v1/programmes', { reference: 'HSG', name: 'Housing delivery' })
    const project = await make('/api/v1/projects', {
      reference: 'HSG-01',
      name: 'Riverside flats <b>phase one</b>',
      description: 'Ninety homes on the riverside site',
      programmeId: programme,
    })
    await make('/api/v1/risks', {
      projectId: project,
      title: 'Riverside contamination delays the start',
      event: 'Contaminated land found on the riverside site',
      category: 'strategic',
      likelihood: 3,
      impact: 3,
    })
  })
  after(async () => {
    await browser?.close()
    await server?.close()
  })

  withAndWithoutJavaScript(
    () => browser,
    async (page, label) => {
      const site = new BasePage(page, server.baseUrl, label)
      await site.signIn(server.t.orgs.a.users.viewer, '/projects')
      const header = page.getByRole('search', { name: 'Search Oversight' })
      await header.getByLabel('Search projects, risks, decisions and more').fill('riverside site')
      await header.getByRole('button', { name: 'Search', exact: true }).click()
      await site.checkPage('search-results')
      assert.equal(await site.heading(), 'Search results for ‘riverside site’')
      const main = page.locator('main')
      assert.deepEqual(await main.locator('h2.govuk-heading-m').allTextContents(), ['Projects', 'Risks'])
      assert.deepEqual(await main.locator('mark').allTextContents(), [
        'Riverside',
        'riverside',
        'site',
        'Riverside',
        'riverside',
        'site',
      ])
      // The project's name is shown as typed, not as markup.
      await main.getByRole('link', { name: 'HSG-01 Riverside flats <b>phase one</b>' }).waitFor()
      await page.getByRole('link', { name: 'Risks (1)' }).click()
      await site.checkPage('search-risks')
      assert.deepEqual(await main.locator('h2.govuk-heading-m').allTextContents(), ['Risks'])

      // An empty search explains itself.
      await main.getByLabel('Search projects, milestones').fill('  ')
      await main.getByRole('button', { name: 'Search', exact: true }).click()
      await site.checkPage('search-empty')
      assert.deepEqual(await site.errorMessages(), ['Enter words to search for'])

      await page.setViewportSize({ width: 320, height: 800 })
      await site.goto('/search?q=riverside', 'search-320')
      const { scrollWidth, width } = await page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        width: window.innerWidth,
      }))
      assert.ok(scrollWidth <= width, `search scrolls sideways at 320 px (${scrollWidth})`)
      await page.setViewportSize({ width: 1280, height: 800 })
    },
    {
      js: 'a viewer searches from the header and narrows to one type (JavaScript on)',
      nojs: 'a viewer searches from the header and narrows to one type (JavaScript off)',
    },
  )
})
