import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { BasePage, browserUnavailable, launchBrowser, type BrowserSession } from '../helpers/browser.ts'
import { dialectName } from '../helpers/database.ts'
import { startServer, type RunningServer } from '../helpers/server.ts'

/** Demand, allocation and the capacity page in a real browser: axe clean, and at 320 px. */
describe(
  `roles, allocations and capacity, in a browser (${dialectName()})`,
  { skip: browserUnavailable() },
  () => {
    let server: RunningServer
    let browser: BrowserSession
    let projectId = 0

    before(async () => {
      server = await startServer()
      browser = await launchBrowser()
      const t = server.t
      const admin = await t.tokenFor(t.orgs.a.users.administrator)
      const programme = (
        await t.api(admin, 'POST', '/api/v1/programmes', { reference: 'NG', name: 'Next generation' })
      ).json<{ id: number }>().id
      projectId = (
        await t.api(admin, 'POST', '/api/v1/projects', {
          reference: 'NG-01',
          name: 'Website',
          programmeId: programme,
          forecastStart: '2019-06-01',
        })
      ).json<{ id: number }>().id
      const person = (
        await t.api(admin, 'POST', '/api/v1/people', {
          name: 'Amira Khan',
          kind: 'employee',
          team: 'Digital',
        })
      ).json<{ id: number }>().id
      const post = (
        await t.api(admin, 'POST', '/api/v1/posts', { title: 'Digital officer', fte: 1, status: 'filled' })
      ).json<{ id: number }>().id
      await t.api(admin, 'POST', '/api/v1/post-holders', {
        postId: post,
        personId: person,
        startsOn: '2019-01-01',
        fte: 0.6,
      })
    })
    after(async () => {
      await browser?.close()
      await server?.close()
    })

    it('a programme manager adds a role with a mistake, corrects it, allocates someone and reads capacity', async () => {
      const site = new BasePage(await browser.context.newPage(), server.baseUrl, 'capacity')
      await site.signIn(server.t.orgs.a.users.programme_manager, `/projects/${projectId}/roles`)
      await site.checkPage('project-roles')
      await site.field('Title').fill('Web developer')
      await site.page.locator('#role-from').fill('2019-06')
      await site.page.locator('#role-to').fill('2019-08')
      await site.page.locator('#role-fte').fill('lots')
      await site.press('Add role', 'role-errors')
      assert.deepEqual(await site.errorMessages(), ['Enter the FTE each month as a number, like 0.5'])
      await site.page.locator('#role-fte').fill('1.5')
      await site.press('Add role', 'role-added')
      await site.page.locator('#allocation-who').selectOption({ label: 'Amira Khan' })
      await site.page.locator('#allocation-from').fill('2019-06')
      await site.page.locator('#allocation-to').fill('2019-07')
      await site.page.locator('#allocation-fte').fill('0.8')
      await site.press('Allocate', 'over-capacity-warning')
      assert.match((await site.errorMessages()).join(' '), /Amira Khan would be over their capacity/)
      await site.page.getByLabel('Allocate them anyway').check()
      await site.press('Allocate', 'allocated')
      assert.match((await site.page.locator('main').textContent()) ?? '', /Over capacity/)

      // Change the allocation: a month beyond one person's time is a field error, then saved.
      await site.page.locator('a[href^="/allocations/"][href$="/edit"]').click()
      await site.checkPage('allocation-edit')
      await site.page.locator('#fte-2019-06').fill('2')
      await site.press('Save allocation', 'allocation-edit-errors')
      assert.deepEqual(await site.errorMessages(), ['FTE in June 2019 must be 1 or less'])
      await site.page.locator('#fte-2019-06').fill('0.5')
      await site.page.locator('#fte-2019-07').fill('0.5')
      await site.press('Save allocation', 'allocation-saved')
      assert.match(await site.flash(), /allocation saved/)
      // Change the role: one field a month.
      await site.page.locator('a[href^="/project-roles/"][href$="/edit"]').click()
      await site.checkPage('role-edit')
      await site.page.locator('#fte-2019-08').fill('1')
      await site.press('Save role', 'role-saved')
      assert.match(await site.flash(), /Web developer saved/)
      const editPaths = [
        await site.page.locator('a[href^="/project-roles/"][href$="/edit"]').getAttribute('href'),
        await site.page.locator('a[href^="/allocations/"][href$="/edit"]').getAttribute('href'),
        await site.page.locator('a[href^="/allocations/"][href$="/delete"]').getAttribute('href'),
      ]
      // Delete the allocation after its confirmation page.
      await site.page.locator('a[href^="/allocations/"][href$="/delete"]').click()
      await site.checkPage('allocation-delete')
      await site.page.goBack()
      await site.goto('/capacity?from=2019-06&to=2019-08&by=team', 'capacity')
      assert.equal(
        await site.page.locator('svg[role="img"] title').first().textContent(),
        'Unfilled demand by month',
      )
      for (const path of [
        `/projects/${projectId}/roles`,
        '/capacity?from=2019-06&to=2019-08',
        ...editPaths.map((p) => p!),
        `/projects/${projectId}/forecast-start`,
      ]) {
        await site.page.setViewportSize({ width: 320, height: 800 })
        await site.goto(path, 'capacity-320')
        const { scrollWidth, width } = await site.page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          width: window.innerWidth,
        }))
        assert.ok(scrollWidth <= width, `${path} scrolls sideways at 320 px (${scrollWidth})`)
      }
      await site.goto(editPaths[2]!, 'allocation-delete-320')
      await site.press('Delete allocation', 'allocation-deleted')
      assert.match(await site.flash(), /allocation deleted/)
      // No one fills the role at the forecast start: move it, confirming a date.
      await site.follow('Move the forecast start', 'forecast-start')
      await site.fillDate('New forecast start', '1', '10', '2019')
      await site.press('Move the forecast start', 'forecast-start-moved')
      assert.match(await site.flash(), /Forecast start moved to 1 October 2019/)
      await site.page.close()
    })
  },
)
