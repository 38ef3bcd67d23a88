import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { addDays, todayInLondon } from '../../src/domain/dates.ts'
import { BasePage, browserUnavailable, launchBrowser, type BrowserSession } from '../helpers/browser.ts'
import { dialectName } from '../helpers/database.ts'
import { startServer, type RunningServer } from '../helpers/server.ts'

/** The forward plan in a real browser: axe clean on every page, and at 320 px without sideways scroll. */
describe(`the forward plan, in a browser (${dialectName()})`, { skip: browserUnavailable() }, () => {
  let server: RunningServer
  let browser: BrowserSession
  let entryId = 0

  before(async () => {
    server = await startServer()
    browser = await launchBrowser()
    const t = server.t
    const at = new Date().toISOString()
    const cabinet = await t.database.db
      .insertInto('boards')
      .values({ organisation_id: t.orgs.a.id, name: 'Cabinet', remit: '', created_at: at, updated_at: at })
      .returning('id')
      .executeTakeFirstOrThrow()
    const admin = await t.tokenFor(t.orgs.a.users.administrator)
    const res = await t.api(admin, 'POST', '/api/v1/forward-plan', {
      title: 'Replacement of the telephony platform',
      decisionMaker: `board:${cabinet.id}`,
      expectedOn: addDays(todayInLondon(), 12),
    })
    assert.equal(res.statusCode, 201, res.body)
    entryId = res.json<{ id: number }>().id
  })
  after(async () => {
    await browser?.close()
    await server?.close()
  })

  it('a programme manager adds an exempt key decision, corrects the missing paragraph, and reads the plan', async () => {
    const site = new BasePage(await browser.context.newPage(), server.baseUrl, 'js')
    await site.signIn(server.t.orgs.a.users.programme_manager, '/forward-plan')
    await site.checkPage('forward-plan')
    await site.goto('/forward-plan/new', 'forward-plan-new')
    const d = addDays(todayInLondon(), 60)
    await site.field('Decision to be taken').fill('Award of the CRM replacement contract')
    await site.field('Decision-maker').selectOption({ label: 'Cabinet' })
    await site.fillDate('Date the decision is expected', d.slice(8), d.slice(5, 7), d.slice(0, 4))
    await site.page.getByLabel('Yes, it contains exempt information').check()
    await site.press('Save', 'forward-plan-new-errors')
    assert.deepEqual(await site.errorMessages(), [
      'Select the paragraph of Schedule 12A that makes it exempt',
    ])
    await site.field('Exemption paragraph (if exempt)').selectOption('3')
    await site.press('Save', 'forward-plan-saved')
    assert.equal(
      await site.flash(),
      'Success Award of the CRM replacement contract added to the forward plan',
    )

    for (const path of ['/forward-plan', `/forward-plan/${entryId}`, `/forward-plan/${entryId}/edit`]) {
      await site.page.setViewportSize({ width: 320, height: 800 })
      await site.goto(path, `${path.replace(/\W+/g, '-')}-320`)
      const { scrollWidth, width } = await site.page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        width: window.innerWidth,
      }))
      assert.ok(scrollWidth <= width, `${path} scrolls sideways at 320 px (${scrollWidth})`)
    }
    await site.page.close()
  })
})
