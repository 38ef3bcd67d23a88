import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type Agent, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

interface Json {
  id: number
  version: number
  [k: string]: unknown
}
interface Months {
  months: { period: string; fte: number }[]
}

// Issue 10: a project's roles and allocations are changed and deleted from its roles page, through the same
// services as the API, under their versions; bad input is a field error and nothing is saved.
describe(`changing and deleting roles and allocations on pages (${dialectName()})`, () => {
  let t: TestApp
  let admin: string
  let web: Agent
  let project: Json
  let ana: Json
  let lee: Json
  let role: Json
  let allocation: Json

  const api = async (method: string, url: string, body?: unknown) => t.api(admin, method, url, body)
  const person = async (name: string, holding: { startsOn: string; endsOn?: string; fte: number }) => {
    const p = (await api('POST', '/api/v1/people', { name, kind: 'employee', team: 'Digital' })).json<Json>()
    const post = (
      await api('POST', '/api/v1/posts', { title: `${name}'s post`, fte: 1, status: 'filled' })
    ).json<Json>()
    await api('POST', '/api/v1/post-holders', { postId: post.id, personId: p.id, ...holding })
    return p
  }

  before(async () => {
    t = await buildTestApp()
    admin = await t.tokenFor(t.orgs.a.users.administrator)
    const programme = (
      await api('POST', '/api/v1/programmes', { reference: 'ED', name: 'Edits' })
    ).json<Json>()
    project = (
      await api('POST', '/api/v1/projects', {
        reference: 'ED-01',
        name: 'Website',
        programmeId: programme.id,
        forecastStart: '2019-06-01',
      })
    ).json<Json>()
    ana = await person('Ana Part-time', { startsOn: '2019-01-01', fte: 0.6 })
    lee = await person('Lee Leaver', { startsOn: '2018-01-01', endsOn: '2019-06-30', fte: 1 })
    role = (
      await api('POST', '/api/v1/project-roles', {
        projectId: project.id,
        title: 'Web developer',
        months: ['2019-06', '2019-07', '2019-08'].map((period) => ({ period, fte: 1.5 })),
      })
    ).json<Json>()
    allocation = (
      await api('POST', '/api/v1/allocations', {
        roleId: role.id,
        personId: ana.id,
        months: [{ period: '2019-06', fte: 0.5 }],
      })
    ).json<Json>()
    web = await t.signIn(t.orgs.a.users.programme_manager)
  })
  after(() => t.close())

  it('changes a role: a month per field, months added, a bad month a field error, a stale version the conflict page', async () => {
    const roles = await web.get(`/projects/${project.id}/roles`)
    assert.ok(roles.document.querySelector(`a[href="/project-roles/${role.id}/edit"]`), 'a Change link')
    const form = await web.get(`/project-roles/${role.id}/edit`)
    assert.equal(form.status, 200)
    assert.equal(form.document.querySelector<HTMLInputElement>('#fte-2019-07')?.getAttribute('value'), '1.50')

    const base = { version: String(role.version), title: 'Web developer', team: '' }
    const bad = await web.post(`/project-roles/${role.id}/edit`, {
      ...base,
      'fte-2019-06': '1.5',
      'fte-2019-07': 'lots',
      'fte-2019-08': '1.5',
    })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /There is a problem Enter the FTE for July 2019 as a number, like 0\.5/)
    const removesAllocated = await web.post(`/project-roles/${role.id}/edit`, {
      ...base,
      'fte-2019-06': '',
      'fte-2019-07': '1.5',
    })
    assert.equal(removesAllocated.status, 400)
    assert.match(removesAllocated.text, /People are allocated in months this would remove/)

    const saved = await web.post(`/project-roles/${role.id}/edit`, {
      ...base,
      title: 'Senior web developer',
      'fte-2019-06': '1.5',
      'fte-2019-07': '1',
      'fte-2019-08': '',
      'add-from': '2019-09',
      'add-to': '2019-10',
      'add-fte': '0.5',
    })
    assert.equal(saved.status, 303, saved.text)
    const now = (await api('GET', `/api/v1/project-roles/${role.id}`)).json<Json & Months>()
    assert.equal(now.title, 'Senior web developer')
    assert.deepEqual(
      now.months.map((m) => [m.period, m.fte]),
      [
        ['2019-06', 1.5],
        ['2019-07', 1],
        ['2019-09', 0.5],
        ['2019-10', 0.5],
      ],
    )

    const stale = await web.post(`/project-roles/${role.id}/edit`, {
      ...base,
      'fte-2019-06': '2',
      'fte-2019-07': '1.5',
      'fte-2019-08': '1.5',
    })
    assert.equal(stale.status, 409)
    assert.match(stale.text, /This was changed by someone else/)
    assert.match(stale.text, /Title Different Web developer Senior web developer/)
    const mine = await web.post(
      `/project-roles/${role.id}/edit`,
      Object.fromEntries(
        [...stale.document.querySelectorAll('main form input[type="hidden"]')]
          .filter((i) => i.getAttribute('name') !== '_csrf')
          .map((i) => [i.getAttribute('name')!, i.getAttribute('value') ?? '']),
      ),
    )
    assert.equal(mine.status, 303, mine.text)
    role = (await api('GET', `/api/v1/project-roles/${role.id}`)).json<Json>()
    assert.equal(role.title, 'Web developer')
  })

  it('changes an allocation: more than one person, a leaver and over-capacity are field errors until confirmed', async () => {
    const form = await web.get(`/allocations/${allocation.id}/edit`)
    assert.equal(form.status, 200)
    assert.equal(form.document.querySelector('#who option[selected]')?.textContent, 'Ana Part-time')
    assert.equal(form.document.querySelector('#fte-2019-06')?.getAttribute('value'), '0.50')
    const base = { version: String(allocation.version), who: `person-${ana.id}` }

    const tooMuch = await web.post(`/allocations/${allocation.id}/edit`, { ...base, 'fte-2019-06': '1.2' })
    assert.equal(tooMuch.status, 400)
    assert.match(tooMuch.text, /FTE in June 2019 must be 1 or less/)
    const leaver = await web.post(`/allocations/${allocation.id}/edit`, {
      ...base,
      who: `person-${lee.id}`,
      'fte-2019-07': '0.5',
    })
    assert.equal(leaver.status, 400)
    assert.match(leaver.text, /This person left on 2019-06-30/)
    assert.ok(leaver.document.querySelector('.govuk-error-summary a[href="#who"]'))

    const over = await web.post(`/allocations/${allocation.id}/edit`, {
      ...base,
      'fte-2019-06': '0.8',
      'fte-2019-07': '0.4',
    })
    assert.equal(over.status, 400)
    assert.match(
      over.text,
      /Ana Part-time would be over their capacity in June 2019 \(0\.80 FTE of 0\.60 available\)\. Change the FTE, or confirm/,
    )
    assert.ok(over.document.querySelector('input[name="confirm"][value="yes"]'), 'the box to confirm')
    const unchanged = (await api('GET', `/api/v1/allocations/${allocation.id}`)).json<Json & Months>()
    assert.deepEqual(unchanged.months, [{ period: '2019-06', fte: 0.5 }], 'nothing saved')

    const confirmed = await web.post(`/allocations/${allocation.id}/edit`, {
      ...base,
      'fte-2019-06': '0.8',
      'fte-2019-07': '0.4',
      confirm: 'yes',
    })
    assert.equal(confirmed.status, 303, confirmed.text)
    const page = await web.get(`/projects/${project.id}/roles`)
    assert.match(page.text, /Ana Part-time: June 2019 0\.80; July 2019 0\.40 Over capacity in June 2019/)

    const stale = await web.post(`/allocations/${allocation.id}/edit`, { ...base, 'fte-2019-06': '0.1' })
    assert.equal(stale.status, 409)
    assert.match(stale.text, /FTE by month Different June 2019 0\.10 June 2019 0\.80; July 2019 0\.40/)
    allocation = (await api('GET', `/api/v1/allocations/${allocation.id}`)).json<Json>()
  })

  it('the add form warns of over-capacity too, and allocates once confirmed', async () => {
    const body = {
      'allocation-roleId': String(role.id),
      'allocation-who': `person-${ana.id}`,
      'allocation-from': '2019-08',
      'allocation-to': '2019-08',
      'allocation-fte': '0.7',
    }
    const warned = await web.post(`/projects/${project.id}/allocations`, body)
    assert.equal(warned.status, 400)
    assert.match(warned.text, /in August 2019 \(0\.70 FTE of 0\.60 available\)/)
    assert.ok(warned.document.querySelector('.govuk-error-summary a[href="#allocation-confirm"]'))
    const done = await web.post(`/projects/${project.id}/allocations`, {
      ...body,
      'allocation-confirm': 'yes',
    })
    assert.equal(done.status, 303, done.text)
  })

  it('deletes an allocation, then the role, each after a confirmation page; a stale version is refused', async () => {
    const ask = await web.get(`/allocations/${allocation.id}/delete`)
    assert.equal(ask.status, 200)
    assert.match(ask.text, /Are you sure you want to delete Ana Part-time’s allocation to Web developer\?/)
    const stale = await web.post(`/allocations/${allocation.id}/delete`, {
      version: String(allocation.version - 1),
    })
    assert.equal(stale.status, 409)
    assert.match(stale.text, /changed after you opened this page/)
    const gone = await web.post(`/allocations/${allocation.id}/delete`, {
      version: String(allocation.version),
    })
    assert.equal(gone.status, 303)
    assert.equal((await api('GET', `/api/v1/allocations/${allocation.id}`)).statusCode, 404)

    const askRole = await web.get(`/project-roles/${role.id}/delete`)
    assert.match(askRole.text, /its allocation is deleted with it/)
    const roleGone = await web.post(`/project-roles/${role.id}/delete`, { version: String(role.version) })
    assert.equal(roleGone.status, 303)
    assert.match((await web.get(`/projects/${project.id}/roles`)).text, /No roles recorded for this project/)
  })

  it('a viewer may not change them; another organisation finds nothing', async () => {
    const r = (
      await api('POST', '/api/v1/project-roles', {
        projectId: project.id,
        title: 'Content designer',
        months: [{ period: '2019-06', fte: 1 }],
      })
    ).json<Json>()
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    assert.equal((await viewer.get(`/project-roles/${r.id}/edit`)).status, 403)
    assert.doesNotMatch((await viewer.get(`/projects/${project.id}/roles`)).text, /Change/)
    const other = await t.signIn(t.orgs.b.users.administrator)
    assert.equal((await other.get(`/project-roles/${r.id}/edit`)).status, 404)
    assert.equal((await other.post(`/project-roles/${r.id}/delete`, { version: '1' })).status, 404)
  })
})
