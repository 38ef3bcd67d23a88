import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { BasePage, browserUnavailable, launchBrowser, type BrowserSession } from '../helpers/browser.ts'
import { dialectName } from '../helpers/database.ts'
import { startServer, type RunningServer } from '../helpers/server.ts'

/** Ambitions and outputs in a real browser: axe clean on every page, and at 320 px without sideways scroll. */
describe(`ambitions and outputs, in a browser (${dialectName()})`, { skip: browserUnavailable() }, () => {
  let server: RunningServer
  let browser: BrowserSession
  let project = 0
  let ambition = 0
  let output = 0

  before(async () => {
    server = await startServer()
    browser = await launchBrowser()
    const t = server.t
    const admin = await t.tokenFor(t.orgs.a.users.administrator)
    const make = async (url: string, body: unknown) => {
      const res = await t.api(admin, 'POST', url, body)
      assert.equal(res.statusCode, 201, res.body)
      return res.json<{ id: number }>().id
    }
    const programme = await make('/api/v1/programmes', { reference: 'ICT-2019', name: 'ICT and Digital' })
    project = await make('/api/v1/projects', {
      reference: 'ICT-02',
      name: 'Online contact forms improvement (Goss platform)',
      programmeId: programme,
    })
    await make('/api/v1/milestones', {
      projectId: project,
      name: 'Ten most-used contact forms redesigned',
      baselineDate: '2020-03-31',
    })
    const ashby = await make('/api/v1/people', { name: 'Cllr Richard Ashby', kind: 'councillor' })
    ambition = await make('/api/v1/ambitions', {
      title: 'Digital by preference: most contacts start online by 2023',
      theme: 'Customers and communities',
      horizonOn: '2023-03-31',
      ownerPersonId: ashby,
      programmeIds: [programme],
      projectIds: [project],
    })
    output = await make('/api/v1/outputs', {
      projectId: project,
      title: 'Goss platform updates (with PSPS)',
      type: 'system',
      plannedOn: '2019-11-29',
      deliveredOn: '2020-09-25',
      status: 'delivered',
    })
  })
  after(async () => {
    await browser?.close()
    await server?.close()
  })

  it('a project manager records an output, corrects its dates, and reads the pages', async () => {
    const site = new BasePage(await browser.context.newPage(), server.baseUrl, 'js')
    await site.signIn(server.t.orgs.a.users.project_manager, `/projects/${project}`)
    await site.checkPage('outcomes-project')
    await site.follow('Add an output', 'output-new')
    await site.field('Output').fill('Better online contact forms')
    await site.page.getByLabel('Service', { exact: true }).check()
    await site.fillDate('Actual delivery date (optional)', '18', '12', '2020')
    await site.page.getByLabel('Delivered', { exact: true }).check()
    await site.page.getByLabel('Ten most-used contact forms redesigned').check()
    await site.press('Save output', 'output-new-errors')
    assert.deepEqual(await site.errorMessages(), [
      'Enter the planned delivery date: an output is delivered against a plan',
    ])
    await site.fillDate('Planned delivery date (optional)', '31', '3', '2020')
    await site.press('Save output', 'output-saved')
    assert.equal(await site.flash(), 'Success Output ‘Better online contact forms’ added')

    for (const [path, name] of [
      ['/ambitions', 'ambitions'],
      [`/ambitions/${ambition}`, 'ambition'],
      [`/history/ambition/${ambition}`, 'ambition-history'],
      ['/outputs', 'outputs'],
      [`/outputs/${output}`, 'output'],
      [`/outputs/${output}/edit`, 'output-edit'],
      [`/history/output/${output}`, 'output-history'],
    ] as const)
      await site.goto(path, name)
    await site.signOut()
    await site.page.close()
  })

  it('a programme manager edits an ambition; every page fits 320 px', async () => {
    const site = new BasePage(await browser.context.newPage(), server.baseUrl, 'js')
    await site.signIn(server.t.orgs.a.users.programme_manager, `/ambitions/${ambition}/edit`)
    await site.checkPage('ambition-edit')
    await site.field('Ambition').fill('')
    await site.press('Save ambition', 'ambition-edit-errors')
    assert.deepEqual(await site.errorMessages(), ['Enter the ambition'])
    await site.field('Ambition').fill('Digital by preference: most contacts start online by 2024')
    await site.press('Save ambition', 'ambition-edit-saved')
    assert.match(await site.heading(), /most contacts start online by 2024/)
    await site.goto('/ambitions/new', 'ambition-new')
    for (const path of [
      '/ambitions',
      `/ambitions/${ambition}`,
      `/ambitions/${ambition}/edit`,
      '/outputs',
      `/outputs/${output}`,
      `/outputs/${output}/edit`,
      `/projects/${project}/outputs/new`,
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
