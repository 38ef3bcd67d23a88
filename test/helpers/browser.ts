import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { it } from 'node:test'
import type { AxeResults, RunOptions } from 'axe-core'
import { chromium, type BrowserContext, type Locator, type Page, type Response } from 'playwright-core'
import { projectRoot } from '../../src/paths.ts'
import { TEST_PASSWORD, type TestUser } from './build-app.ts'

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
const SCREENS_DIR = '/tmp/oversight-screens'

/**
 * Whether the browser tests can run: `false`, or the reason they are skipped (for `describe`'s
 * `skip`). On CI a missing browser is a failure, not a skip, so the journeys cannot silently stop running.
 */
export function browserUnavailable(): string | false {
  if (existsSync(CHROMIUM_PATH)) return false
  const message = `Chromium not found at ${CHROMIUM_PATH}. Install it (apt-get install chromium) or set CHROMIUM_PATH to run the browser tests.`
  if (process.env.CI) throw new Error(message)
  return message
}

/**
 * A journey run twice, as two tests: in the JavaScript-enabled context, then in a fresh context with
 * JavaScript switched off (every page must work without it). `label` keeps the two runs' records apart.
 */
export function withAndWithoutJavaScript(
  session: () => BrowserSession,
  journey: (page: Page, label: 'js' | 'nojs') => Promise<void>,
  titles: { js: string; nojs: string },
): void {
  it(titles.js, async () => {
    const page = await session().context.newPage()
    await journey(page, 'js')
    await page.close()
  })
  it(titles.nojs, async () => {
    const context = await session().noScriptContext()
    await journey(await context.newPage(), 'nojs')
    await context.close()
  })
}

export interface BrowserSession {
  /** The JavaScript-enabled context: one browser profile for the whole test file. */
  context: BrowserContext
  /** A context with JavaScript switched off, for the journeys that must work without it. */
  noScriptContext(): Promise<BrowserContext>
  close(): Promise<void>
}

// JavaScript-off contexts cannot run axe (its timers never fire there), so their pages are audited
// as a copy in a JavaScript-enabled page of the same session: see `checkA11y`.
const auditContextFor = new WeakMap<BrowserContext, BrowserContext>()
const auditPages = new WeakMap<BrowserContext, Page>()

/**
 * One Chromium per test file; reuse its contexts. bypassCSP only lets axe be injected: the app's CSP is
 * unchanged. axe-core is loaded into every page as an init script, which halves the suite's time compared
 * with adding a script tag after each navigation (`runAxe` still adds one if a page lacks it).
 */
export async function launchBrowser(): Promise<BrowserSession> {
  const profile = mkdtempSync(path.join(tmpdir(), 'oversight-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    bypassCSP: true,
    locale: 'en-GB',
    timezoneId: 'Europe/London',
    viewport: { width: 1280, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  })
  context.setDefaultTimeout(10_000)
  await context.addInitScript({ content: axeCode() })
  const others: BrowserContext[] = []
  return {
    context,
    async noScriptContext() {
      const browser = context.browser()
      if (!browser) throw new Error('Chromium did not expose its browser for a second context')
      const ctx = await browser.newContext({
        javaScriptEnabled: false,
        bypassCSP: true,
        locale: 'en-GB',
        timezoneId: 'Europe/London',
        viewport: { width: 1280, height: 900 },
      })
      ctx.setDefaultTimeout(10_000)
      auditContextFor.set(ctx, context)
      others.push(ctx)
      return ctx
    },
    async close() {
      for (const ctx of others) await ctx.close().catch(() => undefined)
      await context.close()
      rmSync(profile, { recursive: true, force: true })
    },
  }
}

let axeSource: string | null = null
function axeCode(): string {
  axeSource ??= readFileSync(path.join(projectRoot(), 'node_modules', 'axe-core', 'axe.min.js'), 'utf8')
  return axeSource
}
const AXE_OPTIONS: RunOptions = {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] },
  resultTypes: ['violations'],
}

async function runAxe(page: Page): Promise<AxeResults['violations']> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: axeCode() })
  return page.evaluate(async (options) => {
    const { axe } = window as unknown as {
      axe: { run(context: Document, options: RunOptions): Promise<AxeResults> }
    }
    return (await axe.run(document, options)).violations
  }, AXE_OPTIONS)
}

/** Runs axe-core with the WCAG 2.2 AA rule set and fails, naming each violation and where it is. */
export async function checkA11y(page: Page, label: string): Promise<void> {
  const auditContext = auditContextFor.get(page.context())
  let violations: AxeResults['violations']
  if (auditContext) {
    // The page as a JavaScript-off browser has it: same HTML and CSS, scripts left out. The copy page
    // stays on the app's origin and keeps axe loaded: `setContent` swaps the document, not the window.
    const html = (await page.content()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '')
    let copy = auditPages.get(auditContext)
    if (!copy || copy.isClosed()) {
      copy = await auditContext.newPage()
      auditPages.set(auditContext, copy)
      const url = page.url()
      await copy.route(
        url,
        (route) => route.fulfill({ contentType: 'text/html; charset=utf-8', body: html }),
        {
          times: 1,
        },
      )
      await copy.goto(url)
    } else {
      await copy.setContent(html)
    }
    violations = await runAxe(copy)
  } else {
    violations = await runAxe(page)
  }
  if (violations.length === 0) return
  const lines = violations.flatMap((v) => [
    `${v.id} (${v.impact ?? 'unknown impact'}): ${v.help}`,
    ...v.nodes.map(
      (n) => `    at ${n.target.map((t) => (typeof t === 'string' ? t : JSON.stringify(t))).join(' ')}`,
    ),
  ])
  assert.fail(`Accessibility violations on ${label} (${page.url()}):\n${lines.join('\n')}`)
}

