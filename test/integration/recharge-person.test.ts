import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

interface Json {
  id: number
  version: number
  [k: string]: unknown
}
interface ErrorJson {
  fields: Record<string, string>
}

// Issue 10: "the web developer supplied by PSPS (whose recharge links to that person)". A recharge may name
// one of the recharged partner's own staff; anyone else is a field error, and nothing is saved.
describe(`a partner's recharge names the person it is for (${dialectName()})`, () => {
  let t: TestApp
  let admin: string
  let project: Json
  let psps: Json
  let other: Json
  let developer: Json
  let councilPerson: Json

  before(async () => {
    t = await buildTestApp()
    admin = await t.tokenFor(t.orgs.a.users.administrator)
    const programme = (
      await t.api(admin, 'POST', '/api/v1/programmes', { reference: 'RP', name: 'Recharges' })
    ).json<Json>()
    project = (
      await t.api(admin, 'POST', '/api/v1/projects', {
        reference: 'RP-1',
        name: 'Website',
        programmeId: programme.id,
      })
    ).json<Json>()
    psps = (await t.api(admin, 'POST', '/api/v1/partners', { name: 'PSPS' })).json<Json>()
    other = (await t.api(admin, 'POST', '/api/v1/partners', { name: 'Other council' })).json<Json>()
    developer = (
      await t.api(admin, 'POST', '/api/v1/people', {
        name: 'Lee Harper',
        kind: 'partner_staff',
        partnerId: psps.id,
      })
    ).json<Json>()
    councilPerson = (
      await t.api(admin, 'POST', '/api/v1/people', { name: 'Amira Khan', kind: 'employee' })
    ).json<Json>()
  })
  after(() => t.close())

  const recharge = (body: Record<string, unknown>) =>
    t.api(admin, 'POST', `/api/v1/projects/${project.id}/recharges`, {
      partnerId: psps.id,
      description: 'Web developer',
      period: '2020-04',
      amountPence: 200000,
      costBasis: 'non_base',
      ...body,
    })

  it('names one of the partner’s staff; the council’s own person or another partner’s is refused', async () => {
    const refused = await recharge({ personId: councilPerson.id })
    assert.equal(refused.statusCode, 400)
    assert.match(refused.json<ErrorJson>().fields.personId ?? '', /employed by the partner/)
    const list = await t.api(admin, 'GET', `/api/v1/projects/${project.id}/recharges`)
    assert.equal(list.json<{ items: unknown[] }>().items.length, 0, 'nothing saved')

    const made = await recharge({ personId: developer.id })
    assert.equal(made.statusCode, 201, made.body)
    const r = made.json<Json>()
    assert.equal(r.personId, developer.id)

    const moved = await t.api(admin, 'PATCH', `/api/v1/recharges/${r.id}`, {
      version: r.version,
      partnerId: other.id,
    })
    assert.equal(moved.statusCode, 400, 'another partner’s recharge cannot be for PSPS’s person')
    assert.match(moved.json<ErrorJson>().fields.personId ?? '', /employed by the partner/)
  })

  it('the project’s finance page links the recharge to the person', async () => {
    const web = await t.signIn(t.orgs.a.users.finance_officer)
    const page = await web.get(`/projects/${project.id}/finance?year=2020-21`)
    assert.equal(page.status, 200)
    const link = page.document.querySelector('#recharges-table a[href="/people/' + developer.id + '"]')
    assert.equal(link?.textContent, 'Lee Harper')
  })
})
