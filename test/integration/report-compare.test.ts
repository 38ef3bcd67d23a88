import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { currentPeriod } from '../../src/domain/periods.ts'
import { sessionCookieName } from '../../src/plugins/auth.ts'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { docxText, pdfText } from '../helpers/paper-text.ts'

interface Json {
  id: number
  version: number
}

// Issue 12, "What changed since the panel last met": two frozen panel reports of a programme, or one and
// today, compared as a page and as a DOCX and PDF appendix.
describe(`what changed since the panel last met (${dialectName()})`, () => {
  let t: TestApp
  let admin: string
  let first: number
  let second: number
  let draft: number
  let otherProgrammeReport: number

  const make = async (url: string, body: unknown) => {
    const res = await t.api(admin, 'POST', url, body)
    assert.equal(res.statusCode, 201, `${url}: ${res.body}`)
    return res.json<Json>()
  }
  const frozen = async (programmeId: number, title: string) => {
    const r = await make('/api/v1/reports', { programmeId, period: currentPeriod(), title })
    const s = await t.api(admin, 'POST', `/api/v1/reports/${r.id}/submit`, { version: r.version })
    assert.equal(s.statusCode, 200, s.body)
    return r.id
  }

  before(async () => {
    t = await buildTestApp()
    admin = await t.tokenFor(t.orgs.a.users.administrator)
    const programme = await make('/api/v1/programmes', { reference: 'ICT', name: 'ICT programme' })
    const project = await make('/api/v1/projects', {
      reference: 'ICT-01',
      name: 'Website',
      programmeId: programme.id,
      forecastEnd: '2027-03-31',
    })
    await make('/api/v1/risks', {
      projectId: project.id,
      title: 'Supplier failure',
      event: 'The supplier goes out of business',
      category: 'commercial',
      likelihood: 2,
      impact: 3,
    })
    first = await frozen(programme.id, 'Progress report one')
    // Between the meetings: the project slips and a new risk is raised.
    const p = await t.api(admin, 'GET', `/api/v1/projects/${project.id}`)
    const moved = await t.api(admin, 'PATCH', `/api/v1/projects/${project.id}`, {
      version: p.json<Json>().version,
      forecastEnd: '2027-09-30',
    })
    assert.equal(moved.statusCode, 200, moved.body)
    await make('/api/v1/risks', {
      projectId: project.id,
      title: 'Network outage',
      event: 'The network fails',
      category: 'resilience',
      likelihood: 4,
      impact: 4,
    })
    second = await frozen(programme.id, 'Progress report two')
    draft = (
      await make('/api/v1/reports', { programmeId: programme.id, period: currentPeriod(), title: 'Draft' })
    ).id
    const other = await make('/api/v1/programmes', { reference: 'EST', name: 'Estates' })
    otherProgrammeReport = await frozen(other.id, 'Estates report')
  })
  after(() => t.close())

  it('shows, per project, the dates that moved and the risks that are new', async () => {
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    const page = await viewer.get(`/reports/compare?from=${first}&to=${second}`)
    assert.equal(page.status, 200, page.text)
    assert.match(page.text, /ICT-01.*Changed.*Forecast end was 31 March 2027, now 30 September 2027/)
    assert.match(page.text, /ICT-01: Network outage\s*New/)
    assert.doesNotMatch(page.text, /Supplier failure/, 'an unchanged risk is not news')
    // Either order: the earlier report is always the one compared from.
    const reversed = await viewer.get(`/reports/compare?from=${second}&to=${first}`)
    assert.match(reversed.text, /was 31 March 2027, now 30 September 2027/)
    const today = await viewer.get(`/reports/compare?from=${first}&to=today`)
    assert.equal(today.status, 200)
    assert.match(today.text, /today’s data/)
    assert.match(today.text, /was 31 March 2027, now 30 September 2027/)
  })

  it('gives the comparison as a DOCX and a PDF appendix saying the same', async () => {
    const pm = t.orgs.a.users.programme_manager
    const { token } = await t.app.services.auth.createSession(t.database.db, pm.id, pm.organisationId)
    const cookie = `${sessionCookieName(t.config.secureCookies)}=${t.app.signCookie(token)}`
    for (const [format, read] of [
      ['docx', docxText],
      ['pdf', pdfText],
    ] as const) {
      const res = await t.app.inject({
        url: `/reports/compare.${format}?from=${first}&to=${second}`,
        headers: { cookie },
      })
      assert.equal(res.statusCode, 200, res.body)
      const text = read(res.rawPayload)
      assert.match(text, /What changed since the panel last met/)
      assert.match(text, /Forecast end was 31 March 2027, now 30 September 2027/)
    }
  })

  it('refuses a report with itself, a draft, two programmes and no choice, with the error summary', async () => {
    const agent = await t.signIn(t.orgs.a.users.viewer)
    const cases: Array<[string, RegExp]> = [
      [`from=${first}&to=${first}`, /Select two different reports/],
      [`from=${first}&to=${draft}`, /Select a submitted report/],
      [`from=${first}&to=${otherProgrammeReport}`, /Select a report of the same programme/],
      [`from=&to=`, /Select the report to compare from/],
      [`from=abc&to=today`, /Select the report to compare from/],
    ]
    for (const [query, message] of cases) {
      const page = await agent.get(`/reports/compare?${query}`)
      assert.equal(page.status, 400, query)
      assert.match(page.document.querySelector('.govuk-error-summary')?.textContent ?? '', message, query)
    }
    assert.equal((await agent.get('/reports/compare')).status, 200, 'the choice itself')
  })

  it('shows another organisation and a partner officer nothing of the reports', async () => {
    const foreign = await t.signIn(t.orgs.b.users.administrator)
    assert.equal((await foreign.get(`/reports/compare?from=${first}&to=${second}`)).status, 404)
    assert.equal((await foreign.get(`/reports/compare.pdf?from=${first}&to=${second}`)).status, 404)
    const partner = await t.signIn(t.orgs.a.users.partner_officer)
    assert.equal((await partner.get(`/reports/compare?from=${first}&to=today`)).status, 404)
    const choice = await partner.get('/reports/compare')
    assert.doesNotMatch(choice.text, /Progress report one/)
  })
})
