import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { after, before, describe, it } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import type { Database } from '../../src/db/database.ts'
import { loadDemoIfEmpty } from '../../src/demo/demo.service.ts'
import { DEMO_EMAILS } from '../../src/demo/scenario.ts'
import { FOLLOW_UP_MEETING_DATE, SIX_POINT_PAPER_REFERENCE } from '../../src/demo/scrutiny-demo.ts'
import { sha256 } from '../../src/documents/render.ts'
import { Agent, servedDatabase } from '../helpers/build-app.ts'
import { createTestDatabase, dialectName } from '../helpers/database.ts'

const PASSWORD = 'demo password for tests'

describe(`the demo's scrutiny papers (${dialectName()})`, () => {
  let app: FastifyInstance
  let database: Database
  let drop: () => Promise<void>
  let agent: Agent

  before(async () => {
    const created = await createTestDatabase()
    database = created.database
    const served = await servedDatabase(created)
    drop = served.drop
    await loadDemoIfEmpty(database.db, PASSWORD)
    app = await buildApp({
      config: loadConfig({ NODE_ENV: 'test', DEMO: 'true', LOG_LEVEL: 'silent' }),
      database: served.database,
    })
    await app.ready()
    agent = new Agent(app)
    await agent.get('/sign-in')
    const email =
      DEMO_EMAILS.find((e) => e.startsWith('councillor') || e.includes('scrutiny')) ?? DEMO_EMAILS[0]!
    assert.equal((await agent.post('/sign-in', { email, password: PASSWORD })).status, 303)
  })
  after(async () => {
    await app.close()
    await drop()
  })

  it('has the progress report for the minute’s meeting, submitted and frozen with its hash and files', async () => {
    const report = await database.db
      .selectFrom('panel_reports as r')
      .innerJoin('meetings as m', 'm.id', 'r.meeting_id')
      .select(['r.id', 'r.status', 'r.content_hash', 'm.id as meetingId'])
      .where('m.meeting_date', '=', FOLLOW_UP_MEETING_DATE)
      .executeTakeFirstOrThrow()
    assert.equal(report.status, 'submitted')
    const page = await agent.get(`/reports/${report.id}`)
    assert.equal(page.status, 200)
    assert.ok(page.text.includes(report.content_hash!), 'the page shows the hash')
    assert.match(page.text, /Areas for consideration/)
    assert.match(
      page.text,
      /Make governance integral to future strategic projects.*\(owner: [^)]*Portfolio Holder/,
    )
    // As at 30 June 2021: the monitor shows the March recommendation, not those made at the July meeting itself.
    assert.match(page.text, /PMP\/2021\/01/)
    assert.doesNotMatch(page.text, /PMP\/2021\/03/)
    const files = await database.db
      .selectFrom('panel_report_files')
      .select(['format', 'content_base64', 'sha256'])
      .where('report_id', '=', report.id)
      .execute()
    assert.deepEqual(files.map((f) => f.format).sort(), ['docx', 'html', 'pdf'])
    const pdf = Buffer.from(files.find((f) => f.format === 'pdf')!.content_base64, 'base64')
    assert.equal(sha256(pdf), files.find((f) => f.format === 'pdf')!.sha256)
    const text = execFileSync('pdftotext', ['-', '-'], { input: pdf }).toString('utf8')
    assert.match(text, /ICT-01/)
    const papers = await agent.get(`/meetings/${report.meetingId}/papers`)
    assert.match(papers.text, /progress update/)
  })

  it('shows the July 2021 paper as things stood on 30 June 2021, not as the demo stands today', async () => {
    const file = await database.db
      .selectFrom('panel_reports as r')
      .innerJoin('meetings as m', 'm.id', 'r.meeting_id')
      .innerJoin('panel_report_files as f', 'f.report_id', 'r.id')
      .select(['f.content_base64'])
      .where('m.meeting_date', '=', FOLLOW_UP_MEETING_DATE)
      .where('f.format', '=', 'html')
      .executeTakeFirstOrThrow()
    const text = Buffer.from(file.content_base64, 'base64')
      .toString('utf8')
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
    assert.match(text, /as they stood on 30 June 2021/)
    // Forecasts as they were in 2021: the hand-over to business as usual was still planned for March 2022.
    assert.match(
      text,
      /Accessibility programme handed over to business as usual \(key\) 31 March 2022 31 March 2022/,
    )
    assert.match(text, /Customer account linked to Northgate \(key\) 31 March 2021 17 December 2021/)
    // Nothing forecast in the demo's today, nothing planned since, and no project closed yet.
    const thisYear = new Date().getFullYear()
    for (const year of [thisYear, thisYear + 1])
      assert.doesNotMatch(
        text,
        new RegExp(
          `(January|February|March|April|May|June|July|August|September|October|November|December) ${year}`,
        ),
      )
    assert.doesNotMatch(text, /WCAG 2\.2/)
    // The March recommendation was implemented at the July meeting, by this very report: not by 30 June.
    assert.match(text, /Accepted \(26 April 2021\) Accepted – in progress/)
    assert.doesNotMatch(text, /Closed/)
    // The demo has no budget for 2021/22: the paper says so rather than showing £0 as a budget.
    assert.match(text, /No budget, spending, commitments or forecast are recorded for 2021\/22/)
    assert.doesNotMatch(text, /budget is £0/)
  })

  it('has a draft programme definition that names what is still missing and links to the recommendation', async () => {
    const list = await agent.get('/programme-definitions')
    assert.equal(list.status, 200)
    const link = list.document.querySelector('main a[href^="/programme-definitions/"]')
    assert.ok(link, 'a definition is listed')
    const page = await agent.get(link.getAttribute('href')!)
    assert.match(page.text, new RegExp(`Recommendation ${SIX_POINT_PAPER_REFERENCE.replace(/\//g, '\\/')}`))
    assert.match(page.text, /does not yet cover/)
    assert.match(page.text, /The human resources \(posts and skills\) required/)
    assert.match(page.text, /The implementation start and end dates/)
  })
})
