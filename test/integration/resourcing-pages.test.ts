import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

interface Json {
  id: number
  version: number
  [k: string]: unknown
}

const date = (name: string, iso: string) => {
  const [y, m, d] = iso.split('-')
  return { [`${name}-day`]: d!, [`${name}-month`]: m!, [`${name}-year`]: y! }
}

describe(`people, posts and skills pages (${dialectName()})`, () => {
  let t: TestApp
  let admin: string
  let postId: number
  let samId: number

  before(async () => {
    t = await buildTestApp()
    admin = await t.tokenFor(t.orgs.a.users.administrator)
    const partner = await t.partner(t.orgs.a, 'PSPS')
    samId = (
      await t.api(admin, 'POST', '/api/v1/people', {
        name: 'Sam Patel',
        kind: 'employee',
        team: 'Digital',
        email: 'sam.patel@alpha.test',
      })
    ).json<Json>().id
    await t.api(admin, 'POST', '/api/v1/people', {
      name: '=HYPERLINK("http://evil")',
      kind: 'partner_staff',
      partnerId: partner,
      email: 'x@psps.test',
    })
    postId = (
      await t.api(admin, 'POST', '/api/v1/posts', {
        title: 'Web developer',
        team: 'Digital',
        grade: 'G8',
        fte: 1,
        annualCostPence: 3_800_050,
        status: 'vacant',
        approvedOn: '2018-07-01',
      })
    ).json<Json>().id
  })
  after(() => t.close())

  it('adds a person and a post through their forms, with the error summary for bad input and nothing saved', async () => {
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const form = await pm.get('/posts/new')
    assert.equal(form.status, 200)
    const bad = await pm.post('/posts/new', {
      title: 'Delivery manager',
      fte: '1.2',
      status: 'vacant',
      funded: 'no',
      ...date('approvedOn', '2019-05-01'),
      ...date('advertisedOn', '2019-04-01'),
    })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /There is a problem/)
    assert.match(bad.text, /FTE must be 1 or less/)
    assert.match(bad.text, /Date advertised must be the same as or after the date approved/)
    const list = await t.api(admin, 'GET', '/api/v1/posts')
    assert.ok(!list.json<{ items: Json[] }>().items.some((p) => p.title === 'Delivery manager'))

    const good = await pm.post('/posts/new', {
      title: 'Delivery manager',
      team: 'Digital',
      fte: '0.6',
      status: 'vacant',
      funded: 'no',
      annualCost: '£41,000.00',
    })
    assert.equal(good.status, 303, good.text)
    const page = await pm.get(good.location!)
    assert.match(page.text, /Delivery manager/)
    assert.match(page.text, /£41,000\.00/)

    const person = await pm.post('/people/new', { name: 'Ria Shah', kind: 'employee', team: 'Digital' })
    assert.equal(person.status, 303)
    const noName = await pm.post('/people/new', { name: '', kind: 'employee' })
    assert.equal(noName.status, 400)
    assert.match(noName.text, /Enter the person’s name/)
  })

  it('a holder beyond the post’s FTE is refused on the page; a stale edit shows the conflict page', async () => {
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const first = await pm.post(`/posts/${postId}/holders/new`, {
      personId: String(samId),
      ...date('startsOn', '2019-04-01'),
      fte: '1',
    })
    assert.equal(first.status, 303, first.text)
    const other = (
      await t.api(admin, 'POST', '/api/v1/people', { name: 'Jo Reed', kind: 'employee' })
    ).json<Json>()
    const over = await pm.post(`/posts/${postId}/holders/new`, {
      personId: String(other.id),
      ...date('startsOn', '2020-01-01'),
      fte: '0.5',
    })
    assert.equal(over.status, 400)
    assert.match(over.text, /other holders already hold 1 FTE of it/)

    const edit = await pm.get(`/people/${samId}/edit`)
    const version = edit.document.querySelector('input[name="version"]')!.getAttribute('value')!
    await t.api(admin, 'PATCH', `/api/v1/people/${samId}`, { version: Number(version), team: 'Web' })
    const stale = await pm.post(`/people/${samId}/edit`, {
      version,
      name: 'Sam Patel',
      kind: 'employee',
      team: 'Digital services',
    })
    assert.equal(stale.status, 409)
    assert.match(stale.text, /This was changed by someone else/)
  })

  it('a secondment that ends before it starts is a field error on the page', async () => {
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const res = await pm.post(`/people/${samId}/secondments/new`, {
      direction: 'out',
      toTeam: 'Covid-19 response',
      ...date('startsOn', '2020-03-23'),
      ...date('endsOn', '2020-03-01'),
      fte: '1',
      reason: 'Covid-19 response',
    })
    assert.equal(res.status, 400)
    assert.match(res.text, /End date must be the same as or after the start date/)
    const ok = await pm.post(`/people/${samId}/secondments/new`, {
      direction: 'out',
      toTeam: 'Covid-19 response',
      ...date('startsOn', '2020-03-23'),
      ...date('endsOn', '2020-09-30'),
      fte: '1',
      reason: 'Covid-19 response',
    })
    assert.equal(ok.status, 303, ok.text)
    assert.match((await pm.get(`/people/${samId}`)).text, /Covid-19 response/)
  })

  it('roles on the pages and exports: costs for finance, no personal data for a viewer, partner staff only for a partner officer', async () => {
    const finance = await t.signIn(t.orgs.a.users.finance_officer)
    assert.match((await finance.get(`/posts/${postId}`)).text, /£38,000\.50/)
    const csv = await finance.get('/posts/export.csv')
    assert.match(String(csv.headers['content-type']), /text\/csv/)
    assert.match(csv.body, /Annual cost/)
    assert.match(csv.body, /38000\.50/)

    const viewer = await t.signIn(t.orgs.a.users.viewer)
    const post = await viewer.get(`/posts/${postId}`)
    assert.equal(post.status, 200)
    assert.doesNotMatch(post.text, /£38,000/)
    assert.doesNotMatch(post.text, /G8/, 'the grade of a post a named person holds is personal data')
    const person = await viewer.get(`/people/${samId}`)
    assert.doesNotMatch(person.text, /sam\.patel@alpha\.test/)
    const peopleCsv = await viewer.get('/people/export.csv')
    assert.doesNotMatch(peopleCsv.body, /Email address|@alpha\.test/)
    assert.doesNotMatch((await viewer.get('/posts/export.csv')).body, /Annual cost|38000/)
    assert.equal((await viewer.get('/posts/new')).status, 403)

    const officer = await t.signIn(t.orgs.a.users.partner_officer)
    const theirs = await officer.get('/people')
    assert.doesNotMatch(theirs.text, /Sam Patel/)
    assert.match(theirs.text, /HYPERLINK/)
    const exported = await officer.get('/people/export.csv')
    assert.doesNotMatch(exported.body, /Sam Patel/)
    assert.match(exported.body, /"'=HYPERLINK\(""http:\/\/evil""\)"/, 'formulas are neutralised')
    assert.equal((await officer.get(`/people/${samId}`)).status, 404)
    assert.equal((await officer.get('/posts')).status, 403)
    const xlsx = await officer.get('/people/export.xlsx')
    assert.equal(xlsx.status, 200)
    assert.match(String(xlsx.headers['content-type']), /spreadsheetml/)

    const foreign = await t.signIn(t.orgs.b.users.administrator)
    assert.equal((await foreign.get(`/people/${samId}`)).status, 404)
    assert.equal((await foreign.get(`/posts/${postId}`)).status, 404)
    assert.equal((await foreign.get(`/history/person/${samId}`)).status, 404)
    assert.doesNotMatch((await foreign.get('/people')).text, /Sam Patel/)
  })

  it('the skills catalogue is seeded and editable, and a person’s skills are recorded with levels', async () => {
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const page = await pm.get('/skills')
    assert.match(page.text, /Accessibility testing/)
    assert.match(page.text, /CRM administration/)
    const added = await pm.post('/skills', { name: 'Cloud hosting', description: '' })
    assert.equal(added.status, 303)
    const dup = await pm.post('/skills', { name: 'cloud hosting' })
    assert.equal(dup.status, 400)
    const hosting = (await t.api(admin, 'GET', '/api/v1/skills'))
      .json<{ items: Json[] }>()
      .items.find((s) => s.name === 'Cloud hosting')!
    const edit = await pm.get(`/skills/${hosting.id}/edit`)
    assert.equal(edit.status, 200)
    const retired = await pm.post(`/skills/${hosting.id}/edit`, {
      version: String(hosting.version),
      name: 'Cloud hosting',
      description: 'Hosting on public cloud',
      retired: 'yes',
    })
    assert.equal(retired.status, 303, retired.text)
    assert.match((await pm.get('/skills')).text, /Cloud hosting Retired/)
    const stale = await pm.post(`/skills/${hosting.id}/edit`, {
      version: String(hosting.version),
      name: 'Cloud platforms',
      description: '',
    })
    assert.equal(stale.status, 409)
    assert.match(stale.text, /This was changed by someone else/)
    const form = await pm.get(`/people/${samId}/skills`)
    const web = [...form.document.querySelectorAll('label')].find(
      (l) => l.textContent?.trim() === 'Web development',
    )!
    const id = web.getAttribute('for')!
    const version = form.document.querySelector('input[name="version"]')!.getAttribute('value')!
    const saved = await pm.post(`/people/${samId}/skills`, { version, [id]: 'expert' })
    assert.equal(saved.status, 303, saved.text)
    assert.match((await pm.get(`/people/${samId}`)).text, /Web development Expert/)
  })

  it('a viewer’s history of a person leaves out the email address', async () => {
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    const history = await viewer.get(`/history/person/${samId}`)
    assert.equal(history.status, 200)
    assert.doesNotMatch(history.text, /sam\.patel@alpha\.test/)
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    assert.match((await pm.get(`/history/person/${samId}`)).text, /sam\.patel@alpha\.test/)
  })
  it('a secondment and a post holding are edited through their own pages; bad input and another organisation are refused', async () => {
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const sec = (
      await t.api(admin, 'POST', '/api/v1/secondments', {
        personId: samId,
        direction: 'out',
        toTeam: 'Covid-19 response',
        startsOn: '2020-03-23',
        fte: 0.5,
        reason: 'Covid-19 response',
      })
    ).json<Json>()
    const person = await pm.get(`/people/${samId}`)
    assert.ok(
      person.document.querySelector(`a[href="/secondments/${sec.id}/edit"]`),
      'linked from the person',
    )
    const form = await pm.get(`/secondments/${sec.id}/edit`)
    assert.equal(form.status, 200)
    assert.equal(form.document.querySelector('#toTeam')?.getAttribute('value'), 'Covid-19 response')
    const fields = {
      direction: 'out',
      toTeam: 'Covid-19 response',
      fte: '0.5',
      reason: 'Covid-19 response',
      ...date('startsOn', '2020-03-23'),
      version: String(sec.version),
    }
    const bad = await pm.post(`/secondments/${sec.id}/edit`, { ...fields, ...date('endsOn', '2020-01-01') })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /There is a problem/)
    const ended = await pm.post(`/secondments/${sec.id}/edit`, { ...fields, ...date('endsOn', '2020-09-30') })
    assert.equal(ended.status, 303, ended.text)
    const saved = (await t.api(admin, 'GET', `/api/v1/secondments/${sec.id}`)).json<Json>()
    assert.equal(saved.endsOn, '2020-09-30')

    const ownPost = (
      await t.api(admin, 'POST', '/api/v1/posts', { title: 'Content designer', fte: 1, status: 'vacant' })
    ).json<Json>().id
    const holder = (
      await t.api(admin, 'POST', '/api/v1/post-holders', {
        postId: ownPost,
        personId: samId,
        startsOn: '2021-01-04',
        fte: 0.4,
      })
    ).json<Json>()
    const post = await pm.get(`/posts/${ownPost}`)
    assert.ok(
      post.document.querySelector(`a[href="/post-holders/${holder.id}/edit"]`),
      'linked from the post',
    )
    const hForm = await pm.get(`/post-holders/${holder.id}/edit`)
    assert.equal(hForm.status, 200)
    assert.equal(hForm.document.querySelector('#fte')?.getAttribute('value'), '0.4')
    const hFields = {
      personId: String(samId),
      ...date('startsOn', '2021-01-04'),
      version: String(holder.version),
    }
    const tooMuch = await pm.post(`/post-holders/${holder.id}/edit`, { ...hFields, fte: '1.5' })
    assert.equal(tooMuch.status, 400)
    const endHolding = await pm.post(`/post-holders/${holder.id}/edit`, {
      ...hFields,
      fte: '0.4',
      ...date('endsOn', '2022-03-31'),
    })
    assert.equal(endHolding.status, 303, endHolding.text)
    const after = (await t.api(admin, 'GET', `/api/v1/post-holders/${holder.id}`)).json<Json>()
    assert.equal(after.endsOn, '2022-03-31')

    const other = await t.signIn(t.orgs.b.users.administrator)
    assert.equal((await other.get(`/secondments/${sec.id}/edit`)).status, 404)
    assert.equal(
      (await other.post(`/post-holders/${holder.id}/edit`, { ...hFields, fte: '0.4' })).status,
      404,
    )
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    assert.equal((await viewer.get(`/post-holders/${holder.id}/edit`)).status, 403)
  })
})
