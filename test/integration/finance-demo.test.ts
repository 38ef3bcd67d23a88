import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import type { Database } from '../../src/db/database.ts'
import { loadDemoIfEmpty } from '../../src/demo/demo.service.ts'
import { DEMO_DOMAIN, LOCAL_PARTS } from '../../src/demo/people.ts'
import { verifyAuditChain } from '../../src/modules/audit/audit.service.ts'
import { todayInLondon } from '../../src/domain/dates.ts'
import { financialYearOf } from '../../src/domain/periods.ts'
import { Agent, servedDatabase } from '../helpers/build-app.ts'
import { createTestDatabase, dialectName } from '../helpers/database.ts'
import { tableText } from './finance-helpers.ts'
import { wholeOrganisation } from '../../src/auth/visibility.ts'
import { inOrganisation } from '../helpers/tenant-scope.ts'

const PASSWORD = 'demo password for tests'

describe(`finance in the demo (${dialectName()})`, () => {
  let app: FastifyInstance
  let database: Database
  let drop: () => Promise<void>
  let agent: Agent
  let org: number

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
    const email = `${LOCAL_PARTS.finance_officer}@${DEMO_DOMAIN}`
    assert.equal((await agent.post('/sign-in', { email, password: PASSWORD })).status, 303)
    org = (
      await database.db
        .selectFrom('projects')
        .select('organisation_id')
        .where('reference', '=', 'ICT-01')
        .executeTakeFirstOrThrow()
    ).organisation_id
  })
  after(async () => {
    await app.close()
    await drop()
  })

  it('shows all four finance flags for Marshland', async () => {
    const flags = await inOrganisation(org, () => app.services.finance.flags(wholeOrganisation(org)))
    const rules = new Set(flags.map((f) => f.rule))
    for (const rule of [
      'monitoring_not_signed_off',
      'actuals_beyond_profile',
      'forecast_over_budget',
      'budget_spent_work_outstanding',
    ])
      assert.ok(rules.has(rule as never), `${rule} in ${JSON.stringify(flags, null, 1)}`)
    assert.deepEqual((await verifyAuditChain(database.db)).problems, [])
  })

  it('flags no project closed before this financial year', async () => {
    const fyStart = `${financialYearOf(todayInLondon()).startYear}-04-01`
    const closedLongAgo = await database.db
      .selectFrom('projects')
      .select(['id', 'reference'])
      .where('organisation_id', '=', org)
      .where('stage', 'in', ['closed', 'cancelled'])
      .where('actual_end', '<', fyStart)
      .where((eb) =>
        eb.exists(
          eb.selectFrom('budget_lines').select('id').whereRef('budget_lines.project_id', '=', 'projects.id'),
        ),
      )
      .execute()
    assert.ok(closedLongAgo.length > 0, 'the demo has projects with budgets closed in earlier years')
    const flags = await inOrganisation(org, () => app.services.finance.flags(wholeOrganisation(org)))
    const ids = new Set(closedLongAgo.map((p) => p.id))
    assert.deepEqual(
      flags.filter((f) => ids.has(f.projectId)).map((f) => `${f.projectName}: ${f.detail}`),
      [],
    )
  })

  it("tells the panel's story on the programme finance summary", async () => {
    const programme = await database.db
      .selectFrom('projects')
      .select('programme_id')
      .where('reference', '=', 'ICT-01')
      .executeTakeFirstOrThrow()
    const now = await agent.get(`/programmes/${programme.programme_id}/finance`)
    assert.equal(now.status, 200)
    assert.match(now.text, /Web developer/)
    assert.match(now.text, /Does not reconcile/)
    const covid = await agent.get(`/programmes/${programme.programme_id}/finance?year=2020-21`)
    assert.match(covid.text, /Covid-19 — relieved cost pressures/)
    assert.match(
      covid.text,
      /Not eligible: Grants officer salary \(£7,500\.00\) — base cost already in the budget/,
    )
    assert.match(tableText(covid.document.querySelector('#by-project-table')), /ICT-04/)
  })

  it("counts the web developer's next-quarter order against the website's budget", async () => {
    const project = await database.db
      .selectFrom('projects')
      .select('id')
      .where('reference', '=', 'ICT-01')
      .executeTakeFirstOrThrow()
    const page = await agent.get(`/projects/${project.id}/finance`)
    assert.equal(page.status, 200)
    assert.match(
      tableText(page.document.querySelector('#commitments-table')),
      /PSPS PO 4501187 Web developer, next quarter \(non-base\) £6,000\.00/,
    )
    const totals = tableText(page.document.querySelector('#finance-totals'))
    assert.match(totals, /Commitments \(orders not yet invoiced\) £6,000\.00/)
    const pounds = (label: string) =>
      Number(new RegExp(`${label} (-?)£([\\d,.]+)`).exec(totals)!.slice(1).join('').replace(/,/g, ''))
    // What is left is the budget less what has been paid and what has been ordered, to the penny.
    assert.equal(
      pounds('Budget remaining after commitments'),
      Math.round((pounds('Budget') - pounds('Actual spend') - 6000) * 100) / 100,
      totals,
    )
  })
})
