import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { wholeOrganisation, partnerScope, type Scope } from '../../src/auth/visibility.ts'
import { loadConfig } from '../../src/config.ts'
import type { Database } from '../../src/db/database.ts'
import { capacityInMonth } from '../../src/domain/capacity.ts'
import { loadDemoIfEmpty } from '../../src/demo/demo.service.ts'
import { servedDatabase } from '../helpers/build-app.ts'
import { createTestDatabase, dialectName } from '../helpers/database.ts'
import { inOrganisation } from '../helpers/tenant-scope.ts'

/** The resourcing story the demo tells (src/demo/resourcing-demo.ts), read through the services the pages use. */
describe(`resourcing demo: the post that did not exist, Covid secondments, PSPS staff (${dialectName()})`, () => {
  let app: FastifyInstance
  let database: Database
  let drop: () => Promise<void>
  let scope: Scope
  let orgId: number

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
    orgId = org.id
    scope = wholeOrganisation(org.id)
  })
  after(async () => {
    await app.close()
    await drop()
  })

  it('the digital officer post was approved in April 2019 and filled nine months later, funded by its budget line', async () => {
    const { posts } = app.services.resourcing
    const post = (await inOrganisation(scope, () => posts.list(scope))).find(
      (p) => p.title === 'Digital officer',
    )!
    assert.equal(post.approved_on, '2019-04-01')
    assert.equal(post.starts_on, '2020-01-06')
    assert.match(post.budget_line_label ?? '', /ICT-06 .*Digital officer post/)
    const [summary] = await inOrganisation(scope, () => posts.summarise(scope, [post]))
    assert.deepEqual(summary!.currentHolders, ['Amira Khan'])
    const vacant = (
      await inOrganisation(scope, async () =>
        posts.summarise(scope, await posts.list(scope, { status: 'vacant' })),
      )
    )[0]!
    assert.equal(vacant.post.title, 'User researcher')
    assert.equal(vacant.vacancy?.months, 9)
  })

  it('the web team was seconded to the Covid-19 response in 2020, taking their capacity away', async () => {
    const { people } = app.services.resourcing
    const amira = (await inOrganisation(scope, () => people.list(scope))).find(
      (p) => p.name === 'Amira Khan',
    )!
    const secondments = await inOrganisation(scope, () => people.secondments(scope, { personId: amira.id }))
    assert.equal(secondments[0]!.reason, 'Covid-19 response')
    const holdings = await inOrganisation(scope, () => people.holdings(scope, amira.id))
    const dated = (list: Array<{ starts_on: string; ends_on: string | null; fte_hundredths: number }>) =>
      list.map((h) => ({ startsOn: h.starts_on, endsOn: h.ends_on, fteHundredths: h.fte_hundredths }))
    const may = capacityInMonth(
      dated(holdings),
      dated(secondments).map((s) => ({ ...s, direction: 'out' as const })),
      '2020-05',
    )
    assert.deepEqual(may, { contracted: 100, secondedOut: 80, secondedIn: 0, available: 20 })
  })

  it('PSPS’s partner officer sees PSPS’s staff only, and the skills catalogue is seeded', async () => {
    const { people, skills } = app.services.resourcing
    const psps = await database.db
      .selectFrom('partners')
      .select('id')
      .where('organisation_id', '=', orgId)
      .where('name', '=', 'PSPS')
      .executeTakeFirstOrThrow()
    const theirs = await inOrganisation(scope, () => people.list(partnerScope(orgId, psps.id)))
    assert.deepEqual(theirs.map((p) => p.name).sort(), ['Dev Patel', 'Lee Harper'])
    const catalogue = (await inOrganisation(scope, () => skills.list(scope))).map((s) => s.name)
    assert.ok(catalogue.includes('CRM administration'))
  })

  it('Marshland’s responsibility matrix: content owned by service areas, infrastructure by ICT, one gap', async () => {
    const views = await inOrganisation(scope, () => app.services.responsibilities.all(scope))
    const byName = new Map(views.map((v) => [v.asset.name, v]))
    const network = byName.get('Network')!
    assert.equal(network.asset.kind, 'infrastructure')
    assert.deepEqual(
      network.cells.map((c) => `${c.name}:${c.role}`),
      ['ICT Client:A', 'PSPS:R', 'Digital:I'],
    )
    assert.deepEqual(
      network.risks.map((r) => r.title),
      ['Network failure takes online services offline'],
    )
    assert.ok(byName.get('Online forms platform (Goss)')!.projects.some((p) => p.reference === 'ICT-02'))
    const gaps = views.filter((v) => v.gaps.length > 0)
    assert.deepEqual(
      gaps.map((v) => [v.asset.name, v.gaps.map((g) => g.code)]),
      [['Planning web pages', ['no-service-owner']]],
    )
    // The health check tells the programme office of the same gap.
    const check = await inOrganisation(scope, () => app.services.governance.run(scope))
    const rule = check.results.find((r) => r.rule.id === 'asset-responsibility-gap')
    assert.deepEqual(
      rule?.findings.map((f) => f.title),
      ['Planning web pages'],
    )
  })
})
