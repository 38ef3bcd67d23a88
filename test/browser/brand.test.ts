import assert from 'node:assert/strict'
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { BasePage, browserUnavailable, launchBrowser, type BrowserSession } from '../helpers/browser.ts'
import { dialectName } from '../helpers/database.ts'
import { startServer, type RunningServer } from '../helpers/server.ts'

const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><rect width="40" height="40" rx="6" fill="#ffffff"/><path d="M6 28 Q20 6 34 28" stroke="#1d4f3a" stroke-width="5" fill="none"/><script>alert(1)</script></svg>`

/** The council's own look and the programme timeline in a real browser: axe clean, 320 px reflow, A4 landscape. */
describe(
  `the council's look and the programme timeline, in a browser (${dialectName()})`,
  { skip: browserUnavailable() },
  () => {
    let server: RunningServer
    let browser: BrowserSession
    let programmeId = 0
    const dir = mkdtempSync(path.join(tmpdir(), 'oversight-logo-'))

    before(async () => {
      server = await startServer()
      browser = await launchBrowser()
      const t = server.t
      const admin = await t.tokenFor(t.orgs.a.users.administrator)
      const programme = await t.api(admin, 'POST', '/api/v1/programmes', {
        reference: 'CR',
        name: 'Coastal resilience',
      })
      programmeId = programme.json<{ id: number }>().id
      const project = await t.api(admin, 'POST', '/api/v1/projects', {
        programmeId,
        reference: 'CR-1',
        name: 'Sea wall repairs along the northern frontage',
        stage: 'idea',
        baselineStart: '2025-04-01',
        baselineEnd: '2026-09-30',
        forecastStart: '2025-04-01',
        forecastEnd: '2027-01-29',
        actualStart: '2025-04-07',
      })
      assert.equal(project.statusCode, 201, project.body)
      const ms = await t.api(admin, 'POST', '/api/v1/milestones', {
        projectId: project.json<{ id: number }>().id,
        name: 'Wall section A complete',
        baselineDate: '2026-06-30',
        forecastDate: '2026-10-30',
      })
      assert.equal(ms.statusCode, 201, ms.body)
      writeFileSync(path.join(dir, 'logo.svg'), LOGO)
    })
    after(async () => {
      await browser?.close()
      await server?.close()
      rmSync(dir, { recursive: true, force: true })
    })

    it('an administrator is refused a colour that fails contrast, then sets one that passes, with a logo; axe finds no contrast failure', async () => {
      const site = new BasePage(await browser.context.newPage(), server.baseUrl, 'js')
      await site.signIn(server.t.orgs.a.users.administrator, '/settings/brand')
      await site.checkPage('brand')
      await site.field('Name as shown').fill('Marshland District Council')
      await site.field('Header colour').fill('#ffdd00')
      await site.press('Save name and colour', 'brand-refused')
      const [message] = await site.errorMessages()
      assert.match(message ?? '', /contrast ratio of 1\.\d\d:1 against #ffdd00; it must be at least 4\.5:1/)
      await site.field('Header colour').fill('#1d4f3a')
      await site.press('Save name and colour', 'brand-saved')
      assert.match(await site.flash(), /saved/)
      await site.page.setInputFiles('#logo', path.join(dir, 'logo.svg'))
      await site.press('Upload logo', 'brand-logo')
      assert.match(await site.flash(), /Left out of it as unsafe or not needed: <script>/)
      // The header as a person sees it: the colour applied (CSP nonce), the logo loaded, the name shown.
      await site.goto('/', 'dashboard-branded')
      const header = await site.page.evaluate(() => {
        const h = document.querySelector('.app-header')!
        const img = document.querySelector<HTMLImageElement>('.app-header__logo')!
        return { bg: getComputedStyle(h).backgroundColor, logoWidth: img.naturalWidth, title: document.title }
      })
      assert.equal(header.bg, 'rgb(29, 79, 58)')
      assert.ok(header.logoWidth > 0, 'the logo loaded')
      assert.match(header.title, /Marshland District Council/)
      // Near-black text on a light colour passes too.
      await site.goto('/settings/brand', 'brand-again')
      await site.field('Header colour').fill('#ffdd00')
      await site.page.getByLabel('Near-black', { exact: true }).check()
      await site.press('Save name and colour', 'brand-light-header')
      await site.goto('/projects', 'projects-light-header')
      await site.page.setViewportSize({ width: 320, height: 800 })
      for (const p of ['/', '/settings/brand']) {
        await site.goto(p, `${p.replace(/\W+/g, '-')}-branded-320`)
        const { scrollWidth, width } = await site.page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          width: window.innerWidth,
        }))
        assert.ok(scrollWidth <= width, `${p} scrolls sideways at 320 px (${scrollWidth})`)
      }
      await site.page.close()
    })

    it('the programme timeline is axe clean, reflows at 320 px and prints on A4 landscape', async () => {
      await browser.context.clearCookies()
      const site = new BasePage(await browser.context.newPage(), server.baseUrl, 'js')
      await site.signIn(server.t.orgs.a.users.viewer, `/programmes/${programmeId}`)
      await site.follow('Timeline', 'timeline')
      assert.equal(await site.heading(), 'Timeline: Coastal resilience')
      const pdf = await site.page.pdf({ preferCSSPageSize: true, printBackground: true })
      const boxes = [...pdf.toString('latin1').matchAll(/\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/g)]
      assert.ok(boxes.length > 0, 'the PDF has pages')
      for (const [, w, h] of boxes) {
        assert.ok(
          Math.abs(Number(w) - 841.9) < 2 && Math.abs(Number(h) - 595.3) < 2,
          `A4 landscape, not ${w} × ${h}`,
        )
      }
      await site.page.setViewportSize({ width: 320, height: 800 })
      await site.goto(`/programmes/${programmeId}/timeline`, 'timeline-320')
      const { scrollWidth, width } = await site.page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        width: window.innerWidth,
      }))
      assert.ok(scrollWidth <= width, `the timeline scrolls sideways at 320 px (${scrollWidth})`)
      await site.page.close()
    })
  },
)
