import assert from 'node:assert/strict'
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
import { ProgrammePages } from './pages/programmes.pages.ts'
import { TokenPages } from './pages/tokens.pages.ts'

describe(`programmes in a browser (${dialectName()})`, { skip: browserUnavailable() }, () => {
  let server: RunningServer
  let browser: BrowserSession
  before(async () => {
    server = await startServer()
    browser = await launchBrowser()
  })
  after(async () => {
    await browser?.close()
    await server?.close()
  })

  /** The whole programme journey; run with JavaScript on and again with it off. */
  async function journey(page: Page, label: 'js' | 'nojs'): Promise<void> {
    const pm = server.t.orgs.a.users.programme_manager
    const site = new ProgrammePages(page, server.baseUrl, label)
    const reference = `ICT-${label.toUpperCase()}`
    const name = `ICT and Digital Work Programme (${label})`

    await site.signIn(pm, '/programmes')
    await site.checkPage('programmes')
    await site.startAdding()

    // A date that cannot exist: the form comes back with the GOV.UK error summary and keeps what was typed.
    await site.fillForm({
      reference,
      name,
      purpose: 'Digital services for residents',
      sro: 'Head of Digital',
      portfolioHolder: 'Cllr Jones',
      start: ['31', '2', '2024'],
      end: ['31', '3', '2027'],
    })
    await site.save('programme-new-error')
    assert.match(await site.page.title(), /^Error: /)
    assert.deepEqual(await site.errorMessages(), ['Start date must be a real date'])
    assert.equal(await site.field('Programme name').inputValue(), name)
    if (label === 'js')
      await site.page.waitForFunction(() => document.activeElement?.classList.contains('govuk-error-summary'))

    await site.fillDate('Start date', '1', '4', '2024')
    await site.save('programme')
    assert.equal(await site.heading(), name)
    assert.equal(await site.flash(), `Success Programme ${reference} added`)
    assert.equal(await site.summary('Start date'), '1 April 2024')
    assert.equal(await site.summary('End date'), '31 March 2027')
    assert.equal(await site.summary('Senior Responsible Owner'), 'Head of Digital')

    await site.edit()
    assert.equal(await site.field('Programme name').inputValue(), name)
    await site.field('Programme name').fill(`${name} – revised`)
    await site.save('programme-edited')
    assert.equal(await site.heading(), `${name} – revised`)
    assert.match(await site.flash(), /Programme updated/)

    await site.openHistory()
    assert.equal(await site.heading(), `Change history: ${name} – revised`)
    // Newest first: the edit, then the creation.
    const events = await site.page.locator('main h2').allTextContents()
    assert.deepEqual(
      events.map((e) => e.trim()),
      [`Updated by ${pm.name}`, `Created by ${pm.name}`],
    )

    await site.openList()
    assert.equal(await site.page.getByRole('link', { name: `${name} – revised` }).count(), 1)

    await site.follow('Accessibility statement', 'accessibility')
    assert.equal(await site.heading(), 'Accessibility statement for Oversight')
    await site.follow('API reference', 'api-docs')
    assert.equal(await site.heading(), 'API reference')

    const missing = await site.goto('/programmes/999999', 'not-found')
    assert.equal(missing?.status(), 404)
    assert.equal(await site.heading(), 'Page not found')

    await journeyWithTokens(new TokenPages(page, server.baseUrl, label), reference)
    await new BasePage(page, server.baseUrl, label).signOut()
  }

  async function journeyWithTokens(tokens: TokenPages, reference: string): Promise<void> {
    const tokenName = `Reporting tool ${tokens.label}`
    await tokens.open()
    const token = await tokens.create(tokenName)
    const api = (t: string) =>
      fetch(`${server.baseUrl}/api/v1/programmes?limit=100`, { headers: { authorization: `Bearer ${t}` } })
    const listed = (await (await api(token)).json()) as { items: Array<{ reference: string }> }
    assert.ok(
      listed.items.some((p) => p.reference === reference),
      'the new token reaches the API',
    )

    // Shown once: the list afterwards names the token but never shows it again.
    await tokens.open()
    assert.equal(await tokens.page.getByRole('cell', { name: tokenName, exact: true }).count(), 1)
    assert.equal((await tokens.page.content()).includes(token), false)

    await tokens.revoke(tokenName)
    assert.match(await tokens.flash(), /revoked/)
    assert.equal((await api(token)).status, 401)
  }

  withAndWithoutJavaScript(() => browser, journey, {
    js: 'a programme manager adds, corrects, edits and reviews a programme, with axe on every page',
    nojs: 'the same journey works with JavaScript switched off',
  })
})
