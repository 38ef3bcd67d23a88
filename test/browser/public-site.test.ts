import assert from 'node:assert/strict'
import type { AddressInfo } from 'node:net'
import { after, before, describe, it } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import type { Database } from '../../src/db/database.ts'
import { loadDemoIfEmpty } from '../../src/demo/demo.service.ts'
import { DEMO_EMAILS } from '../../src/demo/scenario.ts'
import { ROLES } from '../../src/auth/roles.ts'
import { TEST_PASSWORD, type TestUser } from '../helpers/build-app.ts'
import { BasePage, browserUnavailable, launchBrowser, type BrowserSession } from '../helpers/browser.ts'
import { createTestDatabase, dialectName } from '../helpers/database.ts'

/**
 * The public site as a resident sees it (issue 12), on the demo: Marshland publishes its ICT programme, its
 * panel meetings, the recommendation tracker and its spend; Brecks publishes nothing. No sign-in, axe clean
 * with and without JavaScript, and no sideways scrolling at 320 px.
 */
describe(`the public site, as a resident (${dialectName()})`, { skip: browserUnavailable() }, () => {
  let app: FastifyInstance
  let database: Database
  let drop: () => Promise<void>
  let browser: BrowserSession
  let baseUrl = ''

  before(async () => {
    const created = await createTestDatabase()
    database = created.database
    drop = created.drop
    await loadDemoIfEmpty(database.db, TEST_PASSWORD)
    app = await buildApp({
      config: loadConfig({ NODE_ENV: 'test', DEMO: 'true', LOG_LEVEL: 'silent' }),
      database,
    })
    await app.listen({ port: 0, host: '127.0.0.1' })
    baseUrl = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
    browser = await launchBrowser()
  })
  after(async () => {
    await browser?.close()
    await app?.close()
    await drop?.()
  })

  it('reads Marshland’s programme, the 18 March 2021 meeting, the tracker and the open data without signing in', async () => {
    const site = new BasePage(await browser.context.newPage(), baseUrl, 'js')
    await site.goto('/public/marshland/', 'public-index')
    assert.match(await site.heading(), /Marshland/)
    await site.follow('Programmes and their projects', 'public-programmes')
    await site.page.getByRole('link', { name: /ICT-2019/ }).click()
    await site.checkPage('public-programme')
    assert.ok(await site.page.getByRole('columnheader', { name: 'Delivery confidence' }).isVisible())
    await site.goto('/public/marshland/meetings', 'public-meetings')
    await site.page.getByRole('link', { name: /18 March 2021/ }).click()
    await site.checkPage('public-meeting')
    assert.match(await site.heading(), /18 March 2021/)
    await site.goto('/public/marshland/recommendations', 'public-tracker')
    assert.match((await site.page.locator('main').textContent()) ?? '', /Response/)
    await site.goto('/public/marshland/data', 'public-open-data')
    assert.match(
      (await site.page.locator('main').textContent()) ?? '',
      /not the council’s Transparency Code return/,
    )
    await site.goto('/public/marshland/accessibility', 'public-accessibility')
    // Nothing of the signed-in service: no sign-out, no menu.
    assert.equal(await site.page.locator('form[action="/sign-out"]').count(), 0)
    const brecks = await site.page.goto(`${baseUrl}/public/brecks/`)
    assert.equal(brecks?.status(), 404, 'Brecks publishes nothing')
  })

  it('works with JavaScript off, and at 320 px without sideways scrolling', async () => {
    const context = await browser.noScriptContext()
    const site = new BasePage(await context.newPage(), baseUrl, 'nojs')
    await site.page.setViewportSize({ width: 320, height: 800 })
    for (const path of [
      '/',
      '/programmes/1',
      '/ambitions',
      '/outputs',
      '/meetings',
      '/recommendations',
      '/data',
    ]) {
      const url = path === '/programmes/1' ? await firstProgrammeUrl() : `/public/marshland${path}`
      const response = await site.goto(url, `public-320${path.replace(/\W+/g, '-')}`)
      assert.equal(response?.status(), 200, url)
      const { scrollWidth, width } = await site.page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        width: window.innerWidth,
      }))
      assert.ok(scrollWidth <= width, `${url} scrolls sideways at 320 px (${scrollWidth})`)
    }
    await context.close()
  })

  it('an administrator withholds the 18 March 2021 meeting as exempt, and residents no longer find it', async () => {
    const site = new BasePage(await browser.context.newPage(), baseUrl, 'js')
    const meetings = await site.page.request.get(`${baseUrl}/public/marshland/meetings`)
    const march = /href="[^"]*\/meetings\/(\d+)">[^<]*18 March 2021/.exec(await meetings.text())
    assert.ok(march, 'the 18 March 2021 meeting is listed')
    const admin = { email: DEMO_EMAILS[ROLES.indexOf('administrator')]! } as TestUser
    await site.signIn(admin, '/settings/publication')
    await site.checkPage('publication-settings')
    await site.press('Withhold record', 'publication-withhold-errors')
    assert.deepEqual(await site.errorMessages(), [
      'Select the kind of record to withhold',
      'Enter the record’s number, as shown in its address',
      'Select why the record is withheld',
    ])
    await site.field('Kind of record').selectOption({ label: 'Meeting' })
    await site.field('Record number').fill(march[1]!)
    await site.page.getByLabel(/Exempt information/).check()
    await site.press('Withhold record', 'publication-withheld')
    assert.match(await site.flash(), /withheld from the public site/)
    const gone = await site.page.request.get(`${baseUrl}/public/marshland/meetings/${march[1]}`)
    assert.equal(gone.status(), 404)
    await site.page.getByRole('button', { name: /Publish again/ }).click()
    await site.checkPage('publication-released')
    assert.equal(
      (await site.page.request.get(`${baseUrl}/public/marshland/meetings/${march[1]}`)).status(),
      200,
    )
  })

  async function firstProgrammeUrl(): Promise<string> {
    const p = await database.db
      .selectFrom('programmes')
      .innerJoin('organisations', 'organisations.id', 'programmes.organisation_id')
      .select('programmes.id')
      .where('organisations.slug', '=', 'marshland')
      .executeTakeFirstOrThrow()
    return `/public/marshland/programmes/${p.id}`
  }
})
