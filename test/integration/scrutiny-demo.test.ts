import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import type { Database } from '../../src/db/database.ts'
import { todayInLondon } from '../../src/domain/dates.ts'
import { loadDemoIfEmpty } from '../../src/demo/demo.service.ts'
import { SIX_POINT_PAPER_REFERENCE } from '../../src/demo/scrutiny-demo.ts'
import { Agent, servedDatabase } from '../helpers/build-app.ts'
import { createTestDatabase, dialectName } from '../helpers/database.ts'
import { wholeOrganisation } from '../../src/auth/visibility.ts'
import { inOrganisation } from '../helpers/tenant-scope.ts'

const PASSWORD = 'demo password for tests'

describe(`the demo's scrutiny story (${dialectName()})`, () => {
  let app: FastifyInstance
  let database: Database
  let drop: () => Promise<void>
  const signIn = async (email: string) => {
    const agent = new Agent(app)
    await agent.get('/sign-in')
    assert.equal((await agent.post('/sign-in', { email, password: PASSWORD })).status, 303)
    return agent
  }
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
  })
  after(async () => {
    await app.close()
    await database.close()
    await drop()
  })

  it('has the panel, the minute with its threaded points and resolution, and the six-point request', async () => {
    const chair = await signIn('scrutiny.member@demo.oversight.test')
    const committees = await chair.get('/committees')
    const link = committees.document.querySelector('main table a[href^="/committees/"]')
    assert.equal(link?.textContent, 'Performance Monitoring Panel')
    const panel = await chair.get(link.getAttribute('href')!)
    assert.match(panel.text, /Cllr Margaret Dunn.* – Chair/)
    assert.match(panel.text, /18 March 2021/)
    const march = [...panel.document.querySelectorAll('main a[href^="/meetings/"]')].find(
      (a) => a.textContent === '18 March 2021',
    )!
    const attended = await chair.get(march.getAttribute('href')!)
    const rows = [...attended.document.querySelectorAll('main table tbody tr')].map((r) =>
      (r.textContent ?? '').replace(/\s+/g, ' ').trim(),
    )
    assert.ok(rows.includes('Cllr Susan Whitby Committee member Apologies'), rows.join('\n'))
    assert.ok(rows.includes('Head of ICT and Digital (PSPS) Officer Present'), rows.join('\n'))
    const july = [...panel.document.querySelectorAll('main a[href^="/meetings/"]')].find(
      (a) => a.textContent === '8 July 2021',
    )!
    const meeting = await chair.get(july.getAttribute('href')!)
    const itemHref = meeting.document.querySelector('main a[href^="/agenda-items/"]')!.getAttribute('href')!
    const item = await chair.get(itemHref)
    assert.match(item.text, /ICT and Digital Work Programme 2019-2022 Progress Update/)
    assert.match(item.text, /AGREED: That the comments of the meeting be noted and taken forward/)
    const nested = [...item.document.querySelectorAll('#points ~ ul > li > ul > li')].map(
      (li) => li.textContent ?? '',
    )
    assert.ok(
      nested.some((t) => /recharge for the web developer/.test(t)),
      'the officer’s answer sits under the question',
    )
    assert.match(item.text, new RegExp(SIX_POINT_PAPER_REFERENCE.replace(/\//g, '\\/')))
  })

  it('shows an overdue response to the Portfolio Holder, on the dashboard and to the health check', async () => {
    const ph = await signIn('portfolio.holder@demo.oversight.test')
    const awaiting = await ph.get('/scrutiny/awaiting-response')
    assert.match(awaiting.text, /PMP\/2021\/05/)
    assert.match(awaiting.text, /8 September 2021/)
    const dash = await ph.get('/scrutiny')
    const cells = [...dash.document.querySelectorAll('#monitor tbody tr')].map((tr) =>
      [...tr.querySelectorAll('th, td')].map((c) => c.textContent?.trim()),
    )
    // 2020/21: PMP/2021/01, answered in 39 days, implemented. 2021/22: three made at the July meeting.
    assert.deepEqual(cells, [
      ['Performance Monitoring Panel', '2021/22', '3', '1', '2', '0', '1', '64'],
      ['Performance Monitoring Panel', '2020/21', '1', '1', '1', '1', '0', '39'],
    ])
    const org = await database.db
      .selectFrom('organisations')
      .select('id')
      .where('slug', '=', 'marshland')
      .executeTakeFirstOrThrow()
    const overdue = await inOrganisation(org, () =>
      app.services.scrutiny.overdueResponses(wholeOrganisation(org.id), todayInLondon()),
    )
    assert.deepEqual(
      overdue.map((o) => [o.reference, o.committee, o.dueOn]),
      [['PMP/2021/05', 'Performance Monitoring Panel', '2021-09-08']],
    )
  })
})
