import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { BasePage, browserUnavailable, launchBrowser, type BrowserSession } from '../helpers/browser.ts'
import { dialectName } from '../helpers/database.ts'
import { startServer, type RunningServer } from '../helpers/server.ts'

/** The benefits register in a real browser: axe clean on every page, and at 320 px without sideways scroll. */
describe(`the benefits register, in a browser (${dialectName()})`, { skip: browserUnavailable() }, () => {
  let server: RunningServer
  let browser: BrowserSession
  let projectId = 0
  let programmeId = 0
  let benefitId = 0
  let cashableId = 0

  before(async () => {
    server = await startServer()
    browser = await launchBrowser()
    const t = server.t
    const admin = await t.tokenFor(t.orgs.a.users.administrator)
    const programme = await t.api(admin, 'POST', '/api/v1/programmes', {
      reference: 'ICT',
      name: 'ICT and Digital',
    })
    const project = await t.api(admin, 'POST', '/api/v1/projects', {
      reference: 'ICT-CRM',
      name: 'Customer relationship management',
      programmeId: programme.json<{ id: number }>().id,
    })
    projectId = project.json<{ id: number }>().id
    programmeId = programme.json<{ id: number }>().id
    const benefit = await t.api(admin, 'POST', '/api/v1/benefits', {
      projectId,
      title: 'Fewer telephone contacts',
      type: 'non_cashable',
      unit: 'contacts',
      baselineYear: '2019/20',
      targetValue: 6000000,
      targetOn: '2023-03-31',
      profile: [
        { year: '2020/21', planned: 2000000, realised: 3500000 },
        { year: '2021/22', planned: 4000000, realised: 4200000 },
      ],
    })
    assert.equal(benefit.statusCode, 201, benefit.body)
    benefitId = benefit.json<{ id: number }>().id
    const cashable = await t.api(admin, 'POST', '/api/v1/benefits', {
      projectId,
      title: 'Postage saving',
      type: 'cashable',
      profile: [{ year: '2021/22', planned: 500000 }],
    })
    cashableId = cashable.json<{ id: number }>().id
  })
  after(async () => {
    await browser?.close()
    await server?.close()
  })

  it('a project manager records a cashable saving, corrects it, and reads the register', async () => {
    const site = new BasePage(await browser.context.newPage(), server.baseUrl, 'js')
    await site.signIn(server.t.orgs.a.users.project_manager, `/projects/${projectId}`)
    await site.checkPage('project')
    await site.follow('Add a benefit', 'benefit-new')
    await site.field('Benefit').fill('Channel shift saving')
    await site.page.getByLabel('Non-cashable', { exact: true }).check()
    await site.page.getByLabel('Counted as a saving in the medium-term financial strategy').check()
    await site.field('Year 1').fill('2021/22')
    await site.field('Planned in year 1').fill('£45,000')
    await site.press('Save', 'benefit-new-errors')
    assert.deepEqual(await site.errorMessages(), [
      'Enter the unit the benefit is counted in, like contacts or days',
      'Only a cashable benefit can be counted as a saving in the medium-term financial strategy',
      'Planned value for 2021/22 must be a number, like 1,250 or 2.5',
    ])
    await site.page.getByLabel('Cashable', { exact: true }).check()
    await site.field('Realised in year 1').fill('38,500.25')
    await site.press('Save', 'benefit-saved')
    assert.equal(await site.flash(), 'Success Channel shift saving added')
    assert.match((await site.page.locator('#profile').textContent()) ?? '', /£45,000.00\s*£38,500.25/)

    await site.goto('/benefits', 'register')
    assert.match((await site.page.locator('#totals').textContent()) ?? '', /£38,500.25/)
    for (const [path, name] of [
      [`/benefits/${benefitId}`, 'benefit'],
      [`/benefits/${benefitId}/edit`, 'benefit-edit'],
      [`/history/benefit/${benefitId}`, 'benefit-history'],
      [`/programmes/${programmeId}/benefits/new`, 'programme-benefit-new'],
      [`/programmes/${programmeId}`, 'programme'],
    ] as const)
      await site.goto(path, name)
    for (const path of ['/benefits', `/benefits/${benefitId}`, `/benefits/${benefitId}/edit`]) {
      await site.page.setViewportSize({ width: 320, height: 800 })
      await site.goto(path, `${path.replace(/\W+/g, '-')}-320`)
      const { scrollWidth, width } = await site.page.evaluate(() => ({
        scrollWidth: document.documentElement.scrollWidth,
        width: window.innerWidth,
      }))
      assert.ok(scrollWidth <= width, `${path} scrolls sideways at 320 px (${scrollWidth})`)
    }
    await site.page.setViewportSize({ width: 1280, height: 800 })
    await site.signOut()
    await site.page.close()
  })

  it('a finance officer records what a cashable benefit realised', async () => {
    const site = new BasePage(await browser.context.newPage(), server.baseUrl, 'js')
    await site.signIn(server.t.orgs.a.users.finance_officer, `/benefits/${cashableId}`)
    await site.checkPage('benefit-finance')
    await site.follow('Record realised values', 'realised')
    await site.field('Realised in 2021/22').fill('five pounds')
    await site.press('Save', 'realised-errors')
    assert.deepEqual(await site.errorMessages(), [
      'Realised value for 2021/22 must be an amount of money, like £1,250.00',
    ])
    await site.field('Realised in 2021/22').fill('£4,800.10')
    await site.press('Save', 'realised-saved')
    assert.equal(await site.flash(), 'Success Realised values of Postage saving saved')
    assert.match((await site.page.locator('#profile').textContent()) ?? '', /£5,000.00\s*£4,800.10/)
    await site.page.close()
  })
})
