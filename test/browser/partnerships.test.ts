import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { BasePage, browserUnavailable, launchBrowser, type BrowserSession } from '../helpers/browser.ts'
import { dialectName } from '../helpers/database.ts'
import { startServer, type RunningServer } from '../helpers/server.ts'

/**
 * A partner's page and ending the partnership, in a real browser without JavaScript (the guided process
 * needs none): axe clean on every step, and the pages fit a 320 px screen.
 */
describe(
  `partners and ending a partnership, in a browser (${dialectName()})`,
  { skip: browserUnavailable() },
  () => {
    let server: RunningServer
    let browser: BrowserSession
    let partner = 0
    let recharge = 0

    before(async () => {
      server = await startServer()
      browser = await launchBrowser()
      const t = server.t
      const admin = await t.tokenFor(t.orgs.a.users.administrator)
      partner = await t.partner(t.orgs.a, 'Brecks District Council')
      await t.api(admin, 'POST', '/api/v1/people', {
        name: 'Hannah Reeve',
        kind: 'partner_staff',
        partnerId: partner,
        jobTitle: 'Shared Digital Lead',
        team: 'Digital',
      })
      const programme = await t.api(admin, 'POST', '/api/v1/programmes', {
        reference: 'PRG',
        name: 'Digital',
      })
      const project = await t.api(admin, 'POST', '/api/v1/projects', {
        reference: 'WEB',
        name: 'Website',
        programmeId: programme.json<{ id: number }>().id,
        stage: 'approved',
        partnerIds: [partner],
      })
      recharge = (
        await t.api(admin, 'POST', `/api/v1/projects/${project.json<{ id: number }>().id}/recharges`, {
          partnerId: partner,
          description: 'Shared digital lead',
          period: '2021-03',
          amountPence: 4_900_00,
          costBasis: 'non_base',
        })
      ).json<{ id: number }>().id
    })
    after(async () => {
      await browser?.close()
      await server?.close()
    })

    async function fitsAt320(site: BasePage, path: string, name: string) {
      await site.page.setViewportSize({ width: 320, height: 800 })
      await site.goto(path, `${name}-320`)
      const { scrollWidth, width } = await site.page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        width: window.innerWidth,
      }))
      assert.ok(scrollWidth <= width, `${path} scrolls sideways at 320 px (${scrollWidth})`)
      await site.page.setViewportSize({ width: 1280, height: 900 })
    }

    it('an administrator ends the partnership without JavaScript, choosing for each shared record', async () => {
      const context = await browser.noScriptContext()
      const site = new BasePage(await context.newPage(), server.baseUrl, 'nojs')
      await site.signIn(server.t.orgs.a.users.administrator, `/partners/${partner}`)
      await site.checkPage('partner')
      assert.match((await site.page.locator('main').textContent()) ?? '', /Hannah Reeve/)
      await fitsAt320(site, `/partners/${partner}/end`, 'partner-end')
      await site.goto(`/partners/${partner}/end`, 'partner-end')
      await site.press('Continue', 'partner-end-errors')
      const errors = await site.errorMessages()
      assert.ok(errors.includes('Enter the date the partnership ends'), errors.join('\n'))
      assert.ok(errors.includes('Select what happens to the project WEB Website'), errors.join('\n'))

      await site.fillDate('Date the partnership ends', '31', '3', '2021')
      await site
        .field('Reasons for ending the partnership')
        .fill('Brecks is taking its digital work in house')
      const choose = async (legend: RegExp, option: string) =>
        site.page.getByRole('group', { name: legend }).getByLabel(option, { exact: true }).check()
      await choose(/^WEB Website/, 'Keep with the council')
      await choose(/^Hannah Reeve/, 'Hand over to the partner')
      await choose(/^March 2021: Shared digital lead/, 'Split between the council and the partner')
      await site.field('Council’s share, as a percentage').fill('50')
      await site.press('Continue', 'partner-end-check')
      assert.match(
        (await site.page.locator('main').textContent()) ?? '',
        /Split: £2,450\.00 \(50%\) kept by the council, £2,450\.00 handed over to the partner/,
      )
      await site.press('Change the choices', 'partner-end-again')
      assert.equal(
        await site.field('Council’s share, as a percentage').inputValue(),
        '50',
        'the choices are kept',
      )
      await site.press('Continue', 'partner-end-check-again')
      await site.press('Confirm and end the partnership', 'partner-separation')
      assert.match(await site.flash(), /The partnership with Brecks District Council ends on 31 March 2021/)
      await fitsAt320(site, `/partners/${partner}/separation`, 'partner-separation')
      await fitsAt320(site, `/partners/${partner}`, 'partner-ended')
      assert.ok(recharge > 0)
      await context.close()
    })
  },
)
