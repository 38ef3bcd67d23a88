import assert from 'node:assert/strict'
import { after, before, describe } from 'node:test'
import type { Page } from 'playwright-core'
import { currentPeriod, formatPeriod } from '../../src/domain/periods.ts'
import {
  type BrowserSession,
  browserUnavailable,
  launchBrowser,
  withAndWithoutJavaScript,
} from '../helpers/browser.ts'
import { dialectName } from '../helpers/database.ts'
import { startServer, type RunningServer } from '../helpers/server.ts'
import { DeliveryPages } from './pages/delivery.pages.ts'

describe(
  `delivery in a browser: project, milestone, status report (${dialectName()})`,
  { skip: browserUnavailable() },
  () => {
    let server: RunningServer
    let browser: BrowserSession
    const programme = 'Customer Access Programme'
    before(async () => {
      server = await startServer()
      browser = await launchBrowser()
      const { t } = server
      const res = await t.api(
        await t.tokenFor(t.orgs.a.users.programme_manager),
        'POST',
        '/api/v1/programmes',
        {
          reference: 'CAP',
          name: programme,
        },
      )
      assert.equal(res.statusCode, 201, res.body)
      await t.partner(t.orgs.a, 'PSPS')
    })
    after(async () => {
      await browser?.close()
      await server?.close()
    })

    const period = currentPeriod()
    const [year, month] = period.split('-') as [string, string]

    /** A project manager runs a project from creation to its first monthly report. */
    async function journey(page: Page, label: 'js' | 'nojs'): Promise<void> {
      const site = new DeliveryPages(page, server.baseUrl, label)
      const name = `Online contact forms (${label})`
      const narrative = `Forms for missed bins and council tax are live (${label}).`
      await site.signIn(server.t.orgs.a.users.project_manager, '/projects')
      await site.checkPage('projects')

      await site.addProject({
        reference: `ICF-${label.toUpperCase()}`,
        name,
        programme: `CAP – ${programme}`,
        // Not "Delivery": a new project has passed no gate, so it cannot start there.
        stage: 'Approved',
        sharedWith: ['PSPS'],
        baselineStart: ['1', '4', '2025'],
        baselineEnd: ['31', '3', '2027'],
      })
      assert.equal(await site.heading(), name)
      assert.match(await site.flash(), new RegExp(`Project ICF-${label.toUpperCase()} added`))
      const projectUrl = new URL(site.page.url()).pathname

      await site.addMilestone('Forms live for residents', ['30', '9', '2026'])
      assert.equal(new URL(site.page.url()).pathname, projectUrl)
      assert.match(await site.flash(), /Milestone ‘Forms live for residents’ added/)
      assert.match((await site.page.locator('main').textContent()) ?? '', /30 September 2026/)

      await site.submitStatusReport([String(Number(month)), year], 'Amber', narrative)
      assert.match(await site.flash(), new RegExp(`Status report for ${formatPeriod(period)} submitted`))
      const report = (await site.page.locator('main').textContent()) ?? ''
      assert.match(report, /Amber/)
      assert.ok(report.includes(narrative), 'the report shows its narrative')

      // The project page now carries the rating from its latest report.
      await site.goto(projectUrl, 'project-reported')
      const projectText = (await site.page.locator('main').textContent()) ?? ''
      assert.match(projectText, /Amber/)
      assert.match(projectText, new RegExp(formatPeriod(period)))

      // The dashboard rolls the report up into the programme's row.
      await site.goto('/', 'dashboard')
      assert.equal(await site.heading(), 'Portfolio dashboard')
      const row = site.page.locator('main tr', {
        has: site.page.getByRole('link', { name: programme, exact: true }),
      })
      assert.match((await row.textContent()) ?? '', /Amber/)
      await site.signOut()
    }

    withAndWithoutJavaScript(() => browser, journey, {
      js: 'a project manager adds a project, a milestone and a status report and sees it on the dashboard, with axe on every page',
      nojs: 'the same journey works with JavaScript switched off',
    })
  },
)
