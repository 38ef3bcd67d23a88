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
import { ReportsPages } from './pages/reports.pages.ts'

describe(
  `panel progress report in a browser: prepare, preview, submit, see the hash (${dialectName()})`,
  { skip: browserUnavailable() },
  () => {
    let server: RunningServer
    let browser: BrowserSession
    let definitionId = 0
    before(async () => {
      server = await startServer()
      browser = await launchBrowser()
      const { t } = server
      const token = await t.tokenFor(t.orgs.a.users.programme_manager)
      const create = async (url: string, body: Record<string, unknown>) => {
        const res = await t.api(token, 'POST', url, body)
        assert.equal(res.statusCode, 201, res.body)
        return res.json<{ id: number }>().id
      }
      const programmeId = await create('/api/v1/programmes', {
        reference: 'ICT',
        name: 'ICT and Digital Work Programme',
      })
      const projectId = await create('/api/v1/projects', {
        reference: 'ICT-01',
        name: 'Website accessibility',
        programmeId,
      })
      await create('/api/v1/milestones', {
        projectId,
        name: 'Accessibility audit',
        baselineDate: '2021-02-26',
        forecastDate: '2021-03-19',
        isKey: true,
      })
      definitionId = await create('/api/v1/programme-definitions', {
        programmeId,
        title: 'ICT and Digital Work Programme: a clear route forward',
        digitalMeaning: 'Digital means services designed around residents.',
      })
      await create('/api/v1/status-reports', {
        projectId,
        period: '2021-03',
        rating: 'amber',
        narrative: 'Audit slipped three weeks.',
      })
    })
    after(async () => {
      await browser?.close()
      await server?.close()
    })

    async function journey(page: Page, label: 'js' | 'nojs'): Promise<void> {
      const site = new ReportsPages(page, server.baseUrl, label)
      await site.signIn(server.t.orgs.a.users.programme_manager, '/reports')
      const title = `Digital programme progress update (${label})`
      await site.prepare({
        programme: 'ICT ICT and Digital Work Programme',
        period: 'Quarter: January to March 2021',
        title,
        summary: 'Covid absorbed the resources that remained.',
      })
      assert.equal(await site.heading(), title)
      assert.match(await site.flash(), /Draft report saved/)
      const preview = await site.paperText()
      assert.match(preview, /ICT-01/)
      assert.match(preview, /Accessibility audit \(key\)/)
      assert.match(preview, /21 days late/)

      await site.addArea('Make governance integral to future projects', /Portfolio Holder/)
      assert.match(await site.paperText(), /Make governance integral to future projects \(owner: /)

      await site.submit()
      assert.match(await site.flash(), /Report submitted and frozen/)
      const hash = await site.contentHash()
      assert.match(hash, /^[0-9a-f]{64}$/)
      assert.equal(await site.page.getByRole('button', { name: 'Submit and freeze report' }).count(), 0)

      // The programme definition paper says what it still lacks against the panel's six points.
      await site.goto(`/programme-definitions/${definitionId}`, 'definition')
      assert.match(await site.paperText(), /does not yet cover/)
      assert.match(await site.paperText(), /The person responsible for preparing the paper/)
      await site.signOut()
    }

    withAndWithoutJavaScript(() => browser, journey, {
      js: 'a programme manager prepares, previews and submits a report, with axe on every page',
      nojs: 'the same journey works with JavaScript switched off',
    })
  },
)
