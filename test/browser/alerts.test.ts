import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { BasePage, browserUnavailable, launchBrowser, type BrowserSession } from '../helpers/browser.ts'
import { dialectName } from '../helpers/database.ts'
import { startServer, type RunningServer } from '../helpers/server.ts'

/** Alerts in a real browser: the alert-email choice, the Follow button, the organisation's alert settings and the public subscribe form, axe clean and at 320 px. */
describe(`alerts, in a browser (${dialectName()})`, { skip: browserUnavailable() }, () => {
  let server: RunningServer
  let browser: BrowserSession
  let programmeId = 0

  before(async () => {
    server = await startServer()
    browser = await launchBrowser()
    const admin = await server.t.tokenFor(server.t.orgs.a.users.administrator)
    const p = await server.t.api(admin, 'POST', '/api/v1/programmes', { reference: 'FO', name: 'Followed' })
    programmeId = p.json<{ id: number }>().id
  })
  after(async () => {
    await browser?.close()
    await server?.close()
  })

  it('a project manager chooses the daily digest for alerts', async () => {
    const site = new BasePage(await browser.context.newPage(), server.baseUrl, 'js')
    await site.signIn(server.t.orgs.a.users.project_manager, '/account')
    await site.follow('Choose when you get alert emails', 'alert-preferences')
    assert.equal(await site.heading(), 'Alert emails')
    await site.page.getByLabel('In the daily digest').check()
    await site.press('Save', 'alert-preferences-saved')
    assert.equal(await site.flash(), 'Success Alert emails saved')
    assert.ok(await site.page.getByLabel('In the daily digest').isChecked())
    await site.page.setViewportSize({ width: 320, height: 800 })
    await site.goto('/account/alerts', 'alert-preferences-320')
    const { scrollWidth, width } = await site.page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      width: window.innerWidth,
    }))
    assert.ok(scrollWidth <= width, `scrolls sideways at 320 px (${scrollWidth})`)
    await site.page.setViewportSize({ width: 1280, height: 800 })
    await site.signOut()
    await site.page.close()
  })

  it('a member follows a programme from its page', async () => {
    const site = new BasePage(await browser.context.newPage(), server.baseUrl, 'js')
    await site.signIn(server.t.orgs.a.users.viewer, `/programmes/${programmeId}`)
    await site.checkPage('programme-follow')
    await site.press('Follow', 'programme-following')
    assert.equal(
      await site.flash(),
      'Success You are following this programme. We will email you when it changes.',
    )
    assert.ok(await site.page.getByRole('button', { name: 'Stop following' }).isVisible())
    await site.page.setViewportSize({ width: 320, height: 800 })
    await site.goto(`/programmes/${programmeId}`, 'programme-following-320')
    const { scrollWidth, width } = await site.page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      width: window.innerWidth,
    }))
    assert.ok(scrollWidth <= width, `scrolls sideways at 320 px (${scrollWidth})`)
    await site.page.setViewportSize({ width: 1280, height: 800 })
    await site.signOut()
    await site.page.close()
  })

  it('an administrator turns on telling the Portfolio Holder', async () => {
    const site = new BasePage(await browser.context.newPage(), server.baseUrl, 'js')
    await site.signIn(server.t.orgs.a.users.administrator, '/settings')
    await site.follow('Alerts: who is told besides the person accountable', 'alert-settings')
    await site.page.getByLabel('The Portfolio Holder').check()
    await site.press('Save settings', 'alert-settings-saved')
    assert.equal(await site.flash(), 'Success Alert settings saved')
    assert.ok(await site.page.getByLabel('The Portfolio Holder').isChecked())
    assert.ok(!(await site.page.getByLabel('The panel chair').isChecked()))
    await site.page.setViewportSize({ width: 320, height: 800 })
    await site.goto('/settings/alerts', 'alert-settings-320')
    const { scrollWidth, width } = await site.page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      width: window.innerWidth,
    }))
    assert.ok(scrollWidth <= width, `scrolls sideways at 320 px (${scrollWidth})`)
    await site.page.setViewportSize({ width: 1280, height: 800 })
    await site.signOut()
    await site.page.close()
  })

  it('a resident subscribes on the public pages, without JavaScript', async () => {
    const t = server.t
    await t.database.db
      .insertInto('alert_settings')
      .values({
        organisation_id: t.orgs.a.id,
        tell_portfolio_holder: 0,
        tell_panel_chair: 0,
        public_subscriptions: 1,
        updated_at: new Date().toISOString(),
      })
      .onConflict((oc) => oc.column('organisation_id').doUpdateSet({ public_subscriptions: 1 }))
      .execute()
    // Only a record on the public site can be followed from it: Alpha publishes its programmes.
    const at = new Date().toISOString()
    await t.database.db
      .insertInto('publication_settings')
      .values({
        organisation_id: t.orgs.a.id,
        published_types: JSON.stringify(['programmes']),
        cost_threshold_pence: 50_000,
        created_at: at,
        updated_at: at,
      })
      .onConflict((oc) =>
        oc.column('organisation_id').doUpdateSet({ published_types: JSON.stringify(['programmes']) }),
      )
      .execute()
    const site = new BasePage(await (await browser.noScriptContext()).newPage(), server.baseUrl, 'nojs')
    await site.goto(`/public/alpha/programmes/${programmeId}`, 'public-programme')
    await site.follow('Get an email when this programme changes', 'public-subscribe')
    await site.press('Subscribe', 'public-subscribe-errors')
    assert.deepEqual(await site.errorMessages(), [
      'Enter an email address in the correct format, like name@example.com',
    ])
    await site.field('Get an email when this changes').fill('resident@example.org')
    await site.press('Subscribe', 'public-subscribe-sent')
    assert.equal(await site.heading(), 'Check your email')
    await site.page.setViewportSize({ width: 320, height: 800 })
    await site.goto(`/public/alpha/subscribe?type=programme&id=${programmeId}`, 'public-subscribe-320')
    const { scrollWidth, width } = await site.page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      width: window.innerWidth,
    }))
    assert.ok(scrollWidth <= width, `scrolls sideways at 320 px (${scrollWidth})`)
    await site.page.close()
  })
})
