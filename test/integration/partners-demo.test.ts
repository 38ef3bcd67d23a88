import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import ExcelJS from 'exceljs'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { loadConfig, type Config } from '../../src/config.ts'
import type { Database } from '../../src/db/database.ts'
import { loadDemoIfEmpty } from '../../src/demo/demo.service.ts'
import { SUPPLIER_OFFICER_EMAIL } from '../../src/demo/partnerships-demo.ts'
import { OTHER_COUNCIL_ADMIN_EMAIL } from '../../src/demo/scenario.ts'
import { sessionCookieName } from '../../src/plugins/auth.ts'
import { servedDatabase } from '../helpers/build-app.ts'
import { createTestDatabase, dialectName } from '../helpers/database.ts'
import { inOrganisation } from '../helpers/tenant-scope.ts'

/**
 * The demo's two partners kept apart (issue 10's "done when"): Goss Interactive's account manager sees none of
 * PSPS's records — by page, API and export (CSV and XLSX) — and PSPS's officer none of Goss's. And the
 * strategic partnership with Brecks District Council, a partner inside Marshland, ended in 2021 through the
 * separation process, apart from the Brecks demo organisation.
 */
describe(`demo partners: two partners apart, and Brecks's separation (${dialectName()})`, () => {
  let app: FastifyInstance
  let database: Database
  let config: Config
  let drop: () => Promise<void>
  const ids: Record<string, number> = {}

  before(async () => {
    const created = await createTestDatabase()
    database = created.database
    const served = await servedDatabase(created)
    drop = served.drop
    await loadDemoIfEmpty(database.db, 'demo password for tests')
    config = loadConfig({ NODE_ENV: 'test', DEMO: 'true', LOG_LEVEL: 'silent' })
    app = await buildApp({ config, database: served.database })
    await app.ready()
    const db = database.db
    for (const p of await db.selectFrom('partners').select(['id', 'name']).execute()) ids[p.name] = p.id
    for (const p of await db.selectFrom('projects').select(['id', 'reference']).execute())
      ids[p.reference] = p.id
    for (const p of await db.selectFrom('programmes').select(['id', 'reference']).execute())
      ids[p.reference] = p.id
    const staff = await db
      .selectFrom('people')
      .select('id')
      .where('name', '=', 'Dev Patel')
      .executeTakeFirstOrThrow()
    ids.pspsStaff = staff.id
    const recharge = await db
      .selectFrom('partner_recharges')
      .select('id')
      .where('partner_id', '=', ids.PSPS!)
      .executeTakeFirstOrThrow()
    ids.pspsRecharge = recharge.id
  })
  after(async () => {
    await app.close()
    await drop()
  })

  /** Raw requests as the user: a session made as the sign-in page makes it, and an API token. */
  async function as(email: string) {
    const user = await database.db
      .selectFrom('users as u')
      .innerJoin('memberships as m', 'm.user_id', 'u.id')
      .select(['u.id', 'm.organisation_id'])
      .where('u.email', '=', email)
      .executeTakeFirstOrThrow()
    const { token } = await app.services.auth.createSession(database.db, user.id, user.organisation_id)
    const cookie = `${sessionCookieName(config.secureCookies)}=${app.signCookie(token)}`
    const api = await inOrganisation(user.organisation_id, () =>
      app.services.tokens.create(user.organisation_id, user.id, 'test'),
    )
    return {
      page: (url: string) => app.inject({ method: 'GET', url, headers: { cookie, accept: 'text/html' } }),
      api: (url: string) =>
        app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${api.token}` } }),
    }
  }

  async function xlsxText(buffer: Buffer): Promise<string> {
    const wb = new ExcelJS.Workbook()
    await wb.xlsx.load(buffer as unknown as ArrayBuffer)
    const cells: string[] = []
    wb.eachSheet((sheet) => {
      cells.push(sheet.name)
      sheet.eachRow((row) => row.eachCell((cell) => cells.push(String(cell.text))))
    })
    return cells.join('\n')
  }

  /** Every page, API answer and export a partner officer can reach, with the other partner's name nowhere in them. */
  async function seesNothingOf(
    email: string,
    own: string[],
    hidden: { name: string; pages: string[]; api: string[] },
  ) {
    const user = await as(email)
    const reachable = [
      '/',
      '/projects',
      '/partners',
      '/people',
      '/decisions',
      ...own.flatMap((ref) => [
        `/projects/${ids[ref]}`,
        `/projects/${ids[ref]}/finance`,
        `/projects/${ids[ref]}/risks`,
        `/projects/${ids[ref]}/dependencies`,
        `/projects/${ids[ref]}/status-reports`,
      ]),
    ]
    for (const url of reachable) {
      const res = await user.page(url)
      if (res.statusCode !== 200) continue
      assert.ok(!res.body.includes(hidden.name), `${email}: ${url} names ${hidden.name}`)
    }
    for (const url of hidden.pages) assert.equal((await user.page(url)).statusCode, 404, `${email}: ${url}`)
    for (const url of [
      '/api/v1/projects',
      '/api/v1/partners',
      '/api/v1/people',
      '/api/v1/risks',
      '/api/v1/dependencies',
    ]) {
      const res = await user.api(url)
      assert.ok(!res.body.includes(hidden.name), `${email}: ${url} names ${hidden.name}`)
    }
    for (const url of hidden.api) assert.equal((await user.api(url)).statusCode, 404, `${email}: ${url}`)
    let exports = 0
    for (const url of [
      '/people/export.csv',
      '/people/export.xlsx',
      `/programmes/${ids['ICT-2019']}/spend.csv`,
      `/programmes/${ids['ICT-2019']}/finance/summary.xlsx`,
    ]) {
      const res = await user.page(url)
      if (res.statusCode !== 200) continue
      exports++
      const text = url.endsWith('.xlsx') ? await xlsxText(res.rawPayload) : res.body
      assert.ok(!text.includes(hidden.name), `${email}: ${url} names ${hidden.name}`)
    }
    assert.ok(exports >= 2, 'the officer has CSV and XLSX exports to look into')
    const projects = await user.api('/api/v1/projects')
    return projects
      .json<{ items: Array<{ reference: string }> }>()
      .items.map((p) => p.reference)
      .sort()
  }

  it('shows Goss Interactive’s account manager none of PSPS’s records, by page, API and export', async () => {
    const refs = await seesNothingOf(SUPPLIER_OFFICER_EMAIL, ['ICT-04'], {
      name: 'PSPS',
      pages: [
        `/partners/${ids.PSPS}`,
        `/projects/${ids['ICT-01']}`,
        `/projects/${ids['ICT-05']}/finance`,
        `/people/${ids.pspsStaff}`,
      ],
      api: [
        `/api/v1/partners/${ids.PSPS}`,
        `/api/v1/projects/${ids['ICT-01']}/recharges`,
        `/api/v1/recharges/${ids.pspsRecharge}`,
        `/api/v1/people/${ids.pspsStaff}`,
      ],
    })
    assert.deepEqual(refs, ['ICT-04'])
  })

  it('and PSPS’s officer none of Goss Interactive’s', async () => {
    const refs = await seesNothingOf('partner.officer@demo.oversight.test', ['ICT-01', 'ICT-02', 'ICT-05'], {
      name: 'Goss Interactive',
      pages: [`/partners/${ids['Goss Interactive']}`, `/projects/${ids['ICT-04']}`],
      api: [`/api/v1/partners/${ids['Goss Interactive']}`, `/api/v1/projects/${ids['ICT-04']}`],
    })
    assert.deepEqual(refs, ['ICT-01', 'ICT-02', 'ICT-05'])
  })

  it('records the end of the partnership with Brecks in 2021: the decision, the handover and the summary', async () => {
    const admin = await as('admin@demo.oversight.test')
    const brecks = ids['Brecks District Council']!
    const partner = await admin.page(`/partners/${brecks}`)
    assert.equal(partner.statusCode, 200)
    assert.match(partner.body, /The partnership ended on 31 March 2021/)
    assert.match(partner.body, /Neighbouring council/)
    const separation = await admin.page(`/partners/${brecks}/separation`)
    assert.equal(separation.statusCode, 200)
    assert.match(separation.body, /Hannah Reeve/)
    assert.match(
      separation.body,
      /Split: £2,450\.00 \(50%\) kept by the council, £2,450\.00 handed over to the partner/,
    )
    const decision = await database.db
      .selectFrom('decisions')
      .selectAll()
      .where('kind', '=', 'partnership_end')
      .executeTakeFirstOrThrow()
    assert.equal(decision.decided_on, '2021-02-11')
    assert.equal((await admin.page(`/decisions/${decision.id}`)).statusCode, 200)
    for (const format of ['docx', 'pdf'])
      assert.equal((await admin.page(`/partners/${brecks}/separation.${format}`)).statusCode, 200)
    // The Brecks demo organisation is another council: Marshland's partner record is nothing to it.
    const other = await as(OTHER_COUNCIL_ADMIN_EMAIL)
    assert.equal((await other.page(`/partners/${brecks}`)).statusCode, 404)
    assert.equal((await other.page(`/partners/${brecks}/separation`)).statusCode, 404)
    assert.equal((await other.api(`/api/v1/partners/${brecks}/separation`)).statusCode, 404)
  })
})
