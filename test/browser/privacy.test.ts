import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { BasePage, browserUnavailable, launchBrowser, type BrowserSession } from '../helpers/browser.ts'
import { dialectName } from '../helpers/database.ts'
import { startServer, type RunningServer } from '../helpers/server.ts'

/** Personal data pages in a real browser: the privacy notice, the settings, leaving and erasure; axe clean, 320 px. */
describe(`personal data pages, in a browser (${dialectName()})`, { skip: browserUnavailable() }, () => {
  let server: RunningServer
  let browser: BrowserSession
  let personId = 0
  let secondmentId = 0
  let holderId = 0
  let postId = 0

  before(async () => {
    server = await startServer()
    browser = await launchBrowser()
    const t = server.t
    const admin = await t.tokenFor(t.orgs.a.users.administrator)
    personId = (
      await t.api(admin, 'POST', '/api/v1/people', {
        name: 'Morgan Ellis',
        kind: 'employee',
        jobTitle: 'Content designer',
        team: 'Digital',
        email: 'morgan.ellis@alpha.test',
      })
    ).json<{ id: number }>().id
    secondmentId = (
      await t.api(admin, 'POST', '/api/v1/secondments', {
        personId,
        direction: 'out',
        toTeam: 'Community hub (Covid-19 response)',
        startsOn: '2020-03-23',
        fte: 0.5,
        reason: 'Covid-19 response',
      })
    ).json<{ id: number }>().id
    postId = (
      await t.api(admin, 'POST', '/api/v1/posts', { title: 'Content designer', fte: 1, status: 'filled' })
    ).json<{ id: number }>().id
    holderId = (
      await t.api(admin, 'POST', '/api/v1/post-holders', {
        postId,
        personId,
        startsOn: '2019-09-02',
        fte: 1,
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
  }

  it('anyone reads the privacy notice; an administrator records a leaver and erases them', async () => {
    const anon = new BasePage(await browser.context.newPage(), server.baseUrl, 'anon')
    await anon.goto('/privacy', 'privacy-anon')
    assert.equal(await anon.heading(), 'Privacy notice')
    await fitsAt320(anon, '/privacy', 'privacy')
    await anon.page.close()

    const site = new BasePage(await browser.context.newPage(), server.baseUrl, 'admin')
    await site.signIn(server.t.orgs.a.users.administrator, '/settings/privacy')
    await site.checkPage('privacy-settings')
    for (const [path, name] of [
      [`/secondments/${secondmentId}/edit`, 'secondment-edit'],
      [`/post-holders/${holderId}/edit`, 'holder-edit'],
      [`/people/${personId}/erase`, 'erase-not-left'],
    ] as const)
      await site.goto(path, name)
    await site.press('Erase their details', 'erase-refused')
    assert.deepEqual(await site.errorMessages(), [
      'Only a person who has left can be erased: record the day they left first',
      'Enter why this person’s details are being erased',
    ])

    await site.goto(`/people/${personId}/left`, 'left')
    await site.fillDate('Record that Morgan Ellis has left', '31', '7', '2025')
    await site.press('Save', 'left-saved')
    await site.goto(`/people/${personId}/erase`, 'erase')
    await site.field('Why are their details being erased?').fill('Their request of 1 December')
    await site.press('Erase their details', 'erased')
    assert.match(await site.heading(), new RegExp(`Erased person #${personId}`))
    for (const [path, name] of [
      ['/settings/privacy', 'privacy-settings'],
      [`/people/${personId}/erase`, 'erase'],
      [`/people/${personId}`, 'person'],
      [`/posts/${postId}`, 'post'],
    ] as const)
      await fitsAt320(site, path, name)
    await site.page.close()
  })
})
