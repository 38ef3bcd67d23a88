import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Role } from '../../src/auth/roles.ts'
import { todayInLondon } from '../../src/domain/dates.ts'
import { formatPeriodKey, lastCompletePeriod } from '../../src/domain/reporting-periods.ts'
import { indicatorHealthRules } from '../../src/modules/outcomes/indicators/index.ts'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { inOrganisation } from '../helpers/tenant-scope.ts'

/** The text a reader of the PDF would see (poppler's pdftotext), and the words of a DOCX's body. */
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

interface Point {
  period: string
  value: string | null
  stored: number | null
  target: string | null
  status: string | null
  note: string
  enteredBy: string
  version: number | null
}
interface IndicatorJson {
  id: number
  version: number
  name: string
  projects: Array<{ id: number; title: string }>
  programmes: Array<{ id: number; title: string }>
  latest: Point | null
}
interface ErrorJson {
  message: string
  fields: Record<string, string>
}

// Issue 11, performance indicators: definitions with what they measure, targets with warning thresholds,
// values per financial period, who may do what, and another organisation seeing nothing.
describe(`performance indicators (${dialectName()})`, () => {
  let t: TestApp
  let admin: string
  let programme: number
  let sharedProject: number
  let councilProject: number
  let foreignProject: number
  let telephone: IndicatorJson
  let grants: IndicatorJson
  let council: IndicatorJson

  const make = async (token: string, url: string, body: unknown) => {
    const res = await t.api(token, 'POST', url, body)
    assert.ok(res.statusCode === 201 || res.statusCode === 200, `${url}: ${res.body}`)
    return res.json<{ id: number }>().id
  }
  const define = (body: Record<string, unknown>, token = admin) =>
    t.api(token, 'POST', '/api/v1/indicators', {
      polarity: 'higher',
      frequency: 'monthly',
      unit: 'count',
      ...body,
    })
  const tokenOf = (role: Role, org = t.orgs.a) => t.tokenFor(org.users[role])

  before(async () => {
    t = await buildTestApp()
    admin = await tokenOf('administrator')
    const psps = await t.partner(t.orgs.a, 'PSPS')
    const adminB = await tokenOf('administrator', t.orgs.b)
    const programmeB = await make(adminB, '/api/v1/programmes', { reference: 'B', name: 'B' })
    foreignProject = await make(adminB, '/api/v1/projects', {
      reference: 'B-1',
      name: 'B',
      programmeId: programmeB,
    })
    programme = await make(admin, '/api/v1/programmes', { reference: 'ICT', name: 'ICT and Digital' })
    sharedProject = await make(admin, '/api/v1/projects', {
      reference: 'ICT-01',
      name: 'Website',
      programmeId: programme,
    })
    councilProject = await make(admin, '/api/v1/projects', {
      reference: 'ICT-02',
      name: 'CRM',
      programmeId: programme,
    })
    await t.share(sharedProject, [psps])
    const res = await define({
      name: 'Contacts by telephone',
      polarity: 'lower',
      groupName: 'Channel shift',
      programmeIds: [programme],
      projectIds: [sharedProject],
    })
    assert.equal(res.statusCode, 201, res.body)
    telephone = res.json<IndicatorJson>()
    grants = (
      await define({
        name: '% of grant applications paid within 10 days',
        unit: 'percent',
        scale: 1,
        frequency: 'quarterly',
        rollup: 'average',
        projectIds: [councilProject],
      })
    ).json<IndicatorJson>()
    council = (await define({ name: 'Council only' })).json<IndicatorJson>()
  })
  after(() => t.close())

  it('defines an indicator with what it measures, and enters, shows and corrects its values', async () => {
    assert.deepEqual(
      telephone.projects.map((p) => p.title),
      ['ICT-01: Website'],
    )
    assert.deepEqual(
      telephone.programmes.map((p) => p.title),
      ['ICT: ICT and Digital'],
    )
    const target = await t.api(admin, 'POST', `/api/v1/indicators/${telephone.id}/targets`, {
      period: 'April 2025',
      target: '1,000',
      warning: 1200,
    })
    assert.equal(target.statusCode, 200, target.body)
    for (const [period, value] of [
      ['2025-04', '900'],
      ['May 2025', '1100'],
      ['01/06/2025', '1300'],
    ] as const) {
      const res = await t.api(admin, 'POST', `/api/v1/indicators/${telephone.id}/values`, {
        period,
        value,
        note: 'CRM report',
      })
      assert.equal(res.statusCode, 200, res.body)
    }
    await t.api(admin, 'POST', `/api/v1/indicators/${telephone.id}/targets`, {
      period: '2025-05',
      target: 1000,
      warning: 1200,
    })
    await t.api(admin, 'POST', `/api/v1/indicators/${telephone.id}/targets`, {
      period: '2025-06',
      target: 1000,
      warning: 1200,
    })
    const list = await t.api(admin, 'GET', `/api/v1/indicators/${telephone.id}/periods?limit=3`)
    assert.equal(list.statusCode, 200, list.body)
    assert.deepEqual(
      list.json<{ items: Point[] }>().items.map((p) => `${p.period} ${p.value} ${p.status} ${p.enteredBy}`),
      [
        `2025-04 900 on-target ${t.orgs.a.users.administrator.name}`,
        `2025-05 1100 warning ${t.orgs.a.users.administrator.name}`,
        `2025-06 1300 off-target ${t.orgs.a.users.administrator.name}`,
      ],
    )

    // A period already held is corrected only with its version: never overwritten unread.
    const again = await t.api(admin, 'POST', `/api/v1/indicators/${telephone.id}/values`, {
      period: '2025-06',
      value: 950,
    })
    assert.equal(again.statusCode, 409, again.body)
    const held = list.json<{ items: Point[] }>().items[2]!
    const fixed = await t.api(admin, 'POST', `/api/v1/indicators/${telephone.id}/values`, {
      period: '2025-06',
      value: 950,
      note: 'Corrected: duplicate calls removed',
      version: held.version,
    })
    assert.equal(fixed.statusCode, 200, fixed.body)
    assert.equal(fixed.json<Point>().status, 'on-target')
    const stale = await t.api(admin, 'POST', `/api/v1/indicators/${telephone.id}/values`, {
      period: '2025-06',
      value: 951,
      version: held.version,
    })
    assert.equal(stale.statusCode, 409, stale.body)

    const page = await (await t.signIn(t.orgs.a.users.viewer)).get(`/indicators/${telephone.id}`)
    assert.equal(page.status, 200)
    assert.ok(
      page.document.querySelector('svg[role="img"] title')?.textContent?.includes('Contacts by telephone'),
    )
    assert.match(page.text, /June 2025 950 1,000 1,200 On target Corrected: duplicate calls removed/)
    assert.match(page.text, /May 2025 1,100 1,000 1,200 Warning/)
    assert.doesNotMatch(page.text, /Enter a value/, 'a viewer reads only')
    const history = await (
      await t.signIn(t.orgs.a.users.viewer)
    ).get(`/history/indicator_value/${await firstValueId()}`)
    assert.equal(history.status, 200)
    assert.match(history.text, /Corrected: duplicate calls removed/)
  })

  async function firstValueId(): Promise<number> {
    const row = await t.database.db
      .selectFrom('indicator_values')
      .select('id')
      .where('indicator_id', '=', telephone.id)
      .where('period', '=', '2025-06')
      .executeTakeFirstOrThrow()
    return row.id
  }

  it('refuses bad input with the field named, and saves nothing', async () => {
    const count = async () =>
      (
        await t.database.db
          .selectFrom('indicator_values')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n
    const before = Number(await count())
    const cases: Array<[number, Record<string, unknown>, string, RegExp]> = [
      [grants.id, { period: 'Q1 2025/26', value: '100.5' }, 'value', /percentage from 0 to 100/],
      [grants.id, { period: 'April 2025', value: '50' }, 'period', /measured quarterly/],
      [grants.id, { period: 'Q1 2025/26', value: '50.25' }, 'value', /1 decimal place/],
      [telephone.id, { period: 'Smarch 2025', value: '5' }, 'period', /Enter a period/],
      [telephone.id, { period: '2025-07', value: '-5' }, 'value', /cannot be negative/],
      [telephone.id, { period: '2025-07', value: 'lots' }, 'value', /must be a number/],
    ]
    for (const [id, body, field, message] of cases) {
      const res = await t.api(admin, 'POST', `/api/v1/indicators/${id}/values`, body)
      assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`)
      assert.match(res.json<ErrorJson>().fields[field] ?? '', message, JSON.stringify(body))
    }
    assert.equal(Number(await count()), before)

    const wrongSide = await t.api(admin, 'POST', `/api/v1/indicators/${grants.id}/targets`, {
      period: 'Q1 2025/26',
      target: '90',
      warning: '95',
    })
    assert.equal(wrongSide.statusCode, 400)
    assert.match(wrongSide.json<ErrorJson>().fields.warning ?? '', /must be below the target/)
    const lowerWrong = await t.api(admin, 'POST', `/api/v1/indicators/${telephone.id}/targets`, {
      period: '2025-07',
      target: '1000',
      warning: '900',
    })
    assert.match(lowerWrong.json<ErrorJson>().fields.warning ?? '', /must be above the target/)

    const defs: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ name: 'Contacts by telephone' }, 'name', /already recorded/],
      [{ name: 'Spend', unit: 'money', scale: 2 }, 'scale', /pence/],
      [{ name: 'Foreign', projectIds: [foreignProject] }, 'projectIds', /project/],
      [{ name: 'Owner', ownerPersonId: 999999 }, 'ownerPersonId', /person/],
    ]
    for (const [body, field, message] of defs) {
      const res = await define(body)
      assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`)
      assert.match(res.json<ErrorJson>().fields[field] ?? '', message, JSON.stringify(body))
    }
    // Values held: the frequency cannot change under them.
    const patch = await t.api(admin, 'PATCH', `/api/v1/indicators/${telephone.id}`, {
      version: telephone.version,
      frequency: 'quarterly',
    })
    assert.equal(patch.statusCode, 400, patch.body)
    assert.match(patch.json<ErrorJson>().fields.frequency ?? '', /cannot change/)
  })

  it('lets the delivery and finance teams and the owner enter values; only administrators and programme managers define', async () => {
    const enter = async (role: Role, period: string) =>
      (
        await t.api(await tokenOf(role), 'POST', `/api/v1/indicators/${council.id}/values`, {
          period,
          value: 1,
        })
      ).statusCode
    assert.equal(await enter('project_manager', '2024-04'), 200)
    assert.equal(await enter('finance_officer', '2024-05'), 200)
    assert.equal(await enter('programme_manager', '2024-06'), 200)
    assert.equal(await enter('viewer', '2024-07'), 403)
    assert.equal(await enter('scrutiny_member', '2024-07'), 403)
    assert.equal(await enter('service_manager', '2024-07'), 403, 'not the owner')
    const person = await make(admin, '/api/v1/people', {
      name: t.orgs.a.users.service_manager.name,
      kind: 'employee',
      userId: t.orgs.a.users.service_manager.id,
    })
    const owned = await t.api(admin, 'PATCH', `/api/v1/indicators/${council.id}`, {
      version: council.version,
      ownerPersonId: person,
    })
    assert.equal(owned.statusCode, 200, owned.body)
    assert.equal(await enter('service_manager', '2024-07'), 200, 'the owner')

    for (const role of ['project_manager', 'finance_officer', 'viewer'] as const)
      assert.equal((await define({ name: `By ${role}` }, await tokenOf(role))).statusCode, 403, role)
    assert.equal(
      (await define({ name: 'By a programme manager' }, await tokenOf('programme_manager'))).statusCode,
      201,
    )
  })

  it('shows a partner officer only the indicators of projects shared with them, and another organisation nothing', async () => {
    const partner = await tokenOf('partner_officer')
    const names = (await t.api(partner, 'GET', '/api/v1/indicators')).json<{ items: IndicatorJson[] }>().items
    assert.deepEqual(
      names.map((i) => i.name),
      ['Contacts by telephone'],
    )
    assert.equal((await t.api(partner, 'GET', `/api/v1/indicators/${grants.id}`)).statusCode, 404)
    assert.equal(
      (
        await t.api(partner, 'POST', `/api/v1/indicators/${telephone.id}/values`, {
          period: '2025-08',
          value: 1,
        })
      ).statusCode,
      403,
    )
    const b = await tokenOf('administrator', t.orgs.b)
    assert.equal((await t.api(b, 'GET', `/api/v1/indicators/${telephone.id}`)).statusCode, 404)
    assert.equal(
      (await t.api(b, 'POST', `/api/v1/indicators/${telephone.id}/values`, { period: '2025-08', value: 1 }))
        .statusCode,
      404,
    )
    assert.deepEqual((await t.api(b, 'GET', '/api/v1/indicators')).json<{ items: unknown[] }>().items, [])
    const page = await (await t.signIn(t.orgs.b.users.administrator)).get(`/indicators/${telephone.id}`)
    assert.equal(page.status, 404)
  })

  it('adds an indicator and enters a value through the pages, with the error summary for bad input', async () => {
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    await pm.get('/indicators/new')
    const bad = await pm.post('/indicators/new', {
      name: '',
      unit: 'percent',
      scale: '9',
      polarity: 'higher',
      frequency: 'monthly',
      rollup: 'average',
      status: 'active',
    })
    assert.equal(bad.status, 400)
    assert.match(
      bad.text,
      /There is a problem Enter the name of the indicator Decimal places must be a whole number from 0 to 4/,
    )
    const saved = await pm.post('/indicators/new', {
      name: 'Web forms completed online',
      unit: 'percent',
      scale: '1',
      polarity: 'higher',
      frequency: 'monthly',
      rollup: 'average',
      status: 'active',
      groupName: 'Channel shift',
      projectIds: String(councilProject),
    })
    assert.equal(saved.status, 303, saved.text)
    const url = saved.location!
    await pm.get(`${url}/values`)
    const wrong = await pm.post(`${url}/values`, { period: 'Q1 2025/26', value: '101', note: '' })
    assert.equal(wrong.status, 400)
    assert.match(wrong.text, /This indicator is measured monthly.*percentage from 0 to 100/)
    const ok = await pm.post(`${url}/values`, { period: 'Apr 2025', value: '64.5%', note: 'From Goss' })
    assert.equal(ok.status, 303)
    // The same period again from a blank form: shown what is held, not overwritten; saving again replaces it.
    await pm.get(`${url}/values`)
    const held = await pm.post(`${url}/values`, { period: '2025-04', value: '65.0', note: 'Recounted' })
    assert.equal(held.status, 409)
    assert.match(held.text, /A value for April 2025 is already recorded/)
    const version = held.document.querySelector('input[name="version"]')?.getAttribute('value')
    assert.equal(version, '1')
    const replaced = await pm.post(`${url}/values`, {
      period: '2025-04',
      value: '65.0',
      note: 'Recounted',
      version: version,
    })
    assert.equal(replaced.status, 303)
    const page = await pm.get(url)
    assert.match(page.text, /April 2025 65.0% .*Recounted/)
    const list = await pm.get('/indicators')
    assert.match(list.text, /Channel shift .*Contacts by telephone.*Web forms completed online/)
    const group = await pm.get('/indicators/group?name=Channel%20shift')
    assert.equal(group.status, 200)
  })

  it('shows the indicators measuring a project and a programme on their pages', async () => {
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    const project = await viewer.get(`/projects/${sharedProject}`)
    // Last month has no value yet: the latest is missing, and says so.
    const due = formatPeriodKey(lastCompletePeriod('monthly', todayInLondon()))
    assert.ok(
      project.text.includes(
        `Performance indicators measuring this Indicator Latest period Value Target Status Contacts by telephone ${due} Missing`,
      ),
      project.text,
    )
    const programmePage = await viewer.get(`/programmes/${programme}`)
    assert.match(programmePage.text, /Performance indicators .*Contacts by telephone/)
    const other = await viewer.get(`/projects/${councilProject}`)
    assert.match(other.text, /% of grant applications paid within 10 days/)
    assert.doesNotMatch(other.text, /Contacts by telephone/)
  })

  it("puts the programme's indicators in the panel report as they stood at the end of its period", async () => {
    // A paper for June 2025, written now: April and May were entered in June, the June value only today, and
    // May's figure has been corrected today. The paper shows May as it stood, and no June value.
    const kpi = (
      await define({ name: 'Web forms started online', unit: 'percent', scale: 1, programmeIds: [programme] })
    ).json<IndicatorJson>()
    for (const [period, value] of [
      ['2025-04', '41.5'],
      ['2025-05', '44.0'],
    ])
      await t.api(admin, 'POST', `/api/v1/indicators/${kpi.id}/values`, { period, value })
    await t.api(admin, 'POST', `/api/v1/indicators/${kpi.id}/targets`, {
      period: '2025-05',
      target: '45',
      warning: '40',
    })
    for (const table of ['indicator_values', 'indicator_targets'] as const)
      await t.database.db
        .updateTable(table)
        .set({ created_at: '2025-06-10T09:00:00.000Z', updated_at: '2025-06-10T09:00:00.000Z' })
        .where('indicator_id', '=', kpi.id)
        .execute()
    await t.api(admin, 'POST', `/api/v1/indicators/${kpi.id}/values`, { period: '2025-06', value: '47.0' })
    const may = (await t.api(admin, 'GET', `/api/v1/indicators/${kpi.id}/periods`)).json<{ items: Point[] }>()
      .items[1]!
    const corrected = await t.api(admin, 'POST', `/api/v1/indicators/${kpi.id}/values`, {
      period: '2025-05',
      value: '46.0',
      version: may.version,
    })
    assert.equal(corrected.statusCode, 200, corrected.body)

    const report = await t.api(admin, 'POST', '/api/v1/reports', {
      programmeId: programme,
      period: '2025-06',
      title: 'June paper',
    })
    assert.equal(report.statusCode, 201, report.body)
    const files = report.json<{ files: { html: string; docx: string; pdf: string } }>().files
    const html = (await t.api(admin, 'GET', files.html)).body.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ')
    const docx = docxText((await t.api(admin, 'GET', files.docx)).rawPayload)
    const pdf = pdfText((await t.api(admin, 'GET', files.pdf)).rawPayload)
    for (const [name, text] of [
      ['HTML', html],
      ['DOCX', docx],
      ['PDF', pdf],
    ] as const) {
      assert.match(text, /Performance indicators/, name)
      // The PDF's table may wrap a row's cells across a page: each figure is checked; HTML and DOCX in order.
      if (name === 'PDF')
        for (const part of [
          'Web forms started online',
          'May 2025',
          '44.0%',
          '45.0%',
          'Warning',
          '41.5% (April 2025)',
        ])
          assert.ok(text.includes(part), `${name}: ${part}`)
      else
        assert.match(
          text,
          /Web forms started online May 2025 44\.0% 45\.0% Warning 41\.5% \(April 2025\)/,
          name,
        )
      assert.doesNotMatch(text, /47(\.0)?%|46(\.0)?%/, name)
    }
  })

  it("keeps the owner's name as the people register has it when the person is renamed", async () => {
    const person = await make(admin, '/api/v1/people', { name: 'Jo Price', kind: 'employee' })
    const created = (await define({ name: 'Owned by Jo', ownerPersonId: person })).json<
      IndicatorJson & { owner: string }
    >()
    assert.equal(created.owner, 'Jo Price')
    const read = (await t.api(admin, 'GET', `/api/v1/people/${person}`)).json<{ version: number }>()
    const renamed = await t.api(admin, 'PATCH', `/api/v1/people/${person}`, {
      version: read.version,
      name: 'Joanne Price',
    })
    assert.equal(renamed.statusCode, 200, renamed.body)
    const after = (await t.api(admin, 'GET', `/api/v1/indicators/${created.id}`)).json<{ owner: string }>()
    assert.equal(after.owner, 'Joanne Price')
  })

  it('flags an active indicator whose last complete period has no value once the grace days have passed', async () => {
    const [rule] = indicatorHealthRules(t.app.services.indicators)
    const late = async (today: string) =>
      (
        await inOrganisation(t.orgs.a, () =>
          rule!.evaluate({
            db: t.database.db,
            organisationId: t.orgs.a.id,
            today,
            period: today.slice(0, 7),
            threshold: 20,
          }),
        )
      ).map((f) => `${f.title}: ${f.detail}`)
    // July 2025 ended on the 31st: late from 21 August; the grants quarter (April to June) is already late.
    assert.ok(!(await late('2025-08-10')).includes('Contacts by telephone: No value for July 2025'))
    assert.ok(
      (await late('2025-08-10')).includes(
        '% of grant applications paid within 10 days: No value for Q1 2025/26 (April to June 2025)',
      ),
    )
    assert.ok((await late('2025-08-30')).includes('Contacts by telephone: No value for July 2025'))
    // June has its value: not late.
    assert.ok(!(await late('2025-07-30')).some((f) => f.startsWith('Contacts by telephone')))
    const checks = await t.api(admin, 'GET', '/api/v1/governance/checks')
    assert.ok(
      checks.json<{ items: Array<{ id: string }> }>().items.some((r) => r.id === 'indicator-value-late'),
    )
  })
})
