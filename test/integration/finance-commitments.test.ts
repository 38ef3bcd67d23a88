import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { tableText } from './finance-helpers.ts'

// Issue 3's remaining gaps: commitments, the partner / recharge / claim item API, changing claims, and /finance.
describe(`commitments, claim changes and the finance front page (${dialectName()})`, () => {
  let t: TestApp
  let projectId: number
  let privateProjectId: number
  let programmeId: number
  let streamId: number
  let token: string
  before(async () => {
    t = await buildTestApp()
    token = await t.tokenFor(t.orgs.a.users.finance_officer)
    const admin = await t.tokenFor(t.orgs.a.users.administrator)
    const make = async (url: string, body: unknown, tok = admin) => {
      const res = await t.api(tok, 'POST', url, body)
      assert.equal(res.statusCode, 201, res.body)
      return res.json<{ id: number }>().id
    }
    programmeId = await make('/api/v1/programmes', { reference: 'ICT', name: 'ICT programme' })
    projectId = await make('/api/v1/projects', {
      reference: 'ICT-01',
      name: 'Website',
      programmeId,
      partnerIds: [await t.partner(t.orgs.a)],
    })
    privateProjectId = await make('/api/v1/projects', { reference: 'ICT-03', name: 'Insight', programmeId })
    streamId = await make('/api/v1/funding-streams', {
      name: 'Covid-19 — costs above core budgets',
      kind: 'named',
      baseCostsEligible: false,
    })
  })
  after(() => t.close())

  it('a finance officer adds a purchase order, sees it count, then marks it invoiced', async () => {
    const fo = await t.signIn(t.orgs.a.users.finance_officer)
    const form = await fo.get(`/projects/${projectId}/commitments/new`)
    assert.equal(form.status, 200)
    const bad = await fo.post(`/projects/${projectId}/commitments`, {
      supplierName: '',
      reference: '',
      amountPence: 'lots',
      'raisedOn-day': '31',
      'raisedOn-month': '2',
      'raisedOn-year': '2026',
    })
    assert.equal(bad.status, 400)
    const summary = bad.document.querySelector('.govuk-error-summary')?.textContent ?? ''
    assert.match(summary, /Enter the supplier/)
    assert.match(summary, /Enter the purchase order number/)
    assert.match(summary, /Amount ordered must be an amount of money/)
    assert.match(summary, /Date raised must be a real date/)

    const ok = await fo.post(`/projects/${projectId}/commitments`, {
      supplierName: 'Jadu Ltd',
      reference: 'PO-4471',
      description: 'Website theme build',
      amountPence: '£12,500.00',
      'raisedOn-day': '3',
      'raisedOn-month': '6',
      'raisedOn-year': '2025',
    })
    assert.equal(ok.status, 303, ok.text)
    const page = await fo.get(`/projects/${projectId}/finance?year=2025-26`)
    assert.match(
      tableText(page.document.querySelector('#commitments-table')),
      /Jadu Ltd PO-4471 .*£12,500\.00/,
    )
    assert.match(tableText(page.document.querySelector('#finance-totals')), /Commitments .*£12,500\.00/)

    const versionInput = page.document.querySelector('#commitments-table input[name="version"]')
    const action = page.document.querySelector('#commitments-table form')?.getAttribute('action') ?? ''
    const closed = await fo.post(action, {
      version: versionInput?.getAttribute('value') ?? '',
      status: 'invoiced',
    })
    assert.equal(closed.status, 303)
    const after = await fo.get(`/projects/${projectId}/finance?year=2025-26`)
    assert.equal(after.document.querySelector('#commitments-table'), null)
    assert.match(after.text, /No open purchase orders/)
    assert.match(tableText(after.document.querySelector('#finance-totals')), /Commitments .*£0\.00/)

    // The same stale form again: the generic conflict page, both versions shown, the order stays invoiced.
    const stale = await fo.post(action, {
      version: versionInput?.getAttribute('value') ?? '',
      status: 'cancelled',
    })
    assert.equal(stale.status, 409)
    assert.match(stale.document.querySelector('h1')?.textContent ?? '', /This was changed by someone else/)
    assert.match(tableText(stale.document.querySelector('main table')), /Status .*Cancelled .*Invoiced/)
    const list = await t.api(token, 'GET', `/api/v1/projects/${projectId}/commitments`)
    assert.deepEqual(
      list.json<{ items: Array<{ status: string }> }>().items.map((c) => c.status),
      ['invoiced'],
    )
    // "Replace the saved version with mine" posts the person's choice against the version now saved.
    const replace = stale.document.querySelector('main form')
    assert.equal(replace?.getAttribute('action'), action)
    const hidden: Record<string, string> = {}
    for (const input of replace?.querySelectorAll('input[type="hidden"]') ?? [])
      if (input.getAttribute('name') !== '_csrf')
        hidden[input.getAttribute('name') ?? ''] = input.getAttribute('value') ?? ''
    assert.equal(hidden.status, 'cancelled')
    const replaced = await fo.post(action, hidden)
    assert.equal(replaced.status, 303, replaced.text)
    const now = await t.api(token, 'GET', `/api/v1/projects/${projectId}/commitments`)
    assert.deepEqual(
      now.json<{ items: Array<{ status: string }> }>().items.map((c) => c.status),
      ['cancelled'],
    )
  })

  it('commitments through the API: created, listed, cancelled with the version, stale change refused', async () => {
    const bad = await t.api(token, 'POST', `/api/v1/projects/${projectId}/commitments`, {
      supplierName: ' ',
      reference: 'PO-1',
      amountPence: 100,
      raisedOn: '2025-07-01',
    })
    assert.equal(bad.statusCode, 400)
    assert.equal(bad.json<{ fields: Record<string, string> }>().fields.supplierName, 'Enter the supplier')
    const res = await t.api(token, 'POST', `/api/v1/projects/${projectId}/commitments`, {
      supplierName: 'Granicus',
      reference: 'PO-5000',
      amountPence: 250000,
      raisedOn: '2025-07-01',
    })
    assert.equal(res.statusCode, 201, res.body)
    const c = res.json<{ id: number; version: number; status: string }>()
    assert.equal(c.status, 'open')
    const cancel = await t.api(token, 'PATCH', `/api/v1/commitments/${c.id}`, {
      version: c.version,
      status: 'cancelled',
    })
    assert.equal(cancel.statusCode, 200, cancel.body)
    assert.equal(cancel.json<{ status: string }>().status, 'cancelled')
    const stale = await t.api(token, 'PATCH', `/api/v1/commitments/${c.id}`, {
      version: c.version,
      status: 'open',
    })
    assert.equal(stale.statusCode, 409)

    const other = await t.tokenFor(t.orgs.b.users.administrator)
    assert.equal((await t.api(other, 'GET', `/api/v1/commitments/${c.id}`)).statusCode, 404)
    assert.equal((await t.api(other, 'GET', `/api/v1/projects/${projectId}/commitments`)).statusCode, 404)
    const viewer = await t.tokenFor(t.orgs.a.users.viewer)
    const refused = await t.api(viewer, 'PATCH', `/api/v1/commitments/${c.id}`, {
      version: 2,
      status: 'open',
    })
    assert.equal(refused.statusCode, 403)
  })

  it('partners, recharges and claim items through the API, scoped for partner officers', async () => {
    const p = await t.api(token, 'POST', '/api/v1/partners', {
      name: 'PSPS',
      baseContract: 'Shared ICT service',
      annualBaseContractPence: 50_000_000,
    })
    assert.equal(p.statusCode, 201, p.body)
    const partnerId = p.json<{ id: number }>().id
    const dup = await t.api(token, 'POST', '/api/v1/partners', { name: 'PSPS' })
    assert.equal(dup.statusCode, 400)
    assert.match(dup.json<{ fields: Record<string, string> }>().fields.name ?? '', /already exists/)
    const names = (await t.api(token, 'GET', '/api/v1/partners')).json<{ items: Array<{ name: string }> }>()
    assert.deepEqual(
      names.items.map((x) => x.name),
      ['PSPS', 'Shared service partner'],
    )

    for (const [pid, description] of [
      [projectId, 'Web developer'],
      [privateProjectId, 'Data analyst'],
    ] as const) {
      const r = await t.api(token, 'POST', `/api/v1/projects/${pid}/recharges`, {
        partnerId,
        description,
        period: '2025-06',
        amountPence: 420_000,
        costBasis: 'non_base',
      })
      assert.equal(r.statusCode, 201, r.body)
    }
    const badPartner = await t.api(token, 'POST', `/api/v1/projects/${projectId}/recharges`, {
      partnerId: 999999,
      description: 'x',
      period: '2025-06',
      amountPence: 1,
      costBasis: 'base',
    })
    assert.equal(badPartner.statusCode, 400)
    const listed = await t.api(token, 'GET', `/api/v1/projects/${projectId}/recharges`)
    assert.deepEqual(
      listed
        .json<{ items: Array<{ description: string; amountPence: number }> }>()
        .items.map((r) => [r.description, r.amountPence]),
      [['Web developer', 420_000]],
    )
    // A partner officer sees the shared project's recharges, never the unshared one's.
    const partner = await t.tokenFor(t.orgs.a.users.partner_officer)
    assert.equal((await t.api(partner, 'GET', `/api/v1/projects/${projectId}/recharges`)).statusCode, 200)
    assert.equal(
      (await t.api(partner, 'GET', `/api/v1/projects/${privateProjectId}/recharges`)).statusCode,
      404,
    )

    const claim = await t.api(token, 'POST', '/api/v1/claims', {
      fundingStreamId: streamId,
      projectId,
      title: 'Website overtime',
      eligiblePence: 100_000,
      status: 'draft',
    })
    const claimId = claim.json<{ id: number }>().id
    const noReason = await t.api(token, 'POST', `/api/v1/claims/${claimId}/items`, {
      description: 'Base developer time',
      amountPence: 30_000,
      eligible: false,
    })
    assert.equal(noReason.statusCode, 400)
    const item = await t.api(token, 'POST', `/api/v1/claims/${claimId}/items`, {
      description: 'Base developer time',
      amountPence: 30_000,
      eligible: false,
      ineligibleReason: 'A base cost already in the budget',
    })
    assert.equal(item.statusCode, 201, item.body)
    const items = await t.api(token, 'GET', `/api/v1/claims/${claimId}/items`)
    assert.deepEqual(items.json<{ items: Array<{ eligible: boolean; ineligibleReason: string }> }>().items, [
      {
        id: item.json<{ id: number }>().id,
        claimId,
        description: 'Base developer time',
        amountPence: 30_000,
        eligible: false,
        ineligibleReason: 'A base cost already in the budget',
        partnerRechargeId: null,
      },
    ])
    const other = await t.tokenFor(t.orgs.b.users.administrator)
    assert.equal((await t.api(other, 'GET', `/api/v1/claims/${claimId}/items`)).statusCode, 404)
    assert.equal((await t.api(other, 'GET', '/api/v1/partners')).json<{ items: unknown[] }>().items.length, 0)
  })

  it('a claim moves from draft to received on the change form, and through PATCH with its version', async () => {
    const res = await t.api(token, 'POST', '/api/v1/claims', {
      fundingStreamId: streamId,
      projectId,
      title: 'Covid overtime Q1',
      eligiblePence: 500_000,
      claimedPence: 400_000,
      status: 'draft',
    })
    const claimId = res.json<{ id: number }>().id
    const fo = await t.signIn(t.orgs.a.users.finance_officer)
    const show = await fo.get(`/claims/${claimId}`)
    assert.ok(show.document.querySelector(`a[href="/claims/${claimId}/edit"]`), 'change link on the claim')
    const form = await fo.get(`/claims/${claimId}/edit`)
    assert.equal(form.status, 200)
    assert.equal(
      form.document.querySelector<HTMLInputElement>('#title')?.getAttribute('value'),
      'Covid overtime Q1',
    )
    assert.equal(form.document.querySelector('#claimed')?.getAttribute('value'), '4000.00')
    const base = {
      version: '1',
      fundingStreamId: String(streamId),
      projectId: String(projectId),
      title: 'Covid overtime Q1',
      eligible: '5000.00',
      claimed: '4000.00',
      received: '4000.00',
      'submittedOn-day': '1',
      'submittedOn-month': '7',
      'submittedOn-year': '2025',
      status: 'received',
    }
    const missing = await fo.post(`/claims/${claimId}/edit`, base)
    assert.equal(missing.status, 400)
    assert.match(
      missing.document.querySelector('.govuk-error-summary')?.textContent ?? '',
      /Enter the date the money was received/,
    )
    const ok = await fo.post(`/claims/${claimId}/edit`, {
      ...base,
      'receivedOn-day': '15',
      'receivedOn-month': '8',
      'receivedOn-year': '2025',
    })
    assert.equal(ok.status, 303, ok.text)
    const shown = await fo.get(`/claims/${claimId}`)
    const rows = shown.document.querySelector('.govuk-summary-list')?.textContent?.replace(/\s+/g, ' ') ?? ''
    assert.match(rows, /Status Received/)
    assert.match(rows, /Received £4,000\.00/)
    assert.match(rows, /Money received on 15 August 2025/)

    // Someone else's stale form: the conflict page, nothing overwritten.
    const stale = await fo.post(`/claims/${claimId}/edit`, { ...base, status: 'at_risk' })
    assert.equal(stale.status, 409)
    assert.match(stale.text, /changed by someone else/)

    const patched = await t.api(token, 'PATCH', `/api/v1/claims/${claimId}`, {
      version: 2,
      status: 'rejected',
    })
    assert.equal(patched.statusCode, 200, patched.body)
    assert.deepEqual(
      (({ status, version, receivedPence }) => ({ status, version, receivedPence }))(
        patched.json<{ status: string; version: number; receivedPence: number }>(),
      ),
      { status: 'rejected', version: 3, receivedPence: 400_000 },
    )
    assert.equal(
      (await t.api(token, 'PATCH', `/api/v1/claims/${claimId}`, { version: 2, status: 'draft' })).statusCode,
      409,
    )
    const tooMuch = await t.api(token, 'PATCH', `/api/v1/claims/${claimId}`, {
      version: 3,
      claimedPence: 900_000,
    })
    assert.equal(tooMuch.statusCode, 400)
    assert.match(
      tooMuch.json<{ fields: Record<string, string> }>().fields.claimed ?? '',
      /more than the eligible/,
    )
    const other = await t.tokenFor(t.orgs.b.users.administrator)
    assert.equal(
      (await t.api(other, 'PATCH', `/api/v1/claims/${claimId}`, { version: 3, status: 'draft' })).statusCode,
      404,
    )
  })

  it('/finance shows every reader the flags, claims position and summaries; the ledger only to finance writers', async () => {
    const hidden = await t.api(token, 'POST', '/api/v1/claims', {
      fundingStreamId: streamId,
      projectId: privateProjectId,
      title: 'Insight claim',
      eligiblePence: 700_000,
      claimedPence: 700_000,
      status: 'at_risk',
    })
    assert.equal(hidden.statusCode, 201, hidden.body)
    const fo = await t.signIn(t.orgs.a.users.finance_officer)
    const page = await fo.get('/finance')
    assert.match(page.document.querySelector('#claims-position caption')?.textContent ?? '', /\(3 claims\)/)
    assert.match(tableText(page.document.querySelector('#claims-position')), /Rejected or at risk 2/)
    assert.equal(page.status, 200)
    assert.ok(page.document.querySelector(`a[href="/programmes/${programmeId}/finance"]`))
    for (const href of ['/funding-streams', '/partners', '/claims', '/finance/imports', '/finance/suspense'])
      assert.ok(page.document.querySelector(`main a[href="${href}"]`), `link to ${href}`)
    assert.match(page.document.querySelector('#suspense-summary')?.textContent ?? '', /0 payments, £0\.00/)
    assert.match(tableText(page.document.querySelector('#claims-position')), /Claimed £\d/)
    const nav = [...page.document.querySelectorAll('.govuk-header__navigation-item a')].map((a) => [
      a.textContent?.trim(),
      a.getAttribute('href'),
    ])
    assert.deepEqual(
      nav.filter(([text]) => text === 'Finance' || text === 'Funding'),
      [['Finance', '/finance']],
    )

    const viewer = await t.signIn(t.orgs.a.users.viewer)
    const read = await viewer.get('/finance')
    assert.equal(read.status, 200)
    assert.equal(read.document.querySelector('main a[href="/finance/imports"]'), null)
    assert.ok(read.document.querySelector('main a[href="/claims"]'))

    // A partner officer sees the page, and only the shared project's claims in the position.
    const partner = await t.signIn(t.orgs.a.users.partner_officer)
    const p = await partner.get('/finance')
    assert.equal(p.status, 200)
    assert.ok(p.document.querySelector('.govuk-header__navigation-item a[href="/finance"]'))
    assert.match(p.document.querySelector('#claims-position caption')?.textContent ?? '', /\(2 claims\)/)
    assert.match(tableText(p.document.querySelector('#claims-position')), /Rejected or at risk 1/)

    const programme = await fo.get(`/programmes/${programmeId}`)
    assert.ok(programme.document.querySelector(`a[href="/programmes/${programmeId}/spend.csv"]`))
  })
})
