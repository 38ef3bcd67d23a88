import assert from 'node:assert/strict'
import { after, before, describe } from 'node:test'
import type { Page } from 'playwright-core'
import {
  type BrowserSession,
  browserUnavailable,
  launchBrowser,
  withAndWithoutJavaScript,
} from '../helpers/browser.ts'
import { dialectName } from '../helpers/database.ts'
import { startServer, type RunningServer } from '../helpers/server.ts'
import { GatesPages } from './pages/gates.pages.ts'

describe(`approving a gate in a browser (${dialectName()})`, { skip: browserUnavailable() }, () => {
  let server: RunningServer
  let browser: BrowserSession
  let programmeId = 0

  before(async () => {
    server = await startServer()
    browser = await launchBrowser()
    const { t } = server
    const token = await t.tokenFor(t.orgs.a.users.programme_manager)
    const res = await t.api(token, 'POST', '/api/v1/programmes', {
      reference: 'ICT',
      name: 'ICT and Digital',
    })
    assert.equal(res.statusCode, 201, res.body)
    programmeId = res.json<{ id: number }>().id
  })
  after(async () => {
    await browser?.close()
    await server?.close()
  })

  /** A project with a complete business case and a risk, whose earlier gates are passed: ready for FBC. */
  async function readyProject(reference: string): Promise<number> {
    const { t } = server
    const token = await t.tokenFor(t.orgs.a.users.programme_manager)
    const project = await t.api(token, 'POST', '/api/v1/projects', {
      programmeId,
      reference,
      name: `Website replacement (${reference})`,
      stage: 'approved',
    })
    const projectId = project.json<{ id: number }>().id
    const complete = (text: string) => ({ text, state: 'complete' })
    const bc = await t.api(token, 'PUT', `/api/v1/projects/${projectId}/business-case`, {
      version: null,
      cases: {
        strategic: complete('Residents expect to do business online.'),
        economic: complete('The shared platform is the best value of three options.'),
        commercial: complete('Procured through a framework.'),
        financial: complete('Funded from the ICT capital programme.'),
        management: complete('Governed by the Digital Programme Board.'),
      },
      scopeIn: 'Website and online forms',
      scopeOut: 'Back-office systems',
      optionsAppraised: 'Do nothing; upgrade; replace',
      budgetRequestedPence: 25_000_000,
      resources: [{ role: 'Web developer', fte: 1, months: 12 }],
    })
    assert.equal(bc.statusCode, 200, bc.body)
    const risk = await t.api(token, 'POST', '/api/v1/risks', {
      projectId,
      title: 'Network failure',
      event: 'The network fails',
      category: 'resilience',
      likelihood: 3,
      impact: 5,
    })
    assert.equal(risk.statusCode, 201, risk.body)
    const ph = await t.tokenFor(t.orgs.a.users.portfolio_holder)
    const gates = (await t.api(ph, 'GET', `/api/v1/projects/${projectId}/gates`)).json<{
      items: { gateId: number }[]
    }>()
    for (const g of gates.items.slice(0, 2)) {
      const res = await t.api(ph, 'POST', `/api/v1/projects/${projectId}/gates`, {
        gateId: g.gateId,
        decision: {
          title: 'Approved',
          capacity: 'portfolio_holder',
          decisionText: 'Proceed to the next stage',
          decidedOn: '2020-01-10',
          decidedByName: 'Cllr Richard Ashby',
          reasons: 'The case for change is made',
        },
      })
      assert.equal(res.statusCode, 201, res.body)
    }
    return projectId
  }

  async function journey(page: Page, label: 'js' | 'nojs') {
    const projectId = await readyProject(`WEB-${label.toUpperCase()}`)
    const site = new GatesPages(page, server.baseUrl, label)
    await site.signIn(server.t.orgs.a.users.portfolio_holder, `/projects/${projectId}`)
    await site.checkPage('project')
    await site.follow('Business case', 'business-case')
    await site.goto(`/projects/${projectId}/risks`, 'raid-log')
    await site.goto(`/projects/${projectId}/gates`, 'gates')
    assert.equal(await site.heading(), 'Gates')
    assert.match(await site.gateStatus('Full business case'), /Not passed/)

    const decision = {
      capacity: 'Portfolio Holder',
      decidedBy: 'Cllr Richard Ashby',
      decidedOn: ['14', '6', '2021'] as [string, string, string],
      decision: 'The website replacement proceeds to delivery.',
      reasons: 'The business case is complete and affordable.',
    }
    // Without approving the budget, the gate is refused, naming what is missing.
    await site.recordApproval(decision, 'gate-refused')
    assert.match((await site.errorMessages()).join(' '), /budget requested has not been approved/)

    await site.recordApproval({ ...decision, approvedBudget: '250000' }, 'gate-approved')
    assert.match(await site.flash(), /Full business case approved/)
    assert.match(await site.gateStatus('Full business case'), /Passed/)

    await site.follow('Full business case approved', 'decision')
    assert.match((await page.locator('main').textContent()) ?? '', /Gate approval/)
    await site.goto('/decisions', 'decision-log')
    await site.goto(`/programmes/${programmeId}/risks`, 'programme-risks')
    await site.signOut()
  }

  withAndWithoutJavaScript(() => browser, journey, {
    js: 'a Portfolio Holder approves the full business case gate, with axe on every page',
    nojs: 'the same journey works with JavaScript switched off',
  })
})
