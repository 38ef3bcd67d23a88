/**
 * The indicator page (issue 11) remembers its view (series, chart, table rows) on the organisation's change
 * counter, keyed by the reader's whole scope: a second read before any change reads no indicator rows, a new
 * value is seen at once, and a partner officer never sees a view remembered for the council (or the reverse).
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { statementsDuring } from '../helpers/statements.ts'

describe(`the remembered indicator page (${dialectName()})`, () => {
  let t: TestApp
  let admin: string
  let indicator: number

  const created = async (url: string, body: unknown) => {
    const res = await t.api(admin, 'POST', url, body)
    assert.equal(res.statusCode, 201, res.body)
    return res.json<{ id: number }>().id
  }

  before(async () => {
    t = await buildTestApp()
    admin = await t.tokenFor(t.orgs.a.users.administrator)
    const partner = await t.partner(t.orgs.a, 'PSPS')
    const programmeId = await created('/api/v1/programmes', { reference: 'ICT', name: 'ICT and Digital' })
    const shared = await created('/api/v1/projects', {
      reference: 'ICT-01',
      name: 'Shared website',
      programmeId,
    })
    const own = await created('/api/v1/projects', {
      reference: 'ICT-02',
      name: 'Council-only CRM',
      programmeId,
    })
    await t.share(shared, [partner])
    indicator = await created('/api/v1/indicators', {
      name: 'Contacts by telephone',
      polarity: 'lower',
      frequency: 'monthly',
      unit: 'count',
      projectIds: [shared, own],
    })
    const res = await t.api(admin, 'POST', `/api/v1/indicators/${indicator}/values`, {
      period: '2024-04',
      value: '1234',
    })
    assert.equal(res.statusCode, 200, res.body)
  })
  after(() => t.close())

  it('answers a second read from memory, and shows a new value at once', async () => {
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const first = await pm.get(`/indicators/${indicator}`)
    assert.equal(first.status, 200, first.body)
    assert.match(first.text, /1,234/)

    const asked = await statementsDuring(t.database, async () => {
      const again = await pm.get(`/indicators/${indicator}`)
      assert.equal(again.status, 200)
      assert.equal(again.text, first.text)
    })
    assert.deepEqual(
      asked.filter((s) => /indicator/i.test(s)),
      [],
      'nothing is recomputed before a change',
    )

    // Someone else enters a value: the next read shows it.
    const res = await t.api(admin, 'POST', `/api/v1/indicators/${indicator}/values`, {
      period: '2024-05',
      value: '5678',
    })
    assert.equal(res.statusCode, 200, res.body)
    const next = await pm.get(`/indicators/${indicator}`)
    assert.match(next.text, /5,678/)
  })

  it('never shares a remembered view between readers of different scopes', async () => {
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const partner = await t.signIn(t.orgs.a.users.partner_officer)
    // The council's view first: it names both projects.
    assert.match((await pm.get(`/indicators/${indicator}`)).text, /Council-only CRM/)
    const theirs = await partner.get(`/indicators/${indicator}`)
    assert.equal(theirs.status, 200, theirs.body)
    assert.match(theirs.text, /Shared website/)
    assert.doesNotMatch(theirs.text, /Council-only CRM/)
    // And the partner's view, remembered, does not narrow the council's.
    assert.match((await pm.get(`/indicators/${indicator}`)).text, /Council-only CRM/)
    // Another organisation: not found, whatever is remembered.
    const other = await t.signIn(t.orgs.b.users.administrator)
    assert.equal((await other.get(`/indicators/${indicator}`)).status, 404)
  })
  it("writes each row's status tag as GOV.UK Frontend's govukTag would", async () => {
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const page = await pm.get(`/indicators/${indicator}`)
    const cells = [...page.document.querySelectorAll('tbody td strong')]
    assert.ok(cells.length > 0)
    const squeeze = (html: string) => html.replace(/>\s+/g, '>').replace(/\s+</g, '<').trim()
    for (const cell of cells) {
      const tag = { text: cell.textContent.trim(), classes: cell.className.replace('govuk-tag', '').trim() }
      const expected = t.app.views.renderString('{{ govukTag(tag) }}', { tag })
      assert.equal(squeeze(cell.outerHTML), squeeze(expected))
    }
  })
})
