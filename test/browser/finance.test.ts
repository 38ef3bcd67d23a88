import assert from 'node:assert/strict'
import { after, before, describe } from 'node:test'
import type { Page } from 'playwright-core'
import {
  type BrowserSession,
  browserUnavailable,
  launchBrowser,
  withAndWithoutJavaScript,
} from '../helpers/browser.ts'
import { dialectName } from '../helpers/database.ts'
import { startServer, type RunningServer } from '../helpers/server.ts'
import { pay } from '../integration/finance-helpers.ts'
import { FinancePages } from './pages/finance.pages.ts'

describe(
  `finance in a browser: budget, forecast, sign-off, summary (${dialectName()})`,
  { skip: browserUnavailable() },
  () => {
    let server: RunningServer
    let browser: BrowserSession
    let programmeId: number
    const projects: Record<string, number> = {}
    before(async () => {
      server = await startServer()
      browser = await launchBrowser()
      const { t } = server
      const token = await t.tokenFor(t.orgs.a.users.administrator)
      const make = async (url: string, body: unknown) => {
        const res = await t.api(token, 'POST', url, body)
        assert.equal(res.statusCode, 201, res.body)
        return res.json<{ id: number }>().id
      }
      programmeId = await make('/api/v1/programmes', {
        reference: 'ICT',
        name: 'ICT and Digital Work Programme',
      })
      for (const label of ['js', 'nojs']) {
        projects[label] = await make('/api/v1/projects', {
          reference: `WEB-${label.toUpperCase()}`,
          name: `Website content (${label})`,
          programmeId,
        })
        await pay(t, t.orgs.a.id, projects[label], '2025-04-15', 150000, 'PSPS')
        await pay(t, t.orgs.a.id, projects[label], '2025-05-15', 90000, 'PSPS')
      }
    })
    after(async () => {
      await browser?.close()
      await server?.close()
    })

    async function journey(page: Page, label: 'js' | 'nojs'): Promise<void> {
      const site = new FinancePages(page, server.baseUrl, label)
      const projectId = projects[label]!
      await site.signIn(server.t.orgs.a.users.finance_officer, '/funding-streams')
      await site.addFundingStream(`Core revenue budget (${label})`, true)

      // A mistake first: the error summary names the field.
      await site.addBudgetLine(
        projectId,
        {
          year: '2025/26',
          category: 'Revenue',
          stream: `Core revenue budget (${label})`,
          costType: 'Partner recharge',
          description: 'Web developer',
          amount: 'twelve thousand',
          profile: 'Flat',
        },
        'budget-line-error',
      )
      assert.deepEqual(await site.errorMessages(), [
        'Budget amount must be an amount of money, like £1,250.00',
      ])
      await site.field('Amount').fill('12,000')
      await site.press('Save budget line', 'project-finance')
      assert.match(await site.flash(), /Budget line of £12,000\.00 added/)
      const text = await site.mainText()
      assert.match(text, /Actual spend\s*£2,400\.00/)
      assert.ok(await page.locator('svg.app-chart[role="img"]').count(), 'the spend chart is there')

      await site.recordForecast(projectId, '2025-26', 'P6 — September 2025', '13,000')
      assert.match(await site.mainText(), /Variance \(forecast − budget\)\s*£1,000\.00/)
      await site.signOff(projectId, '2025-26', 'P6 — September 2025', 'Developer kept on for two more months')
      assert.match(await site.mainText(), /September 2025.*Developer kept on for two more months/)

      // A purchase order counts against the budget until it is invoiced.
      await site.addCommitment('Jadu Ltd', `PO-${label}`, '1,500')
      assert.match(await site.flash(), new RegExp(`Commitment PO-${label} added`))
      assert.match(await site.mainText(), /Commitments \(orders not yet invoiced\)\s*£1,500\.00/)
      await site.markInvoiced(`PO-${label}`)
      assert.match(await site.mainText(), /No open purchase orders/)

      await site.openFinanceHome()
      assert.equal(await site.heading(), 'Finance')
      assert.match(await site.mainText(), /Suspense list: 0 payments, £0\.00, not yet on a project/)
      await site.follow('ICT and Digital Work Programme finance summary', 'programme-finance-from-home')
      assert.equal(await site.heading(), 'Finance summary')
      await site.goto(`/programmes/${programmeId}/finance?year=2025-26`, 'programme-finance')
      assert.equal(await site.heading(), 'Finance summary')
      assert.match(
        await site.mainText(),
        new RegExp(`WEB-${label.toUpperCase()} Website content \\(${label}\\)`),
      )
      await site.signOut()
    }

    withAndWithoutJavaScript(() => browser, journey, {
      js: 'a finance officer budgets a project, forecasts, signs off and reads the summary, with axe on every page',
      nojs: 'the same journey works with JavaScript switched off',
    })
  },
)
