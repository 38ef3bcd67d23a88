import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { BasePage, browserUnavailable, launchBrowser, type BrowserSession } from '../helpers/browser.ts'
import { dialectName } from '../helpers/database.ts'
import { startServer, type RunningServer } from '../helpers/server.ts'

/** The people register, the establishment and the skills catalogue in a real browser: axe clean, and at 320 px. */
describe(`people, posts and skills, in a browser (${dialectName()})`, { skip: browserUnavailable() }, () => {
  let server: RunningServer
  let browser: BrowserSession
  const ids = { person: 0, post: 0 }

  before(async () => {
    server = await startServer()
    browser = await launchBrowser()
    const t = server.t
    const admin = await t.tokenFor(t.orgs.a.users.administrator)
    const partner = await t.partner(t.orgs.a, 'PSPS')
    ids.person = (
      await t.api(admin, 'POST', '/api/v1/people', {
        name: 'Amira Khan',
        kind: 'employee',
        jobTitle: 'Digital officer',
        team: 'Digital',
        email: 'amira.khan@alpha.test',
      })
    ).json<{ id: number }>().id
    await t.api(admin, 'POST', '/api/v1/people', {
      name: 'Lee Harper',
      kind: 'partner_staff',
      partnerId: partner,
      jobTitle: 'Web developer',
      team: 'PSPS Applications',
    })
    ids.post = (
      await t.api(admin, 'POST', '/api/v1/posts', {
        title: 'Digital officer',
        team: 'Digital',
        grade: 'SO1',
        fte: 1,
        annualCostPence: 4_200_000,
        status: 'filled',
        approvedOn: '2019-04-01',
        advertisedOn: '2019-09-02',
        appointedOn: '2019-11-29',
        startsOn: '2020-01-06',
      })
    ).json<{ id: number }>().id
    await t.api(admin, 'POST', '/api/v1/post-holders', {
      postId: ids.post,
      personId: ids.person,
      startsOn: '2020-01-06',
      fte: 1,
    })
    await t.api(admin, 'POST', '/api/v1/secondments', {
      personId: ids.person,
      direction: 'out',
      fromTeam: 'Digital',
      toTeam: 'Community hub (Covid-19 response)',
      startsOn: '2020-03-23',
      endsOn: '2020-08-28',
      reason: 'Covid-19 response',
      fte: 0.8,
    })
    await t.api(admin, 'POST', '/api/v1/posts', {
      title: 'User researcher',
      team: 'Digital',
      fte: 1,
      status: 'vacant',
      approvedOn: '2025-01-06',
    })
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

  it('a programme manager records a post with a mistake, corrects it, and reads the register', async () => {
    const site = new BasePage(await browser.context.newPage(), server.baseUrl, 'js')
    await site.signIn(server.t.orgs.a.users.programme_manager, '/posts')
    await site.checkPage('posts')
    await site.goto('/posts/new', 'post-new')
    await site.field('Post title').fill('Delivery manager')
    await site.field('FTE').fill('1.5')
    await site.page.getByLabel('Vacant', { exact: true }).check()
    await site.fillDate('Date approved (optional)', '1', '5', '2019')
    await site.fillDate('Date advertised (optional)', '1', '4', '2019')
    await site.press('Save post', 'post-new-errors')
    assert.deepEqual(await site.errorMessages(), [
      'FTE must be 1 or less',
      'Date advertised must be the same as or after the date approved',
    ])
    await site.field('FTE').fill('0.6')
    await site.fillDate('Date advertised (optional)', '1', '6', '2019')
    await site.press('Save post', 'post-saved')
    assert.equal(await site.flash(), 'Success Delivery manager added to the establishment')

    for (const [path, name] of [
      ['/people', 'people'],
      [`/people/${ids.person}`, 'person'],
      [`/posts/${ids.post}`, 'post'],
      ['/skills', 'skills'],
      [`/people/${ids.person}/skills`, 'person-skills'],
      [`/people/${ids.person}/secondments/new`, 'secondment-new'],
      [`/posts/${ids.post}/holders/new`, 'holder-new'],
      [`/people/${ids.person}/edit`, 'person-edit'],
      [`/posts/${ids.post}/edit`, 'post-edit'],
    ] as const)
      await site.goto(path, name)
    for (const [path, name] of [
      ['/people', 'people'],
      ['/posts', 'posts'],
      [`/people/${ids.person}`, 'person'],
      [`/posts/${ids.post}`, 'post'],
      ['/skills', 'skills'],
    ] as const)
      await fitsAt320(site, path, name)
    await site.page.close()
  })

  it('a partner officer sees their own partner’s staff only', async () => {
    const site = new BasePage(await browser.context.newPage(), server.baseUrl, 'partner')
    await site.page.context().clearCookies()
    await site.signIn(server.t.orgs.a.users.partner_officer, '/people')
    await site.checkPage('people-partner')
    const table = site.page.getByRole('table', { name: 'People' })
    const text = (await table.textContent()) ?? ''
    assert.match(text, /Lee Harper/)
    assert.doesNotMatch(text, /Amira Khan/)
    await site.page.close()
  })
})
