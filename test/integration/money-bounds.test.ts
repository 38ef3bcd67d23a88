import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import { MAX_PENCE, MIN_PENCE } from '../../src/domain/money.ts'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { pay } from './finance-helpers.ts'

type JsonSchema = {
  $ref?: string
  type?: string | string[]
  minimum?: number
  maximum?: number
  properties?: Record<string, JsonSchema>
  items?: JsonSchema
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
}
type OpenApi = {
  paths: Record<
    string,
    Record<string, { requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>
  >
  components?: { schemas?: Record<string, JsonSchema> }
}

/** Every amount a request can carry: properties named …Pence, and the items of arrays named so. */
function moneyFields(doc: OpenApi, schema: JsonSchema | undefined, at: string, out: Map<string, JsonSchema>) {
  if (!schema) return
  if (schema.$ref) schema = doc.components?.schemas?.[schema.$ref.split('/').pop()!]
  if (!schema) return
  for (const s of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])]) moneyFields(doc, s, at, out)
  if (schema.items) moneyFields(doc, schema.items, `${at}[]`, out)
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    if (/pence$/i.test(name)) out.set(`${at}.${name}`, prop.items ?? prop)
    moneyFields(doc, prop, `${at}.${name}`, out)
  }
}

describe(`money is bounded to ±£99,999,999,999.99 everywhere (${dialectName()})`, () => {
  let t: TestApp
  let token: string
  let projectId: number
  let programmeId: number
  let partnerId: number
  let streamId: number
  before(async () => {
    t = await buildTestApp()
    token = await t.tokenFor(t.orgs.a.users.finance_officer)
    const admin = await t.tokenFor(t.orgs.a.users.administrator)
    const make = async (tok: string, url: string, body: unknown) => {
      const res = await t.api(tok, 'POST', url, body)
      assert.equal(res.statusCode, 201, res.body)
      return res.json<{ id: number }>().id
    }
    programmeId = await make(admin, '/api/v1/programmes', { reference: 'BIG', name: 'Big programme' })
    projectId = await make(admin, '/api/v1/projects', { reference: 'BIG-01', name: 'Big', programmeId })
    partnerId = await make(token, '/api/v1/partners', { name: 'PSPS' })
    streamId = await make(token, '/api/v1/funding-streams', {
      name: 'Core',
      kind: 'core_revenue',
      baseCostsEligible: true,
    })
  })
  after(() => t.close())

  it('documents the bound on every amount of every API request body', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' })
    const doc = res.json<OpenApi>()
    const fields = new Map<string, JsonSchema>()
    for (const [path, ops] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(ops))
        moneyFields(doc, op.requestBody?.content?.['application/json']?.schema, `${method} ${path}`, fields)
    assert.ok(fields.size >= 15, `found only ${[...fields.keys()].join(', ')}`)
    for (const [at, s] of fields) {
      const type = Array.isArray(s.type) ? s.type : [s.type]
      assert.ok(type.includes('integer'), `${at} is an integer`)
      assert.ok(s.maximum !== undefined && s.maximum <= MAX_PENCE, `${at} has maximum ≤ ${MAX_PENCE}`)
      assert.ok(s.minimum !== undefined && s.minimum >= MIN_PENCE, `${at} has minimum ≥ ${MIN_PENCE}`)
    }
  })

  it('refuses amounts beyond the bound (or not whole pence) with a field error, and takes the bound', async () => {
    const recharge = (amountPence: number) =>
      t.api(token, 'POST', `/api/v1/projects/${projectId}/recharges`, {
        partnerId,
        description: 'Recharge',
        period: '2025-06',
        amountPence,
        costBasis: 'non_base',
      })
    for (const bad of [1e308, 2 ** 53, 1e13, -1e13, 1.5]) {
      const res = await recharge(bad)
      assert.equal(res.statusCode, 400, `${bad}: ${res.body}`)
      const fields = res.json<{ fields: Record<string, string> }>().fields
      assert.ok(fields.amountPence, `${bad}: ${res.body}`)
      if (Math.abs(bad) >= 1e13) assert.match(fields.amountPence, /£100,000,000,000/)
    }
    // Any amount beyond the bound, whichever sign, is refused; any within it is taken (property).
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.integer({ min: MAX_PENCE + 1, max: Number.MAX_SAFE_INTEGER }),
          fc.integer({ min: Number.MIN_SAFE_INTEGER, max: MIN_PENCE - 1 }),
          fc.double({ min: 1e13, max: 1e308, noNaN: true }),
        ),
        async (amount) => assert.equal((await recharge(amount)).statusCode, 400, String(amount)),
      ),
      { numRuns: 25 },
    )
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: MIN_PENCE, max: MAX_PENCE }), async (amount) =>
        assert.equal((await recharge(amount)).statusCode, 201, String(amount)),
      ),
      { numRuns: 10 },
    )
    assert.equal((await recharge(9_999_999_999_999)).statusCode, 201)
    assert.equal((await recharge(-9_999_999_999_999)).statusCode, 201)
    const claim = await t.api(token, 'POST', '/api/v1/claims', {
      fundingStreamId: streamId,
      title: 'Too much',
      eligiblePence: 1e308,
      status: 'draft',
    })
    assert.equal(claim.statusCode, 400, claim.body)
    assert.ok(claim.json<{ fields: Record<string, string> }>().fields.eligiblePence)
    const forecast = await t.api(token, 'POST', `/api/v1/projects/${projectId}/forecasts`, {
      financialYear: '2025/26',
      period: '2025-05',
      forecastOutturnPence: 2 ** 53,
    })
    assert.equal(forecast.statusCode, 400, forecast.body)
  })

  it('refuses an amount beyond the bound on a form, in the council’s words', async () => {
    const fo = await t.signIn(t.orgs.a.users.finance_officer)
    const res = await fo.post(`/projects/${projectId}/recharges`, {
      partnerId: String(partnerId),
      description: 'Web developer',
      period: '2025-06',
      amount: '£100,000,000,000.00',
      costBasis: 'non_base',
    })
    assert.equal(res.status, 400)
    assert.match(res.text, /Amount must be less than £100,000,000,000/)
    const credit = await fo.post(`/projects/${projectId}/recharges`, {
      partnerId: String(partnerId),
      description: 'Web developer',
      period: '2025-06',
      amount: '-1e308',
      costBasis: 'non_base',
    })
    assert.equal(credit.status, 400)
    assert.match(credit.text, /Amount must be an amount of money/)
  })

  it('refuses an amount beyond the bound on the decision, business case and tolerance forms', async () => {
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const decision = await pm.post('/decisions', {
      title: 'Approve the budget',
      approvedBudget: '£100,000,000,000',
      status: 'draft',
    })
    assert.equal(decision.status, 400)
    assert.match(decision.text, /Approved budget must be less than £100,000,000,000/)
    const businessCase = await pm.post(`/projects/${projectId}/business-case`, {
      version: '',
      budgetRequested: '99999999999999',
    })
    assert.equal(businessCase.status, 400)
    assert.match(businessCase.text, /Budget requested must be less than £100,000,000,000/)
    const tolerance = await pm.post(`/programmes/${programmeId}/tolerances`, {
      version: '',
      costPounds: '1' + '0'.repeat(20),
    })
    assert.equal(tolerance.status, 400)
    assert.match(tolerance.text, /Cost tolerance \(£\) must be less than £100,000,000,000/)
  })

  it('reports a ledger row of £100,000,000,000 or more as a bad row, with its line', async () => {
    const csv = [
      'Date,Supplier,Amount,Reference',
      '01/06/2025,Webworks Ltd,1250.00,T1',
      '02/06/2025,Webworks Ltd,"9,999,999,999,999.99",T2',
      '03/06/2025,Webworks Ltd,-100000000000,T3',
      '04/06/2025,Webworks Ltd,"99,999,999,999.99",T4',
    ].join('\n')
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/ledger/imports?fileName=big.csv',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', accept: 'application/json' },
      payload: csv,
    })
    assert.equal(res.statusCode, 201, res.body)
    const imp = res.json<{
      rowsGood: number
      rowsBad: number
      problems: Array<{ line: number; reason: string }>
    }>()
    assert.equal(imp.rowsGood, 2, res.body)
    assert.equal(imp.rowsBad, 2, res.body)
    assert.deepEqual(
      imp.problems.map((p) => p.line),
      [3, 4],
    )
    assert.match(imp.problems[0]!.reason, /less than £100,000,000,000/)
    assert.match(imp.problems[1]!.reason, /more than -£100,000,000,000/)
  })

  it('shows every finance page whatever amounts the database holds', async () => {
    const db = t.database.db
    const org = t.orgs.a.id
    for (const p of [2 ** 53, 9e15, -9e15, -(2 ** 53)]) await pay(t, org, projectId, '2025-06-01', p, 'PSPS')
    await pay(t, org, null, '2025-06-01', 2 ** 53)
    // SQLite keeps what it is given: 1e308 in an integer column is a real, as the API once let through.
    if (dialectName() === 'sqlite') await pay(t, org, projectId, '2025-07-01', 1e308, 'PSPS')
    await db
      .updateTable('partners')
      .set({ annual_base_contract_pence: 2 ** 53 })
      .where('id', '=', partnerId)
      .execute()
    await db
      .updateTable('partner_recharges')
      .set({ amount_pence: 2 ** 53 })
      .where('organisation_id', '=', org)
      .execute()
    const claimId = (
      await t.api(token, 'POST', '/api/v1/claims', {
        fundingStreamId: streamId,
        projectId,
        title: 'Huge',
        status: 'draft',
      })
    ).json<{ id: number }>().id
    await db
      .updateTable('claims')
      .set({ eligible_pence: 2 ** 53, claimed_pence: 9e15, received_pence: -(2 ** 53) })
      .where('id', '=', claimId)
      .execute()
    const line = await t.api(token, 'POST', `/api/v1/projects/${projectId}/budget-lines`, {
      financialYear: '2025/26',
      category: 'revenue',
      fundingStreamId: streamId,
      costType: 'staff',
      amountPence: 100,
      profileMethod: 'flat',
    })
    assert.equal(line.statusCode, 201, line.body)
    await db
      .updateTable('budget_lines')
      .set({ amount_pence: 2 ** 53 })
      .where('organisation_id', '=', org)
      .execute()
    await db
      .updateTable('budget_line_periods')
      .set({ amount_pence: 9e15 })
      .where('budget_line_id', '=', line.json<{ id: number }>().id)
      .execute()

    const rechargeId = (
      await db
        .selectFrom('partner_recharges')
        .select('id')
        .where('organisation_id', '=', org)
        .executeTakeFirstOrThrow()
    ).id
    const fo = await t.signIn(t.orgs.a.users.finance_officer)
    for (const url of [
      '/finance',
      '/finance?year=2025-26',
      '/partners',
      '/claims',
      `/claims/${claimId}`,
      `/claims/${claimId}/edit`,
      `/projects/${projectId}/finance?year=2025-26`,
      `/programmes/${programmeId}/finance?year=2025-26`,
      '/finance/suspense',
      '/',
      `/projects/${projectId}`,
      `/programmes/${programmeId}`,
      `/partners/${partnerId}/edit`,
      `/recharges/${rechargeId}/edit`,
      `/programmes/${programmeId}/finance/summary.xlsx?year=2025-26`,
    ]) {
      const page = await fo.get(url)
      assert.equal(page.status, 200, `${url}: ${page.text.slice(0, 300)}`)
    }
    // The correction page shows the amount held and takes a corrected one.
    const edit = await fo.get(`/recharges/${rechargeId}/edit`)
    assert.equal(edit.document.querySelector<HTMLInputElement>('#amount')?.value, '90071992547409.92')
    const { version } = await db
      .selectFrom('partner_recharges')
      .select('version')
      .where('id', '=', rechargeId)
      .executeTakeFirstOrThrow()
    const recharge = {
      version: String(version),
      partnerId: String(partnerId),
      description: 'Recharge',
      period: '2025-06',
      costBasis: 'non_base',
    }
    const still = await fo.post(`/recharges/${rechargeId}/edit`, { ...recharge, amount: '90071992547409.92' })
    assert.equal(still.status, 400)
    assert.match(still.text, /Amount must be less than £100,000,000,000/)
    const corrected = await fo.post(`/recharges/${rechargeId}/edit`, { ...recharge, amount: '3,250.00' })
    assert.equal(corrected.status, 303, corrected.text)

    const project = await fo.get(`/projects/${projectId}/finance?year=2025-26`)
    assert.match(project.text, /about £90,071,992,547,409\.92/)

    // The API does not pass off a rounded number as exact pence: it says why it cannot answer.
    for (const url of [
      `/api/v1/projects/${projectId}/finance?year=2025-26`,
      `/api/v1/programmes/${programmeId}/finance?year=2025-26`,
    ]) {
      const res = await t.api(token, 'GET', url)
      assert.equal(res.statusCode, 422, `${url}: ${res.body}`)
      assert.match(res.json<{ message: string }>().message, /too large to give exactly/)
    }
    // A record answers as the database holds it, so the API can be used to find and correct it.
    for (const url of [
      '/api/v1/finance/flags',
      '/api/v1/partners',
      `/api/v1/claims/${claimId}`,
      '/api/v1/ledger/transactions',
    ])
      assert.equal((await t.api(token, 'GET', url)).statusCode, 200, url)
  })
})
