import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { browserUnavailable, launchBrowser, type BrowserSession } from '../helpers/browser.ts'
import { dialectName } from '../helpers/database.ts'
import { putInStage } from '../helpers/projects.ts'
import { startServer, type RunningServer } from '../helpers/server.ts'
import { ExceptionPages } from './pages/exceptions.pages.ts'

describe(
  `an exception from notification to decision, in a browser (${dialectName()})`,
  { skip: browserUnavailable() },
  () => {
    let server: RunningServer
    let browser: BrowserSession
    let programmeId: number

    before(async () => {
      server = await startServer()
      browser = await launchBrowser()
      const { t } = server
      const token = await t.tokenFor(t.orgs.a.users.programme_manager)
      const prog = await t.api(token, 'POST', '/api/v1/programmes', {
        reference: 'ICT',
        name: 'ICT and Digital',
      })
      programmeId = prog.json<{ id: number }>().id
      await t.api(token, 'PUT', `/api/v1/programmes/${programmeId}/tolerances`, {
        timeDays: 60,
        riskScore: 15,
      })
      // The Covid secondment: the website's end date slips six months, beyond the 60-day tolerance.
      const proj = await t.api(token, 'POST', '/api/v1/projects', {
        reference: 'ICT-01',
        name: 'Website content and accessibility',
        programmeId,
        projectManager: t.orgs.a.users.project_manager.name,
        stage: 'approved',
        baselineEnd: '2020-09-30',
        forecastEnd: '2021-03-31',
      })
      assert.equal(proj.statusCode, 201, proj.body)
      // A new project cannot be created in delivery (it has passed no gate); it is put there directly.
      await putInStage(t, proj.json<{ id: number }>().id, 'delivery')
    })
    after(async () => {
      await browser?.close()
      await server?.close()
    })

    it('the project manager is told, opens the exception and writes the report', async () => {
      const site = new ExceptionPages(await browser.context.newPage(), server.baseUrl, 'js')
      await site.signIn(server.t.orgs.a.users.project_manager, '/')
      assert.equal(await site.headerNotifications(), 'Notifications (1 unread)')
      await site.openNotification(/Time tolerance exceeded: ICT-01/)
      assert.equal(await site.heading(), 'Time exception')
      const main = (await site.page.locator('main').textContent()) ?? ''
      assert.match(main, /182 days beyond the baseline of 30 September 2020/)
      assert.deepEqual(await site.submitEmptyReport(), [
        'Enter the cause of the exception',
        'Enter the impact on the project and programme',
        'Enter the options considered',
        'Enter the recommended option',
      ])
      await site.writeReport({
        cause: 'The Digital team was seconded to the Covid response.',
        impact: 'Accessibility work six months late.',
        options: '1. Accept the delay. 2. Buy in a developer.',
        recommendation: 'Accept the delay with an exception plan.',
      })
      assert.match(await site.flash(), /Exception report saved/)
      assert.match((await site.page.locator('main').textContent()) ?? '', /Awaiting board decision/)
      await site.goto(`/programmes/${programmeId}/tolerances`, 'programme-tolerances')
      await site.goto('/governance', 'governance')
      await site.goto('/', 'dashboard-with-governance')
    })

    it('the Portfolio Holder records the board decision, without JavaScript', async () => {
      const context = await browser.noScriptContext()
      const site = new ExceptionPages(await context.newPage(), server.baseUrl, 'nojs')
      await site.signIn(server.t.orgs.a.users.portfolio_holder, '/')
      await site.openNotification(/Time tolerance exceeded: ICT-01/)
      await site.recordDecision(
        'Exception plan approved',
        'Caused by the pandemic response; monthly reporting.',
      )
      const main = (await site.page.locator('main').textContent()) ?? ''
      assert.match(main, /Caused by the pandemic response/)
      await site.goto('/exceptions', 'exceptions')
      await site.goto('/account/notifications', 'notification-settings')
    })
  },
)
