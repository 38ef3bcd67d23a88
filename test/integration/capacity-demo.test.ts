import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { wholeOrganisation, type Scope } from '../../src/auth/visibility.ts'
import { loadConfig } from '../../src/config.ts'
import type { Database } from '../../src/db/database.ts'
import { loadDemoIfEmpty } from '../../src/demo/demo.service.ts'
import { CAPACITY_HEALTH_RULES } from '../../src/modules/resourcing/capacity/index.ts'
import { servedDatabase } from '../helpers/build-app.ts'
import { createTestDatabase, dialectName } from '../helpers/database.ts'
import { inOrganisation } from '../helpers/tenant-scope.ts'

/** The demand and allocation the demo tells (src/demo/capacity-demo.ts), read through the capacity service. */
describe(`capacity demo: the digital role nobody filled, Covid capacity lost, PSPS allocated (${dialectName()})`, () => {
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

  it('shows nine unfilled months of the digital role from April 2019, lost capacity in 2020, and PSPS allocated', async () => {
    const { capacity } = app.services.resourcing.capacity
    const y2019 = await inOrganisation(scope, () =>
      capacity.report(scope, { from: '2019-04', to: '2019-12' }),
    )
    const digital = y2019.unfilled.find((u) => u.title === 'Web developer / content designer')
    assert.deepEqual(digital && [digital.projectReference, digital.firstPeriod, digital.months], [
      'ICT-06',
      '2019-04',
      9,
    ])
    const covid = await inOrganisation(scope, () =>
      capacity.report(scope, { from: '2020-04', to: '2020-04' }),
    )
    assert.deepEqual(
      covid.overAllocated.map((o) => [o.name, o.allocated, o.available]),
      [
        ['Amira Khan', 100, 20],
        ['Sean Doyle', 50, 0],
      ],
    )
    assert.ok(!covid.unfilled.some((u) => u.title === 'Web developer'), 'PSPS’s web developer is allocated')
  })

  it('warns of the unallocated digital role in 2019, N weeks ahead as the organisation sets, and not today', async () => {
    const [rule] = CAPACITY_HEALTH_RULES
    const findings = async (today: string, threshold: number | null) =>
      (
        await rule!.evaluate({
          db: database.db,
          organisationId: scope.organisationId,
          today,
          period: today.slice(0, 7),
          threshold,
        })
      ).map((f) => f.title)
    assert.deepEqual(await findings('2019-06-03', null), ['ICT-06: Web developer / content designer'])
    assert.deepEqual(await findings('2019-02-01', 4), [])
    assert.deepEqual(await findings('2019-02-01', 10), ['ICT-06: Web developer / content designer'])
    assert.ok(!(await findings('2020-02-03', 8)).includes('ICT-06: Web developer / content designer'))
  })

  it('the delivery gate needs resources in place, and Northgate, whose next gate it is, shows its unfilled role', async () => {
    const northgate = await database.db
      .selectFrom('projects')
      .select('id')
      .where('organisation_id', '=', scope.organisationId)
      .where('reference', '=', 'ICT-05')
      .executeTakeFirstOrThrow()
    const views = await inOrganisation(scope, () => app.services.gates.projectGates(scope, northgate.id))
    const next = views?.find((v) => v.record === null)
    assert.deepEqual(next && [next.gate.code, next.gate.requires_resources], ['FBC', 1])
    assert.deepEqual(
      views?.filter((v) => v.gate.requires_resources === 1).map((v) => v.gate.code),
      ['FBC'],
      'one gate of the lifecycle',
    )
    const soon = await inOrganisation(scope, () =>
      app.services.governance.findingsOf(scope.organisationId, 'role-unallocated-before-start'),
    )
    assert.ok(
      soon.some((f) => f.title === 'ICT-05: Northgate system administrator'),
      'the early warning finds it today',
    )
  })

  it('PSPS’s web developer recharges link to that person, of PSPS’s staff', async () => {
    const rows = await database.db
      .selectFrom('partner_recharges as r')
      .innerJoin('partners as pa', 'pa.id', 'r.partner_id')
      .leftJoin('people as pe', 'pe.id', 'r.person_id')
      .select(['pe.name', 'pe.partner_id', 'r.partner_id as recharged'])
      .where('r.organisation_id', '=', scope.organisationId)
      .where('pa.name', '=', 'PSPS')
      .where('r.description', '=', 'Web developer')
      .execute()
    assert.ok(rows.length > 0)
    assert.ok(rows.every((r) => r.name === 'Lee Harper' && r.partner_id === r.recharged))
  })
})
