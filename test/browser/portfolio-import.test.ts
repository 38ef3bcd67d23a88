import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe } from 'node:test'
import type { Page } from 'playwright-core'
import {
  BasePage,
  type BrowserSession,
  browserUnavailable,
  launchBrowser,
  withAndWithoutJavaScript,
} from '../helpers/browser.ts'
import { dialectName } from '../helpers/database.ts'
import { startServer, type RunningServer } from '../helpers/server.ts'

describe(`portfolio import in a browser (${dialectName()})`, { skip: browserUnavailable() }, () => {
  let server: RunningServer
  let browser: BrowserSession
  const dir = mkdtempSync(path.join(tmpdir(), 'portfolio-browser-'))

  before(async () => {
    server = await startServer()
    browser = await launchBrowser()
  })
  after(async () => {
    await browser?.close()
    await server?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  /** A programme manager uploads a file whose code column is not recognised, maps it, previews and imports it. */
  async function journey(page: Page, label: 'js' | 'nojs'): Promise<void> {
    const site = new BasePage(page, server.baseUrl, label)
    const file = path.join(dir, `portfolio-${label}.csv`)
    // Each journey's own heading for the code: a committed import saves the columns named for its headings,
    // and the second journey must start from an unrecognised layout too.
    const codeHeading = label === 'js' ? 'Ref No' : 'Scheme ref'
    writeFileSync(
      file,
      `${codeHeading},Project name,Programme,RAG\n` +
        `${label}-1,Library refurbishment,Libraries ${label},Amber\n` +
        `${label}-2,Mobile library,Libraries ${label},Amber/Green\n` +
        `,No code at all,Libraries ${label},Red\n`,
    )
    await site.signIn(server.t.orgs.a.users.programme_manager, '/imports/portfolio')
    await site.goto('/imports/portfolio', 'portfolio-imports')
    assert.equal(await site.heading(), 'Portfolio imports')
    await site.follow('Import the portfolio', 'portfolio-upload')
    await site.field('File').setInputFiles(file)
    await site.press('Upload and check', 'portfolio-import-failed')
    const failed = (await page.locator('main').textContent()) ?? ''
    assert.match(failed, /no headings for the project code and name/)

    await site.field('Project code').selectOption({ label: codeHeading })
    await site.press('Check again with these columns', 'portfolio-import-checked')
    const main = (await page.locator('main').textContent()) ?? ''
    assert.match(main, /Rows rejected\s*1/)
    assert.match(main, /The row has no project code/)
    const projects = page.locator('table tr', { has: page.locator('th', { hasText: /^Projects$/ }) })
    assert.match((await projects.textContent()) ?? '', /2\s*0\s*0/)

    await page.getByLabel('Import the 2 good rows and leave out the rejected rows').check()
    await site.press('Import', 'portfolio-import-committed')
    assert.match(await site.flash(), /2 rows imported/)
    assert.match((await page.locator('main').textContent()) ?? '', /What the import changed/)
    await site.signOut()
  }

  withAndWithoutJavaScript(() => browser, journey, {
    js: 'a programme manager uploads, maps, previews and imports a portfolio file, with axe on every page',
    nojs: 'the same journey works with JavaScript switched off',
  })
})
