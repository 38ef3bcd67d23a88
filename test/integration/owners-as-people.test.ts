/**
 * Owners are people of the register (issue 10): every owner field is chosen from the people register (or a
 * name typed is found in it or added to it), another council's person is a field error, and the owner's name
 * is what lists, pages and the API show.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

describe(`owners are people of the register (${dialectName()})`, () => {
  let t: TestApp
  let token: string
  let programmeId: number
  const people: Record<string, number> = {}

  const addPerson = async (orgToken: string, name: string) => {
    const res = await t.api(orgToken, 'POST', '/api/v1/people', { name, kind: 'employee' })
    assert.equal(res.statusCode, 201, res.body)
    return res.json<{ id: number }>().id
  }

  before(async () => {
    t = await buildTestApp()
    token = await t.tokenFor(t.orgs.a.users.administrator)
    people.zoe = await addPerson(token, 'Zoe Adams')
    people.amir = await addPerson(token, 'amir Khan')
    people.foreign = await addPerson(await t.tokenFor(t.orgs.b.users.administrator), 'Fen Officer')
    const res = await t.api(token, 'POST', '/api/v1/programmes', { reference: 'OWN-1', name: 'Owners' })
    programmeId = res.json<{ id: number }>().id
  })
  after(() => t.close())

  it('API: a name is the register’s person of that name, or a new one; an id names the person', async () => {
    const res = await t.api(token, 'POST', '/api/v1/projects', {
      reference: 'OWN-P1',
      name: 'Named owners',
      programmeId,
      projectManager: 'zoe adams',
      sponsor: 'Dr New Person',
    })
    assert.equal(res.statusCode, 201, res.body)
    const p = res.json<{
      id: number
      version: number
      projectManager: string
      projectManagerPersonId: number
      sponsor: string
      sponsorPersonId: number
    }>()
    assert.equal(p.projectManagerPersonId, people.zoe)
    assert.equal(p.projectManager, 'Zoe Adams', 'the name as the register spells it')
    assert.equal(p.sponsor, 'Dr New Person')
    const sponsor = await t.api(token, 'GET', `/api/v1/people/${p.sponsorPersonId}`)
    assert.equal(sponsor.statusCode, 200)
    assert.equal(sponsor.json<{ name: string }>().name, 'Dr New Person', 'added to the register')

    const patched = await t.api(token, 'PATCH', `/api/v1/projects/${p.id}`, {
      version: p.version,
      projectManagerPersonId: people.amir,
    })
    assert.equal(patched.statusCode, 200, patched.body)
    assert.equal(patched.json<{ projectManager: string }>().projectManager, 'amir Khan')

    const byOldName = await t.api(token, 'PATCH', `/api/v1/projects/${p.id}`, {
      version: p.version + 1,
      projectManager: 'DR NEW PERSON',
    })
    assert.equal(byOldName.statusCode, 200, byOldName.body)
    assert.equal(
      byOldName.json<{ projectManagerPersonId: number }>().projectManagerPersonId,
      p.sponsorPersonId,
    )
  })

  it("API: another organisation's person is a field error, and nothing is written", async () => {
    const res = await t.api(token, 'POST', '/api/v1/projects', {
      reference: 'OWN-P2',
      name: 'Foreign owner',
      programmeId,
      sponsorPersonId: people.foreign,
      projectManager: 'Not Added Either',
    })
    assert.equal(res.statusCode, 400, res.body)
    assert.deepEqual(res.json<{ fields: Record<string, string> }>().fields, {
      sponsorPersonId: 'Choose a person from the register',
    })
    const list = await t.api(token, 'GET', '/api/v1/projects?q=OWN-P2')
    assert.equal(list.json<{ items: unknown[] }>().items.length, 0)
    const named = await t.api(token, 'GET', '/api/v1/people?limit=100')
    assert.ok(!named.body.includes('Not Added Either'), 'the typed name was not added either')

    const programme = await t.api(token, 'POST', '/api/v1/programmes', {
      reference: 'OWN-2',
      name: 'Foreign holder',
      portfolioHolderPersonId: people.foreign,
    })
    assert.equal(programme.statusCode, 400)
    assert.equal(
      programme.json<{ fields: Record<string, string> }>().fields.portfolioHolderPersonId,
      'Choose a person from the register',
    )
  })

  it('the project form lists the register by name, and keeps a chosen person; a typed name adds one', async () => {
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const form = await pm.get(`/projects/new?programmeId=${programmeId}`)
    const options = [...form.document.querySelectorAll('#projectManagerPersonId option')].map((o) =>
      o.textContent?.trim(),
    )
    const amir = options.indexOf('amir Khan')
    assert.ok(amir > 0 && amir < options.indexOf('Zoe Adams'), `sorted by name: ${options.join(', ')}`)
    assert.ok(!options.includes('Fen Officer'), "not another council's people")

    const saved = await pm.post('/projects', {
      reference: 'OWN-P3',
      name: 'Chosen owners',
      programmeId: String(programmeId),
      projectManagerPersonId: String(people.zoe),
      sponsorPersonId: '',
      sponsor: 'Cllr Typed Name',
      stage: 'idea',
    })
    assert.equal(saved.status, 303, saved.text)
    const page = await pm.get(saved.location!)
    assert.match(page.text, /Zoe Adams/)
    assert.match(page.text, /Cllr Typed Name/)
    const edit = await pm.get(`${saved.location!}/edit`)
    const selected = edit.document.querySelector('#projectManagerPersonId option[selected]')
    assert.equal(selected?.textContent?.trim(), 'Zoe Adams')
    const sponsor = edit.document.querySelector('#sponsorPersonId option[selected]')
    assert.equal(
      sponsor?.textContent?.trim(),
      'Cllr Typed Name',
      'the typed name is now a person of the list',
    )
  })

  it("the form refuses another organisation's person with the error summary", async () => {
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    await pm.get('/programmes/new')
    const page = await pm.post('/programmes', {
      reference: 'OWN-3',
      name: 'Foreign holder by form',
      portfolioHolderPersonId: String(people.foreign),
      status: 'active',
    })
    assert.equal(page.status, 400)
    const summary = page.document.querySelector('.govuk-error-summary')
    assert.match(summary?.textContent ?? '', /Choose a person from the register/)
    assert.equal(summary?.querySelector('a')?.getAttribute('href'), '#portfolioHolderPersonId')
  })
})
