import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { completenessGaps } from '../../src/modules/definitions/definitions.rules.ts'
import { buildTestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

const pdfText = (pdf: Buffer) =>
  execFileSync('pdftotext', ['-', '-'], { input: pdf }).toString('utf8').replace(/\s+/g, ' ')
function docxText(docx: Buffer): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'oversight-docx-'))
  try {
    writeFileSync(path.join(dir, 'p.docx'), docx)
    const xml = execFileSync('unzip', ['-p', path.join(dir, 'p.docx'), 'word/document.xml']).toString('utf8')
    return [...xml.matchAll(/<w:t(?: [^>]*)?>([^<]*)<\/w:t>/g)]
      .map((m) => m[1])
      .join(' ')
      .replace(/\s+/g, ' ')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

const t = await buildTestApp()
const a = t.orgs.a
const pm = a.users.programme_manager
const ph = a.users.portfolio_holder

interface DefinitionJson {
  id: number
  version: number
  complete: boolean
  missing: Array<{ section: string; missing: string }>
  files: { docx: string; pdf: string }
}

describe(`programme definition paper (${dialectName()})`, () => {
  let token = ''
  let programmeId = 0
  let projectId = 0
  let recommendationId = 0
  let definitionUrl = ''
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
      reference: 'ICT-05',
      name: 'Northgate integration',
      programmeId,
      projectManager: 'Head of ICT',
    })
    const db = t.database.db
    const at = new Date().toISOString()
    const c = await db
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
    const m = await db
      .insertInto('meetings')
      .values({
        organisation_id: a.id,
        committee_id: c.id,
        meeting_date: '2021-07-15',
        start_time: null,
        place: '',
        status: 'held',
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const i = await db
      .insertInto('agenda_items')
      .values({
        organisation_id: a.id,
        meeting_id: m.id,
        number: '8',
        title: 'Progress update',
        purpose: '',
        reports_presented: '',
        presenters: '',
        minutes: '',
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const r = await db
      .insertInto('recommendations')
      .values({
        organisation_id: a.id,
        committee_id: c.id,
        agenda_item_id: i.id,
        reference: 'PMP/2021/07',
        kind: 'request',
        text: 'A paper detailing six points',
        addressed_to: 'portfolio_holder',
        addressee_user_id: ph.id,
        lead_officer_user_id: null,
        made_on: '2021-07-15',
        response_due_on: '2021-09-15',
        response: null,
        response_reasons: '',
        responded_on: null,
        responded_by_name: '',
        status: 'awaiting_response',
        evidence: '',
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    recommendationId = r.id
  })

  it('names what is missing against the six points', () => {
    const gaps = completenessGaps(
      {
        programmeId: 1,
        recommendationId: null,
        title: 'x',
        digitalMeaning: 'Digital means…',
        digitalPrinciples: '',
        humanResources: 'Digital officer, 1 FTE',
        digitalResources: '',
        resourcesNarrative: '',
        responsibleUserId: 3,
        paperDueOn: null,
        deliveredBy: '',
        deliveryNarrative: 'In house',
        implementationStart: '2021-10-01',
        implementationEnd: null,
        timeframeNarrative: '',
        interimNarrative: '',
        interimOwnerUserId: null,
      },
      { keyMilestones: 0 },
    )
    assert.deepEqual(
      gaps.map((g) => g.missing),
      [
        'The digital resources (systems and platforms) required',
        'The date the paper will be ready',
        'Who will deliver the programme',
        'The implementation start and end dates',
        'Key milestones on the programme’s projects',
        'How needs and expectations will be managed in the interim',
        'Who manages the interim arrangements',
      ],
    )
  })

  it('keeps a draft, links it to the recommendation and lists what is missing', async () => {
    const agent = await t.signIn(pm)
    const bad = await agent.post('/programme-definitions', {
      programmeId: String(programmeId),
      title: '',
      'implementationStart-day': '1',
      'implementationStart-month': '10',
      'implementationStart-year': '2022',
      'implementationEnd-day': '1',
      'implementationEnd-month': '10',
      'implementationEnd-year': '2021',
    })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /Enter a title for the paper/)
    assert.match(bad.text, /Implementation end must be the same as or after the start/)
    const saved = await agent.post('/programme-definitions', {
      programmeId: String(programmeId),
      recommendationId: String(recommendationId),
      title: 'ICT and Digital Work Programme: programme definition',
      digitalMeaning: 'Digital means designing services around residents.',
    })
    assert.equal(saved.status, 303, saved.text)
    definitionUrl = saved.location!
    const page = await agent.get(definitionUrl)
    assert.match(page.text, /Recommendation PMP\/2021\/07/)
    assert.ok(page.document.querySelector('a[href^="/recommendations/"]'))
    assert.match(page.text, /does not yet cover 10 things/)
    assert.match(page.text, /The person responsible for preparing the paper/)
    assert.match(page.text, /Key milestones on the programme’s projects/)
    assert.doesNotMatch(page.text, /An explanation of what ‘Digital’ means/)
  })

  it('is complete once every point is answered and a key milestone exists, and generates the paper', async () => {
    const agent = await t.signIn(pm)
    const res = await t.api(token, 'POST', '/api/v1/milestones', {
      projectId,
      name: 'Northgate link live',
      baselineDate: '2022-03-31',
      isKey: true,
    })
    assert.equal(res.statusCode, 201)
    const edit = await agent.get(`${definitionUrl}/edit`)
    assert.equal(edit.status, 200)
    const version = edit.document.querySelector('input[name="version"]')!.getAttribute('value')!
    const done = await agent.post(`${definitionUrl}/edit`, {
      version,
      programmeId: String(programmeId),
      recommendationId: String(recommendationId),
      title: 'ICT and Digital Work Programme: programme definition',
      digitalMeaning: 'Digital means designing services around residents.',
      humanResources: 'Digital officer, 1 FTE\nWeb developer (PSPS recharge), 0.5 FTE',
      digitalResources: 'Goss forms platform\nNorthgate revenues system',
      responsibleUserId: String(pm.id),
      'paperDueOn-day': '30',
      'paperDueOn-month': '9',
      'paperDueOn-year': '2021',
      deliveredBy: 'The Digital team, with PSPS providing infrastructure',
      deliveryNarrative: 'Service managers own their content.',
      'implementationStart-day': '1',
      'implementationStart-month': '10',
      'implementationStart-year': '2021',
      'implementationEnd-day': '31',
      'implementationEnd-month': '3',
      'implementationEnd-year': '2023',
      interimNarrative: 'Existing forms stay live while they are rebuilt.',
      interimOwnerUserId: String(ph.id),
    })
    assert.equal(done.status, 303, done.text)
    const page = await agent.get(definitionUrl)
    assert.match(page.text, /covers all six points/)

    const json = (
      await t.api(token, 'GET', `/api/v1/programme-definitions?programmeId=${programmeId}`)
    ).json<{ items: DefinitionJson[] }>()
    assert.equal(json.items[0]!.complete, true)
    assert.deepEqual(json.items[0]!.missing, [])
    const pdf = await t.api(token, 'GET', json.items[0]!.files.pdf)
    assert.equal(pdf.headers['content-type'], 'application/pdf')
    const docx = await t.api(token, 'GET', json.items[0]!.files.docx)
    for (const text of [pdfText(pdf.rawPayload), docxText(docx.rawPayload)]) {
      for (const expected of [
        '1. What ‘Digital’ means to the authority',
        '6. How needs and expectations will be managed in the interim',
        'PMP/2021/07',
        'Web developer (PSPS recharge), 0.5 FTE',
        '30 September 2021',
        '1 October 2021 to 31 March 2023',
        'Northgate link live',
        '31 March 2022',
        pm.name,
      ])
        assert.ok(text.includes(expected), `paper lacks ${expected}`)
    }
  })

  it('is prepared by the programme office only, and stays within the organisation', async () => {
    const member = await t.signIn(a.users.scrutiny_member)
    assert.equal((await member.get('/programme-definitions/new')).status, 403)
    assert.equal((await member.get(definitionUrl)).status, 200)
    const foreign = await t.signIn(t.orgs.b.users.administrator)
    assert.equal((await foreign.get(definitionUrl)).status, 404)
    assert.equal((await foreign.get(`${definitionUrl}/paper.pdf`)).status, 404)
  })
})
