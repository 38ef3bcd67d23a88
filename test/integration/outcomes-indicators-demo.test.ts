import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { wholeOrganisation, type Scope } from '../../src/auth/visibility.ts'
import { loadConfig } from '../../src/config.ts'
import type { Database } from '../../src/db/database.ts'
import { todayInLondon } from '../../src/domain/dates.ts'
import { lastCompletePeriod } from '../../src/domain/reporting-periods.ts'
import { loadDemoIfEmpty } from '../../src/demo/demo.service.ts'
import { Agent, servedDatabase } from '../helpers/build-app.ts'
import { createTestDatabase, dialectName } from '../helpers/database.ts'
import { inOrganisation } from '../helpers/tenant-scope.ts'

/** The indicators the demo tells (src/demo/outcomes-indicators.ts), read through the indicators service. */
describe(`indicators demo: channel shift from April 2019 and the Covid switch (${dialectName()})`, () => {
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

  it('counts contacts monthly from April 2019 to last month, with web passing telephone after Covid', async () => {
    const views = await inOrganisation(scope, () => app.services.indicators.all(scope))
    const channel = views.filter((v) => v.indicator.group_name === 'Channel shift')
    assert.deepEqual(
      channel.map((v) => v.indicator.name),
      ['Contacts by social media', 'Contacts by telephone', 'Contacts by web', 'Contacts face to face'],
    )
    const byName = new Map(channel.map((v) => [v.indicator.name, v]))
    const at = (name: string, period: string) =>
      byName.get(name)!.series.find((p) => p.period === period)?.value
    const phone = byName.get('Contacts by telephone')!
    assert.equal(phone.series[0]!.period, '2019-04')
    assert.equal(phone.series.at(-1)!.period, lastCompletePeriod('monthly', todayInLondon()))
    assert.ok(
      phone.series.every((p) => p.value !== null),
      'a value for every month',
    )
    assert.ok(at('Contacts by telephone', '2019-06')! > 2 * at('Contacts by web', '2019-06')!)
    assert.ok(at('Contacts by web', '2020-06')! > at('Contacts by telephone', '2020-06')!)
    assert.equal(at('Contacts face to face', '2020-05'), 0)
    assert.deepEqual(phone.links.map((l) => l.title).slice(0, 2), [
      'Digital by preference: most contacts start online by 2023',
      'ICT-2019: ICT and Digital Work Programme 2019–2022',
    ])

    const grants = views.find((v) => v.indicator.name === '% of grant applications paid within 10 days')!
    assert.equal(grants.indicator.frequency, 'quarterly')
    assert.equal(grants.series[0]!.period, '2020/21-Q1')
    assert.equal(grants.latest?.status, 'on-target')
  })

  it('shows the channel-shift mix with its figures, and an indicator with its trend and table', async () => {
    const agent = new Agent(app)
    await agent.get('/sign-in')
    const signedIn = await agent.post('/sign-in', {
      email: 'viewer@demo.oversight.test',
      password: 'demo password for tests',
    })
    assert.equal(signedIn.status, 303)
    const group = await agent.get('/indicators/group?name=Channel%20shift')
    assert.equal(group.status, 200)
    assert.ok(group.document.querySelector('svg[role="img"]'), 'the mix chart')
    assert.match(group.text, /Financial year .*2019\/20 /)
    const list = await agent.get('/indicators')
    const href = [...list.document.querySelectorAll('a')].find(
      (a) => a.textContent === 'Contacts by telephone',
    )
    const page = await agent.get(href!.getAttribute('href')!)
    assert.equal(page.status, 200)
    assert.ok(
      page.document.querySelector('svg[role="img"] path[stroke-dasharray]') ||
        page.text.includes('No target'),
    )
  })
})
