import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { currentPeriod, financialPeriodOfPeriod } from '../../src/domain/periods.ts'
import { buildTestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

const pdfText = (pdf: Buffer) =>
  execFileSync('pdftotext', ['-', '-'], { input: pdf }).toString('utf8').replace(/\s+/g, ' ')

function docxText(docx: Buffer): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'oversight-docx-'))
  try {
    const file = path.join(dir, 'paper.docx')
    writeFileSync(file, docx)
    const xml = execFileSync('unzip', ['-p', file, 'word/document.xml']).toString('utf8')
    return [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)]
      .map((m) => m[1])
      .join(' ')
      .replace(/&amp;/g, '&')
      .replace(/\s+/g, ' ')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const t = await buildTestApp()
const a = t.orgs.a

describe(`panel report finance and governance sections (${dialectName()})`, () => {
  let token = ''
  let programmeId = 0
  let files = { docx: '', pdf: '', html: '' }
  // The exception is raised today, so the report covers this month, in this financial year.
  const period = currentPeriod()
  const financialYear = financialPeriodOfPeriod(period).year.label
  after(() => t.close())

  before(async () => {
    token = await t.tokenFor(a.users.administrator)
    const create = async (url: string, body: Record<string, unknown>) => {
      const res = await t.api(token, 'POST', url, body)
      assert.equal(res.statusCode, 201, res.body)
      return res.json<{ id: number }>().id
    }
    programmeId = await create('/api/v1/programmes', { reference: 'ICT-P', name: 'ICT and Digital' })
    const projectId = await create('/api/v1/projects', {
      reference: 'ICT-02',
      name: 'Online contact forms',
      programmeId,
    })
    const streamId = await create('/api/v1/funding-streams', {
      name: 'Digital transformation reserve',
      kind: 'named',
      baseCostsEligible: false,
    })
    await create(`/api/v1/projects/${projectId}/budget-lines`, {
      financialYear,
      category: 'revenue',
      fundingStreamId: streamId,
      costType: 'supplier',
      amountPence: 4_321_000,
      profileMethod: 'flat',
    })
    await create('/api/v1/risks', {
      projectId,
      title: 'Forms supplier withdraws from the market',
      cause: 'A small supplier',
      event: 'The supplier withdraws',
      effect: 'Forms cannot be changed',
      category: 'commercial',
      likelihood: 4,
      impact: 5,
      owner: 'ICT manager',
    })
    await create('/api/v1/exceptions', {
      projectId,
      kind: 'scope',
      summary: 'Payments module dropped from scope',
    })
    const report = await t.api(token, 'POST', '/api/v1/reports', {
      programmeId,
      period,
      title: 'Programme progress',
    })
    assert.equal(report.statusCode, 201, report.body)
    files = report.json<{ files: typeof files }>().files
  })

  it('puts the financial summary, Appendix A and the risks and exceptions in the DOCX and the PDF', async () => {
    const docx = docxText((await t.api(token, 'GET', files.docx)).rawPayload)
    const pdf = pdfText((await t.api(token, 'GET', files.pdf)).rawPayload)
    for (const [name, text] of [
      ['DOCX', docx],
      ['PDF', pdf],
    ] as const) {
      for (const expected of [
        'Financial summary',
        `In ${financialYear} the programme`,
        'budget is £43,210.00',
        'Appendix A: financial position',
        'Digital transformation reserve',
        '£43,210',
        'Risks and exceptions',
        'Forms supplier withdraws from the market',
        '20 (High)',
        'Payments module dropped from scope',
        'Report due',
      ])
        assert.ok(text.includes(expected), `${name} lacks ${expected}`)
    }
  })

  it('leaves the sections out when the programme has no money, risks or exceptions to report', async () => {
    const empty = await t.api(token, 'POST', '/api/v1/programmes', { reference: 'EMPTY', name: 'Empty' })
    const report = await t.api(token, 'POST', '/api/v1/reports', {
      programmeId: empty.json<{ id: number }>().id,
      period,
      title: 'Nothing to say',
    })
    assert.equal(report.statusCode, 201, report.body)
    const html = (await t.api(token, 'GET', report.json<{ files: typeof files }>().files.html)).body
    assert.doesNotMatch(html, /Financial summary|Appendix A|Risks and exceptions/)
    assert.match(html, /Progress by project/)
  })
})
