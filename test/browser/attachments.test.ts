import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { para } from '../../src/documents/document.model.ts'
import { renderOne } from '../../src/documents/render.ts'
import { BasePage, browserUnavailable, launchBrowser, type BrowserSession } from '../helpers/browser.ts'
import { dialectName } from '../helpers/database.ts'
import { startServer, type RunningServer } from '../helpers/server.ts'

/** Documents (issue 13) in a real browser: attach, list, download link; axe clean, and at 320 px. */
describe(`documents, in a browser (${dialectName()})`, { skip: browserUnavailable() }, () => {
  let server: RunningServer
  let browser: BrowserSession
  let projectId = 0

  before(async () => {
    server = await startServer()
    browser = await launchBrowser()
    const t = server.t
    const admin = await t.tokenFor(t.orgs.a.users.administrator)
    const programme = await t.api(admin, 'POST', '/api/v1/programmes', { reference: 'BR-P', name: 'Digital' })
    const project = await t.api(admin, 'POST', '/api/v1/projects', {
      reference: 'BR-1',
      name: 'Customer portal',
      programmeId: programme.json<{ id: number }>().id,
    })
    assert.equal(project.statusCode, 201, project.body)
    projectId = project.json<{ id: number }>().id
  })
  after(async () => {
    await browser?.close()
    await server?.close()
  })

  it('a project manager attaches a PDF, sees it listed, opens its versions and downloads it', async () => {
    const pdf = await renderOne(
      { title: 'Highlight report', language: 'en-GB', author: 'Test', blocks: [para('All on track.')] },
      'pdf',
    )
    const site = new BasePage(await browser.context.newPage(), server.baseUrl, 'js')
    await site.signIn(server.t.orgs.a.users.project_manager, `/projects/${projectId}`)
    await site.checkPage('project-documents-none')
    await site.follow('Attach a document', 'document-new')
    await site.press('Attach document', 'document-new-errors')
    assert.deepEqual(await site.errorMessages(), ['Select a file to attach'])
    await site.field('Title').fill('Highlight report, May')
    await site.page.getByLabel('File', { exact: true }).setInputFiles({
      name: 'highlight-may.pdf',
      mimeType: 'application/pdf',
      buffer: pdf,
    })
    await site.press('Attach document', 'project-with-document')
    assert.equal(await site.flash(), 'Success Document “Highlight report, May” attached')
    const download = site.page.waitForEvent('download')
    await site.page.getByRole('link', { name: 'Download Highlight report, May' }).click()
    assert.equal((await download).suggestedFilename(), 'highlight-may.pdf')
    await site.follow('Highlight report, May', 'document')
    assert.match(await site.page.locator('main').innerText(), /highlight-may\.pdf/)
    const url = new URL(site.page.url()).pathname
    for (const path of [`/projects/${projectId}`, url, `${url}/remove`]) {
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
