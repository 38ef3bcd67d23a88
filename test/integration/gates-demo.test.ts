import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import type { Database } from '../../src/db/database.ts'
import { loadDemoIfEmpty } from '../../src/demo/demo.service.ts'
import { servedDatabase } from '../helpers/build-app.ts'
import { createTestDatabase, dialectName } from '../helpers/database.ts'
import { wholeOrganisation, type Scope } from '../../src/auth/visibility.ts'
import { inOrganisation } from '../helpers/tenant-scope.ts'

/** The governance story the demo tells (src/demo/governance-demo.ts), read through the services G2's health check uses. */
describe(`governance demo: gates, decisions and RAID for Marshland (${dialectName()})`, () => {
  let app: FastifyInstance
  let database: Database
  let drop: () => Promise<void>
  let scope: Scope

  before(async () => {
    const created = await createTestDatabase()
    database = created.database
    const served = await servedDatabase(created)
    drop = served.drop
    await loadDemoIfEmpty(database.db, 'demo password for tests')
    app = await buildApp({
      config: loadConfig({ NODE_ENV: 'test', DEMO: 'true', LOG_LEVEL: 'silent' }),
      database: served.database,
    })
    await app.ready()
    const org = await database.db
      .selectFrom('organisations')
      .select('id')
      .where('slug', '=', 'marshland')
      .executeTakeFirstOrThrow()
    scope = wholeOrganisation(org.id)
  })
  after(async () => {
    await app.close()
    await drop()
  })

  it('flags the projects in delivery without a passed delivery gate: the minute’s first lesson', async () => {
    const flagged = await inOrganisation(scope, () =>
      app.services.gates.projectsInDeliveryWithoutPassedGate(scope),
    )
    assert.deepEqual(
      flagged.map((p) => p.reference),
      ['ICT-01', 'ICT-05', 'ICT-06'],
    )
    const ict06 = flagged.find((p) => p.reference === 'ICT-06')!
    const gates = await inOrganisation(scope, () => app.services.gates.projectGates(scope, ict06.id))
    const fbc = gates!.find((g) => g.gate.code === 'FBC')!
    assert.equal(fbc.record, null)
    assert.ok(
      fbc.conditions.some((c) => c.key === 'businessCase' && !c.met),
      'the business case is incomplete',
    )
  })

  it('holds the Portfolio Holder’s decisions, one awaiting decision, and the Digital Programme Board', async () => {
    const log = await inOrganisation(scope, () => app.services.decisions.list(scope))
    assert.ok(
      log.some((d) => d.title === 'Programme extended after the 2021 review' && d.status === 'published'),
    )
    const waiting = await inOrganisation(scope, () => app.services.decisions.awaitingPortfolioHolder(scope))
    assert.equal(waiting.length, 1)
    const boards = await inOrganisation(scope, () => app.services.boards.list(scope))
    assert.deepEqual(
      boards.map((b) => b.name),
      // Cabinet takes the forward plan's key decisions (src/demo/forward-plan-demo.ts).
      ['Cabinet', 'Digital Programme Board'],
    )
  })

  it('has resilience risks, escalations, overdue reviews and an issue without an owner', async () => {
    const risks = await inOrganisation(scope, () => app.services.raid.listRisks(scope))
    assert.ok(risks.some((r) => r.category === 'resilience' && /Network failure/.test(r.title)))
    assert.ok(risks.some((r) => r.category === 'resilience' && /PSPS hosting/.test(r.title)))
    assert.ok(risks.filter((r) => r.escalated === 1).length >= 2)
    assert.equal((await inOrganisation(scope, () => app.services.raid.risksPastReviewDate(scope))).length, 2)
    assert.equal((await inOrganisation(scope, () => app.services.raid.issuesWithoutOwner(scope))).length, 1)
  })
})
