import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { pay } from './finance-helpers.ts'

describe(`finance API (${dialectName()})`, () => {
  let t: TestApp
  let token: string
  let programmeId: number
  let projectId: number
  before(async () => {
    t = await buildTestApp()
    token = await t.tokenFor(t.orgs.a.users.finance_officer)
    const admin = await t.tokenFor(t.orgs.a.users.administrator)
    const make = async (url: string, body: unknown) => {
      const res = await t.api(admin, 'POST', url, body)
      assert.equal(res.statusCode, 201, res.body)
      return res.json<{ id: number }>().id
    }
    programmeId = await make('/api/v1/programmes', { reference: 'ICT', name: 'ICT programme' })
    projectId = await make('/api/v1/projects', { reference: 'ICT-01', name: 'Website', programmeId })
  })
  after(() => t.close())

  it('creates a stream and a budget line whose profile sums to the penny, then reads the finance back', async () => {
    const stream = await t.api(token, 'POST', '/api/v1/funding-streams', {
      name: 'Core revenue budget',
      kind: 'core_revenue',
      baseCostsEligible: true,
    })
    assert.equal(stream.statusCode, 201, stream.body)
    const bad = await t.api(token, 'POST', `/api/v1/projects/${projectId}/budget-lines`, {
      financialYear: '2025/26',
      category: 'revenue',
      fundingStreamId: stream.json<{ id: number }>().id,
      costType: 'staff',
      amountPence: 10000,
      profileMethod: 'manual',
      manualProfilePence: [5000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
    })
    assert.equal(bad.statusCode, 400)
    assert.equal(
      bad.json<{ fields: Record<string, string> }>().fields.manualProfile,
      'The monthly amounts must add up to the budget amount',
    )
    const line = await t.api(token, 'POST', `/api/v1/projects/${projectId}/budget-lines`, {
      financialYear: '2025/26',
      category: 'revenue',
      fundingStreamId: stream.json<{ id: number }>().id,
      costType: 'staff',
      amountPence: 1000001,
      profileMethod: 'flat',
    })
    assert.equal(line.statusCode, 201, line.body)
    const body = line.json<{ id: number; version: number; profile: Array<{ amountPence: number }> }>()
    assert.equal(body.profile.length, 12)
    assert.equal(
      body.profile.reduce((s, p) => s + p.amountPence, 0),
      1000001,
    )
    const stale = await t.api(token, 'PATCH', `/api/v1/budget-lines/${body.id}`, {
      version: body.version + 1,
      amountPence: 5,
    })
    assert.equal(stale.statusCode, 409)
    const changed = await t.api(token, 'PATCH', `/api/v1/budget-lines/${body.id}`, {
      version: body.version,
      amountPence: 1200000,
    })
    assert.equal(changed.statusCode, 200, changed.body)
    assert.equal(changed.json<{ profile: Array<{ amountPence: number }> }>().profile[0]!.amountPence, 100000)

    await pay(t, t.orgs.a.id, projectId, '2025-05-01', 250000)
    const forecast = await t.api(token, 'POST', `/api/v1/projects/${projectId}/forecasts`, {
      financialYear: '2025/26',
      period: '2025-05',
      forecastOutturnPennies: 1,
    })
    assert.equal(forecast.statusCode, 400, 'unknown field refused')
    const ok = await t.api(token, 'POST', `/api/v1/projects/${projectId}/forecasts`, {
      financialYear: '2025/26',
      period: '2025-05',
      forecastOutturnPence: 1300000,
    })
    assert.equal(ok.statusCode, 201, ok.body)
    const finance = await t.api(token, 'GET', `/api/v1/projects/${projectId}/finance?year=2025-26`)
    assert.equal(finance.statusCode, 200)
    const f = finance.json<{ budgetPence: number; actualsPence: number; variancePence: number }>()
    assert.deepEqual([f.budgetPence, f.actualsPence, f.variancePence], [1200000, 250000, 100000])
    const summary = await t.api(token, 'GET', `/api/v1/programmes/${programmeId}/finance?year=2025-26`)
    assert.equal(summary.statusCode, 200)
    assert.equal(
      summary.json<{ projects: Array<{ byCostTypePence: Record<string, number> }> }>().projects[0]!
        .byCostTypePence.staff,
      1200000,
    )
    const flags = await t.api(token, 'GET', '/api/v1/finance/flags')
    assert.equal(flags.statusCode, 200)
    const foreign = await t.tokenFor(t.orgs.b.users.administrator)
    assert.equal((await t.api(foreign, 'GET', `/api/v1/projects/${projectId}/finance`)).statusCode, 404)
    assert.equal((await t.api(foreign, 'GET', `/api/v1/budget-lines/${body.id}`)).statusCode, 404)
    const viewer = await t.tokenFor(t.orgs.a.users.viewer)
    assert.equal(
      (
        await t.api(viewer, 'POST', '/api/v1/funding-streams', {
          name: 'x',
          kind: 'named',
          baseCostsEligible: true,
        })
      ).statusCode,
      403,
    )
    const doc = t.app.swagger() as { paths: Record<string, unknown> }
    for (const p of [
      '/api/v1/funding-streams',
      '/api/v1/projects/{projectId}/budget-lines',
      '/api/v1/programmes/{programmeId}/finance',
      '/api/v1/claims',
    ])
      assert.ok(doc.paths[p], `${p} in the OpenAPI document`)
  })
})
