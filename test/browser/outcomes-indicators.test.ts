import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { BasePage, browserUnavailable, launchBrowser, type BrowserSession } from '../helpers/browser.ts'
import { dialectName } from '../helpers/database.ts'
import { startServer, type RunningServer } from '../helpers/server.ts'

/** Performance indicators in a real browser: axe clean on every page, the chart and its table, and at 320 px. */
describe(`performance indicators, in a browser (${dialectName()})`, { skip: browserUnavailable() }, () => {
  let server: RunningServer
  let browser: BrowserSession
  let phone = 0

  before(async () => {
    server = await startServer()
    browser = await launchBrowser()
    const t = server.t
    const admin = await t.tokenFor(t.orgs.a.users.administrator)
    const define = async (name: string, polarity: string) => {
      const res = await t.api(admin, 'POST', '/api/v1/indicators', {
        name,
        unit: 'count',
        polarity,
        frequency: 'monthly',
        groupName: 'Channel shift',
      })
      assert.equal(res.statusCode, 201, res.body)
      return res.json<{ id: number }>().id
    }
    phone = await define('Contacts by telephone', 'lower')
    const web = await define('Contacts by web', 'higher')
    const months = ['2025-04', '2025-05', '2025-06', '2025-07', '2025-08', '2025-09']
    for (const [i, period] of months.entries()) {
      await t.api(admin, 'POST', `/api/v1/indicators/${phone}/values`, { period, value: 6000 - i * 400 })
      await t.api(admin, 'POST', `/api/v1/indicators/${web}/values`, { period, value: 3000 + i * 500 })
      await t.api(admin, 'POST', `/api/v1/indicators/${phone}/targets`, {
        period,
        target: 5000,
        warning: 5500,
      })
    }
  })
  after(async () => {
    await browser?.close()
    await server?.close()
  })

  it('a project manager enters a value, is told a percentage-style mistake plainly, and reads the trend', async () => {
    const site = new BasePage(await browser.context.newPage(), server.baseUrl, 'js')
    await site.signIn(server.t.orgs.a.users.project_manager, '/indicators')
    await site.checkPage('indicators')
    await site.goto(`/indicators/${phone}`, 'indicator')
    assert.equal(
      await site.page.locator('svg[role="img"] title').first().textContent(),
      'Contacts by telephone: trend',
    )
    await site.follow('Enter a value', 'indicator-value')
    await site.field('Period').fill('Q3 2025/26')
    await site.field('Value (Count)').fill('3,900')
    await site.press('Save', 'indicator-value-errors')
    assert.deepEqual(await site.errorMessages(), [
      'This indicator is measured monthly: enter a period like April 2025 or 2025-04',
    ])
    await site.field('Period').fill('October 2025')
    await site.press('Save', 'indicator-value-saved')
    assert.equal(await site.flash(), 'Success Value for October 2025 saved')
    assert.match(
      (await site.page.locator('table').first().textContent())!.replace(/\s+/g, ' '),
      /October 2025 3,900/,
    )

    for (const [path, name] of [
      ['/indicators/group?name=Channel%20shift', 'indicator-group'],
      [`/history/indicator/${phone}`, 'indicator-history'],
      ['/indicators/imports/new', 'indicator-import'],
    ] as const)
      await site.goto(path, name)
    for (const path of ['/indicators', `/indicators/${phone}`, '/indicators/group?name=Channel%20shift']) {
      await site.page.setViewportSize({ width: 320, height: 800 })
      await site.goto(path, `${path.replace(/\W+/g, '-')}-320`)
      const { scrollWidth, width } = await site.page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        width: window.innerWidth,
      }))
      assert.ok(scrollWidth <= width, `${path} scrolls sideways at 320 px (${scrollWidth})`)
    }
    await site.page.close()
  })
})
