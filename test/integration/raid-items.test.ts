import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

// Issues, assumptions and dependencies each have a page of their own: shown, edited, closed and reopened.
describe(`RAID items on their own pages (${dialectName()})`, () => {
  let t: TestApp
  let token: string
  let projectId: number
  let otherProjectId: number
  let issueId: number
  let assumptionId: number
  let dependencyId: number

  before(async () => {
    t = await buildTestApp()
    token = await t.tokenFor(t.orgs.a.users.programme_manager)
    const programmeId = (
      await t.api(token, 'POST', '/api/v1/programmes', { reference: 'ICT', name: 'ICT and Digital' })
    ).json<{ id: number }>().id
    const add = async (reference: string) =>
      (
        await t.api(token, 'POST', '/api/v1/projects', {
          programmeId,
          reference,
          name: `Project ${reference}`,
        })
      ).json<{ id: number }>().id
    projectId = await add('ICT-01')
    otherProjectId = await add('ICT-02')
    issueId = (
      await t.api(token, 'POST', '/api/v1/issues', {
        projectId,
        title: 'Server room flooded',
        priority: 'high',
        owner: null,
      })
    ).json<{ id: number }>().id
    assumptionId = (
      await t.api(token, 'POST', '/api/v1/assumptions', {
        projectId,
        description: 'The supplier keeps its price',
        owner: 'Head of ICT',
      })
    ).json<{ id: number }>().id
    dependencyId = (
      await t.api(token, 'POST', '/api/v1/dependencies', {
        projectId,
        description: 'Needs the new network',
        dependsOnProjectId: otherProjectId,
      })
    ).json<{ id: number }>().id
  })
  after(() => t.close())

  it('the governance finding for an issue without an owner links to a page that opens, for every role', async () => {
    const admin = await t.signIn(t.orgs.a.users.administrator)
    const governance = await admin.get('/governance')
    const link = [...governance.document.querySelectorAll('a')].find(
      (a) => a.getAttribute('href') === `/issues/${issueId}`,
    )
    assert.ok(link, 'the finding links to the issue')
    for (const role of ['viewer', 'partner_officer', 'project_manager', 'scrutiny_member'] as const) {
      const user = await t.signIn(t.orgs.a.users[role])
      const page = await user.get(`/issues/${issueId}`)
      if (role === 'partner_officer') {
        assert.equal(page.status, 404, 'a project not shared with the partner stays hidden')
        continue
      }
      assert.equal(page.status, 200, role)
      assert.match(page.text, /Server room flooded/)
      assert.match(page.text, /High/)
      assert.ok(page.document.querySelector(`a[href="/history/raid_issue/${issueId}"]`), 'history link')
      const canEdit = Boolean(page.document.querySelector(`a[href="/issues/${issueId}/edit"]`))
      assert.equal(canEdit, role === 'project_manager', `${role} sees the edit link only if they may edit`)
    }
    const foreign = await t.signIn(t.orgs.b.users.administrator)
    assert.equal((await foreign.get(`/issues/${issueId}`)).status, 404)
  })

  it('edits an issue on a page, with the error summary for bad input and the conflict page for a stale edit', async () => {
    const pm = await t.signIn(t.orgs.a.users.project_manager)
    const form = await pm.get(`/issues/${issueId}/edit`)
    assert.equal(form.status, 200)
    const version = form.document.querySelector('input[name="version"]')?.getAttribute('value')
    assert.equal(version, '1')
    const fields = {
      title: 'Server room flooded',
      description: 'Water came in overnight',
      priority: 'high',
      owner: 'Head of ICT',
      resolution: '',
      status: 'resolved',
      version: '1',
    }
    const bad = await pm.post(`/issues/${issueId}/edit`, fields)
    assert.equal(bad.status, 400)
    assert.match(
      bad.document.querySelector('.govuk-error-summary')?.textContent ?? '',
      /Enter how the issue was resolved/,
    )
    const saved = await pm.post(`/issues/${issueId}/edit`, { ...fields, status: 'open' })
    assert.equal(saved.status, 303)
    assert.equal(saved.location, `/issues/${issueId}`)
    const shown = await pm.get(`/issues/${issueId}`)
    assert.match(shown.text, /Head of ICT/)
    assert.match(shown.text, /Water came in overnight/)

    const stale = await pm.post(`/issues/${issueId}/edit`, {
      ...fields,
      status: 'open',
      owner: 'Someone else',
    })
    assert.equal(stale.status, 409)
    assert.match(stale.text, /This was changed by someone else/)
    assert.match(stale.text, /Someone else/)
    const again = await t.api(token, 'GET', `/api/v1/issues/${issueId}`)
    assert.equal(again.json<{ owner: string }>().owner, 'Head of ICT', 'a stale edit changes nothing')
  })

  it('closes and reopens an issue', async () => {
    const pm = await t.signIn(t.orgs.a.users.project_manager)
    const page = await pm.get(`/issues/${issueId}`)
    const version = page.document
      .querySelector(`form[action="/issues/${issueId}/status"] input[name="version"]`)
      ?.getAttribute('value')
    assert.ok(version, 'the page offers to close the issue')
    const closed = await pm.post(`/issues/${issueId}/status`, { status: 'closed', version })
    assert.equal(closed.status, 303)
    assert.match((await pm.get(`/issues/${issueId}`)).text, /Status Closed/)
    const reopenVersion = (await pm.get(`/issues/${issueId}`)).document
      .querySelector(`form[action="/issues/${issueId}/status"] input[name="version"]`)
      ?.getAttribute('value')
    const reopened = await pm.post(`/issues/${issueId}/status`, {
      status: 'open',
      version: reopenVersion ?? '',
    })
    assert.equal(reopened.status, 303)
    assert.match((await pm.get(`/issues/${issueId}`)).text, /Status Open/)
    const stale = await pm.post(`/issues/${issueId}/status`, { status: 'closed', version: '1' })
    assert.equal(stale.status, 409)
    const bad = await pm.post(`/issues/${issueId}/status`, { status: 'lost', version: reopenVersion ?? '' })
    assert.equal(bad.status, 400)
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    await viewer.get(`/issues/${issueId}`)
    assert.equal(
      (await viewer.post(`/issues/${issueId}/status`, { status: 'closed', version: '9' })).status,
      403,
    )
  })

  it('shows, edits and closes an assumption', async () => {
    const pm = await t.signIn(t.orgs.a.users.project_manager)
    const page = await pm.get(`/assumptions/${assumptionId}`)
    assert.equal(page.status, 200)
    assert.match(page.text, /The supplier keeps its price/)
    assert.ok(page.document.querySelector(`a[href="/history/assumption/${assumptionId}"]`))
    const history = await pm.get(`/history/assumption/${assumptionId}`)
    assert.equal(history.status, 200)
    const edit = await pm.get(`/assumptions/${assumptionId}/edit`)
    assert.equal(edit.status, 200)
    const empty = await pm.post(`/assumptions/${assumptionId}/edit`, {
      assumptionDescription: '',
      assumptionOwner: 'Head of ICT',
      assumptionStatus: 'open',
      version: '1',
    })
    assert.equal(empty.status, 400)
    assert.match(
      empty.document.querySelector('.govuk-error-summary')?.textContent ?? '',
      /Enter the assumption/,
    )
    const saved = await pm.post(`/assumptions/${assumptionId}/edit`, {
      assumptionDescription: 'The supplier keeps its 2026 price',
      assumptionOwner: 'Head of ICT',
      assumptionStatus: 'open',
      version: '1',
    })
    assert.equal(saved.status, 303)
    const closed = await pm.post(`/assumptions/${assumptionId}/status`, { status: 'confirmed', version: '2' })
    assert.equal(closed.status, 303)
    const shown = await pm.get(`/assumptions/${assumptionId}`)
    assert.match(shown.text, /The supplier keeps its 2026 price/)
    assert.match(shown.text, /Status Confirmed/)
    const stale = await pm.post(`/assumptions/${assumptionId}/edit`, {
      assumptionDescription: 'Old',
      assumptionOwner: '',
      assumptionStatus: 'open',
      version: '1',
    })
    assert.equal(stale.status, 409)
    assert.match(stale.text, /This was changed by someone else/)
    const reopened = await pm.post(`/assumptions/${assumptionId}/status`, { status: 'open', version: '3' })
    assert.equal(reopened.status, 303)
  })

  it('shows, edits and marks a dependency as met', async () => {
    const pm = await t.signIn(t.orgs.a.users.project_manager)
    const page = await pm.get(`/dependencies/${dependencyId}`)
    assert.equal(page.status, 200)
    assert.match(page.text, /Needs the new network/)
    assert.match(page.text, /ICT-02/)
    const edit = await pm.get(`/dependencies/${dependencyId}/edit`)
    assert.equal(edit.status, 200)
    const self = await pm.post(`/dependencies/${dependencyId}/edit`, {
      dependencyDescription: 'Needs the new network',
      dependsOnProjectId: String(projectId),
      partnerName: '',
      dependencyStatus: 'at_risk',
      version: '1',
    })
    assert.equal(self.status, 400)
    assert.match(
      self.document.querySelector('.govuk-error-summary')?.textContent ?? '',
      /A project cannot depend on itself/,
    )
    const saved = await pm.post(`/dependencies/${dependencyId}/edit`, {
      dependencyDescription: 'Needs the new network',
      dependsOnProjectId: String(otherProjectId),
      partnerName: '',
      'neededBy-day': '1',
      'neededBy-month': '3',
      'neededBy-year': '2027',
      dependencyStatus: 'at_risk',
      version: '1',
    })
    assert.equal(saved.status, 303)
    const met = await pm.post(`/dependencies/${dependencyId}/status`, { status: 'met', version: '2' })
    assert.equal(met.status, 303)
    const shown = await pm.get(`/dependencies/${dependencyId}`)
    assert.match(shown.text, /1 March 2027/)
    assert.match(shown.text, /Status Met/)
  })

  it('the project RAID log links to each issue, assumption and dependency', async () => {
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    const page = await viewer.get(`/projects/${projectId}/risks`)
    for (const href of [
      `/issues/${issueId}`,
      `/assumptions/${assumptionId}`,
      `/dependencies/${dependencyId}`,
    ])
      assert.ok(page.document.querySelector(`a[href="${href}"]`), `links to ${href}`)
  })
})
