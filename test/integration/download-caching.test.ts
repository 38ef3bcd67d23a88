import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { FastifyInstance, LightMyRequestResponse } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import type { Database } from '../../src/db/database.ts'
import { loadDemoIfEmpty } from '../../src/demo/demo.service.ts'
import { DEMO_EMAILS } from '../../src/demo/scenario.ts'
import { Agent, servedDatabase } from '../helpers/build-app.ts'
import { createTestDatabase, dialectName } from '../helpers/database.ts'
import { inOrganisation } from '../helpers/tenant-scope.ts'

const PASSWORD = 'demo password for tests'

// ASVS V14.2.2 and V14.3.2: a file holding council data is never kept by a browser or a proxy. One default
// sets it (src/plugins/security-headers.ts); this checks every kind of download against it.
describe(`downloads are not cached (${dialectName()})`, () => {
  let app: FastifyInstance
  let database: Database
  let drop: () => Promise<void>
  let agent: Agent
  let token: string
  const ids = { programme: 0, definition: 0, report: 0 }
  let feed = ''

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
    const admin = await database.db
      .selectFrom('users as u')
      .innerJoin('memberships as m', 'm.user_id', 'u.id')
      .select(['u.id', 'u.email', 'm.organisation_id'])
      .where('m.role', '=', 'administrator')
      .where('u.email', 'in', DEMO_EMAILS)
      .executeTakeFirstOrThrow()
    const org = admin.organisation_id
    const first = async (table: 'programmes' | 'programme_definitions' | 'panel_reports') =>
      (
        await database.db
          .selectFrom(table)
          .select('id')
          .where('organisation_id', '=', org)
          .orderBy('id')
          .executeTakeFirstOrThrow()
      ).id
    ids.programme = await first('programmes')
    ids.definition = await first('programme_definitions')
    ids.report = await first('panel_reports')
    agent = new Agent(app)
    await agent.get('/sign-in')
    assert.equal((await agent.post('/sign-in', { email: admin.email, password: PASSWORD })).status, 303)
    token = (await inOrganisation(org, () => app.services.tokens.create(org, admin.id, 'downloads'))).token
    feed = await inOrganisation(org, () => app.services.calendar.create(org, admin.id))
  })
  after(async () => {
    await app.close()
    await drop()
  })

  async function page(url: string): Promise<LightMyRequestResponse['headers']> {
    const res = await agent.get(url)
    assert.equal(res.status, 200, url)
    return res.headers
  }
  async function api(url: string): Promise<LightMyRequestResponse['headers']> {
    const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })
    assert.equal(res.statusCode, 200, url)
    return res.headers
  }

  it('every download kind answers Cache-Control: no-store', async () => {
    const downloads: Array<[string, LightMyRequestResponse['headers'], RegExp]> = [
      ['XLSX', await page(`/programmes/${ids.programme}/finance/summary.xlsx`), /spreadsheetml/],
      ['CSV', await page(`/programmes/${ids.programme}/spend.csv`), /text\/csv/],
      ['PDF', await page(`/programme-definitions/${ids.definition}/paper.pdf`), /application\/pdf/],
      ['DOCX', await page(`/programme-definitions/${ids.definition}/paper.docx`), /wordprocessingml/],
      [
        'PDF (API)',
        await api(`/api/v1/programme-definitions/${ids.definition}/paper.pdf`),
        /application\/pdf/,
      ],
      [
        'DOCX (API)',
        await api(`/api/v1/programme-definitions/${ids.definition}/paper.docx`),
        /wordprocessingml/,
      ],
      ['report PDF', await page(`/reports/${ids.report}/report.pdf`), /application\/pdf/],
      ['report DOCX (API)', await api(`/api/v1/reports/${ids.report}/report.docx`), /wordprocessingml/],
      ['ICS', await page(new URL(feed).pathname), /text\/calendar/],
    ]
    for (const [kind, headers, type] of downloads) {
      assert.match(String(headers['content-type']), type, kind)
      assert.equal(headers['cache-control'], 'no-store', kind)
    }
  })

  it('API answers and pages are not cached either; static assets still are', async () => {
    assert.equal((await api('/api/v1/programmes'))['cache-control'], 'no-store')
    assert.equal((await page('/'))['cache-control'], 'no-store')
    assert.equal((await page('/assets/oversight.css'))['cache-control'], 'public, max-age=3600')
  })
})
