import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { tableText } from './finance-helpers.ts'

describe(`funding streams, partners and claims (${dialectName()})`, () => {
  let t: TestApp
  let projectId: number
  before(async () => {
    t = await buildTestApp()
    const token = await t.tokenFor(t.orgs.a.users.administrator)
    const make = async (url: string, body: unknown) => {
      const res = await t.api(token, 'POST', url, body)
      assert.equal(res.statusCode, 201, res.body)
      return res.json<{ id: number }>().id
    }
    const programmeId = await make('/api/v1/programmes', { reference: 'ICT', name: 'ICT programme' })
    projectId = await make('/api/v1/projects', {
      reference: 'ICT-04',
      name: 'Business grants content',
      programmeId,
    })
  })
  after(() => t.close())

  it('a finance officer adds the two Covid streams, one not covering base costs', async () => {
    const fo = await t.signIn(t.orgs.a.users.finance_officer)
    const bad = await fo.post('/funding-streams', { name: '', kind: 'nonsense' })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /Enter the funding stream name/)
    assert.match(bad.text, /Select the kind of funding/)
    for (const name of ['Covid-19 — relieved cost pressures', 'Covid-19 — costs above core budgets']) {
      const ok = await fo.post('/funding-streams', {
        name,
        kind: 'named',
        eligibility: 'Covid costs only',
        baseCostsEligible: 'no',
      })
      assert.equal(ok.status, 303, ok.text)
    }
    const dup = await fo.post('/funding-streams', {
      name: 'Covid-19 — relieved cost pressures',
      kind: 'named',
    })
    assert.match(dup.text, /A funding stream with this name already exists/)
    const list = await fo.get('/funding-streams')
    assert.match(
      tableText(list.document.querySelector('table')),
      /Covid-19 — costs above core budgets Named funding stream Covid costs only No/,
    )
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    assert.doesNotMatch((await viewer.get('/funding-streams')).text, /Add a funding stream/)
    assert.equal((await viewer.post('/funding-streams', { name: 'X', kind: 'named' })).status, 403)
  })

  it('records the partner and its web developer recharge as a non-base cost', async () => {
    const fo = await t.signIn(t.orgs.a.users.finance_officer)
    assert.equal(
      (
        await fo.post('/partners', {
          name: 'PSPS',
          baseContract: 'ICT shared service',
          annualBaseContract: '£450,000',
        })
      ).status,
      303,
    )
    const partners = await fo.get('/partners')
    assert.match(tableText(partners.document.querySelector('table')), /PSPS ICT shared service £450,000\.00/)
    const form = await fo.get(`/projects/${projectId}/recharges/new`)
    const psps = [...form.document.querySelectorAll('#partnerId option')].find(
      (o) => o.textContent === 'PSPS',
    )!
    const bad = await fo.post(`/projects/${projectId}/recharges`, {
      partnerId: '',
      description: '',
      period: 'June',
      amount: 'x',
    })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /Select the partner/)
    assert.match(bad.text, /Enter the month as YYYY-MM/)
    const ok = await fo.post(`/projects/${projectId}/recharges`, {
      partnerId: psps.getAttribute('value')!,
      description: 'Web developer',
      period: '2025-06',
      amount: '3,250.00',
      costBasis: 'non_base',
    })
    assert.equal(ok.status, 303, ok.text)
    const page = await fo.get(`/projects/${projectId}/finance?year=2025-26`)
    assert.match(
      tableText(page.document.querySelector('#recharges-table')),
      /June 2025 PSPS Web developer Non-base £3,250\.00/,
    )
  })

  it('a claim with an item ruled ineligible as a base cost', async () => {
    const fo = await t.signIn(t.orgs.a.users.finance_officer)
    const form = await fo.get('/claims/new')
    const stream = [...form.document.querySelectorAll('#fundingStreamId option')].find((o) =>
      (o.textContent ?? '').includes('costs above core budgets'),
    )!
    const over = await fo.post('/claims', {
      fundingStreamId: stream.getAttribute('value')!,
      projectId: String(projectId),
      title: 'Grants team overtime',
      eligible: '100',
      claimed: '200',
      status: 'submitted',
    })
    assert.equal(over.status, 400)
    assert.match(over.text, /Amount claimed cannot be more than the eligible amount/)
    const ok = await fo.post('/claims', {
      fundingStreamId: stream.getAttribute('value')!,
      projectId: String(projectId),
      title: 'Grants team overtime',
      eligible: '8,000',
      claimed: '8,000',
      received: '8,000',
      'submittedOn-day': '1',
      'submittedOn-month': '9',
      'submittedOn-year': '2020',
      'receivedOn-day': '30',
      'receivedOn-month': '10',
      'receivedOn-year': '2020',
      status: 'received',
    })
    assert.equal(ok.status, 303, ok.text)
    const noReason = await fo.post(`${ok.location!}/items`, {
      description: 'Digital officer salary',
      amount: '2,000',
      eligible: 'no',
    })
    assert.equal(noReason.status, 400)
    assert.match(noReason.text, /Say why the item is not eligible/)
    const item = await fo.post(`${ok.location!}/items`, {
      description: 'Digital officer salary',
      amount: '2,000',
      eligible: 'no',
      ineligibleReason: 'base cost already in the budget',
    })
    assert.equal(item.status, 303)
    const page = await fo.get(ok.location!)
    assert.match(
      tableText(page.document.querySelector('#claim-items')),
      /Digital officer salary No — base cost already in the budget £2,000\.00/,
    )
    const list = await fo.get('/claims')
    assert.match(
      tableText(list.document.querySelector('#claims-table')),
      /Grants team overtime ?Business grants content Covid-19 — costs above core budgets Received £8,000\.00/,
    )
    const foreign = await t.signIn(t.orgs.b.users.administrator)
    assert.equal((await foreign.get(ok.location!)).status, 404)
    assert.equal((await foreign.post(`${ok.location!}/items`, { description: 'x', amount: '1' })).status, 404)
    const partner = await t.signIn(t.orgs.a.users.partner_officer)
    assert.equal((await partner.get(ok.location!)).status, 404, 'claim for an unshared project')
  })
})
