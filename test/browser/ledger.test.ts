import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
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
import { LedgerPages } from './pages/ledger.pages.ts'

describe(`ledger import wizard in a browser (${dialectName()})`, { skip: browserUnavailable() }, () => {
  let server: RunningServer
  let browser: BrowserSession
  const dir = mkdtempSync(path.join(tmpdir(), 'ledger-browser-'))

  before(async () => {
    server = await startServer()
    browser = await launchBrowser()
    const { t } = server
    const token = await t.tokenFor(t.orgs.a.users.programme_manager)
    const prog = await t.api(token, 'POST', '/api/v1/programmes', {
      reference: 'ICT',
      name: 'ICT and Digital',
    })
    assert.equal(prog.statusCode, 201, prog.body)
    const proj = await t.api(token, 'POST', '/api/v1/projects', {
      reference: 'ICT-01',
      name: 'Website',
      programmeId: prog.json<{ id: number }>().id,
    })
    assert.equal(proj.statusCode, 201, proj.body)
  })
  after(async () => {
    await browser?.close()
    await server?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  /** A finance officer imports a month of spend in an unknown layout, maps it, adds it, then clears suspense. */
  async function journey(page: Page, label: 'js' | 'nojs'): Promise<void> {
    const site = new LedgerPages(page, server.baseUrl, label)
    const file = path.join(dir, `agresso-${label}.csv`)
    writeFileSync(
      file,
      'Spend report for May 2025\n\n' +
        'Posted;Vendor;Net;Cost Code;Ref\n' +
        `02.05.2025;Webworks Ltd;"1.200,00";ICT4410;${label}-1\n` +
        `03.05.2025;Paper Co;£45.00;FIN001;${label}-2\n` +
        `04.05.2025;Refunds Ltd;(10.00);FIN001;${label}-3\n` +
        `31.05.2025;Broken row;not money;FIN001;${label}-4\n`,
    )
    await site.signIn(server.t.orgs.a.users.finance_officer, '/finance/imports')
    await site.openImports()
    await site.upload(file)
    assert.match((await page.locator('main').textContent()) ?? '', /does not look like a ledger/)

    await site.mapColumns(`Agresso ${label}`, {
      'Payment date': 'Posted',
      Amount: 'Net',
      'Supplier (beneficiary) (optional)': 'Vendor',
      'Cost centre (profit centre) (optional)': 'Cost Code',
      'Transaction number (optional)': 'Ref',
    })
    assert.match(await site.flash(), new RegExp(`Mapping “Agresso ${label}” saved`))
    assert.match(await site.summary('Rows read'), /^4$/)
    assert.match(await site.summary('Rows that cannot be read'), /^2$/)
    const main = (await page.locator('main').textContent()) ?? ''
    assert.match(main, /“1\.200,00” is not an amount of money/)
    assert.match(main, /“not money” is not an amount of money/)
    assert.match(main, /May 2025/)

    await site.press('Add 2 payments to the ledger', 'ledger-result')
    assert.match(await site.heading(), /agresso/)
    assert.match((await page.locator('.govuk-panel').textContent()) ?? '', /2 payments added/)

    await site.assignFirstSuspense('ICT-01 Website')
    assert.match(await site.flash(), /put on the project/)
    await site.signOut()
  }

  withAndWithoutJavaScript(() => browser, journey, {
    js: 'a finance officer uploads, maps, previews and commits a ledger file, with axe on every page',
    nojs: 'the same journey works with JavaScript switched off',
  })
})
