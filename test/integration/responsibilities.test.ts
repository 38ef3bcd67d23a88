import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import type { Role } from '../../src/auth/roles.ts'
import { partnerScope, whereAssetVisible, wholeOrganisation } from '../../src/auth/visibility.ts'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

interface Json {
  id: number
  version: number
  [k: string]: unknown
}
interface AssetJson extends Json {
  name: string
  responsibilities: Array<{ role: string; party: string; name: string | null }>
  projects: Array<{ reference: string }>
  risks: Array<{ title: string }>
  gaps: Array<{ code: string }>
}
interface ErrorJson {
  message: string
  fields: Record<string, string>
}

// Issue 10, the responsibility matrix: services and assets, content or infrastructure, with who is responsible,
// accountable, consulted and informed, the gaps the panel should see, and the projects and risks linked.
describe(`the responsibility matrix (${dialectName()})`, () => {
  let t: TestApp
  let admin: string
  let psps: number
  let otherPartner: number
  let foreignPartner: number
  let foreignProject: number
  let sharedProject: number
  let councilProject: number
  let risk: number
  let lee: number
  let amira: number

  const make = async (token: string, url: string, body: unknown) => {
    const res = await t.api(token, 'POST', url, body)
    assert.equal(res.statusCode, 201, `${url}: ${res.body}`)
    return res.json<Json>().id
  }
  const asset = (body: Record<string, unknown>, token = admin) =>
    t.api(token, 'POST', '/api/v1/service-assets', { kind: 'content', status: 'live', ...body })
  const team = (name: string, role: string) => ({ party: 'team', team: name, role })

  before(async () => {
    t = await buildTestApp()
    admin = await t.tokenFor(t.orgs.a.users.administrator)
    psps = await t.partner(t.orgs.a, 'PSPS')
    otherPartner = await t.partner(t.orgs.a, 'Goss Interactive', t.orgs.a.users.viewer)
    // The viewer's membership now names a partner, but their role stays viewer: only partner officers are confined.
    foreignPartner = await t.partner(t.orgs.b, 'B partner')
    const adminB = await t.tokenFor(t.orgs.b.users.administrator)
    const programmeB = await make(adminB, '/api/v1/programmes', { reference: 'B', name: 'B' })
    foreignProject = await make(adminB, '/api/v1/projects', {
      reference: 'B-1',
      name: 'B one',
      programmeId: programmeB,
    })

    const programme = await make(admin, '/api/v1/programmes', { reference: 'ICT', name: 'ICT' })
    sharedProject = await make(admin, '/api/v1/projects', {
      reference: 'ICT-01',
      name: 'Website',
      programmeId: programme,
    })
    councilProject = await make(admin, '/api/v1/projects', {
      reference: 'ICT-03',
      name: 'Agile',
      programmeId: programme,
    })
    await t.share(sharedProject, [psps])
    risk = await make(admin, '/api/v1/risks', {
      projectId: sharedProject,
      title: 'Network failure',
      event: 'The network fails',
      category: 'resilience',
      likelihood: 3,
      impact: 4,
    })
    // The council's teams are those the people register and the establishment name.
    amira = await make(admin, '/api/v1/people', { name: 'Amira Khan', kind: 'employee', team: 'Digital' })
    lee = await make(admin, '/api/v1/people', {
      name: 'Lee Harper',
      kind: 'partner_staff',
      partnerId: psps,
      team: 'PSPS Applications',
    })
    await make(admin, '/api/v1/posts', {
      title: 'Benefits officer',
      team: 'Revenues and Benefits',
      fte: 1,
      status: 'vacant',
    })
  })
  after(() => t.close())

  it('records content owned by a service area, with its links, and shows no gap', async () => {
    const res = await asset({
      name: 'Council tax web pages',
      responsibilities: [
        team('Revenues and Benefits', 'A'),
        team('Digital', 'C'),
        { party: 'person', personId: lee, role: 'R' },
        { party: 'partner', partnerId: psps, role: 'I' },
      ],
      projectIds: [sharedProject],
      riskIds: [risk],
    })
    assert.equal(res.statusCode, 201, res.body)
    const a = res.json<AssetJson>()
    assert.deepEqual(a.gaps, [])
    assert.deepEqual(
      a.projects.map((p) => p.reference),
      ['ICT-01'],
    )
    assert.deepEqual(
      a.risks.map((r) => r.title),
      ['Network failure'],
    )
    const project = await (await t.signIn(t.orgs.a.users.viewer)).get(`/projects/${sharedProject}`)
    assert.match(project.text, /Services and assets it changes Council tax web pages/)
    assert.deepEqual(
      a.responsibilities.map((r) => `${r.name}:${r.role}`),
      ['Revenues and Benefits:A', 'Digital:C', 'Lee Harper:R', 'PSPS:I'],
    )
  })

  it('flags an asset with no accountable owner and content with no service owner, on the page and in the health check', async () => {
    const res = await asset({
      name: 'Planning web pages',
      responsibilities: [{ party: 'partner', partnerId: psps, role: 'R' }],
    })
    assert.equal(res.statusCode, 201, res.body)
    assert.deepEqual(
      res.json<AssetJson>().gaps.map((g) => g.code),
      ['no-accountable', 'no-service-owner'],
    )
    // Infrastructure needs no service area, only an accountable owner.
    const network = await asset({
      name: 'Network',
      kind: 'infrastructure',
      responsibilities: [{ party: 'partner', partnerId: psps, role: 'R' }, team('Digital', 'A')],
    })
    assert.deepEqual(network.json<AssetJson>().gaps, [])

    const page = await (await t.signIn(t.orgs.a.users.viewer)).get('/responsibilities')
    assert.equal(page.status, 200)
    assert.match(page.text, /Planning web pages .*No accountable owner.*No service area owns this content/)
    assert.match(page.text, /1 service or asset has a gap in responsibility/)

    const checks = await t.api(admin, 'GET', '/api/v1/governance/checks')
    const rule = checks
      .json<{ items: Array<{ id: string; findings: Array<{ title: string }> }> }>()
      .items.find((r) => r.id === 'asset-responsibility-gap')
    assert.deepEqual(
      rule?.findings.map((f) => f.title),
      ['Planning web pages'],
    )
  })

  it('refuses bad input with the field named, and saves nothing', async () => {
    const before = (await t.api(admin, 'GET', '/api/v1/service-assets')).json<{ items: Json[] }>().items
      .length
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [
        { responsibilities: [team('Digital', 'A'), { party: 'partner', partnerId: psps, role: 'A' }] },
        'responsibilities',
        /only one accountable/,
      ],
      [{ responsibilities: [team('Digitl', 'R')] }, 'responsibilities-0', /team from the list/],
      [{ responsibilities: [team('Digital', 'R'), team('Digital', 'C')] }, 'responsibilities-1', /already/],
      [
        { responsibilities: [{ party: 'partner', partnerId: foreignPartner, role: 'R' }] },
        'responsibilities-0',
        /partner/,
      ],
      [
        { responsibilities: [{ party: 'person', personId: 999999, role: 'R' }] },
        'responsibilities-0',
        /person/,
      ],
      [{ projectIds: [foreignProject] }, 'projectIds', /project/],
      [{ name: 'Council tax web pages' }, 'name', /already recorded/],
    ]
    for (const [body, field, message] of cases) {
      const res = await asset({ name: 'Bad asset', ...body })
      assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`)
      assert.match(res.json<ErrorJson>().fields[field] ?? '', message, JSON.stringify(body))
    }
    const after = (await t.api(admin, 'GET', '/api/v1/service-assets')).json<{ items: Json[] }>().items.length
    assert.equal(after, before)
  })

  it('a stale version is a 409 and a change is in the history', async () => {
    const created = (
      await asset({ name: 'CRM', kind: 'service', responsibilities: [team('Digital', 'A')] })
    ).json<AssetJson>()
    const ok = await t.api(admin, 'PATCH', `/api/v1/service-assets/${created.id}`, {
      version: created.version,
      responsibilities: [team('Digital', 'A'), { party: 'person', personId: amira, role: 'R' }],
    })
    assert.equal(ok.statusCode, 200, ok.body)
    // A matrix read from the API can be sent back as it is.
    const read = ok.json<AssetJson>()
    const back = await t.api(admin, 'PATCH', `/api/v1/service-assets/${created.id}`, {
      version: read.version,
      responsibilities: read.responsibilities,
    })
    assert.equal(back.statusCode, 200, back.body)
    assert.equal(back.json<AssetJson>().version, read.version + 1)
    const stale = await t.api(admin, 'PATCH', `/api/v1/service-assets/${created.id}`, {
      version: read.version,
      name: 'CRM (Dynamics)',
    })
    assert.equal(stale.statusCode, 409, stale.body)
    const history = await (
      await t.signIn(t.orgs.a.users.administrator)
    ).get(`/history/service_asset/${created.id}`)
    assert.equal(history.status, 200)
    assert.match(history.text, /Amira Khan: Responsible/)
  })

  it('every role of the organisation reads; managers write; another organisation finds nothing', async () => {
    const list = (await t.api(admin, 'GET', '/api/v1/service-assets')).json<{ items: AssetJson[] }>().items
    const id = list[0]!.id
    const readers: Role[] = [
      'viewer',
      'scrutiny_member',
      'portfolio_holder',
      'finance_officer',
      'service_manager',
    ]
    for (const role of readers) {
      const token = await t.tokenFor(t.orgs.a.users[role])
      assert.equal((await t.api(token, 'GET', `/api/v1/service-assets/${id}`)).statusCode, 200, role)
      assert.equal((await asset({ name: `By ${role}` }, token)).statusCode, 403, role)
    }
    const pm = await t.tokenFor(t.orgs.a.users.project_manager)
    assert.equal((await asset({ name: 'Hosting', kind: 'infrastructure' }, pm)).statusCode, 201)
    const b = await t.tokenFor(t.orgs.b.users.administrator)
    assert.equal((await t.api(b, 'GET', `/api/v1/service-assets/${id}`)).statusCode, 404)
    assert.equal((await t.api(b, 'GET', '/api/v1/service-assets')).json<{ items: Json[] }>().items.length, 0)
    const page = await (await t.signIn(t.orgs.b.users.administrator)).get(`/responsibilities/${id}`)
    assert.equal(page.status, 404)
  })

  it('a partner officer sees only the assets their partner is party to, and no other party’s name', async () => {
    const officer = await t.tokenFor(t.orgs.a.users.partner_officer)
    const items = (await t.api(officer, 'GET', '/api/v1/service-assets')).json<{ items: AssetJson[] }>().items
    assert.deepEqual(items.map((a) => a.name).sort(), [
      'Council tax web pages',
      'Network',
      'Planning web pages',
    ])
    const tax = items.find((a) => a.name === 'Council tax web pages')!
    assert.deepEqual(
      tax.responsibilities.map((r) => r.name),
      ['Revenues and Benefits', 'Digital', 'Lee Harper', 'PSPS'],
    )
    const crm = (await t.api(admin, 'GET', '/api/v1/service-assets'))
      .json<{ items: AssetJson[] }>()
      .items.find((a) => a.name === 'CRM')!
    assert.equal((await t.api(officer, 'GET', `/api/v1/service-assets/${crm.id}`)).statusCode, 404)
    const officerPages = await t.signIn(t.orgs.a.users.partner_officer)
    assert.equal((await officerPages.get(`/history/service_asset/${crm.id}`)).status, 404)
    assert.equal((await officerPages.get(`/responsibilities/${crm.id}`)).status, 404)

    // Another partner's officer sees none of PSPS's, and a project not shared with them is not named.
    const goss = (
      await asset({
        name: 'Online forms platform',
        kind: 'infrastructure',
        responsibilities: [
          { party: 'partner', partnerId: otherPartner, role: 'R' },
          { party: 'partner', partnerId: psps, role: 'I' },
          { party: 'person', personId: amira, role: 'A' },
        ],
        projectIds: [sharedProject, councilProject],
      })
    ).json<AssetJson>()
    const seen = (await t.api(officer, 'GET', `/api/v1/service-assets/${goss.id}`)).json<AssetJson>()
    assert.deepEqual(
      seen.responsibilities.map((r) => r.name),
      [null, 'PSPS', null],
    )
    assert.deepEqual(
      seen.projects.map((p) => p.reference),
      ['ICT-01'],
    )
    const page = await (await t.signIn(t.orgs.a.users.partner_officer)).get('/responsibilities')
    assert.doesNotMatch(page.text, /Goss Interactive|Amira Khan|CRM|ICT-03/)
    assert.match(page.text, /Other parties \(not shown\)/)
  })

  it('the form refuses two accountable parties with an error summary, and saves a valid matrix', async () => {
    const agent = await t.signIn(t.orgs.a.users.programme_manager)
    const form = await agent.get('/responsibilities/new')
    assert.equal(form.status, 200)
    const fields = {
      name: 'Waste and recycling web pages',
      kind: 'content',
      status: 'live',
      rows: '3',
      'party-0': 'team:Digital',
      'role-0': 'A',
      'party-1': `partner:${psps}`,
      'role-1': 'A',
      'party-2': '',
      'role-2': '',
    }
    const refused = await agent.post('/responsibilities/new', fields)
    assert.equal(refused.status, 400)
    assert.match(refused.text, /There is a problem.*Choose only one accountable party/)
    const saved = await agent.post('/responsibilities/new', { ...fields, 'role-1': 'R' })
    assert.equal(saved.status, 303, saved.text)
    const shown = await agent.get(saved.location!)
    assert.match(shown.text, /Digital Team A: Accountable/)
    assert.match(shown.text, /PSPS Partner R: Responsible/)
  })

  it('pins the SQL: a partner officer sees the assets their partner or its staff are party to, none without a partner', () => {
    const base = t.database.db.selectFrom('service_assets').select('id')
    const q = whereAssetVisible(base, partnerScope(t.orgs.a.id, 7), 'service_assets.id').compile()
    assert.match(
      q.sql,
      /"service_assets"\."id" in \(select ar\.asset_id from asset_responsibilities ar left join people pe on pe\.id = ar\.person_id where ar\.partner_id = (\?|\$1) or pe\.partner_id = (\?|\$2)\)/,
    )
    assert.deepEqual(q.parameters, [7, 7])
    const whole = whereAssetVisible(base, wholeOrganisation(t.orgs.a.id), 'service_assets.id').compile()
    assert.equal(whole.sql, base.compile().sql)
    const none = whereAssetVisible(base, partnerScope(t.orgs.a.id, null), 'service_assets.id').compile()
    assert.match(none.sql, /where 1 = 0/)
  })

  it('a stale edit shows both matrices, and saving mine keeps every project it checked', async () => {
    const created = (
      await asset({ name: 'Intranet', kind: 'infrastructure', responsibilities: [team('Digital', 'A')] })
    ).json<AssetJson>()
    const agent = await t.signIn(t.orgs.a.users.programme_manager)
    const url = `/responsibilities/${created.id}/edit`
    assert.equal((await agent.get(url)).status, 200)
    const other = await t.api(admin, 'PATCH', `/api/v1/service-assets/${created.id}`, {
      version: created.version,
      description: 'Changed meanwhile',
    })
    assert.equal(other.statusCode, 200)
    const stale = await agent.post(url, {
      version: String(created.version),
      name: 'Intranet',
      kind: 'infrastructure',
      status: 'live',
      description: '',
      rows: '1',
      'party-0': `partner:${psps}`,
      'role-0': 'A',
      projectIds: [String(sharedProject), String(councilProject)],
    })
    assert.equal(stale.status, 409)
    assert.match(stale.text, /Partner: PSPS: A.*Team: Digital: A/)
    const resubmit: Record<string, string> = {}
    for (const input of stale.document.querySelectorAll('form input[type="hidden"]'))
      if (input.getAttribute('name') !== '_csrf')
        resubmit[input.getAttribute('name')!] = input.getAttribute('value') ?? ''
    const saved = await agent.post(url, resubmit)
    assert.equal(saved.status, 303, saved.text)
    const now = (await t.api(admin, 'GET', `/api/v1/service-assets/${created.id}`)).json<AssetJson>()
    assert.deepEqual(
      now.projects.map((p) => p.reference),
      ['ICT-01', 'ICT-03'],
    )
    assert.deepEqual(
      now.responsibilities.map((r) => `${r.name}:${r.role}`),
      ['PSPS:A'],
    )
  })

  it('exports the matrix as CSV with formulas neutralised, and as Excel', async () => {
    await asset({
      name: '=HYPERLINK("http://evil")',
      kind: 'service',
      responsibilities: [team('Digital', 'A')],
    })
    const agent = await t.signIn(t.orgs.a.users.viewer)
    const csv = await agent.get('/responsibilities/export.csv')
    assert.equal(csv.status, 200)
    assert.match(csv.body, /^\uFEFFService or asset,Kind,Status,/)
    assert.match(csv.body, /"'=HYPERLINK\(""http:\/\/evil""\)",Service,Live/)
    assert.match(csv.body, /Council tax web pages,Content,Live,.*A/)
    const xlsx = await agent.get('/responsibilities/export.xlsx')
    assert.equal(xlsx.status, 200)
    assert.match(String(xlsx.headers['content-type']), /spreadsheetml/)
  })
})
