import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

interface AmbitionJson {
  id: number
  version: number
  title: string
  owner: string
  ownerPersonId: number | null
  programmes: Array<{ reference: string }>
  projects: Array<{ reference: string }>
}
interface ErrorJson {
  message: string
  fields: Record<string, string>
}

// Issue 11, strategic ambitions: members said "the council's strategic ambitions relating to digital achievement
// needed to be transparent". An ambition is owned by a Portfolio Holder of the register, and programmes and
// projects contribute to it; a partner officer never reads the name of a project not shared with them.
describe(`strategic ambitions (${dialectName()})`, () => {
  let t: TestApp
  let admin: string
  let programme: number
  let sharedProject: number
  let councilProject: number
  let foreignProgramme: number
  let ashby: number
  let ambition: AmbitionJson

  const make = async (token: string, url: string, body: unknown) => {
    const res = await t.api(token, 'POST', url, body)
    assert.equal(res.statusCode, 201, `${url}: ${res.body}`)
    return res.json<{ id: number }>().id
  }
  const count = async () =>
    Number(
      (
        await t.database.db
          .selectFrom('ambitions')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )

  before(async () => {
    t = await buildTestApp()
    admin = await t.tokenFor(t.orgs.a.users.administrator)
    const psps = await t.partner(t.orgs.a, 'PSPS')
    programme = await make(admin, '/api/v1/programmes', { reference: 'ICT', name: 'ICT and Digital' })
    sharedProject = await make(admin, '/api/v1/projects', {
      reference: 'ICT-01',
      name: 'Website accessibility',
      programmeId: programme,
    })
    councilProject = await make(admin, '/api/v1/projects', {
      reference: 'ICT-06',
      name: 'Confidential resourcing',
      programmeId: programme,
    })
    await t.share(sharedProject, [psps])
    ashby = await make(admin, '/api/v1/people', { name: 'Cllr Richard Ashby', kind: 'employee' })
    const adminB = await t.tokenFor(t.orgs.b.users.administrator)
    foreignProgramme = await make(adminB, '/api/v1/programmes', { reference: 'B', name: 'B programme' })
  })
  after(() => t.close())

  it('records an ambition with its owner and the programmes and projects that contribute', async () => {
    const res = await t.api(admin, 'POST', '/api/v1/ambitions', {
      title: 'Digital by preference: most contacts start online by 2023',
      statement: 'Residents choose to contact us online because it is easier.',
      theme: 'A council that works well',
      horizonOn: '2023-03-31',
      status: 'active',
      ownerPersonId: ashby,
      programmeIds: [programme],
      projectIds: [sharedProject, councilProject],
    })
    assert.equal(res.statusCode, 201, res.body)
    ambition = res.json<AmbitionJson>()
    assert.equal(ambition.owner, 'Cllr Richard Ashby')
    assert.deepEqual(
      ambition.projects.map((p) => p.reference),
      ['ICT-01', 'ICT-06'],
    )
    assert.deepEqual(
      ambition.programmes.map((p) => p.reference),
      ['ICT'],
    )
  })

  it('lets a programme manager write, and refuses project managers and viewers', async () => {
    const pm = await t.tokenFor(t.orgs.a.users.programme_manager)
    const ok = await t.api(pm, 'POST', '/api/v1/ambitions', {
      title: 'Accessible online services for everyone',
    })
    assert.equal(ok.statusCode, 201, ok.body)
    for (const role of ['project_manager', 'viewer', 'partner_officer'] as const) {
      const token = await t.tokenFor(t.orgs.a.users[role])
      const res = await t.api(token, 'POST', '/api/v1/ambitions', { title: `By ${role}` })
      assert.equal(res.statusCode, 403, role)
      const read = await t.api(token, 'GET', `/api/v1/ambitions/${ambition.id}`)
      assert.equal(read.statusCode, 200, `${role} reads ambitions`)
    }
  })

  it("shows a partner officer only the projects shared with them, never another's name", async () => {
    const token = await t.tokenFor(t.orgs.a.users.partner_officer)
    const res = await t.api(token, 'GET', `/api/v1/ambitions/${ambition.id}`)
    const seen = res.json<AmbitionJson>()
    assert.deepEqual(
      seen.projects.map((p) => p.reference),
      ['ICT-01'],
    )
    const officer = await t.signIn(t.orgs.a.users.partner_officer)
    for (const url of ['/ambitions', `/ambitions/${ambition.id}`, '/ambitions/export.csv']) {
      const page = await officer.get(url)
      assert.equal(page.status, 200, url)
      assert.match(page.body, /Digital by preference/)
      assert.doesNotMatch(page.body, /Confidential resourcing|ICT-06/, url)
    }
    // The owner's name, but no link into a register that answers them 404 (the crawl found such links).
    const page = await officer.get(`/ambitions/${ambition.id}`)
    assert.match(page.text, /Cllr Richard Ashby/)
    assert.equal(page.document.querySelector(`a[href="/people/${ashby}"]`), null)
    const council = await (await t.signIn(t.orgs.a.users.administrator)).get(`/ambitions/${ambition.id}`)
    assert.ok(council.document.querySelector(`a[href="/people/${ashby}"]`), 'the council follows the link')
    const history = await officer.get(`/history/ambition/${ambition.id}`)
    assert.equal(history.status, 200)
    assert.doesNotMatch(history.body, /ICT-06/)
  })

  it("is not found for another organisation, and a link to another's programme is a field error", async () => {
    const adminB = await t.tokenFor(t.orgs.b.users.administrator)
    assert.equal((await t.api(adminB, 'GET', `/api/v1/ambitions/${ambition.id}`)).statusCode, 404)
    const pageB = await (await t.signIn(t.orgs.b.users.administrator)).get(`/ambitions/${ambition.id}`)
    assert.equal(pageB.status, 404)
    const before = await count()
    const res = await t.api(admin, 'POST', '/api/v1/ambitions', {
      title: 'Modern, resilient ICT infrastructure',
      programmeIds: [foreignProgramme],
    })
    assert.equal(res.statusCode, 400, res.body)
    assert.equal(res.json<ErrorJson>().fields.programmeIds, 'Choose a programme from the list')
    const twice = await t.api(admin, 'POST', '/api/v1/ambitions', { title: ambition.title.toUpperCase() })
    assert.equal(twice.statusCode, 400)
    assert.match(twice.json<ErrorJson>().fields.title ?? '', /already recorded/)
    assert.equal(await count(), before, 'nothing saved')
  })

  it('answers 409 to a stale version and keeps the links a change names', async () => {
    const changed = await t.api(admin, 'PATCH', `/api/v1/ambitions/${ambition.id}`, {
      version: ambition.version,
      projectIds: [sharedProject],
    })
    assert.equal(changed.statusCode, 200, changed.body)
    const now = changed.json<AmbitionJson>()
    assert.deepEqual(
      now.projects.map((p) => p.reference),
      ['ICT-01'],
    )
    assert.equal(now.owner, 'Cllr Richard Ashby', 'a change that does not name the owner keeps them')
    const stale = await t.api(admin, 'PATCH', `/api/v1/ambitions/${ambition.id}`, {
      version: ambition.version,
      title: 'Stale',
    })
    assert.equal(stale.statusCode, 409)
    ambition = now
  })

  it("follows the owner's name when the register renames them", async () => {
    const person = await t.api(admin, 'GET', `/api/v1/people/${ashby}`)
    const renamed = await t.api(admin, 'PATCH', `/api/v1/people/${ashby}`, {
      version: person.json<{ version: number }>().version,
      name: 'Cllr Richard Ashby MBE',
    })
    assert.equal(renamed.statusCode, 200, renamed.body)
    const res = await t.api(admin, 'GET', `/api/v1/ambitions/${ambition.id}`)
    assert.equal(res.json<AmbitionJson>().owner, 'Cllr Richard Ashby MBE')
  })

  it('shows the ambition on its programme and project pages, and the list with its owner and links', async () => {
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    const list = await viewer.get('/ambitions')
    assert.equal(list.status, 200)
    assert.match(
      list.text,
      /Digital by preference.*A council that works well.*Cllr Richard Ashby MBE.*31 March 2023/,
    )
    assert.equal(list.document.querySelector('a[href="/ambitions/new"]'), null, 'a viewer cannot add one')
    for (const url of [`/programmes/${programme}`, `/projects/${sharedProject}`]) {
      const page = await viewer.get(url)
      assert.ok(page.document.querySelector(`#ambitions ~ ul a[href="/ambitions/${ambition.id}"]`), url)
      assert.ok(page.document.querySelector('a[href="/ambitions"]'), url)
    }
    const council = await viewer.get(`/projects/${councilProject}`)
    assert.equal(
      council.document.querySelector(`a[href="/ambitions/${ambition.id}"]`),
      null,
      'no longer linked',
    )
    assert.match(council.text, /Not linked to a strategic ambition yet/)
  })

  it('adds an ambition through the form, with field errors and nothing saved for a bad date', async () => {
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const form = await pm.get('/ambitions/new')
    assert.equal(form.status, 200)
    const before = await count()
    const bad = await pm.post('/ambitions/new', {
      title: '',
      status: 'active',
      'horizonOn-day': '31',
      'horizonOn-month': '2',
      'horizonOn-year': '2024',
    })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /There is a problem.*Enter the ambition/)
    assert.ok(bad.document.querySelector('#horizonOn-error'))
    assert.equal(await count(), before)
    const good = await pm.post('/ambitions/new', {
      title: 'Modern, resilient ICT infrastructure',
      theme: 'A council that works well',
      status: 'active',
      ownerPersonId: String(ashby),
      programmeIds: [String(programme)],
      projectIds: [String(councilProject)],
    })
    assert.equal(good.status, 303, good.text)
    const shown = await pm.get(good.location!)
    assert.match(
      shown.text,
      /Modern, resilient ICT infrastructure.*Cllr Richard Ashby MBE.*ICT-06: Confidential resourcing/,
    )
  })

  it('shows a stale edit on the conflict page, and exports CSV and Excel', async () => {
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    await pm.get(`/ambitions/${ambition.id}/edit`)
    const stale = await pm.post(`/ambitions/${ambition.id}/edit`, {
      version: String(ambition.version - 1),
      title: 'My stale title',
      status: 'active',
    })
    assert.equal(stale.status, 409)
    assert.match(stale.text, /changed by someone else/)
    const csv = await pm.get('/ambitions/export.csv')
    assert.match(String(csv.headers['content-type']), /text\/csv/)
    assert.match(csv.body, /Digital by preference.*Cllr Richard Ashby MBE/)
    const xlsx = await pm.get('/ambitions/export.xlsx')
    assert.equal(xlsx.status, 200)
    assert.match(String(xlsx.headers['content-type']), /spreadsheetml/)
  })

  it("lists the programme's ambitions under what ‘Digital’ means in its definition and the paper", async () => {
    const id = await make(admin, '/api/v1/programme-definitions', {
      programmeId: programme,
      title: 'What Digital means to Marshland',
      digitalMeaning: 'Services designed around the customer.',
    })
    const page = await (await t.signIn(t.orgs.a.users.viewer)).get(`/programme-definitions/${id}`)
    assert.equal(page.status, 200)
    assert.ok(page.document.querySelector(`.govuk-summary-list a[href="/ambitions/${ambition.id}"]`))
    assert.match(
      page.text,
      /What ‘Digital’ means to the authority Services designed around the customer\. The strategic ambitions it serves: Digital by preference/,
    )
  })
})
