import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import type { Database } from '../../src/db/database.ts'
import { todayInLondon } from '../../src/domain/dates.ts'
import { loadDemoIfEmpty } from '../../src/demo/demo.service.ts'
import { publicForwardPlan } from '../../src/modules/forward-plan/index.ts'
import { servedDatabase } from '../helpers/build-app.ts'
import { createTestDatabase, dialectName } from '../helpers/database.ts'
import { inOrganisation } from '../helpers/tenant-scope.ts'

/** Marshland's forward plan as the demo tells it (src/demo/forward-plan-demo.ts). */
describe(`forward plan demo: the CRM award exempt, the 2021 extension late, telephony in call-in (${dialectName()})`, () => {
  let app: FastifyInstance
  let database: Database
  let drop: () => Promise<void>
  let org: number

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
    org = (
      await database.db
        .selectFrom('organisations')
        .select('id')
        .where('slug', '=', 'marshland')
        .executeTakeFirstOrThrow()
    ).id
  })
  after(async () => {
    await app.close()
    await drop()
  })

  it('keeps the exempt CRM award off the public plan and finds the late 2021 extension', async () => {
    const entries = await database.db
      .selectFrom('forward_plan_entries')
      .selectAll()
      .where('organisation_id', '=', org)
      .execute()
    const crm = entries.find((e) => e.title === 'Award of the CRM replacement contract')
    assert.equal(crm?.exempt_paragraph, '3')
    const published = (await publicForwardPlan(database.db, org)).map((e) => e.title)
    assert.ok(!published.includes('Award of the CRM replacement contract'))
    assert.ok(published.includes('Replacement of the telephony platform'))
    const late = await inOrganisation(org, () =>
      app.services.governance.findingsOf(org, 'key-decision-notice'),
    )
    assert.ok(late.some((f) => /Extension of the ICT and Digital Work Programme/.test(f.title)))
    assert.ok(
      !late.some((f) => /CRM replacement|telephony/.test(f.title)),
      late.map((f) => f.title).join('; '),
    )
  })

  it('holds the telephony decision in its call-in period', async () => {
    const d = await database.db
      .selectFrom('decisions')
      .select('id')
      .where('organisation_id', '=', org)
      .where('title', '=', 'Replacement of the telephony platform')
      .executeTakeFirstOrThrow()
    const callIn = await inOrganisation(org, () => app.services.forwardPlan.callIn(org, d.id))
    assert.ok(callIn && callIn.endsOn >= todayInLondon())
  })
})
