import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { currentPeriod } from '../../src/domain/periods.ts'
import { BasePage, browserUnavailable, launchBrowser, type BrowserSession } from '../helpers/browser.ts'
import { dialectName } from '../helpers/database.ts'
import { startServer, type RunningServer } from '../helpers/server.ts'

/**
 * The scrutiny loop in a real browser (issue 12): the Portfolio Holder moves on an action from a panel report,
 * and a member compares two reports; axe clean on every page, and at 320 px without sideways scroll.
 */
describe(`the scrutiny loop, in a browser (${dialectName()})`, { skip: browserUnavailable() }, () => {
  let server: RunningServer
  let browser: BrowserSession
  let actionUrl = ''
  const reports: number[] = []

  before(async () => {
    server = await startServer()
    browser = await launchBrowser()
    const t = server.t
    const admin = await t.tokenFor(t.orgs.a.users.administrator)
    const programme = await t.api(admin, 'POST', '/api/v1/programmes', {
      reference: 'ICT',
      name: 'ICT programme',
    })
    const programmeId = programme.json<{ id: number }>().id
    await t.api(admin, 'POST', '/api/v1/projects', {
      reference: 'ICT-01',
      name: 'Website',
      programmeId,
      forecastEnd: '2027-03-31',
    })
    for (const title of ['Progress report one', 'Progress report two']) {
      const r = await t.api(admin, 'POST', '/api/v1/reports', {
        programmeId,
        period: currentPeriod(),
        title,
        areas: [{ text: 'Publish the digital ambitions', ownerUserId: t.orgs.a.users.portfolio_holder.id }],
      })
      const report = r.json<{ id: number; version: number; areas: Array<{ id: number }> }>()
      await t.api(admin, 'POST', `/api/v1/reports/${report.id}/submit`, { version: report.version })
      reports.push(report.id)
      actionUrl ||= `/reports/${report.id}/areas/${report.areas[0]!.id}`
    }
  })
  after(async () => {
    await browser?.close()
    await server?.close()
  })

  it('the Portfolio Holder records progress on an action and finds it on their own page', async () => {
    const site = new BasePage(await browser.context.newPage(), server.baseUrl, 'js')
    await site.signIn(server.t.orgs.a.users.portfolio_holder, actionUrl)
    await site.checkPage('area-action')
    await site.page.getByLabel('In progress').check()
    await site.fillDate('Date of the progress (optional)', '1', '1', '2099')
    await site.press('Save', 'area-action-errors')
    assert.deepEqual(await site.errorMessages(), ['Date of the progress must be today or in the past'])
    await site.fillDate('Date of the progress (optional)', '', '', '')
    await site.field('Progress note (optional)').fill('Draft ambitions shared with the panel chair')
    await site.press('Save', 'area-action-saved')
    assert.equal(await site.flash(), 'Success Action updated')
    await site.goto('/account/actions', 'your-actions')
    await site.goto(`/history/report_area/${actionUrl.split('/').pop()}`, 'area-action-history')
    const compare = `/reports/compare?from=${reports[0]}&to=${reports[1]}`
    await site.goto('/reports/compare', 'compare-choose')
    await site.goto(compare, 'compare')
    for (const path of [actionUrl, '/account/actions', compare]) {
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
