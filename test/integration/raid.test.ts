import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { wholeOrganisation } from '../../src/auth/visibility.ts'
import { inOrganisation } from '../helpers/tenant-scope.ts'

interface RiskJson {
  id: number
  version: number
  inherentScore: number
  residualScore: number | null
  escalated: boolean
  actions?: { action: string; done: boolean }[]
}
interface ErrorJson {
  fields: Record<string, string>
}

describe(`RAID log (${dialectName()})`, () => {
  let t: TestApp
  let token: string
  let programmeId: number
  let projectId: number
  let otherProjectId: number

  before(async () => {
    t = await buildTestApp()
    token = await t.tokenFor(t.orgs.a.users.project_manager)
    const pmToken = await t.tokenFor(t.orgs.a.users.programme_manager)
    programmeId = (
      await t.api(pmToken, 'POST', '/api/v1/programmes', { reference: 'ICT', name: 'ICT and Digital' })
    ).json<{ id: number }>().id
    const add = async (reference: string) =>
      (
        await t.api(pmToken, 'POST', '/api/v1/projects', {
          programmeId,
          reference,
          name: `Project ${reference}`,
        })
      ).json<{ id: number }>().id
    projectId = await add('ICT-01')
    otherProjectId = await add('ICT-05')
  })
  after(() => t.close())

  it('validates a risk on the page and in the API, in GOV.UK wording', async () => {
    const pm = await t.signIn(t.orgs.a.users.project_manager)
    await pm.get(`/projects/${projectId}/risks/new`)
    const page = await pm.post(`/projects/${projectId}/risks`, {
      title: '',
      likelihood: '7',
      residualImpact: '2',
    })
    assert.equal(page.status, 400)
    const summary = page.document.querySelector('.govuk-error-summary')?.textContent ?? ''
    for (const text of [
      'Enter a short title for the risk',
      'Enter the risk event: what might happen',
      'Select the risk category',
      'Select the likelihood, from 1 (rare) to 5 (almost certain)',
      'Select the residual likelihood as well as the residual impact',
    ])
      assert.ok(summary.includes(text), `summary says "${text}"`)

    const api = await t.api(token, 'POST', '/api/v1/risks', {
      projectId,
      title: 'x',
      event: 'y',
      category: 'resilience',
      likelihood: 6,
      impact: 2,
    })
    assert.equal(api.statusCode, 400)
    assert.ok(api.json<ErrorJson>().fields)
  })

  it('scores risks, escalates those at the threshold to the programme, and draws the heat map with its table', async () => {
    const network = await t.api(token, 'POST', '/api/v1/risks', {
      projectId,
      title: 'Network failure',
      cause: 'A single network link to the data centre',
      event: 'The link fails',
      effect: 'Online forms and the website are unavailable',
      category: 'resilience',
      likelihood: 4,
      impact: 5,
      residualLikelihood: 3,
      residualImpact: 5,
      owner: 'ICT manager',
      reviewDate: '2020-01-31',
    })
    assert.equal(network.statusCode, 201, network.body)
    const n = network.json<RiskJson>()
    assert.equal(n.inherentScore, 20)
    assert.equal(n.residualScore, 15)
    assert.equal(n.escalated, true, 'residual 15 meets the default threshold of 15')

    const minor = await t.api(token, 'POST', '/api/v1/risks', {
      projectId: otherProjectId,
      title: 'Supplier delay',
      event: 'The integration supplier is late',
      category: 'commercial',
      likelihood: 2,
      impact: 3,
    })
    assert.equal(minor.json<RiskJson>().escalated, false)

    // Mitigation lowers the residual score below the threshold: the risk is no longer escalated.
    const lowered = await t.api(token, 'PATCH', `/api/v1/risks/${n.id}`, {
      version: n.version,
      residualLikelihood: 2,
    })
    assert.equal(lowered.statusCode, 200, lowered.body)
    assert.equal(lowered.json<RiskJson>().escalated, false)
    const raised = await t.api(token, 'PATCH', `/api/v1/risks/${n.id}`, {
      version: n.version + 1,
      residualLikelihood: 4,
    })
    assert.equal(raised.json<RiskJson>().escalated, true)

    const pm = await t.signIn(t.orgs.a.users.viewer)
    const project = await pm.get(`/projects/${projectId}/risks`)
    assert.equal(project.status, 200)
    const svg = project.document.querySelector('svg[role="img"]')
    assert.ok(svg, 'a heat map image')
    assert.match(svg.querySelector('title')?.textContent ?? '', /Open risks for ICT-01/)
    assert.match(svg.querySelector('desc')?.textContent ?? '', /1 open risk/)
    // The table beside it: impact 5 row, likelihood 4 column holds the network risk (residual 4 × 5).
    const row5 = [...project.document.querySelectorAll('#heat-map-table tbody tr')][0]!
    const cells = [...row5.querySelectorAll('td')].map((c) => c.textContent?.trim())
    assert.deepEqual(cells, ['0', '0', '0', '1', '0'])

    const programme = await pm.get(`/programmes/${programmeId}/risks`)
    assert.equal(programme.status, 200)
    const escalated = programme.document.querySelector('#escalated + div table')?.textContent ?? ''
    assert.match(escalated, /Network failure/)
    assert.doesNotMatch(escalated, /Supplier delay/)
    assert.match(programme.text, /Supplier delay/, 'all open risks are listed below')
  })

  it('records mitigating actions, issues (flagging those without an owner) and risks past review', async () => {
    const risks = (await t.api(token, 'GET', `/api/v1/risks?projectId=${projectId}`)).json<{
      items: RiskJson[]
    }>().items
    const riskId = risks[0]!.id
    const pm = await t.signIn(t.orgs.a.users.project_manager)
    await pm.get(`/risks/${riskId}`)
    const missing = await pm.post(`/risks/${riskId}/actions`, {
      action: 'Install a second link',
      actionOwner: '',
    })
    assert.equal(missing.status, 400)
    assert.match(missing.text, /Choose who owns the action, or add a person not in the list/)
    const added = await pm.post(`/risks/${riskId}/actions`, {
      action: 'Install a second network link',
      actionOwner: 'ICT manager',
      'actionDue-day': '30',
      'actionDue-month': '9',
      'actionDue-year': '2021',
    })
    assert.equal(added.status, 303)
    const risk = (await t.api(token, 'GET', `/api/v1/risks/${riskId}`)).json<RiskJson>()
    assert.deepEqual(
      risk.actions?.map((a) => [a.action, a.done]),
      [['Install a second network link', false]],
    )

    const issue = await pm.post(`/projects/${projectId}/issues`, {
      title: 'Forms not accessible',
      priority: 'high',
      status: 'open',
    })
    assert.equal(issue.status, 303)
    const log = await pm.get(`/projects/${projectId}/risks`)
    assert.match(
      log.document.querySelector('#issues ~ .app-table-wrap table, #issues ~ table')?.textContent ?? log.text,
      /No owner/,
    )

    const scope = wholeOrganisation(t.orgs.a.id)
    const unowned = await inOrganisation(t.orgs.a, () => t.app.services.raid.issuesWithoutOwner(scope))
    assert.deepEqual(
      unowned.map((i) => i.title),
      ['Forms not accessible'],
    )
    const overdue = await inOrganisation(t.orgs.a, () =>
      t.app.services.raid.risksPastReviewDate(scope, '2026-01-01'),
    )
    assert.deepEqual(
      overdue.map((r) => r.title),
      ['Network failure'],
    )
  })

  it("keeps another council's RAID log out of reach", async () => {
    const other = await t.signIn(t.orgs.b.users.administrator)
    assert.equal((await other.get(`/projects/${projectId}/risks`)).status, 404)
    assert.equal((await other.get(`/programmes/${programmeId}/risks`)).status, 404)
    const otherToken = await t.tokenFor(t.orgs.b.users.administrator)
    const res = await t.api(otherToken, 'POST', '/api/v1/risks', {
      projectId,
      title: 'x',
      event: 'y',
      category: 'resilience',
      likelihood: 1,
      impact: 1,
    })
    assert.equal(res.statusCode, 400)
    assert.equal(
      (await t.api(otherToken, 'GET', '/api/v1/risks')).json<{ items: unknown[] }>().items.length,
      0,
    )
  })
})
