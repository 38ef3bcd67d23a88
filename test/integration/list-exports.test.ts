import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import ExcelJS from 'exceljs'
import type { LightMyRequestResponse } from 'fastify'
import { todayInLondon } from '../../src/domain/dates.ts'
import { buildTestApp, type Agent, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

/** Our own CSV (RFC 4180) back into rows: the byte order mark, quoted cells with "" and line breaks. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  const s = text.replace(/^\uFEFF/, '')
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        cell += '"'
        i++
      } else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(cell)
      cell = ''
    } else if (c === '\r' && s[i + 1] === '\n') {
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
      i++
    } else cell += c
  }
  return rows
}

async function parseXlsx(res: LightMyRequestResponse) {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(res.rawPayload as unknown as ArrayBuffer)
  const sheet = wb.worksheets[0]!
  const rows: ExcelJS.Cell[][] = []
  sheet.eachRow((r) => {
    const cells: ExcelJS.Cell[] = []
    for (let i = 1; i <= sheet.columnCount; i++) cells.push(r.getCell(i))
    rows.push(cells)
  })
  return rows
}

// Issue 13, "export the same lists back": each list as CSV and Excel, with the page's filters, the reader's
// visibility, formulas neutralised in text cells and numbers (negative amounts too) kept numbers.
describe(`list exports (${dialectName()})`, () => {
  let t: TestApp
  let admin: string
  let web: Agent
  let officer: Agent
  let foreign: Agent
  const ids = { shared: 0, council: 0, minus: 0, programme: 0 }

  const create = async (token: string, url: string, body: unknown) => {
    const res = await t.api(token, 'POST', url, body)
    assert.equal(res.statusCode, 201, `${url}: ${res.body}`)
    return res.json<{ id: number }>().id
  }
  const get = (agent: Agent, url: string) =>
    t.app.inject({
      method: 'GET',
      url,
      headers: { cookie: (agent as unknown as { cookieHeader(): string }).cookieHeader() },
    })
  const csv = async (agent: Agent, url: string) => {
    const res = await get(agent, url)
    assert.equal(res.statusCode, 200, `${url}: ${res.body.slice(0, 300)}`)
    assert.match(String(res.headers['content-type']), /^text\/csv/)
    return parseCsv(res.body)
  }
  const column = (rows: string[][], header: string) => {
    const i = rows[0]!.indexOf(header)
    assert.ok(i >= 0, `no column ${header} in ${rows[0]!.join('|')}`)
    return rows.slice(1).map((r) => r[i]!)
  }

  before(async () => {
    t = await buildTestApp()
    const a = t.orgs.a
    admin = await t.tokenFor(a.users.administrator)
    const partner = await t.partner(a, 'PSPS')
    ids.programme = await create(admin, '/api/v1/programmes', { reference: 'ICT', name: 'ICT' })
    ids.shared = await create(admin, '/api/v1/projects', {
      reference: 'ICT-01',
      name: '=HYPERLINK("http://evil.example","Click")',
      programmeId: ids.programme,
      partnerIds: [partner],
    })
    ids.council = await create(admin, '/api/v1/projects', {
      reference: 'ICT-02',
      name: '+1 council plan',
      programmeId: ids.programme,
    })
    ids.minus = await create(admin, '/api/v1/projects', {
      reference: 'ICT-03',
      name: '-2 budget',
      programmeId: ids.programme,
    })
    for (const [projectId, label] of [
      [ids.shared, 'Shared'],
      [ids.council, 'Council'],
    ] as const) {
      await create(admin, '/api/v1/milestones', {
        projectId,
        name: `${label} milestone`,
        baselineDate: '2025-06-30',
      })
      await create(admin, '/api/v1/risks', {
        projectId,
        title: `${label} risk`,
        event: 'It happens',
        category: 'resilience',
        likelihood: 3,
        impact: 4,
      })
      await create(admin, '/api/v1/issues', { projectId, title: `${label} issue`, priority: 'high' })
    }
    // A cell starting with a tab then "=", as an import or an older row might hold it.
    await t.database.db
      .updateTable('milestones')
      .set({ name: '\t=1+1' })
      .where('project_id', '=', ids.council)
      .execute()
    await create(admin, '/api/v1/milestones', {
      projectId: ids.shared,
      name: '@SUM(A1:A9)',
      baselineDate: '2025-07-31',
    })
    const refund = await create(admin, '/api/v1/decisions', {
      title: 'Approve the refund',
      capacity: 'portfolio_holder',
      status: 'awaiting_decision',
      approvedBudgetPence: 1234567,
    })
    // A negative amount as the database may hold one (a form refuses it; money columns are signed).
    await t.database.db
      .updateTable('decisions')
      .set({ approved_budget_pence: -1234567 })
      .where('id', '=', refund)
      .execute()
    await create(admin, '/api/v1/decisions', {
      title: 'A draft',
      capacity: 'portfolio_holder',
      status: 'draft',
    })
    const at = '2025-06-02T09:00:00.000Z'
    for (const [projectId, status] of [
      [ids.shared, 'raised'],
      [ids.council, 'reported'],
    ] as const)
      await t.database.db
        .insertInto('tolerance_exceptions')
        .values({
          organisation_id: a.id,
          programme_id: ids.programme,
          project_id: projectId,
          kind: 'scope',
          source: 'manual',
          status,
          summary: `Exception ${status}`,
          facts_json: JSON.stringify({ facts: [] }),
          raised_at: at,
          raised_by: 'Test',
          report_due: '2025-06-16',
          created_at: at,
          updated_at: at,
        })
        .execute()
    const committee = await create(admin, '/api/v1/committees', {
      name: 'Panel',
      code: 'PNL',
      kind: 'scrutiny_panel',
    })
    const meeting = await create(admin, '/api/v1/meetings', {
      committeeId: committee,
      meetingDate: '2025-03-18',
      place: 'Chamber',
      status: 'held',
    })
    const item = await create(admin, `/api/v1/meetings/${meeting}/items`, { number: '1', title: 'Item' })
    await create(admin, '/api/v1/recommendations', {
      agendaItemId: item,
      reference: 'PNL/2025/01',
      kind: 'recommendation',
      text: '=cmd|" /C calc"!A0',
      addressedTo: 'portfolio_holder',
      addresseeUserId: a.users.portfolio_holder.id,
    })

    // Organisation b: rows that must never reach organisation a's files, nor a's reach b's.
    const adminB = await t.tokenFor(t.orgs.b.users.administrator)
    const programmeB = await create(adminB, '/api/v1/programmes', { reference: 'B', name: 'B' })
    const projectB = await create(adminB, '/api/v1/projects', {
      reference: 'B-1',
      name: 'FOREIGN project',
      programmeId: programmeB,
    })
    await create(adminB, '/api/v1/risks', {
      projectId: projectB,
      title: 'FOREIGN risk',
      event: 'It happens',
      category: 'resilience',
      likelihood: 1,
      impact: 1,
    })

    web = await t.signIn(a.users.administrator)
    officer = await t.signIn(a.users.partner_officer)
    foreign = await t.signIn(t.orgs.b.users.administrator)
  })
  after(() => t.close())

  it('names the file for the organisation and the day, as an attachment', async () => {
    const res = await get(web, '/projects/export.xlsx')
    assert.equal(res.statusCode, 200)
    assert.match(String(res.headers['content-type']), /spreadsheetml/)
    assert.equal(
      res.headers['content-disposition'],
      `attachment; filename="${t.orgs.a.slug}-projects-${todayInLondon()}.xlsx"`,
    )
  })

  it('exports the project list with the page’s filters, and links to it from the page', async () => {
    const page = await web.get('/projects?q=ICT-02&sort=name&cursor=')
    const link = page.document.querySelector<HTMLAnchorElement>('a[href^="/projects/export.csv"]')
    assert.ok(link, 'a Download CSV link')
    assert.equal(link.getAttribute('href'), '/projects/export.csv?q=ICT-02&sort=name')
    assert.ok(page.document.querySelector('a[href="/projects/export.xlsx?q=ICT-02&sort=name"]'))
    assert.deepEqual(column(await csv(web, link.getAttribute('href')!), 'Reference'), ['ICT-02'])
    const all = await csv(web, '/projects/export.csv')
    assert.deepEqual(column(all, 'Reference'), ['ICT-01', 'ICT-02', 'ICT-03'])
  })

  it('neutralises formulas in CSV text cells with a leading apostrophe', async () => {
    const names = column(await csv(web, '/projects/export.csv'), 'Project')
    assert.deepEqual(names, [`'=HYPERLINK("http://evil.example","Click")`, "'+1 council plan", "'-2 budget"])
    const milestones = column(await csv(web, '/milestones/export.csv'), 'Milestone')
    assert.ok(milestones.includes("'@SUM(A1:A9)"), milestones.join('|'))
    assert.ok(milestones.includes("'\t=1+1"), milestones.join('|'))
    assert.deepEqual(column(await csv(web, '/recommendations/export.csv'), 'Recommendation'), [
      `'=cmd|" /C calc"!A0`,
    ])
  })

  it('writes text as strings in Excel, never formulas, and keeps negative amounts numbers', async () => {
    const rows = await parseXlsx(await get(web, '/projects/export.xlsx'))
    const name = rows[1]![1]!
    assert.equal(name.text, '=HYPERLINK("http://evil.example","Click")')
    assert.equal(name.type, ExcelJS.ValueType.RichText)
    assert.ok(!rows.flat().some((c) => c.type === ExcelJS.ValueType.Formula))
    const decisions = await parseXlsx(await get(web, '/decisions/export.xlsx?status=awaiting_decision'))
    const budget = decisions[0]!.findIndex((c) => c.text === 'Approved budget (£)')
    assert.equal(decisions.length, 2, 'the header and the one awaiting decision')
    assert.equal(decisions[1]![budget]!.type, ExcelJS.ValueType.Number)
    assert.equal(decisions[1]![budget]!.value, -12345.67)
    assert.deepEqual(
      column(await csv(web, '/decisions/export.csv?status=awaiting_decision'), 'Approved budget (£)'),
      ['-12345.67'],
    )
    const milestones = await parseXlsx(await get(web, `/milestones/export.xlsx?projectId=${ids.shared}`))
    const baseline = milestones[0]!.findIndex((c) => c.text === 'Baseline')
    assert.ok(milestones[1]![baseline]!.value instanceof Date, 'dates are dates')
  })

  it('exports milestones, risks and issues of the project page with its links', async () => {
    const page = await web.get(`/projects/${ids.council}`)
    assert.ok(page.document.querySelector(`a[href="/milestones/export.csv?projectId=${ids.council}"]`))
    assert.deepEqual(column(await csv(web, `/milestones/export.csv?projectId=${ids.council}`), 'Milestone'), [
      "'\t=1+1",
    ])
    const raid = await web.get(`/projects/${ids.council}/risks`)
    assert.ok(raid.document.querySelector(`a[href="/risks/export.xlsx?projectId=${ids.council}"]`))
    assert.ok(raid.document.querySelector(`a[href="/issues/export.csv?projectId=${ids.council}"]`))
    assert.deepEqual(column(await csv(web, `/risks/export.csv?projectId=${ids.council}`), 'Risk'), [
      'Council risk',
    ])
    assert.deepEqual(column(await csv(web, `/issues/export.csv?projectId=${ids.council}`), 'Issue'), [
      'Council issue',
    ])
    const scores = await parseXlsx(await get(web, `/risks/export.xlsx?projectId=${ids.council}`))
    const score = scores[0]!.findIndex((c) => c.text === 'Inherent score')
    assert.equal(scores[1]![score]!.value, 12)
  })

  it('exports decisions, exceptions and recommendations with their filters', async () => {
    assert.deepEqual(column(await csv(web, '/decisions/export.csv'), 'Decision').sort(), [
      'A draft',
      'Approve the refund',
    ])
    assert.deepEqual(column(await csv(web, '/decisions/export.csv?status=draft'), 'Decision'), ['A draft'])
    assert.deepEqual(column(await csv(web, '/exceptions/export.csv?status=raised'), 'Summary'), [
      'Exception raised',
    ])
    assert.deepEqual(column(await csv(web, `/exceptions/export.csv?project=${ids.council}`), 'Summary'), [
      'Exception reported',
    ])
    const exceptionsPage = await web.get('/exceptions?status=raised')
    assert.ok(exceptionsPage.document.querySelector('a[href="/exceptions/export.csv?status=raised"]'))
    // The tracker's status is worked out as of today: a response due in 2025 is overdue.
    assert.equal((await csv(web, '/recommendations/export.csv?status=response_overdue')).length, 2)
    assert.equal(
      (await csv(web, '/recommendations/export.csv?status=implemented')).length,
      1,
      'the header only',
    )
    const recsPage = await web.get('/recommendations?status=response_overdue')
    assert.ok(
      recsPage.document.querySelector('a[href="/recommendations/export.xlsx?status=response_overdue"]'),
    )
  })

  it('gives a partner officer only what they may see', async () => {
    assert.deepEqual(column(await csv(officer, '/projects/export.csv'), 'Reference'), ['ICT-01'])
    const milestones = column(await csv(officer, '/milestones/export.csv'), 'Project reference')
    assert.deepEqual([...new Set(milestones)], ['ICT-01'])
    assert.deepEqual(column(await csv(officer, '/risks/export.csv'), 'Risk'), ['Shared risk'])
    assert.deepEqual(column(await csv(officer, '/issues/export.csv'), 'Issue'), ['Shared issue'])
    assert.deepEqual(column(await csv(officer, '/exceptions/export.csv'), 'Summary'), ['Exception raised'])
    // Asking for an unshared project's rows by its id gives none, not an error.
    assert.equal((await csv(officer, `/risks/export.csv?projectId=${ids.council}`)).length, 1)
  })

  it('never puts another organisation’s rows in a file', async () => {
    const ours = await csv(web, '/risks/export.csv')
    assert.ok(!ours.flat().some((c) => c.includes('FOREIGN')))
    const theirs = await csv(foreign, '/projects/export.csv')
    assert.deepEqual(column(theirs, 'Reference'), ['B-1'])
    assert.deepEqual(column(await csv(foreign, '/risks/export.csv'), 'Risk'), ['FOREIGN risk'])
    for (const list of ['milestones', 'issues', 'decisions', 'exceptions', 'recommendations'])
      assert.equal((await csv(foreign, `/${list}/export.csv`)).length, 1, `${list}: the header only`)
  })

  it('answers the API lists as files with ?format=, with the same filters', async () => {
    const res = await t.api(admin, 'GET', '/api/v1/projects?format=csv&q=ICT-03')
    assert.equal(res.statusCode, 200)
    assert.match(String(res.headers['content-type']), /^text\/csv/)
    assert.deepEqual(column(parseCsv(res.body), 'Reference'), ['ICT-03'])
    const risks = await t.api(admin, 'GET', `/api/v1/risks?format=xlsx&projectId=${ids.shared}`)
    assert.equal(risks.statusCode, 200)
    const rows = await parseXlsx(risks)
    assert.deepEqual(
      rows.slice(1).map((r) => r[2]!.text),
      ['Shared risk'],
    )
    for (const list of ['milestones', 'issues', 'decisions', 'exceptions', 'recommendations']) {
      const r = await t.api(admin, 'GET', `/api/v1/${list}?format=csv`)
      assert.equal(r.statusCode, 200, list)
      assert.ok(parseCsv(r.body).length > 1, `${list} has rows`)
    }
    const officerToken = await t.tokenFor(t.orgs.a.users.partner_officer)
    const shared = await t.api(officerToken, 'GET', '/api/v1/issues?format=csv')
    assert.deepEqual(column(parseCsv(shared.body), 'Issue'), ['Shared issue'])
    const bad = await t.api(admin, 'GET', '/api/v1/projects?format=pdf')
    assert.equal(bad.statusCode, 400)
    const doc = (await t.api(admin, 'GET', '/api/openapi.json')).json<{
      paths: Record<string, { get: { parameters: Array<{ name: string }> } }>
    }>()
    assert.ok(doc.paths['/api/v1/projects']!.get.parameters.some((p) => p.name === 'format'))
  })
})
