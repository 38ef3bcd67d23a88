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
import { ScrutinyPages } from './pages/scrutiny.pages.ts'

describe(
  `scrutiny in a browser: recommendation at a meeting, the Portfolio Holder's response, the follow-up (${dialectName()})`,
  { skip: browserUnavailable() },
  () => {
    let server: RunningServer
    let browser: BrowserSession
    let itemPath = ''
    const followUpLabel =
      'Performance Monitoring Panel, 8 July 2021: item 7 ICT and Digital Work Programme progress update'
    before(async () => {
      server = await startServer()
      browser = await launchBrowser()
      const { t } = server
      const token = await t.tokenFor(t.orgs.a.users.scrutiny_member)
      const post = async (url: string, body: unknown) => {
        const res = await t.api(token, 'POST', url, body)
        assert.equal(res.statusCode, 201, res.body)
        return res.json<{ id: number }>().id
      }
      const committeeId = await post('/api/v1/committees', {
        name: 'Performance Monitoring Panel',
        code: 'PMP',
        kind: 'scrutiny_panel',
      })
      const march = await post('/api/v1/meetings', {
        committeeId,
        meetingDate: '2021-03-18',
        startTime: '18:30',
        place: 'Online',
        status: 'held',
      })
      itemPath = `/agenda-items/${await post(`/api/v1/meetings/${march}/items`, { number: '6', title: 'Digital Work Programme update', minutes: 'Members discussed the **programme**.' })}`
      const july = await post('/api/v1/meetings', {
        committeeId,
        meetingDate: '2021-07-08',
        startTime: '18:30',
        place: 'Council Chamber',
        status: 'held',
      })
      await post(`/api/v1/meetings/${july}/items`, {
        number: '7',
        title: 'ICT and Digital Work Programme progress update',
      })
    })
    after(async () => {
      await browser?.close()
      await server?.close()
    })

    async function journey(page: Page, label: 'js' | 'nojs'): Promise<void> {
      const { t } = server
      const site = new ScrutinyPages(page, server.baseUrl, label)
      const reference = `PMP/2021/0${label === 'js' ? 3 : 4}`

      await site.signIn(t.orgs.a.users.scrutiny_member)
      await site.recordRecommendation(itemPath, {
        reference,
        text: `A paper covering six points (${label})`,
        addressee: t.orgs.a.users.portfolio_holder.name,
      })
      assert.match(await site.flash(), new RegExp(`Request ${reference} recorded`))
      assert.equal(await site.summaryValue('Response due'), '18 May 2021')
      const recPath = new URL(page.url()).pathname
      await site.signOut()

      await site.signIn(t.orgs.a.users.portfolio_holder)
      await site.respond(reference, 'Accepted', 'The Programme Manager will prepare the paper.', [
        '10',
        '5',
        '2021',
      ])
      assert.match(await site.flash(), new RegExp(`Response to ${reference} recorded: accepted`))
      assert.match(await site.summaryValue('Response'), /^Accepted on 10 May 2021 by /)
      assert.match(
        (await page.locator('main .govuk-tag').first().textContent()) ?? '',
        /Accepted – in progress/,
      )
      await site.signOut()

      await site.signIn(t.orgs.a.users.scrutiny_member)
      await site.followUp(recPath, followUpLabel)
      assert.match(await site.flash(), new RegExp(`${reference} followed up`))
      assert.equal(
        await site.summaryValue('Followed up'),
        'Item 7: ICT and Digital Work Programme progress update',
      )
      await site.goto('/scrutiny', 'scrutiny-dashboard-after')
      await site.signOut()
    }

    withAndWithoutJavaScript(() => browser, journey, {
      js: 'a panel member records a request, the Portfolio Holder responds, the panel follows it up, with axe on every page',
      nojs: 'the same journey works with JavaScript switched off',
    })
  },
)
