import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

describe(`programmes (${dialectName()})`, () => {
  let t: TestApp
  before(async () => {
    t = await buildTestApp()
  })
  after(() => t.close())

  it('a programme manager adds a programme through the form and sees it', async () => {
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const form = await pm.get('/programmes/new')
    assert.equal(form.status, 200)
    const saved = await pm.post('/programmes', {
      reference: 'ICT-2019',
      name: 'ICT and Digital Work Programme 2019–2022',
      purpose: 'Digital services',
      sro: 'Programme Manager – Commercialisation',
      portfolioHolder: 'Portfolio Holder for Corporate and Communications',
      'startDate-day': '1',
      'startDate-month': '4',
      'startDate-year': '2019',
      'endDate-day': '31',
      'endDate-month': 'March',
      'endDate-year': '2022',
      status: 'active',
    })
    assert.equal(saved.status, 303)
    const page = await pm.get(saved.location!)
    assert.equal(page.status, 200)
    assert.match(page.text, /ICT and Digital Work Programme 2019–2022/)
    assert.match(page.text, /1 April 2019/)
    assert.match(page.text, /31 March 2022/)
    assert.match(page.text, /Programme ICT-2019 added/)
  })

  it('shows the GOV.UK error summary for bad input and saves nothing', async () => {
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    await pm.get('/programmes/new')
    const page = await pm.post('/programmes', {
      reference: '',
      name: '',
      'startDate-day': '31',
      'startDate-month': '2',
      'startDate-year': '2021',
      status: 'active',
    })
    assert.equal(page.status, 400)
    const summary = page.document.querySelector('.govuk-error-summary')
    assert.ok(summary, 'error summary shown')
    const items = [...summary.querySelectorAll('a')].map((a) => a.textContent?.trim())
    assert.deepEqual(items.slice(0, 2), [
      'Enter a reference, for example ICT-2019',
      'Enter the programme name',
    ])
    assert.ok(items.some((i) => i?.includes('real date')))
    assert.match(page.document.title, /^Error:/)
    const list = await t.api(await t.tokenFor(t.orgs.a.users.viewer), 'GET', '/api/v1/programmes?q=zzz')
    assert.equal(list.json<{ items: unknown[] }>().items.length, 0)
  })

  it('refuses a form without a CSRF token', async () => {
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const page = await pm.post(
      '/programmes',
      { reference: 'X-1', name: 'X', status: 'active' },
      { csrf: null },
    )
    assert.equal(page.status, 403)
    assert.match(page.text, /form has expired/)
  })

  it('API: create, read, list with cursor, update with version, 409 on a stale version', async () => {
    const token = await t.tokenFor(t.orgs.a.users.programme_manager)
    const ids: number[] = []
    for (let i = 1; i <= 3; i++) {
      const res = await t.api(token, 'POST', '/api/v1/programmes', {
        reference: `API-${i}`,
        name: `API programme ${i}`,
      })
      assert.equal(res.statusCode, 201, res.body)
      ids.push(res.json<{ id: number }>().id)
    }
    const page1 = await t.api(token, 'GET', '/api/v1/programmes?q=API&limit=2')
    const body1 = page1.json<{ items: Array<{ reference: string }>; next: string | null }>()
    assert.deepEqual(
      body1.items.map((p) => p.reference),
      ['API-1', 'API-2'],
    )
    assert.ok(body1.next)
    const page2 = await t.api(token, 'GET', `/api/v1/programmes?q=API&limit=2&cursor=${body1.next}`)
    const body2 = page2.json<{ items: Array<{ reference: string }>; next: string | null }>()
    assert.deepEqual(
      body2.items.map((p) => p.reference),
      ['API-3'],
    )
    assert.equal(body2.next, null)

    const id = ids[0]!
    const ok = await t.api(token, 'PATCH', `/api/v1/programmes/${id}`, { version: 1, name: 'Renamed' })
    assert.equal(ok.statusCode, 200, ok.body)
    assert.equal(ok.json<{ version: number; name: string }>().version, 2)
    const stale = await t.api(token, 'PATCH', `/api/v1/programmes/${id}`, { version: 1, name: 'Lost update' })
    assert.equal(stale.statusCode, 409)
    const current = await t.api(token, 'GET', `/api/v1/programmes/${id}`)
    assert.equal(current.json<{ name: string }>().name, 'Renamed')
  })

  it('API: 400 with field errors, 401 without a token, 403 for a read-only role', async () => {
    const token = await t.tokenFor(t.orgs.a.users.programme_manager)
    const bad = await t.api(token, 'POST', '/api/v1/programmes', {
      name: '',
      startDate: 'not a date',
      extra: 1,
    })
    assert.equal(bad.statusCode, 400)
    const body = bad.json<{ error: string; message: string; fields: Record<string, string> }>()
    assert.equal(body.error, 'Bad Request')
    assert.ok(body.fields.reference)
    const anon = await t.api(null, 'GET', '/api/v1/programmes')
    assert.equal(anon.statusCode, 401)
    const viewer = await t.tokenFor(t.orgs.a.users.viewer)
    const refused = await t.api(viewer, 'POST', '/api/v1/programmes', { reference: 'V-1', name: 'Nope' })
    assert.equal(refused.statusCode, 403)
  })

  it("another organisation's programme is not found, through pages and API", async () => {
    const token = await t.tokenFor(t.orgs.a.users.programme_manager)
    const res = await t.api(token, 'POST', '/api/v1/programmes', {
      reference: 'SECRET-1',
      name: 'Alpha only',
    })
    const id = res.json<{ id: number }>().id
    const foreign = await t.tokenFor(t.orgs.b.users.administrator)
    assert.equal((await t.api(foreign, 'GET', `/api/v1/programmes/${id}`)).statusCode, 404)
    assert.equal(
      (await t.api(foreign, 'PATCH', `/api/v1/programmes/${id}`, { version: 1, name: 'x' })).statusCode,
      404,
    )
    const list = await t.api(foreign, 'GET', '/api/v1/programmes?limit=500')
    assert.ok(!list.body.includes('SECRET-1'))
    const admin = await t.signIn(t.orgs.b.users.administrator)
    assert.equal((await admin.get(`/programmes/${id}`)).status, 404)
    assert.equal((await admin.get(`/history/programme/${id}`)).status, 404)
  })

  it('a stale edit through the form shows both versions and saves nothing', async () => {
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const token = await t.tokenFor(t.orgs.a.users.programme_manager)
    const created = await t.api(token, 'POST', '/api/v1/programmes', {
      reference: 'CONF-1',
      name: 'Original',
    })
    const id = created.json<{ id: number }>().id
    await pm.get(`/programmes/${id}/edit`)
    await t.api(token, 'PATCH', `/api/v1/programmes/${id}`, { version: 1, name: 'Their change' })
    const page = await pm.post(`/programmes/${id}/edit`, {
      version: '1',
      reference: 'CONF-1',
      name: 'My change',
      status: 'active',
    })
    assert.equal(page.status, 409)
    assert.match(page.text, /changed by someone else/)
    assert.match(page.text, /My change/)
    assert.match(page.text, /Their change/)
    const current = await t.api(token, 'GET', `/api/v1/programmes/${id}`)
    assert.equal(current.json<{ name: string }>().name, 'Their change')
    const history = await pm.get(`/history/programme/${id}`)
    assert.match(history.text, /Their change/)
    assert.match(history.text, /Original/)
  })
})
