import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { tableText } from './finance-helpers.ts'

/** Correcting funding streams, partners and recharges, and removing a recharge entered in error. */
describe(`finance corrections (${dialectName()})`, () => {
  let t: TestApp
  let adminToken: string
  let projectId: number
  let streamId: number
  let partnerId: number
  const make = async (url: string, body: unknown) => {
    const res = await t.api(adminToken, 'POST', url, body)
    assert.equal(res.statusCode, 201, res.body)
    return res.json<{ id: number }>().id
  }
  const recharge = (amountPence: number, period = '2025-06') =>
    make(`/api/v1/projects/${projectId}/recharges`, {
      partnerId,
      description: 'Web developer',
      period,
      amountPence,
      costBasis: 'non_base',
    })

  before(async () => {
    t = await buildTestApp()
    adminToken = await t.tokenFor(t.orgs.a.users.administrator)
    const programmeId = await make('/api/v1/programmes', { reference: 'ICT', name: 'ICT programme' })
    projectId = await make('/api/v1/projects', { reference: 'ICT-01', name: 'Website', programmeId })
    streamId = await make('/api/v1/funding-streams', {
      name: 'Covid-19 — relieved cost pressures',
      kind: 'named',
      eligibility: 'Covid costs',
      baseCostsEligible: true,
    })
    partnerId = await make('/api/v1/partners', { name: 'PSSP', baseContract: 'ICT shared service' })
  })
  after(() => t.close())

  /** Who may not correct finance records: read-only roles get 403, another organisation 404. */
  async function refusedToOthers(pageUrl: string, apiUrl: string) {
    for (const role of ['viewer', 'partner_officer', 'project_manager'] as const) {
      const agent = await t.signIn(t.orgs.a.users[role])
      assert.equal((await agent.get(pageUrl)).status, 403, `${role} GET ${pageUrl}`)
      assert.equal((await agent.post(pageUrl, { version: '1' })).status, 403, `${role} POST ${pageUrl}`)
      const token = await t.tokenFor(t.orgs.a.users[role])
      assert.equal((await t.api(token, 'PATCH', apiUrl, { version: 1 })).statusCode, 403, `${role} PATCH`)
    }
    const foreign = await t.signIn(t.orgs.b.users.administrator)
    const fPage = await foreign.get(pageUrl)
    assert.equal(fPage.status, 404)
    assert.equal((await foreign.post(pageUrl, { version: '1', name: 'Mine now' })).status, 404)
    const fToken = await t.tokenFor(t.orgs.b.users.administrator)
    assert.equal((await t.api(fToken, 'GET', apiUrl)).statusCode, 404)
    const fPatch = await t.api(fToken, 'PATCH', apiUrl, { version: 1, name: '' })
    assert.equal(fPatch.statusCode, 404, 'another organisation learns nothing, not even a 400')
  }

  it('a finance officer corrects a funding stream that wrongly allowed base costs', async () => {
    const fo = await t.signIn(t.orgs.a.users.finance_officer)
    const list = await fo.get('/funding-streams')
    const change = list.document.querySelector(`a[href="/funding-streams/${streamId}/edit"]`)
    assert.ok(change, 'the list offers Change to a finance officer')
    const form = await fo.get(`/funding-streams/${streamId}/edit`)
    assert.equal(form.status, 200)
    assert.equal(
      form.document.querySelector<HTMLInputElement>('#name')?.value,
      'Covid-19 — relieved cost pressures',
    )
    assert.ok(form.document.querySelector('#baseCostsEligible[checked]'), 'Yes is the saved answer')
    assert.ok(form.document.querySelector(`a[href="/history/funding_stream/${streamId}"]`))

    const bad = await fo.post(`/funding-streams/${streamId}/edit`, { version: '1', name: '', kind: 'named' })
    assert.equal(bad.status, 400)
    assert.match(
      bad.document.querySelector('.govuk-error-summary')?.textContent ?? '',
      /Enter the funding stream name/,
    )

    const ok = await fo.post(`/funding-streams/${streamId}/edit`, {
      version: '1',
      name: 'Covid-19 — relieved cost pressures',
      kind: 'named',
      eligibility: 'Covid costs above what the council would have spent anyway',
      baseCostsEligible: 'no',
    })
    assert.equal(ok.status, 303, ok.text)
    assert.match(
      tableText((await fo.get('/funding-streams')).document.querySelector('table')),
      /Covid-19 — relieved cost pressures Named funding stream Covid costs above what the council would have spent anyway No/,
    )

    // Someone who opened the form before that save: shown both versions, nothing overwritten.
    const stale = await fo.post(`/funding-streams/${streamId}/edit`, {
      version: '1',
      name: 'Covid-19 — relieved cost pressures',
      kind: 'named',
      eligibility: 'Anything',
      baseCostsEligible: 'yes',
    })
    assert.equal(stale.status, 409)
    assert.match(stale.text, /This was changed by someone else/)
    assert.match(stale.text, /Covid costs above what the council would have spent anyway/)
    const history = await fo.get(`/history/funding_stream/${streamId}`)
    assert.equal(history.status, 200)
    assert.match(history.text, /Covid costs above what the council would have spent anyway/)

    await refusedToOthers(`/funding-streams/${streamId}/edit`, `/api/v1/funding-streams/${streamId}`)
  })

  it('the API corrects a funding stream, with 400 fields and 409 on a stale version', async () => {
    const token = await t.tokenFor(t.orgs.a.users.finance_officer)
    const url = `/api/v1/funding-streams/${streamId}`
    const current = (await t.api(token, 'GET', url)).json<{ version: number }>()
    const blank = await t.api(token, 'PATCH', url, { version: current.version, name: '  ' })
    assert.equal(blank.statusCode, 400)
    assert.equal(
      blank.json<{ fields: Record<string, string> }>().fields.name,
      'Enter the funding stream name',
    )
    const badKind = await t.api(token, 'PATCH', url, { version: current.version, kind: 'lottery' })
    assert.equal(badKind.statusCode, 400)
    assert.ok(badKind.json<{ fields: Record<string, string> }>().fields.kind)
    const ok = await t.api(token, 'PATCH', url, { version: current.version, kind: 'external_grant' })
    assert.equal(ok.statusCode, 200, ok.body)
    const saved = ok.json<{ version: number; kind: string; name: string }>()
    assert.deepEqual(
      [saved.version, saved.kind, saved.name],
      [current.version + 1, 'external_grant', 'Covid-19 — relieved cost pressures'],
    )
    const stale = await t.api(token, 'PATCH', url, { version: current.version, kind: 'capital' })
    assert.equal(stale.statusCode, 409)
    assert.equal((await t.api(token, 'GET', url)).json<{ kind: string }>().kind, 'external_grant')
  })

  it("a partner's mistyped name is corrected on the page and through the API", async () => {
    const fo = await t.signIn(t.orgs.a.users.finance_officer)
    await make('/api/v1/partners', { name: 'Norfolk ICT' })
    const form = await fo.get(`/partners/${partnerId}/edit`)
    assert.equal(form.document.querySelector<HTMLInputElement>('#name')?.value, 'PSSP')
    const taken = await fo.post(`/partners/${partnerId}/edit`, { version: '1', name: 'Norfolk ICT' })
    assert.equal(taken.status, 400)
    assert.match(taken.text, /A partner with this name already exists/)
    const money = await fo.post(`/partners/${partnerId}/edit`, {
      version: '1',
      name: 'PSPS',
      annualBaseContract: 'lots',
    })
    assert.equal(money.status, 400)
    assert.match(money.text, /Base contract a year must be an amount of money/)
    const ok = await fo.post(`/partners/${partnerId}/edit`, {
      version: '1',
      name: 'PSPS',
      baseContract: 'ICT shared service',
      annualBaseContract: '£450,000',
    })
    assert.equal(ok.status, 303, ok.text)
    assert.match(
      tableText((await fo.get('/partners')).document.querySelector('table')),
      /PSPS ICT shared service £450,000\.00/,
    )
    const stale = await fo.post(`/partners/${partnerId}/edit`, { version: '1', name: 'PSSP' })
    assert.equal(stale.status, 409)

    const token = await t.tokenFor(t.orgs.a.users.finance_officer)
    const url = `/api/v1/partners/${partnerId}`
    const negative = await t.api(token, 'PATCH', url, { version: 2, annualBaseContractPence: -1 })
    assert.equal(negative.statusCode, 400)
    assert.ok(negative.json<{ fields: Record<string, string> }>().fields.annualBaseContractPence)
    const api = await t.api(token, 'PATCH', url, { version: 2, annualBaseContractPence: 46_000_000 })
    assert.equal(api.statusCode, 200, api.body)
    assert.deepEqual(
      (({ name, annualBaseContractPence, version }) => ({ name, annualBaseContractPence, version }))(
        api.json<{ name: string; annualBaseContractPence: number; version: number }>(),
      ),
      { name: 'PSPS', annualBaseContractPence: 46_000_000, version: 3 },
    )
    assert.equal((await t.api(token, 'PATCH', url, { version: 2, name: 'Old' })).statusCode, 409)
    await refusedToOthers(`/partners/${partnerId}/edit`, url)
  })

  it("a recharge's wrong amount is corrected, and the project's finance shows the new figure", async () => {
    const id = await recharge(32_500)
    const fo = await t.signIn(t.orgs.a.users.finance_officer)
    const finance = await fo.get(`/projects/${projectId}/finance?year=2025-26`)
    assert.match(
      tableText(finance.document.querySelector('#recharges-table')),
      /June 2025 PSPS Web developer Non-base £325\.00/,
    )
    assert.ok(finance.document.querySelector(`a[href="/recharges/${id}/edit"]`))
    const form = await fo.get(`/recharges/${id}/edit`)
    assert.equal(form.document.querySelector<HTMLInputElement>('#amount')?.value, '325.00')
    const bad = await fo.post(`/recharges/${id}/edit`, {
      version: '1',
      partnerId: String(partnerId),
      description: 'Web developer',
      period: 'June',
      amount: '3,250',
      costBasis: 'non_base',
    })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /Enter the month as YYYY-MM/)
    const ok = await fo.post(`/recharges/${id}/edit`, {
      version: '1',
      partnerId: String(partnerId),
      description: 'Web developer',
      period: '2025-06',
      amount: '3,250',
      costBasis: 'non_base',
    })
    assert.equal(ok.status, 303, ok.text)
    const after = await fo.get(`/projects/${projectId}/finance?year=2025-26`)
    assert.match(
      tableText(after.document.querySelector('#recharges-table')),
      /June 2025 PSPS Web developer Non-base £3,250\.00/,
    )
    const stale = await fo.post(`/recharges/${id}/edit`, {
      version: '1',
      partnerId: String(partnerId),
      description: 'Web developer',
      period: '2025-06',
      amount: '32.50',
      costBasis: 'non_base',
    })
    assert.equal(stale.status, 409)
    assert.match(stale.text, /£3,250\.00/)

    const token = await t.tokenFor(t.orgs.a.users.finance_officer)
    const url = `/api/v1/recharges/${id}`
    const badPeriod = await t.api(token, 'PATCH', url, { version: 2, period: '2025-13' })
    assert.equal(badPeriod.statusCode, 400)
    assert.ok(badPeriod.json<{ fields: Record<string, string> }>().fields.period)
    const foreignPartner = await t.api(
      await t.tokenFor(t.orgs.b.users.administrator),
      'POST',
      '/api/v1/partners',
      {
        name: 'Elsewhere Ltd',
      },
    )
    const notOurs = await t.api(token, 'PATCH', url, {
      version: 2,
      partnerId: foreignPartner.json<{ id: number }>().id,
    })
    assert.equal(notOurs.statusCode, 400)
    assert.equal(notOurs.json<{ fields: Record<string, string> }>().fields.partnerId, 'Select the partner')
    const api = await t.api(token, 'PATCH', url, { version: 2, costBasis: 'base' })
    assert.equal(api.statusCode, 200, api.body)
    assert.equal(api.json<{ costBasis: string; amountPence: number }>().costBasis, 'base')
    assert.equal(api.json<{ amountPence: number }>().amountPence, 325_000)
    assert.equal((await t.api(token, 'PATCH', url, { version: 2, costBasis: 'non_base' })).statusCode, 409)
    // A partner officer sees a recharge only on a project shared with the partner; this one is not.
    const partner = await t.tokenFor(t.orgs.a.users.partner_officer)
    assert.equal((await t.api(partner, 'GET', url)).statusCode, 404)
    assert.equal((await t.api(await t.tokenFor(t.orgs.a.users.viewer), 'GET', url)).statusCode, 200)
    await refusedToOthers(`/recharges/${id}/edit`, url)
  })

  it('a recharge entered in error is removed after confirming, and the removal is audited', async () => {
    const id = await recharge(99_900, '2025-07')
    const fo = await t.signIn(t.orgs.a.users.finance_officer)
    const confirm = await fo.get(`/recharges/${id}/remove`)
    assert.equal(confirm.status, 200)
    assert.match(confirm.text, /Remove this partner recharge\?/)
    assert.match(confirm.text, /July 2025/)
    assert.match(confirm.text, /£999\.00/)
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    assert.equal((await viewer.get(`/recharges/${id}/remove`)).status, 403)
    assert.equal((await viewer.post(`/recharges/${id}/remove`, { version: '1' })).status, 403)
    const foreign = await t.signIn(t.orgs.b.users.administrator)
    assert.equal((await foreign.get(`/recharges/${id}/remove`)).status, 404)
    assert.equal((await foreign.post(`/recharges/${id}/remove`, { version: '1' })).status, 404)

    const stale = await fo.post(`/recharges/${id}/remove`, { version: '7' })
    assert.equal(stale.status, 409)
    assert.match(stale.text, /changed by someone else/)
    const removed = await fo.post(`/recharges/${id}/remove`, { version: '1' })
    assert.equal(removed.status, 303)
    assert.equal(removed.location, `/projects/${projectId}/finance?year=2025-26#recharges`)
    const finance = await fo.get(`/projects/${projectId}/finance?year=2025-26`)
    assert.doesNotMatch(tableText(finance.document.querySelector('#recharges-table')), /July 2025/)
    const events = await t.database.db
      .selectFrom('audit_events')
      .select('action')
      .where('entity_type', '=', 'partner_recharge')
      .where('entity_id', '=', String(id))
      .orderBy('id')
      .execute()
    assert.deepEqual(
      events.map((e) => e.action),
      ['create', 'delete'],
    )
    assert.equal((await fo.get(`/recharges/${id}/remove`)).status, 404)
  })

  it('a recharge a claim relies on cannot be removed, on the page or through the API', async () => {
    const id = await recharge(325_000, '2025-08')
    const claimId = await make('/api/v1/claims', {
      fundingStreamId: streamId,
      projectId,
      title: 'Covid web work',
      eligiblePence: 325_000,
      claimedPence: 325_000,
      status: 'submitted',
    })
    // The finance officer ties the claim's item to the recharge it claims for, on the claim's page.
    const fo = await t.signIn(t.orgs.a.users.finance_officer)
    const claimPage = await fo.get(`/claims/${claimId}`)
    const option = [...claimPage.document.querySelectorAll('#partnerRechargeId option')].find(
      (o) => o.getAttribute('value') === String(id),
    )
    assert.equal(option?.textContent, 'August 2025: Web developer, £3,250.00')
    const added = await fo.post(`/claims/${claimId}/items`, {
      description: 'Web developer, August',
      amount: '3,250',
      eligible: 'yes',
      partnerRechargeId: String(id),
    })
    assert.equal(added.status, 303, added.text)
    assert.match(
      tableText((await fo.get(`/claims/${claimId}`)).document.querySelector('#claim-items')),
      /Web developer, August ?Partner recharge August 2025: Web developer, £3,250\.00 Yes £3,250\.00/,
    )
    const items = await t.api(adminToken, 'GET', `/api/v1/claims/${claimId}/items`)
    assert.equal(
      items.json<{ items: Array<{ partnerRechargeId: number }> }>().items[0]?.partnerRechargeId,
      id,
    )

    const confirm = await fo.get(`/recharges/${id}/remove`)
    assert.match(confirm.text, /cannot be removed because it is claimed for in ‘Covid web work’/)
    assert.equal(
      confirm.document.querySelector(`form[action="/recharges/${id}/remove"]`),
      null,
      'no remove button',
    )
    const refused = await fo.post(`/recharges/${id}/remove`, { version: '1' })
    assert.equal(refused.status, 409)
    assert.match(refused.text, /claimed for in ‘Covid web work’/)

    const token = await t.tokenFor(t.orgs.a.users.finance_officer)
    const del = await t.api(token, 'DELETE', `/api/v1/recharges/${id}?version=1`)
    assert.equal(del.statusCode, 409)
    assert.match(del.json<{ message: string }>().message, /claimed for in ‘Covid web work’/)
    assert.equal((await t.api(token, 'GET', `/api/v1/recharges/${id}`)).statusCode, 200, 'still there')

    // Without the claim's reliance the API removes it, refusing a stale version first.
    const loose = await recharge(1_000, '2025-09')
    assert.equal((await t.api(token, 'DELETE', `/api/v1/recharges/${loose}?version=2`)).statusCode, 409)
    const fToken = await t.tokenFor(t.orgs.b.users.administrator)
    assert.equal((await t.api(fToken, 'DELETE', `/api/v1/recharges/${loose}?version=1`)).statusCode, 404)
    const vToken = await t.tokenFor(t.orgs.a.users.viewer)
    assert.equal((await t.api(vToken, 'DELETE', `/api/v1/recharges/${loose}?version=1`)).statusCode, 403)
    assert.equal((await t.api(token, 'DELETE', `/api/v1/recharges/${loose}?version=1`)).statusCode, 204)
    assert.equal((await t.api(token, 'GET', `/api/v1/recharges/${loose}`)).statusCode, 404)

    // A claim item cannot name a recharge of another project.
    const otherProject = await make('/api/v1/projects', {
      reference: 'ICT-02',
      name: 'Online forms',
      programmeId: (await t.api(adminToken, 'GET', `/api/v1/projects/${projectId}`)).json<{
        programmeId: number
      }>().programmeId,
    })
    const otherClaim = await make('/api/v1/claims', {
      fundingStreamId: streamId,
      projectId: otherProject,
      title: 'Forms',
      status: 'draft',
    })
    const wrong = await t.api(adminToken, 'POST', `/api/v1/claims/${otherClaim}/items`, {
      description: 'Web developer',
      amountPence: 1,
      eligible: true,
      partnerRechargeId: id,
    })
    assert.equal(wrong.statusCode, 400)
    assert.ok(wrong.json<{ fields: Record<string, string> }>().fields.partnerRechargeId)
  })
})
