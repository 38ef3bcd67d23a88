import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

interface Rec {
  id: number
  version: number
  reference: string
  responseDueOn: string
  status: string
  response: string | null
  respondedByName: string
}

describe(`scrutiny API (${dialectName()})`, () => {
  let t: TestApp
  let clerk: string
  before(async () => {
    t = await buildTestApp()
    clerk = await t.tokenFor(t.orgs.a.users.scrutiny_member)
  })
  after(() => t.close())

  it('records a committee, meeting, item and recommendation, and only the addressee responds', async () => {
    const c = await t.api(clerk, 'POST', '/api/v1/committees', {
      name: 'Overview and Scrutiny',
      code: 'OSC',
      kind: 'scrutiny_panel',
      responseMonths: 3,
    })
    assert.equal(c.statusCode, 201, c.body)
    const committeeId = c.json<{ id: number }>().id
    const m = await t.api(clerk, 'POST', '/api/v1/meetings', {
      committeeId,
      meetingDate: '2020-12-31',
      startTime: '18:00',
      place: 'Chamber',
      status: 'held',
    })
    assert.equal(m.statusCode, 201, m.body)
    const meetingId = m.json<{ id: number }>().id
    const noTitle = await t.api(clerk, 'POST', `/api/v1/meetings/${meetingId}/items`, { number: '4' })
    assert.equal(noTitle.statusCode, 400)
    assert.equal(noTitle.json<{ fields: Record<string, string> }>().fields.title, 'Enter the item’s title')
    const i = await t.api(clerk, 'POST', `/api/v1/meetings/${meetingId}/items`, {
      number: '4',
      title: 'Digital programme',
    })
    assert.equal(i.statusCode, 201, i.body)
    const agendaItemId = i.json<{ id: number }>().id

    const meeting = await t.api(clerk, 'GET', `/api/v1/meetings/${meetingId}`)
    assert.deepEqual(
      meeting.json<{ items: Array<{ title: string }> }>().items.map((x) => x.title),
      ['Digital programme'],
    )

    const body = {
      agendaItemId,
      reference: 'OSC/2020/01',
      kind: 'recommendation',
      text: 'Publish the programme definition',
      addressedTo: 'portfolio_holder',
      addresseeUserId: t.orgs.a.users.portfolio_holder.id,
    }
    const r = await t.api(clerk, 'POST', '/api/v1/recommendations', body)
    assert.equal(r.statusCode, 201, r.body)
    const rec = r.json<Rec>()
    // 31 December + 3 months clamps to 31 March.
    assert.equal(rec.responseDueOn, '2021-03-31')
    assert.equal(rec.status, 'response_overdue')
    const dup = await t.api(clerk, 'POST', '/api/v1/recommendations', body)
    assert.equal(dup.statusCode, 400)
    assert.match(dup.json<{ fields: Record<string, string> }>().fields.reference ?? '', /already exists/)

    const foreignAddressee = await t.api(clerk, 'POST', '/api/v1/recommendations', {
      ...body,
      reference: 'OSC/2020/02',
      addresseeUserId: t.orgs.b.users.portfolio_holder.id,
    })
    assert.equal(foreignAddressee.statusCode, 400)

    const pm = await t.tokenFor(t.orgs.a.users.project_manager)
    const refused = await t.api(pm, 'POST', `/api/v1/recommendations/${rec.id}/respond`, {
      response: 'accepted',
      respondedOn: '2021-02-01',
    })
    assert.equal(refused.statusCode, 403)
    const memberRefused = await t.api(clerk, 'POST', `/api/v1/recommendations/${rec.id}/respond`, {
      response: 'accepted',
    })
    assert.equal(memberRefused.statusCode, 403, 'scrutiny members may not respond at all')

    const ph = await t.tokenFor(t.orgs.a.users.portfolio_holder)
    const noReasons = await t.api(ph, 'POST', `/api/v1/recommendations/${rec.id}/respond`, {
      response: 'rejected',
      respondedOn: '2021-02-01',
    })
    assert.equal(noReasons.statusCode, 400)
    assert.ok(noReasons.json<{ fields: Record<string, string> }>().fields.reasons)
    const stale = await t.api(ph, 'POST', `/api/v1/recommendations/${rec.id}/respond`, {
      version: rec.version + 5,
      response: 'accepted',
      respondedOn: '2021-02-01',
    })
    assert.equal(stale.statusCode, 409)
    const ok = await t.api(ph, 'POST', `/api/v1/recommendations/${rec.id}/respond`, {
      version: rec.version,
      response: 'rejected',
      reasons: 'Not affordable',
      respondedOn: '2021-02-01',
    })
    assert.equal(ok.statusCode, 200, ok.body)
    const answered = ok.json<Rec>()
    assert.equal(answered.status, 'rejected')
    assert.equal(answered.respondedByName, t.orgs.a.users.portfolio_holder.name)
    const again = await t.api(ph, 'POST', `/api/v1/recommendations/${rec.id}/respond`, {
      response: 'accepted',
      respondedOn: '2021-02-02',
    })
    assert.equal(again.statusCode, 400)

    const list = await t.api(
      ph,
      'GET',
      `/api/v1/recommendations?addresseeUserId=${t.orgs.a.users.portfolio_holder.id}`,
    )
    assert.deepEqual(
      list.json<{ items: Rec[] }>().items.map((x) => x.reference),
      ['OSC/2020/01'],
    )

    // Another organisation sees none of it.
    const b = await t.tokenFor(t.orgs.b.users.administrator)
    assert.equal((await t.api(b, 'GET', `/api/v1/recommendations/${rec.id}`)).statusCode, 404)
    assert.equal((await t.api(b, 'POST', `/api/v1/recommendations/${rec.id}/respond`, {})).statusCode, 404)
    assert.deepEqual((await t.api(b, 'GET', '/api/v1/committees')).json<{ items: unknown[] }>().items, [])
  })

  it('is in the OpenAPI document', async () => {
    const doc = t.app.swagger() as { paths: Record<string, unknown> }
    for (const p of [
      '/api/v1/committees',
      '/api/v1/meetings',
      '/api/v1/recommendations',
      '/api/v1/recommendations/{id}/respond',
    ])
      assert.ok(doc.paths[p], p)
  })
})
