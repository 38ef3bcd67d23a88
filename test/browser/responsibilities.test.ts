import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { BasePage, browserUnavailable, launchBrowser, type BrowserSession } from '../helpers/browser.ts'
import { dialectName } from '../helpers/database.ts'
import { startServer, type RunningServer } from '../helpers/server.ts'

/** The responsibility matrix in a real browser: axe clean on every page, and at 320 px without sideways scroll. */
describe(`the responsibility matrix, in a browser (${dialectName()})`, { skip: browserUnavailable() }, () => {
  let server: RunningServer
  let browser: BrowserSession
  let assetId = 0

  before(async () => {
    server = await startServer()
    browser = await launchBrowser()
    const t = server.t
    const admin = await t.tokenFor(t.orgs.a.users.administrator)
    const psps = await t.partner(t.orgs.a, 'PSPS')
    await t.api(admin, 'POST', '/api/v1/people', {
      name: 'Priya Shah',
      kind: 'employee',
      team: 'Revenues and Benefits',
    })
    await t.api(admin, 'POST', '/api/v1/people', { name: 'Amira Khan', kind: 'employee', team: 'Digital' })
    const network = await t.api(admin, 'POST', '/api/v1/service-assets', {
      name: 'Network',
      kind: 'infrastructure',
      description: 'The offices and the data centre share a single network route.',
      responsibilities: [
        { party: 'team', team: 'Digital', role: 'A' },
        { party: 'partner', partnerId: psps, role: 'R' },
      ],
    })
    assert.equal(network.statusCode, 201, network.body)
    assetId = network.json<{ id: number }>().id
    await t.api(admin, 'POST', '/api/v1/service-assets', {
      name: 'Planning web pages',
      kind: 'content',
      responsibilities: [{ party: 'partner', partnerId: psps, role: 'I' }],
    })
  })
  after(async () => {
    await browser?.close()
    await server?.close()
  })

  it('a programme manager records content with two accountable parties, corrects it, and reads the matrix', async () => {
    const site = new BasePage(await browser.context.newPage(), server.baseUrl, 'js')
    await site.signIn(server.t.orgs.a.users.programme_manager, '/responsibilities')
    await site.checkPage('responsibilities')
    await site.goto('/responsibilities/new', 'asset-new')
    await site.field('Name').fill('Council tax web pages')
    await site.page.getByLabel('Content', { exact: true }).check()
    await site.field('Party 1').selectOption({ label: 'Team: Revenues and Benefits' })
    await site.field('Responsibility of party 1').selectOption('A')
    await site.field('Party 2').selectOption({ label: 'Team: Digital' })
    await site.field('Responsibility of party 2').selectOption('A')
    await site.press('Save', 'asset-new-errors')
    assert.deepEqual(await site.errorMessages(), [
      'Choose only one accountable party: one owner answers for the asset, others can be responsible',
    ])
    await site.field('Responsibility of party 2').selectOption('C')
    await site.press('Save', 'asset-saved')
    assert.equal(await site.flash(), 'Success Council tax web pages added')

    for (const [path, name] of [
      [`/responsibilities/${assetId}`, 'asset'],
      [`/responsibilities/${assetId}/edit`, 'asset-edit'],
      [`/history/service_asset/${assetId}`, 'asset-history'],
    ] as const)
      await site.goto(path, name)
    for (const path of [
      '/responsibilities',
      `/responsibilities/${assetId}`,
      `/responsibilities/${assetId}/edit`,
    ]) {
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
