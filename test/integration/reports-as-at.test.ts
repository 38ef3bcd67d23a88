import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { after, before, describe, it } from 'node:test'
import { buildTestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

/** The text a reader of the PDF would see, extracted by poppler's pdftotext. */
const pdfText = (pdf: Buffer) =>
  execFileSync('pdftotext', ['-', '-'], { input: pdf }).toString('utf8').replace(/\s+/g, ' ')
const words = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;|&#x27;/g, "'")
    .replace(/&pound;/g, '£')
    .replace(/\s+/g, ' ')

const t = await buildTestApp()
const a = t.orgs.a

interface ReportJson {
  id: number
  version: number
  status: string
  files: { html: string; docx: string; pdf: string }
}

/**
 * A paper for April to June 2021 is written after the data has moved on: a milestone re-forecast, a risk
 * re-scored, a budget changed and a commitment invoiced, all today. The paper shows them as they stood on
 * 30 June 2021, the end of its period, as a draft and once frozen.
 */
describe(`a panel report shows the facts as they stood at the end of its period (${dialectName()})`, () => {
  let token = ''
  let programmeId = 0
  let report: ReportJson
  after(() => t.close())

  const call = async (method: string, url: string, body?: Record<string, unknown>, status = 200) => {
    const res = await t.api(token, method, url, body)
    assert.equal(res.statusCode, status, res.body)
    return res.json<{ id: number; version: number }>()
  }
  const create = (url: string, body: Record<string, unknown>) => call('POST', url, body, 201)

  before(async () => {
    token = await t.tokenFor(a.users.administrator)
    programmeId = (await create('/api/v1/programmes', { reference: 'ICT-P', name: 'ICT and Digital' })).id
    const project = await create('/api/v1/projects', {
      reference: 'ICT-05',
      name: 'Northgate system integration',
      programmeId,
      baselineStart: '2020-10-01',
      baselineEnd: '2022-03-31',
      forecastEnd: '2022-03-31',
    })
    const milestone = await create('/api/v1/milestones', {
      projectId: project.id,
      name: 'Customer account linked to Northgate',
      baselineDate: '2021-03-31',
      forecastDate: '2021-09-30',
      isKey: true,
    })
    // Recorded today: one completed after the paper's date, and one planned only lately.
    await create('/api/v1/milestones', {
      projectId: project.id,
      name: 'Council tax change of address live',
      baselineDate: '2021-06-30',
      forecastDate: '2021-09-17',
      actualDate: '2021-09-17',
      status: 'complete',
      isKey: true,
    })
    await create('/api/v1/milestones', {
      projectId: project.id,
      name: 'Re-audit against WCAG 2.2',
      baselineDate: '2026-12-15',
      forecastDate: '2026-12-15',
      isKey: true,
    })
    const risk = await create('/api/v1/risks', {
      projectId: project.id,
      title: 'PSPS hosting outage',
      cause: 'One data centre',
      event: 'Hosting is unavailable',
      effect: 'Integration stops',
      category: 'resilience',
      likelihood: 2,
      impact: 3,
      owner: 'Head of ICT',
    })
    // Raised in 2021, as a council moving its log into Oversight records it (a risk has no date of its own).
    await t.database.db
      .updateTable('risks')
      .set({ created_at: '2021-02-01T09:00:00.000Z' })
      .where('id', '=', risk.id)
      .execute()
    const stream = await create('/api/v1/funding-streams', {
      name: 'Digital reserve',
      kind: 'named',
      baseCostsEligible: false,
    })
    const line = await create(`/api/v1/projects/${project.id}/budget-lines`, {
      financialYear: '2021/22',
      category: 'revenue',
      fundingStreamId: stream.id,
      costType: 'supplier',
      amountPence: 4_000_000,
      profileMethod: 'flat',
    })
    const commitment = await create(`/api/v1/projects/${project.id}/commitments`, {
      supplierName: 'PSPS',
      reference: 'PO-1001',
      amountPence: 600_000,
      raisedOn: '2021-05-10',
    })
    // Raised after the paper's date: not committed then.
    await create(`/api/v1/projects/${project.id}/commitments`, {
      supplierName: 'Goss',
      reference: 'PO-1002',
      amountPence: 250_000,
      raisedOn: '2021-09-01',
    })
    report = (await create('/api/v1/reports', {
      programmeId,
      period: '2021-04..2021-06',
      title: 'Progress to June 2021',
    })) as unknown as ReportJson

    // Today, long after 30 June 2021, the data moves on.
    await call('PATCH', `/api/v1/milestones/${milestone.id}`, {
      version: milestone.version,
      forecastDate: '2027-02-03',
    })
    await call('PATCH', `/api/v1/risks/${risk.id}`, { version: 1, likelihood: 5, impact: 5 })
    await call('PATCH', `/api/v1/budget-lines/${line.id}`, { version: line.version, amountPence: 9_900_000 })
    await call('PATCH', `/api/v1/commitments/${commitment.id}`, {
      version: commitment.version,
      status: 'invoiced',
    })
    await call('PATCH', `/api/v1/projects/${project.id}`, { version: 1, forecastEnd: '2027-04-09' })
  })

  const then = [
    'as they stood on 30 June 2021',
    // The milestone's forecast and the project's end as they were, with slippage judged on 30 June 2021.
    '30 September 2021',
    // Completed in September 2021, so still open on 30 June 2021 (its forecast then was not recorded).
    'Council tax change of address live (key) 30 June 2021 17 September 2021 In progress',
    '31 March 2022',
    // The risk's score then (2 × 3), not today's 25.
    '6 (Low)',
    // The budget then, and only the commitment raised by then.
    'budget is £40,000.00',
    '£6,000.00 is committed',
  ]
  const now = [
    'Re-audit against WCAG 2.2',
    'Complete',
    '3 February 2027',
    '9 April 2027',
    '25 (High)',
    '£99,000',
    '£8,500',
    '£2,500',
  ]

  it('shows the draft, in HTML, as at the end of its period', async () => {
    const html = words((await t.api(token, 'GET', report.files.html)).body)
    for (const s of then) assert.ok(html.includes(s), `the draft lacks "${s}"`)
    for (const s of now) assert.ok(!html.includes(s), `the draft shows today's "${s}"`)
  })

  it('freezes the same facts: the stored PDF and the page show the old values', async () => {
    const submitted = await call('POST', `/api/v1/reports/${report.id}/submit`, { version: report.version })
    assert.equal((submitted as unknown as ReportJson).status, 'submitted')
    const pdf = pdfText((await t.api(token, 'GET', report.files.pdf)).rawPayload)
    for (const s of then) assert.ok(pdf.includes(s), `the PDF lacks "${s}"`)
    for (const s of now) assert.ok(!pdf.includes(s), `the PDF shows today's "${s}"`)
    const agent = await t.signIn(a.users.programme_manager)
    const page = words((await agent.get(`/reports/${report.id}`)).text)
    assert.ok(page.includes('30 September 2021'), 'the page shows the forecast as it stood')
    assert.ok(!page.includes('3 February 2027'), "the page shows today's forecast")
  })
})
