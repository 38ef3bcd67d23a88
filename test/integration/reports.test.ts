import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { buildTestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

/** The text a reader of the PDF would see, extracted by poppler's pdftotext. */
function pdfText(pdf: Buffer): string {
  return execFileSync('pdftotext', ['-', '-'], { input: pdf }).toString('utf8').replace(/\s+/g, ' ')
}

/** The text of a DOCX's body: Word's runs joined, from word/document.xml read with unzip. */
function docxXml(docx: Buffer): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'oversight-docx-'))
  try {
    const file = path.join(dir, 'paper.docx')
    writeFileSync(file, docx)
    return execFileSync('unzip', ['-p', file, 'word/document.xml']).toString('utf8')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
const docxText = (xml: string) =>
  [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)]
    .map((m) => m[1])
    .join(' ')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')

const t = await buildTestApp()
const a = t.orgs.a
const pm = a.users.programme_manager
interface ReportJson {
  id: number
  version: number
  status: string
  contentHash: string | null
  files: { html: string; docx: string; pdf: string }
  areas: Array<{ text: string; ownerName: string }>
}

describe(`panel progress reports (${dialectName()})`, () => {
  let token = ''
  let programmeId = 0
  let projectId = 0
  let milestoneId = 0
  let meetingId = 0
  after(() => t.close())

  before(async () => {
    token = await t.tokenFor(a.users.administrator)
    const create = async (url: string, body: Record<string, unknown>) => {
      const res = await t.api(token, 'POST', url, body)
      assert.equal(res.statusCode, 201, res.body)
      return res.json<{ id: number }>().id
    }
    programmeId = await create('/api/v1/programmes', {
      reference: 'ICT-P',
      name: 'ICT and Digital Work Programme',
    })
    projectId = await create('/api/v1/projects', {
      reference: 'ICT-01',
      name: 'Website content and accessibility',
      programmeId,
      baselineEnd: '2021-03-31',
      forecastEnd: '2021-05-12',
    })
    await create('/api/v1/projects', { reference: 'ICT-02', name: 'Online contact forms', programmeId })
    milestoneId = await create('/api/v1/milestones', {
      projectId,
      name: 'Accessibility audit complete',
      baselineDate: '2021-02-26',
      forecastDate: '2021-03-19',
      isKey: true,
    })
    await create('/api/v1/status-reports', {
      projectId,
      period: '2021-03',
      rating: 'amber_red',
      narrative: 'Resourcing delay of nine months.',
      keyIssues: 'No post in the establishment for the digital skill set',
    })
    // Committees and meetings belong to the scrutiny area; the report only reads them.
    const db = t.database.db
    const at = new Date().toISOString()
    const committee = await db
      .insertInto('committees')
      .values({
        organisation_id: a.id,
        name: 'Performance Monitoring Panel',
        code: 'PMP',
        kind: 'scrutiny',
        description: '',
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const meeting = await db
      .insertInto('meetings')
      .values({
        organisation_id: a.id,
        committee_id: committee.id,
        meeting_date: '2021-03-18',
        start_time: '18:30',
        place: 'Council Offices',
        status: 'held',
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    meetingId = meeting.id
    const item = await db
      .insertInto('agenda_items')
      .values({
        organisation_id: a.id,
        meeting_id: meeting.id,
        number: '7',
        title: 'Digital Work Programme update',
        purpose: '',
        reports_presented: '',
        presenters: '',
        minutes: '',
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db
      .insertInto('agenda_item_links')
      .values({
        organisation_id: a.id,
        agenda_item_id: item.id,
        programme_id: programmeId,
        project_id: null,
        created_at: at,
      })
      .execute()
    await db
      .insertInto('recommendations')
      .values({
        organisation_id: a.id,
        committee_id: committee.id,
        agenda_item_id: item.id,
        reference: 'PMP/2021/03',
        kind: 'recommendation',
        text: 'Prepare a paper on six points',
        addressed_to: 'portfolio_holder',
        addressee_user_id: null,
        lead_officer_user_id: null,
        made_on: '2021-01-10',
        response_due_on: '2021-03-10',
        response: null,
        responded_on: null,
        status: 'awaiting_response',
        response_reasons: '',
        responded_by_name: '',
        evidence: '',
        created_at: at,
        updated_at: at,
      })
      .execute()
  })

  it('prepares a report through the pages and previews it with the programme figures', async () => {
    const agent = await t.signIn(pm)
    const bad = await agent.post('/reports', { programmeId: '', period: 'nonsense', title: '' })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /There is a problem/)
    assert.match(bad.text, /Select the programme the report is about/)
    assert.match(bad.text, /Select the reporting period/)

    const created = await agent.post('/reports', {
      programmeId: String(programmeId),
      period: '2021-01..2021-03',
      meetingId: String(meetingId),
      title: 'ICT and Digital Work Programme progress update',
      summary: 'The programme was signed off in 2019.\n\nCovid absorbed resources.',
      resourcesNarrative: 'Staff were in post nine months after the proposed start date.',
    })
    assert.equal(created.status, 303, created.text)
    const page = await agent.get(created.location!)
    assert.equal(page.status, 200)
    assert.match(
      page.text,
      /Report to the Performance Monitoring Panel, 18 March 2021\. Reporting period: January to March 2021/,
    )
    assert.match(page.text, /ICT-01 Website content and accessibility/)
    assert.match(page.text, /Amber\/Red/)
    assert.match(page.text, /Accessibility audit complete \(key\)/)
    assert.match(page.text, /21 days late/)
    assert.match(page.text, /PMP\/2021\/03/)
    assert.match(page.text, /Response overdue/)
    assert.match(page.text, /No post in the establishment/)
    // Areas for consideration need an owner.
    const noOwner = await agent.post(`${created.location!}/areas`, {
      areaText: 'Governance to be integral',
      areaOwner: '',
    })
    assert.equal(noOwner.status, 400)
    assert.match(noOwner.text, /Select who will take this forward/)
    const added = await agent.post(`${created.location!}/areas`, {
      areaText: 'Governance to be integral to future strategic projects',
      areaOwner: String(a.users.portfolio_holder.id),
    })
    assert.equal(added.status, 303)
    const withArea = await agent.get(created.location!)
    assert.match(withArea.text, /Governance to be integral to future strategic projects \(owner: /)
  })

  it('renders DOCX and PDF whose extracted text carries the same figures, with headings and header rows', async () => {
    const list = (await t.api(token, 'GET', '/api/v1/reports')).json<{ items: ReportJson[] }>()
    const report = list.items[0]!
    assert.equal(report.status, 'draft')
    const docxRes = await t.api(token, 'GET', report.files.docx)
    assert.equal(docxRes.statusCode, 200)
    assert.match(String(docxRes.headers['content-type']), /wordprocessingml/)
    const xml = docxXml(docxRes.rawPayload)
    const words = docxText(xml)
    for (const expected of [
      'ICT-01',
      'Website content and accessibility',
      'Amber/Red',
      '26 February 2021',
      '19 March 2021',
      '21 days late',
      'PMP/2021/03',
      'Response overdue',
    ])
      assert.ok(words.includes(expected), `DOCX lacks ${expected}`)
    assert.match(xml, /<w:pStyle w:val="Heading2"\/>/, 'sections use Word heading styles')
    assert.match(xml, /<w:tblHeader\/>/, 'table header rows repeat')
    const pdfRes = await t.api(token, 'GET', report.files.pdf)
    assert.equal(pdfRes.headers['content-type'], 'application/pdf')
    const text = pdfText(pdfRes.rawPayload)
    for (const expected of [
      'ICT-01',
      'Amber/Red',
      '26 February 2021',
      '21 days late',
      'PMP/2021/03',
      'Governance to be integral',
    ])
      assert.ok(text.includes(expected), `PDF lacks ${expected}`)
    const info = execFileSync('pdfinfo', ['-'], { input: pdfRes.rawPayload }).toString('utf8')
    assert.match(info, /Title:\s+ICT and Digital Work Programme progress update/)
    const html = (await t.api(token, 'GET', report.files.html)).body
    assert.match(html, /<html lang="en-GB">/)
    assert.match(html, /<th scope="col"/)
  })

  it('freezes a submitted report: the files stay byte-identical after the data changes', async () => {
    const agent = await t.signIn(pm)
    const report = (await t.api(token, 'GET', '/api/v1/reports')).json<{ items: ReportJson[] }>().items[0]!
    const submitted = await agent.post(`/reports/${report.id}/submit`, { version: String(report.version) })
    assert.equal(submitted.status, 303)
    const page = await agent.get(`/reports/${report.id}`)
    const frozen = (await t.api(token, 'GET', `/api/v1/reports/${report.id}`)).json<ReportJson>()
    assert.equal(frozen.status, 'submitted')
    assert.match(frozen.contentHash ?? '', /^[0-9a-f]{64}$/)
    assert.ok(page.text.includes(frozen.contentHash!), 'the page shows the content hash')
    assert.doesNotMatch(page.text, /Submit and freeze report/)
    const before = await Promise.all(
      ['html', 'docx', 'pdf'].map(
        async (f) => (await t.api(token, 'GET', `/api/v1/reports/${report.id}/report.${f}`)).rawPayload,
      ),
    )

    // The data moves on: the project is renamed and the milestone delivered.
    const project = (await t.api(token, 'GET', `/api/v1/projects/${projectId}`)).json<{ version: number }>()
    assert.equal(
      (
        await t.api(token, 'PATCH', `/api/v1/projects/${projectId}`, {
          version: project.version,
          name: 'Renamed project',
        })
      ).statusCode,
      200,
    )
    const m = (await t.api(token, 'GET', `/api/v1/milestones/${milestoneId}`)).json<{ version: number }>()
    assert.equal(
      (
        await t.api(token, 'PATCH', `/api/v1/milestones/${milestoneId}`, {
          version: m.version,
          forecastDate: '2021-04-30',
        })
      ).statusCode,
      200,
    )

    const afterFiles = await Promise.all(
      ['html', 'docx', 'pdf'].map(
        async (f) => (await t.api(token, 'GET', `/api/v1/reports/${report.id}/report.${f}`)).rawPayload,
      ),
    )
    for (let i = 0; i < 3; i++)
      assert.ok(before[i]!.equals(afterFiles[i]!), `file ${i} changed after submission`)
    const again = await agent.get(`/reports/${report.id}`)
    assert.match(again.text, /Website content and accessibility/)
    assert.doesNotMatch(again.text, /Renamed project/)

    // Nothing about a frozen report can change.
    const edit = await agent.post(`/reports/${report.id}/areas`, {
      areaText: 'Late addition',
      areaOwner: String(pm.id),
    })
    assert.equal(edit.status, 409)
    const resubmit = await t.api(token, 'POST', `/api/v1/reports/${report.id}/submit`, {
      version: frozen.version,
    })
    assert.equal(resubmit.statusCode, 409)

    // The meeting lists it among its published papers.
    const papers = await agent.get(`/meetings/${meetingId}/papers`)
    assert.equal(papers.status, 200)
    assert.match(papers.text, /ICT and Digital Work Programme progress update/)
    assert.ok(papers.text.includes(frozen.contentHash!))
  })

  it('documents the reports and programme definitions API in the OpenAPI document', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/openapi.json' })
    const paths = Object.keys(res.json<{ paths: Record<string, unknown> }>().paths)
    for (const p of [
      '/api/v1/reports',
      '/api/v1/reports/{reportId}',
      '/api/v1/reports/{reportId}/submit',
      '/api/v1/reports/{reportId}/report.pdf',
      '/api/v1/programme-definitions',
      '/api/v1/programme-definitions/{definitionId}',
    ])
      assert.ok(paths.includes(p), `OpenAPI lacks ${p}`)
  })

  it('lets only the programme office prepare reports, and keeps them within the organisation', async () => {
    const viewer = await t.signIn(a.users.scrutiny_member)
    assert.equal((await viewer.get('/reports/new')).status, 403)
    assert.equal((await viewer.get('/reports')).status, 200)
    const report = (await t.api(token, 'GET', '/api/v1/reports')).json<{ items: ReportJson[] }>().items[0]!
    assert.equal((await viewer.get(`/reports/${report.id}`)).status, 200)
    const foreign = await t.signIn(t.orgs.b.users.administrator)
    assert.equal((await foreign.get(`/reports/${report.id}`)).status, 404)
    const foreignToken = await t.tokenFor(t.orgs.b.users.administrator)
    assert.equal(
      (await t.api(foreignToken, 'GET', `/api/v1/reports/${report.id}/report.pdf`)).statusCode,
      404,
    )
    const api = await t.api(foreignToken, 'POST', '/api/v1/reports', {
      programmeId,
      period: '2021-03',
      title: 'x',
    })
    assert.equal(api.statusCode, 400)
    assert.ok(api.json<{ fields: Record<string, string> }>().fields.programmeId)
  })
})