/**
 * The browsers here bypass the CSP (for axe), so they would not notice markup a real browser refuses:
 * inline `style` attributes, `<style>` elements and `on…` handlers. Checked on JavaScript-off pages,
 * whose DOM is the HTML as served (scripts may legitimately set styles once they run).
 */
export async function checkNothingInline(page: Page, label: string): Promise<void> {
  const found = await page.evaluate(() =>
    [...document.querySelectorAll('*')]
      .filter(
        (el) =>
          // A <style> with the page's nonce is allowed (the organisation's header colour); one without is not.
          (el.tagName === 'STYLE' && !el.hasAttribute('nonce')) ||
          el.hasAttribute('style') ||
          [...el.attributes].some((a) => a.name.startsWith('on')),
      )
      .map((el) => el.outerHTML.slice(0, 120)),
  )
  assert.deepEqual(found, [], `markup the Content-Security-Policy blocks on ${label}`)
}

/** With SCREENSHOTS=1, saves the page for people to look at (not committed). */
export async function screenshot(page: Page, name: string): Promise<void> {
  if (process.env.SCREENSHOTS !== '1') return
  mkdirSync(SCREENS_DIR, { recursive: true })
  const file = `${name.replace(/[^a-z0-9-]+/gi, '-').toLowerCase()}.png`
  await page.screenshot({ path: path.join(SCREENS_DIR, file), fullPage: true })
}

/**
 * What every page of Oversight has: navigation, the header, the error summary, forms. Area page objects
 * (programmes, projects, …) extend it; each visit is checked with axe and, if asked, photographed.
 */
export class BasePage {
  private readonly pageErrors: string[] = []

  constructor(
    readonly page: Page,
    readonly baseUrl: string,
    /** Prefixes screenshot names and failure messages: `js` or `nojs`. */
    readonly label: string,
  ) {
    page.on('pageerror', (err) => this.pageErrors.push(err.message))
  }

  url(pathname: string): string {
    return `${this.baseUrl}${pathname}`
  }

  /** Opens a path and checks the page; `name` is used for the screenshot and in failures. */
  async goto(pathname: string, name: string): Promise<Response | null> {
    const response = await this.page.goto(this.url(pathname))
    await this.checkPage(name)
    return response
  }

  /** Checks the page now shown: no script errors, nothing the CSP would block, axe clean, screenshot. */
  async checkPage(name: string): Promise<void> {
    await this.page.waitForLoadState('load')
    assert.deepEqual(this.pageErrors.splice(0), [], `script errors on ${this.label} ${name}`)
    if (auditContextFor.has(this.page.context())) await checkNothingInline(this.page, `${this.label} ${name}`)
    await checkA11y(this.page, `${this.label} ${name}`)
    await screenshot(this.page, `${this.label}-${name}`)
  }

  /** Presses a button (or a link styled as one) and checks the page it leads to. */
  async press(name: string, pageName: string): Promise<void> {
    await this.page.getByRole('button', { name, exact: true }).click()
    await this.checkPage(pageName)
  }

  async follow(linkText: string, pageName: string): Promise<void> {
    await this.page.getByRole('link', { name: linkText, exact: true }).first().click()
    await this.checkPage(pageName)
  }

  field(label: string): Locator {
    return this.page.getByLabel(label, { exact: true })
  }

  /** Fills a GOV.UK date input, found by its legend. */
  async fillDate(legend: string, day: string, month: string, year: string): Promise<void> {
    const group = this.page.getByRole('group', { name: legend })
    await group.getByLabel('Day', { exact: true }).fill(day)
    await group.getByLabel('Month', { exact: true }).fill(month)
    await group.getByLabel('Year', { exact: true }).fill(year)
  }

  async heading(): Promise<string> {
    return ((await this.page.locator('h1').first().textContent()) ?? '').replace(/\s+/g, ' ').trim()
  }

  errorSummary(): Locator {
    return this.page.locator('.govuk-error-summary')
  }

  async errorMessages(): Promise<string[]> {
    const items = await this.errorSummary().locator('.govuk-error-summary__list a').allTextContents()
    return items.map((s) => s.replace(/\s+/g, ' ').trim())
  }

  /** The success banner shown after a save. */
  async flash(): Promise<string> {
    const text = await this.page.locator('.govuk-notification-banner--success').textContent()
    return (text ?? '').replace(/\s+/g, ' ').trim()
  }

  /**
   * Signs in through the form, as a person would; lands on `returnTo` (the dashboard by default). The
   * sign-in page itself is audited by `sign-in.test.ts`, so journeys do not pay for it again.
   */
  async signIn(user: TestUser, returnTo?: string): Promise<void> {
    await this.page.goto(
      this.url(returnTo ? `/sign-in?returnTo=${encodeURIComponent(returnTo)}` : '/sign-in'),
    )
    await this.field('Email address').fill(user.email)
    await this.field('Password').fill(TEST_PASSWORD)
    await this.page.getByRole('button', { name: 'Sign in', exact: true }).click()
    await this.page.waitForLoadState('load')
    assert.ok(await this.signedInAs(), `${user.email} is signed in (now on ${this.page.url()})`)
  }

  async signedInAs(): Promise<boolean> {
    return (await this.page.getByRole('button', { name: 'Sign out' }).count()) > 0
  }

  async signOut(): Promise<void> {
    await this.page.getByRole('button', { name: 'Sign out', exact: true }).click()
    await this.checkPage('signed-out')
    assert.equal(new URL(this.page.url()).pathname, '/sign-in')
  }
}
