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
import { FinanceCorrectionPages } from './pages/finance-corrections.pages.ts'

describe(`correcting finance records in a browser (${dialectName()})`, { skip: browserUnavailable() }, () => {
  let server: RunningServer
  let browser: BrowserSession
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
    const programmeId = await make('/api/v1/programmes', { reference: 'ICT', name: 'ICT and Digital' })
    for (const label of ['js', 'nojs']) {
      const projectId = await make('/api/v1/projects', {
        reference: `WEB-${label.toUpperCase()}`,
        name: `Website (${label})`,
        programmeId,
      })
      projects[label] = projectId
      const stream = await make('/api/v1/funding-streams', {
        name: `Covid-19 (${label})`,
        kind: 'named',
        baseCostsEligible: true,
      })
      const partner = await make('/api/v1/partners', { name: `PSSP (${label})` })
      await make(`/api/v1/projects/${projectId}/budget-lines`, {
        financialYear: '2025/26',
        category: 'revenue',
        fundingStreamId: stream,
        costType: 'partner_recharge',
        description: 'Web developer',
        amountPence: 2_400_000,
        profileMethod: 'flat',
      })
      for (const [period, amountPence] of [
        ['2025-06', 200_000],
        ['2025-07', 20_000],
        ['2025-08', 200_000],
      ] as const)
        await make(`/api/v1/projects/${projectId}/recharges`, {
          partnerId: partner,
          description: 'Web developer',
          period,
          amountPence,
          costBasis: 'non_base',
        })
      await make(`/api/v1/projects/${projectId}/commitments`, {
        supplierName: 'PSPS',
        reference: 'PO 4501187',
        description: 'Web developer, next quarter',
        amountPence: 600_000,
        raisedOn: '2025-09-01',
      })
    }
  })
  after(async () => {
    await browser?.close()
    await server?.close()
  })

  /** A finance officer puts right a mistyped recharge, removes a duplicate, and fixes a stream and a partner. */
  async function journey(page: Page, label: 'js' | 'nojs'): Promise<void> {
    const site = new FinanceCorrectionPages(page, server.baseUrl, label)
    const projectUrl = `/projects/${projects[label]!}/finance?year=2025-26`
    await site.signIn(server.t.orgs.a.users.finance_officer, projectUrl)
    await site.checkPage('project-finance-with-commitments')
    assert.match(await site.mainText(), /Commitments \(orders not yet invoiced\)\s*£6,000\.00/)

    // July's recharge was keyed as £200.00, not £2,000.00.
    await site.rowLink('Change recharge for July 2025', 'recharge-edit')
    await site.field('Amount').fill('two thousand')
    await site.press('Save changes', 'recharge-edit-error')
    assert.deepEqual(await site.errorMessages(), ['Amount must be an amount of money, like £1,250.00'])
    await site.field('Amount').fill('2,000')
    await site.press('Save changes', 'recharge-edited')
    assert.match(await site.flash(), /Partner recharge updated/)
    assert.match(await site.mainText(), /July 2025\s*PSSP \(\w+\)\s*Web developer\s*Non-base\s*£2,000\.00/)

    // August's was entered twice over from the invoice: remove it, after confirming.
    await site.rowLink('Remove recharge for August 2025', 'recharge-remove')
    assert.equal(await site.heading(), 'Remove this partner recharge?')
    await site.press('Yes, remove this recharge', 'recharge-removed')
    assert.match(await site.flash(), /Partner recharge for August 2025 removed/)
    assert.doesNotMatch(await site.mainText(), /August 2025\s*PSSP/)

    await site.changeFundingStream(`Covid-19 (${label})`, 'Covid costs above core budgets only', false)
    assert.match(await site.flash(), new RegExp(`Funding stream Covid-19 \\(${label}\\) updated`))
    assert.match(await site.mainText(), /Covid costs above core budgets only\s*No/)

    await site.changePartnerName(`PSSP (${label})`, `PSPS (${label})`)
    assert.match(await site.flash(), new RegExp(`Partner PSPS \\(${label}\\) updated`))
    await site.signOut()
  }

  withAndWithoutJavaScript(() => browser, journey, {
    js: 'a finance officer corrects recharges, a funding stream and a partner, with axe on every page',
    nojs: 'the same corrections work with JavaScript switched off',
  })
})
