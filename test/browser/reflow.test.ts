import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import type { FastifyInstance } from 'fastify'
import type { Page } from 'playwright-core'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import type { Database } from '../../src/db/database.ts'
import { loadDemoIfEmpty } from '../../src/demo/demo.service.ts'
import { DEMO_EMAILS } from '../../src/demo/scenario.ts'
import {
  BasePage,
  browserUnavailable,
  launchBrowser,
  screenshot,
  type BrowserSession,
} from '../helpers/browser.ts'
import { createTestDatabase, dialectName } from '../helpers/database.ts'

const PASSWORD = 'demo password for reflow'

/**
 * WCAG 1.4.10 (reflow): at 320 CSS pixels nothing scrolls sideways but a table, inside a region a keyboard
 * reaches (tabindex="0", with a name); at 1280 no table is cut off. Run over the demo, whose long names and
 * wide tables are what first use found.
 */
describe(
  `pages reflow at 320 px and fit at 1280 px (${dialectName()})`,
  { skip: browserUnavailable() },
  () => {
    let app: FastifyInstance
    let database: Database
    let drop: () => Promise<void>
    let browser: BrowserSession
    let baseUrl = ''
    const ids = { project: 0, issue: 0, assumption: 0, dependency: 0, ledgerImport: 0 }

    before(async () => {
      const created = await createTestDatabase()
      database = created.database
      drop = created.drop
      await loadDemoIfEmpty(database.db, PASSWORD)
      app = await buildApp({
        config: loadConfig({ NODE_ENV: 'test', DEMO: 'true', LOG_LEVEL: 'silent' }),
        database,
      })
      await app.listen({ port: 0, host: '127.0.0.1' })
      baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
      browser = await launchBrowser()
      const first = async (table: 'raid_issues' | 'assumptions' | 'dependencies' | 'ledger_imports') =>
        (await database.db.selectFrom(table).select('id').orderBy('id').executeTakeFirstOrThrow()).id
      const project = await database.db
        .selectFrom('projects')
        .innerJoin('milestones as m', 'm.project_id', 'projects.id')
        .select('projects.id')
        .where('projects.reference', '=', 'ICT-01')
        .executeTakeFirstOrThrow()
      ids.project = project.id
      ids.issue = await first('raid_issues')
      ids.assumption = await first('assumptions')
      ids.dependency = await first('dependencies')
      ids.ledgerImport = await first('ledger_imports')
    })
    after(async () => {
      await browser?.close()
      await app?.close()
      await drop?.()
    })

    async function signedIn(role: string): Promise<BasePage> {
      const page = await browser.context.browser()!.newPage({ bypassCSP: true, locale: 'en-GB' })
      const email = DEMO_EMAILS.find((e) => e.startsWith(role))!
      await page.goto(`${baseUrl}/sign-in`)
      await page.fill('#email', email)
      await page.fill('#password', PASSWORD)
      await Promise.all([
        page.waitForURL((u) => u.pathname !== '/sign-in'),
        page.click('button[type=submit]'),
      ])
      return new BasePage(page, baseUrl, role)
    }

    /** What sticks out past the right edge, outside any scroll region: named in the failure. */
    const overflowing = (page: Page) =>
      page.evaluate(() => {
        const width = window.innerWidth
        return {
          scrollWidth: document.documentElement.scrollWidth,
          width,
          culprits: [...document.querySelectorAll('main *')]
            .filter((el) => el.getBoundingClientRect().right > width + 1 && !el.closest('.app-table-wrap'))
            .slice(0, 5)
            .map((el) => el.outerHTML.slice(0, 100)),
        }
      })

    async function checkAt320(site: BasePage, path: string, name: string) {
      await site.page.setViewportSize({ width: 320, height: 800 })
      await site.goto(path, `${name}-320`)
      const o = await overflowing(site.page)
      assert.ok(
        o.scrollWidth <= o.width,
        `${path} scrolls sideways at 320 px (${o.scrollWidth}): ${o.culprits.join(' | ')}`,
      )
      // A region that scrolls is reachable with Tab and has a name (axe's scrollable-region-focusable).
      const regions = await site.page.$$eval('.app-table-wrap', (els) =>
        els.map((e) => ({ tab: e.getAttribute('tabindex'), name: e.getAttribute('aria-label') ?? '' })),
      )
      for (const r of regions)
        assert.ok(r.tab === '0' && r.name !== '', `${path}: a named, focusable table region`)
      assert.equal(await site.page.locator('a[role="button"]').count(), 0, `${path}: links stay links`)
    }

    it('a read-only role: the project, the scrutiny pages, project finance, recommendations and RAID items', async () => {
      const site = await signedIn('viewer')
      for (const [path, name] of [
        [`/projects/${ids.project}`, 'project'],
        ['/scrutiny', 'scrutiny'],
        [`/projects/${ids.project}/finance`, 'project-finance'],
        ['/recommendations', 'recommendations'],
        [`/projects/${ids.project}/risks`, 'raid-log'],
        [`/issues/${ids.issue}`, 'issue'],
        [`/assumptions/${ids.assumption}`, 'assumption'],
        [`/dependencies/${ids.dependency}`, 'dependency'],
        ['/governance', 'governance'],
      ] as const)
        await checkAt320(site, path, name)
      await site.page.close()
    })

    it('an administrator, who sees edit links with visually hidden names in table cells, and the wider lists', async () => {
      // A visually hidden span is absolutely positioned: unless its table's region contains it, it is placed
      // against the page and widened it to 700 px on the project pages for editors.
      const site = await signedIn('admin')
      for (const [path, name] of [
        [`/projects/${ids.project}`, 'project-admin'],
        [`/projects/${ids.project}/finance`, 'project-finance-admin'],
        ['/funding-streams', 'funding-streams'],
        ['/partners', 'partners'],
        ['/reports', 'reports'],
        ['/api/docs', 'api-docs'],
      ] as const)
        await checkAt320(site, path, name)
      await site.page.close()
    })

    it('the finance officer: ledger import results', async () => {
      const site = await signedIn('finance')
      await checkAt320(site, `/finance/imports/${ids.ledgerImport}`, 'import-result')
      await checkAt320(site, '/finance/imports', 'imports')
      await site.page.close()
    })

    it('at 1280 px the milestones table shows every column, for a reader and for an editor', async () => {
      for (const role of ['viewer', 'programme']) {
        const site = await signedIn(role)
        await site.page.setViewportSize({ width: 1280, height: 900 })
        await site.goto(`/projects/${ids.project}`, `project-1280-${role}`)
        const fit = await site.page.$eval('#milestones ~ .app-table-wrap', (e) => ({
          scrollWidth: e.scrollWidth,
          clientWidth: e.clientWidth,
        }))
        assert.ok(
          fit.scrollWidth <= fit.clientWidth,
          `${role}: milestones table cut off (${fit.scrollWidth} > ${fit.clientWidth})`,
        )
        for (const [path, name] of [
          [`/issues/${ids.issue}`, 'issue-1280'],
          [`/assumptions/${ids.assumption}`, 'assumption-1280'],
          [`/dependencies/${ids.dependency}`, 'dependency-1280'],
        ] as const)
          await site.goto(path, `${name}-${role}`)
        await screenshot(site.page, `project-1280-${role}`)
        await site.page.close()
      }
    })
  },
)
