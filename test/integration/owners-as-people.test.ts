/**
 * Owners are people of the register (issue 10): every owner field is chosen from the people register (or a
 * name typed is found in it or added to it), another council's person is a field error, and the owner's name
 * is what lists, pages and the API show.
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { copyPersonName } from '../../src/modules/resourcing/person-refs.ts'
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

  it('renaming a person in the register renames them on every record they own', async () => {
    const id = await addPerson(token, 'Rena Old')
    const res = await t.api(token, 'POST', '/api/v1/projects', {
      reference: 'OWN-R1',
      name: 'Renamed owner',
      programmeId,
      sponsorPersonId: id,
    })
    assert.equal(res.statusCode, 201, res.body)
    const p = (await t.api(token, 'GET', `/api/v1/people/${id}`)).json<{ version: number }>()
    const renamed = await t.api(token, 'PATCH', `/api/v1/people/${id}`, {
      version: p.version,
      name: 'Rena New',
    })
    assert.equal(renamed.statusCode, 200, renamed.body)
    const project = await t.api(token, 'GET', `/api/v1/projects/${res.json<{ id: number }>().id}`)
    assert.equal(project.json<{ sponsor: string }>().sponsor, 'Rena New')
  })

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
    const history = await pm.get(`/history/project/${saved.location!.split('/').pop()}`)
    assert.match(history.text, /Project manager Zoe Adams/)
    assert.doesNotMatch(history.text, /person id/i, 'the name says who, not the register’s id')
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

  it('RAID: risks, actions, issues and assumptions name people; another council’s is refused', async () => {
    const project = await t.api(token, 'POST', '/api/v1/projects', {
      reference: 'OWN-R',
      name: 'RAID',
      programmeId,
    })
    const projectId = project.json<{ id: number }>().id
    const risk = await t.api(token, 'POST', '/api/v1/risks', {
      projectId,
      title: 'Supplier fails',
      event: 'The supplier goes out of business',
      category: 'commercial',
      likelihood: 2,
      impact: 4,
      ownerPersonId: people.zoe,
    })
    assert.equal(risk.statusCode, 201, risk.body)
    const r = risk.json<{ id: number; owner: string; ownerPersonId: number }>()
    assert.deepEqual([r.owner, r.ownerPersonId], ['Zoe Adams', people.zoe])
    const action = await t.api(token, 'POST', `/api/v1/risks/${r.id}/actions`, {
      action: 'Find a second supplier',
      owner: 'AMIR KHAN',
    })
    assert.equal(action.statusCode, 201, action.body)
    const actions = action.json<{ actions: Array<{ owner: string; ownerPersonId: number }> }>().actions
    assert.deepEqual(
      actions.map((a) => [a.owner, a.ownerPersonId]),
      [['amir Khan', people.amir]],
    )
    const refused = await t.api(token, 'POST', `/api/v1/risks/${r.id}/actions`, {
      action: 'Ask Fen',
      ownerPersonId: people.foreign,
    })
    assert.equal(refused.statusCode, 400)
    assert.deepEqual(refused.json<{ fields: Record<string, string> }>().fields, {
      actionOwnerPersonId: 'Choose a person from the register',
    })

    const issue = await t.api(token, 'POST', '/api/v1/issues', {
      projectId,
      title: 'Contract lapsed',
      priority: 'high',
      ownerPersonId: people.foreign,
    })
    assert.equal(issue.statusCode, 400)
    assert.equal(
      issue.json<{ fields: Record<string, string> }>().fields.ownerPersonId,
      'Choose a person from the register',
    )
    const ownerless = await t.api(token, 'POST', '/api/v1/issues', {
      projectId,
      title: 'No owner',
      priority: 'low',
    })
    assert.deepEqual(
      [
        ownerless.json<{ owner: string | null }>().owner,
        ownerless.json<{ ownerPersonId: number | null }>().ownerPersonId,
      ],
      [null, null],
    )
    const assumption = await t.api(token, 'POST', '/api/v1/assumptions', {
      projectId,
      description: 'The supplier stays solvent',
      ownerPersonId: people.foreign,
    })
    assert.equal(assumption.statusCode, 400)
    assert.equal(
      assumption.json<{ fields: Record<string, string> }>().fields.ownerPersonId,
      'Choose a person from the register',
    )

    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    await pm.get(`/projects/${projectId}/risks`)
    const added = await pm.post(`/projects/${projectId}/assumptions`, {
      assumptionDescription: 'Funding continues',
      assumptionOwnerPersonId: String(people.zoe),
    })
    assert.equal(added.status, 303, added.text)
    const log = await pm.get(`/projects/${projectId}/risks`)
    assert.match(log.text, /Funding continues \(Zoe Adams\)/)
  })

  it('a person who has left is not offered for new choices, but stays on what they own', async () => {
    const leaver = t.orgs.a.users.viewer
    const res = await t.api(token, 'POST', '/api/v1/people', {
      name: 'Les Leaver',
      kind: 'employee',
      userId: leaver.id,
    })
    const id = res.json<{ id: number }>().id
    const project = await t.api(token, 'POST', '/api/v1/projects', {
      reference: 'OWN-L',
      name: 'Left behind',
      programmeId,
      projectManagerPersonId: id,
    })
    const projectId = project.json<{ id: number }>().id
    await t.database.db
      .updateTable('memberships')
      .set({ left_at: '2026-11-30T17:00:00.000Z' })
      .where('user_id', '=', leaver.id)
      .where('organisation_id', '=', t.orgs.a.id)
      .execute()
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const fresh = await pm.get(`/projects/new?programmeId=${programmeId}`)
    assert.ok(!fresh.text.includes('Les Leaver'), 'not offered for a new project')
    const edit = await pm.get(`/projects/${projectId}/edit`)
    const selected = edit.document.querySelector('#projectManagerPersonId option[selected]')
    assert.equal(selected?.textContent?.trim(), 'Les Leaver (left)')
  })

  it("the person's page lists what they own, as far as the reader may see", async () => {
    const admin = await t.signIn(t.orgs.a.users.administrator)
    const zoe = await admin.get(`/people/${people.zoe}`)
    assert.equal(zoe.status, 200)
    const owns = [...zoe.document.querySelectorAll('[aria-label="Owns"] tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim()).join(': '),
    )
    assert.ok(owns.includes('Project manager: OWN-P3 – Chosen owners'), owns.join(' | '))
    assert.ok(owns.includes('Risk owner: Supplier fails'), owns.join(' | '))
    assert.ok(owns.includes('Assumption owner: Funding continues'), owns.join(' | '))

    // A partner officer sees their partner's staff, and of what they own only the shared projects' records.
    const partnerId = await t.partner(t.orgs.a)
    const staff = await t.api(token, 'POST', '/api/v1/people', {
      name: 'Pat Partner',
      kind: 'partner_staff',
      partnerId,
    })
    const patId = staff.json<{ id: number }>().id
    const shared = await t.api(token, 'POST', '/api/v1/projects', {
      reference: 'OWN-S',
      name: 'Shared',
      programmeId,
      sponsorPersonId: patId,
    })
    await t.share(shared.json<{ id: number }>().id, [partnerId])
    await t.api(token, 'POST', '/api/v1/projects', {
      reference: 'OWN-U',
      name: 'Unshared',
      programmeId,
      sponsorPersonId: patId,
    })
    const officer = await t.signIn(t.orgs.a.users.partner_officer)
    const pat = await officer.get(`/people/${patId}`)
    assert.equal(pat.status, 200)
    assert.match(pat.text, /OWN-S – Shared/)
    assert.ok(!pat.text.includes('OWN-U'), 'not a project the officer cannot open')
  })

  it("a person's new name is copied onto everything they own, and only theirs", async () => {
    const renamed = 'Zoe Adams-Brown'
    await t.database.db.transaction().execute(async (trx) => {
      await trx.updateTable('people').set({ name: renamed }).where('id', '=', people.zoe!).execute()
      await copyPersonName(trx, t.orgs.a.id, people.zoe!)
    })
    const projects = await t.api(token, 'GET', '/api/v1/projects?q=OWN-P3')
    assert.equal(
      projects.json<{ items: Array<{ projectManager: string }> }>().items[0]?.projectManager,
      renamed,
    )
    const risks = await t.api(token, 'GET', '/api/v1/risks?limit=100')
    const owners = risks
      .json<{ items: Array<{ title: string; owner: string }> }>()
      .items.map((r) => [r.title, r.owner])
    assert.deepEqual(owners, [['Supplier fails', renamed]])
    const other = await t.api(token, 'GET', '/api/v1/projects?q=OWN-P1')
    assert.equal(
      other.json<{ items: Array<{ projectManager: string }> }>().items[0]?.projectManager,
      'Dr New Person',
    )
  })
})
