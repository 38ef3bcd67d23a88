import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { todayInLondon } from '../../src/domain/dates.ts'
import { financialYear, financialYearOf } from '../../src/domain/periods.ts'
import { buildTestApp, type TestApp, type TestOrg } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

interface BenefitJson {
  id: number
  version: number
  title: string
  owner: string
  mtfs: boolean
  profile: Array<{ year: string; planned: number; realised: number | null }>
  plannedTotal: number
  realisedToDate: number
}
interface ErrorJson {
  message: string
  fields: Record<string, string>
}

// Issue 11, the benefits register: benefits of a project with their realisation profile by financial year,
// exact totals, the roles that read and write them, and the benefits-review gate.
describe(`the benefits register (${dialectName()})`, () => {
  let t: TestApp
  let admin: string
  let programme: number
  let shared: number
  let councilOnly: number
  let foreignProject: number
  let foreignProgramme: number
  let ambition: number
  let foreignAmbition: number
  let foreignIndicator: number
  let foreignPerson: number
  let owner: number
  const thisYear = financialYearOf(todayInLondon())
  const nextYear = financialYear(thisYear.startYear + 1).label
  const lastYear = financialYear(thisYear.startYear - 1).label

  const make = async (token: string, url: string, body: unknown) => {
    const res = await t.api(token, 'POST', url, body)
    assert.equal(res.statusCode, 201, `${url}: ${res.body}`)
    return res.json<{ id: number }>().id
  }
  const benefit = (body: Record<string, unknown>, token = admin) =>
    t.api(token, 'POST', '/api/v1/benefits', { projectId: shared, type: 'cashable', ...body })
  const count = async () =>
    Number(
      (
        await t.database.db
          .selectFrom('benefits')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
  const insertAmbition = async (org: TestOrg, title: string) => {
    const at = new Date().toISOString()
    const row = await t.database.db
      .insertInto('ambitions')
      .values({
        organisation_id: org.id,
        title,
        statement: '',
        theme: '',
        owner: '',
        status: 'active',
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    return row.id
  }

  before(async () => {
    t = await buildTestApp()
    admin = await t.tokenFor(t.orgs.a.users.administrator)
    const adminB = await t.tokenFor(t.orgs.b.users.administrator)
    const programmeB = await make(adminB, '/api/v1/programmes', { reference: 'B', name: 'B' })
    foreignProgramme = programmeB
    foreignProject = await make(adminB, '/api/v1/projects', {
      reference: 'B-1',
      name: 'B',
      programmeId: programmeB,
    })
    foreignPerson = await make(adminB, '/api/v1/people', { name: 'Bea Other', kind: 'employee' })
    foreignAmbition = await insertAmbition(t.orgs.b, 'B ambition')
    const at = new Date().toISOString()
    foreignIndicator = (
      await t.database.db
        .insertInto('indicators')
        .values({
          organisation_id: t.orgs.b.id,
          name: 'B calls',
          description: '',
          unit: 'count',
          scale: 0,
          group_name: '',
          data_source: '',
          owner: '',
          polarity: 'lower',
          frequency: 'monthly',
          rollup: 'sum',
          status: 'active',
          created_at: at,
          updated_at: at,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id
    programme = await make(admin, '/api/v1/programmes', { reference: 'ICT', name: 'ICT and Digital' })
    shared = await make(admin, '/api/v1/projects', {
      reference: 'ICT-01',
      name: 'Website',
      programmeId: programme,
    })
    councilOnly = await make(admin, '/api/v1/projects', {
      reference: 'ICT-02',
      name: 'CRM',
      programmeId: programme,
    })
    await t.share(shared, [await t.partner(t.orgs.a)])
    ambition = await insertAmbition(t.orgs.a, 'Digital by preference')
    owner = await make(admin, '/api/v1/people', { name: 'Joanne Price', kind: 'employee' })
  })
  after(() => t.close())

  it('records a cashable saving counted in the MTFS, with exact totals over its profile', async () => {
    const res = await benefit({
      title: 'Channel shift saving',
      mtfs: true,
      ownerPersonId: owner,
      ambitionId: ambition,
      baselineYear: '2019-20',
      profile: [
        { year: lastYear, planned: 10, realised: 10 },
        { year: '2020/21', planned: 999_999_999_999_9, realised: 20 },
        { year: nextYear, planned: 1 },
      ],
    })
    assert.equal(res.statusCode, 201, res.body)
    const b = res.json<BenefitJson>()
    assert.equal(b.owner, 'Joanne Price')
    assert.equal(b.mtfs, true)
    assert.deepEqual(
      b.profile.map((p) => p.year),
      ['2020/21', lastYear, nextYear],
    )
    assert.equal(b.plannedTotal, 9_999_999_999_999 + 11)
    assert.equal(b.realisedToDate, 30)
  })

  it('refuses bad input with field errors and saves nothing', async () => {
    const before = await count()
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [
        {
          title: 'Twice',
          profile: [
            { year: '2021/22', planned: 1 },
            { year: '2021-22', planned: 2 },
          ],
        },
        'profile-1',
        /2021\/22 is already in the profile/,
      ],
      [
        { title: 'Early', baselineYear: '2020/21', profile: [{ year: '2019/20', planned: 1 }] },
        'profile-0',
        /before the baseline year 2020\/21/,
      ],
      [
        { title: 'Future', profile: [{ year: nextYear, planned: 1, realised: 1 }] },
        'profile-0',
        /has not begun/,
      ],
      [{ title: 'Time', type: 'non_cashable', unit: 'hours', mtfs: true }, 'mtfs', /Only a cashable benefit/],
      [{ title: 'Theirs', ambitionId: foreignAmbition }, 'ambitionId', /Choose an ambition/],
      [{ title: 'Theirs', indicatorId: foreignIndicator }, 'indicatorId', /Choose an indicator/],
      [{ title: 'Theirs', ownerPersonId: foreignPerson }, 'ownerPersonId', /Choose a person/],
      [{ title: 'Theirs', projectId: foreignProject }, 'projectId', /Choose a project/],
      // Another council's programme beside our project (the API property test found it accepted).
      [{ title: 'Theirs', programmeId: foreignProgramme }, 'programmeId', /./],
      [{ title: 'No unit', type: 'societal' }, 'unit', /Enter the unit/],
    ]
    for (const [body, fieldName, message] of cases) {
      const res = await benefit(body)
      assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`)
      assert.match(res.json<ErrorJson>().fields[fieldName] ?? '', message, JSON.stringify(body))
    }
    assert.equal(await count(), before)
  })

  it('lets project writers write, everyone in the organisation read, and hides other projects and councils', async () => {
    const id = (
      await benefit({
        title: 'Council only',
        projectId: councilOnly,
        profile: [{ year: '2021/22', planned: 5 }],
      })
    ).json<BenefitJson>().id
    // An indicator of the council's own, measuring nothing shared: a partner officer may not read its name.
    const councilIndicator = (
      await t.database.db
        .insertInto('indicators')
        .values({
          organisation_id: t.orgs.a.id,
          name: 'Council-only calls measure',
          description: '',
          unit: 'count',
          scale: 0,
          group_name: '',
          data_source: '',
          owner: '',
          polarity: 'lower',
          frequency: 'monthly',
          rollup: 'sum',
          status: 'active',
          created_at: new Date().toISOString(),
          updated_at: new Date().toISOString(),
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id
    const sharedId = (
      await benefit({ title: 'Shared benefit', indicatorId: councilIndicator })
    ).json<BenefitJson>().id
    for (const role of ['programme_manager', 'project_manager'] as const) {
      const res = await benefit({ title: `By ${role}` }, await t.tokenFor(t.orgs.a.users[role]))
      assert.equal(res.statusCode, 201, `${role}: ${res.body}`)
    }
    for (const role of ['finance_officer', 'viewer', 'scrutiny_member', 'partner_officer'] as const) {
      const token = await t.tokenFor(t.orgs.a.users[role])
      assert.equal((await benefit({ title: 'No' }, token)).statusCode, 403, role)
      const read = await t.api(token, 'GET', `/api/v1/benefits/${sharedId}`)
      assert.equal(read.statusCode, 200, role)
    }
    const partner = await t.tokenFor(t.orgs.a.users.partner_officer)
    assert.equal((await t.api(partner, 'GET', `/api/v1/benefits/${id}`)).statusCode, 404)
    const listed = (await t.api(partner, 'GET', '/api/v1/benefits')).json<{ items: BenefitJson[] }>()
    assert.ok(listed.items.every((b) => b.title !== 'Council only'))
    assert.ok(listed.items.some((b) => b.title === 'Shared benefit'))
    const partnerAgent = await t.signIn(t.orgs.a.users.partner_officer)
    const partnerPage = await partnerAgent.get('/benefits')
    assert.doesNotMatch(partnerPage.text, /Council only/)
    const sharedPage = await partnerAgent.get(`/benefits/${sharedId}`)
    assert.equal(sharedPage.status, 200)
    assert.doesNotMatch(
      sharedPage.text,
      /Council-only calls measure/,
      'no name of an indicator they cannot see',
    )
    const adminPage = await (await t.signIn(t.orgs.a.users.administrator)).get(`/benefits/${sharedId}`)
    const linked = adminPage.document.querySelector('a[href^="/indicators/"]')
    assert.equal(linked?.textContent, 'Council-only calls measure', 'the council sees it, linked')

    const foreign = await t.tokenFor(t.orgs.b.users.administrator)
    assert.equal((await t.api(foreign, 'GET', `/api/v1/benefits/${id}`)).statusCode, 404)
    const page = await (await t.signIn(t.orgs.b.users.administrator)).get(`/benefits/${id}`)
    assert.equal(page.status, 404)
    const patch = await t.api(foreign, 'PATCH', `/api/v1/benefits/${id}`, { version: 1, title: 'Mine' })
    assert.equal(patch.statusCode, 404)
  })

  it('replaces the profile under the version, answering 409 to a stale one', async () => {
    const b = (
      await benefit({ title: 'Versioned', profile: [{ year: '2021/22', planned: 100 }] })
    ).json<BenefitJson>()
    const ok = await t.api(admin, 'PATCH', `/api/v1/benefits/${b.id}`, {
      version: b.version,
      profile: [{ year: '2021/22', planned: 100, realised: 90 }],
    })
    assert.equal(ok.statusCode, 200, ok.body)
    assert.equal(ok.json<BenefitJson>().realisedToDate, 90)
    const stale = await t.api(admin, 'PATCH', `/api/v1/benefits/${b.id}`, {
      version: b.version,
      profile: [],
    })
    assert.equal(stale.statusCode, 409)
    // A bad profile leaves the saved one whole.
    const bad = await t.api(admin, 'PATCH', `/api/v1/benefits/${b.id}`, {
      version: b.version + 1,
      profile: [
        { year: '2021/22', planned: 1 },
        { year: '2021/22', planned: 2 },
      ],
    })
    assert.equal(bad.statusCode, 400)
    const now = (await t.api(admin, 'GET', `/api/v1/benefits/${b.id}`)).json<BenefitJson>()
    assert.deepEqual(now.profile, [{ year: '2021/22', planned: 100, realised: 90 }])
  })

  it('passes the benefits-review gate only when every profile year begun by the review date has a realised value', async () => {
    const pm = await t.tokenFor(t.orgs.a.users.programme_manager)
    const project = await make(admin, '/api/v1/projects', {
      reference: 'ICT-BR',
      name: 'Grants online',
      programmeId: programme,
    })
    const text = { text: 'Made', state: 'complete' }
    const bc = await t.api(pm, 'PUT', `/api/v1/projects/${project}/business-case`, {
      version: null,
      cases: {
        strategic: text,
        economic: text,
        commercial: text,
        financial: text,
        management: text,
      },
      scopeIn: 'Grants',
      scopeOut: 'Payments',
      optionsAppraised: 'Two',
      budgetRequestedPence: 1000,
      resources: [{ role: 'Developer', fte: 1, months: 6 }],
    })
    assert.equal(bc.statusCode, 200, bc.body)
    await make(admin, '/api/v1/risks', {
      projectId: project,
      title: 'Late data',
      event: 'Data is late',
      category: 'delivery',
      likelihood: 2,
      impact: 2,
    })
    const gates = (await t.api(pm, 'GET', `/api/v1/projects/${project}/gates`)).json<{
      items: Array<{ gateId: number; code: string; status: string }>
    }>()
    const br = gates.items.find((g) => g.code === 'BR')!
    const approve = (override = false) =>
      t.api(pm, 'POST', `/api/v1/projects/${project}/gates`, {
        gateId: br.gateId,
        override,
        decision: {
          title: 'Benefits review',
          decisionText: 'The benefits are being realised',
          decidedOn: '2022-06-30',
          capacity: 'portfolio_holder',
          decidedByName: 'Cllr Patel',
          reasons: 'Reviewed by the board',
          approvedBudgetPence: 1000,
        },
      })
    const grants = (
      await benefit({
        projectId: project,
        title: 'Grants paid faster',
        type: 'societal',
        unit: 'days',
        profile: [
          { year: '2020/21', planned: 500, realised: 700 },
          { year: '2021/22', planned: 300 },
          { year: '2022/23', planned: 200 },
          { year: '2023/24', planned: 100 },
        ],
      })
    ).json<BenefitJson>()
    const refused = await approve()
    assert.equal(refused.statusCode, 409, refused.body)
    assert.match(
      refused.json<ErrorJson>().message,
      /realised values are missing for Grants paid faster \(2021\/22, 2022\/23\)/,
    )
    const filled = await t.api(admin, 'PATCH', `/api/v1/benefits/${grants.id}`, {
      version: grants.version,
      profile: [
        { year: '2020/21', planned: 500, realised: 700 },
        { year: '2021/22', planned: 300, realised: 350 },
        { year: '2022/23', planned: 200, realised: 50 },
        { year: '2023/24', planned: 100 },
      ],
    })
    assert.equal(filled.statusCode, 200, filled.body)
    const passed = await approve()
    assert.equal(passed.statusCode, 201, passed.body)
  })

  it('lets the benefits-review gate be overridden with a reason, as every gate can', async () => {
    const pm = await t.tokenFor(t.orgs.a.users.programme_manager)
    const gates = (await t.api(pm, 'GET', `/api/v1/projects/${councilOnly}/gates`)).json<{
      items: Array<{ gateId: number; code: string }>
    }>()
    const br = gates.items.find((g) => g.code === 'BR')!
    const decision = {
      title: 'Benefits review',
      decisionText: 'Close the project',
      decidedOn: '2022-06-30',
      capacity: 'portfolio_holder',
      decidedByName: 'Cllr Patel',
      reasons: 'Benefits to be reviewed by the service after closure',
    }
    const refused = await t.api(pm, 'POST', `/api/v1/projects/${councilOnly}/gates`, {
      gateId: br.gateId,
      decision,
    })
    assert.equal(refused.statusCode, 409, refused.body)
    assert.match(
      refused.json<ErrorJson>().message,
      /realised values are missing for Council only \(2021\/22\)/,
    )
    const overridden = await t.api(pm, 'POST', `/api/v1/projects/${councilOnly}/gates`, {
      gateId: br.gateId,
      override: true,
      decision,
    })
    assert.equal(overridden.statusCode, 201, overridden.body)
  })

  it('adds and edits a benefit through its pages, with every error in the summary and a conflict page', async () => {
    const pm = await t.signIn(t.orgs.a.users.project_manager)
    const url = `/projects/${shared}/benefits/new`
    assert.equal((await pm.get(url)).status, 200)
    const bad = await pm.post(url, {
      rows: '5',
      title: 'Staff time',
      type: 'non_cashable',
      unit: 'hours',
      mtfs: 'yes',
      'year-0': '2021/22',
      'planned-0': 'lots',
      'year-1': '2021-22',
      'planned-1': '5',
    })
    assert.equal(bad.status, 400)
    const summary = bad.document.querySelector('.govuk-error-summary')?.textContent ?? ''
    assert.match(summary, /Only a cashable benefit can be counted/)
    assert.match(summary, /Planned value for 2021\/22 must be a number/)
    assert.match(summary, /2021\/22 is already in the profile/)
    const saved = await pm.post(url, {
      rows: '5',
      title: 'Online forms saving',
      type: 'cashable',
      disBenefit: 'no',
      mtfs: 'yes',
      baselineYear: '2020/21',
      'year-0': '2021/22',
      'planned-0': '£1,250.50',
      'realised-0': '1,000',
      'year-1': '2022/23',
      'planned-1': '0.25',
    })
    assert.equal(saved.status, 303, saved.text)
    const page = await pm.get(saved.location!)
    assert.match(page.text, /Online forms saving/)
    assert.match(
      page.document.querySelector('#profile')?.textContent ?? '',
      /2021\/22\s*£1,250.50\s*£1,000.00/,
    )
    assert.match(page.text, /Total £1,250.75 £1,000.00/)
    assert.ok(page.document.querySelector('svg[role="img"]'), 'the chart')
    const id = Number(saved.location!.split('/').pop())

    const register = await pm.get('/benefits')
    assert.match(register.text, /Online forms saving/)
    assert.doesNotMatch((await pm.get('/benefits?type=societal')).text, /Online forms saving/)
    const project = await pm.get(`/projects/${shared}`)
    assert.ok(project.document.querySelector(`a[href="/benefits/${id}"]`), 'the project page lists it')
    const csv = await pm.get('/benefits/export.csv')
    assert.match(csv.body, /Online forms saving/)

    const edit = await pm.get(`/benefits/${id}/edit`)
    assert.equal(edit.status, 200)
    const form = {
      version: '1',
      rows: '5',
      title: 'Online forms saving',
      type: 'cashable',
      mtfs: 'yes',
      baselineYear: '2020/21',
      'year-0': '2021/22',
      'planned-0': '1250.50',
      'realised-0': '1250.50',
    }
    assert.equal((await pm.post(`/benefits/${id}/edit`, form)).status, 303)
    const stale = await pm.post(`/benefits/${id}/edit`, { ...form, 'realised-0': '1' })
    assert.equal(stale.status, 409)
    assert.match(stale.text, /changed by someone else/)
    const history = await pm.get(`/history/benefit/${id}`)
    assert.equal(history.status, 200)
    assert.match(history.text, /2022\/23: planned £0.25/)

    const viewer = await t.signIn(t.orgs.a.users.viewer)
    assert.doesNotMatch((await viewer.get(`/benefits/${id}`)).text, /Edit benefit/)
    assert.equal((await viewer.get(url)).status, 403)
  })

  it("keeps the owner's name as the people register has it", async () => {
    const b = (await benefit({ title: 'Owned', ownerPersonId: owner })).json<BenefitJson>()
    const person = (await t.api(admin, 'GET', `/api/v1/people/${owner}`)).json<{ version: number }>()
    const renamed = await t.api(admin, 'PATCH', `/api/v1/people/${owner}`, {
      version: person.version,
      name: 'Joanne Price-Lee',
    })
    assert.equal(renamed.statusCode, 200, renamed.body)
    const now = (await t.api(admin, 'GET', `/api/v1/benefits/${b.id}`)).json<BenefitJson>()
    assert.equal(now.owner, 'Joanne Price-Lee')
  })

  it('lets a finance officer record the realised values of a cashable benefit, and nothing else', async () => {
    const b = (
      await benefit({
        title: 'Postage saving',
        profile: [
          { year: '2021/22', planned: 500000 },
          { year: nextYear, planned: 500000 },
        ],
      })
    ).json<BenefitJson>()
    const finance = await t.signIn(t.orgs.a.users.finance_officer)
    assert.match((await finance.get(`/benefits/${b.id}`)).text, /Record realised values/)
    const form = await finance.get(`/benefits/${b.id}/realised`)
    assert.equal(form.status, 200)
    const future = await finance.post(`/benefits/${b.id}/realised`, {
      version: String(b.version),
      rows: '2',
      'year-0': '2021/22',
      'realised-0': '£4,800.10',
      'year-1': nextYear,
      'realised-1': '1',
    })
    assert.equal(future.status, 400)
    assert.match(future.document.querySelector('.govuk-error-summary')?.textContent ?? '', /has not begun/)
    const saved = await finance.post(`/benefits/${b.id}/realised`, {
      version: String(b.version),
      rows: '2',
      'year-0': '2021/22',
      'realised-0': '£4,800.10',
      'year-1': nextYear,
      'realised-1': '',
    })
    assert.equal(saved.status, 303, saved.text)
    const now = (await t.api(admin, 'GET', `/api/v1/benefits/${b.id}`)).json<BenefitJson>()
    assert.deepEqual(
      now.profile.map((p) => p.realised),
      [480010, null],
    )
    assert.equal(now.title, 'Postage saving')
    const stale = await finance.post(`/benefits/${b.id}/realised`, {
      version: String(b.version),
      rows: '1',
      'year-0': '2021/22',
      'realised-0': '1',
    })
    assert.equal(stale.status, 409)

    const token = await t.tokenFor(t.orgs.a.users.finance_officer)
    const read = await t.api(token, 'GET', `/api/v1/benefits/${b.id}/realised`)
    assert.deepEqual(read.json(), {
      version: now.version,
      realised: [
        { year: '2021/22', realised: 480010 },
        { year: nextYear, realised: null },
      ],
    })
    const api = await t.api(token, 'PUT', `/api/v1/benefits/${b.id}/realised`, {
      version: now.version,
      realised: [{ year: '2021/22', realised: 480000 }],
    })
    assert.equal(api.statusCode, 200, api.body)
    assert.equal(api.json<BenefitJson>().realisedToDate, 480000)
    const notAYear = await t.api(token, 'PUT', `/api/v1/benefits/${b.id}/realised`, {
      version: now.version + 1,
      realised: [{ year: '2030/31', realised: 1 }],
    })
    assert.equal(notAYear.statusCode, 400)
    assert.match(notAYear.json<ErrorJson>().fields['profile-0'] ?? '', /not a year of the profile/)

    const contacts = (
      await benefit({
        title: 'Contacts',
        type: 'non_cashable',
        unit: 'contacts',
        profile: [{ year: '2021/22', planned: 1 }],
      })
    ).json<BenefitJson>()
    const refused = await t.api(token, 'PUT', `/api/v1/benefits/${contacts.id}/realised`, {
      version: contacts.version,
      realised: [{ year: '2021/22', realised: 1 }],
    })
    assert.equal(refused.statusCode, 400)
    assert.match(refused.json<ErrorJson>().fields.realised ?? '', /cashable/)
    const viewer = await t.tokenFor(t.orgs.a.users.viewer)
    const viewerRes = await t.api(viewer, 'PUT', `/api/v1/benefits/${b.id}/realised`, {
      version: 1,
      realised: [],
    })
    assert.equal(viewerRes.statusCode, 403)
  })

  it('records a benefit of the whole programme, which partner officers do not see', async () => {
    const res = await t.api(admin, 'POST', '/api/v1/benefits', {
      programmeId: programme,
      title: 'Digital skills across the council',
      type: 'societal',
      unit: 'staff trained',
      profile: [{ year: '2021/22', planned: 10000, realised: 12000 }],
    })
    assert.equal(res.statusCode, 201, res.body)
    const b = res.json<BenefitJson & { projectId: number | null; programmeId: number }>()
    assert.equal(b.projectId, null)
    assert.equal(b.programmeId, programme)
    const both = await t.api(admin, 'POST', '/api/v1/benefits', {
      title: 'Nowhere',
      type: 'cashable',
    })
    assert.equal(both.statusCode, 400)
    assert.match(both.json<ErrorJson>().fields.projectId ?? '', /Choose the project/)

    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    const page = await pm.get(`/programmes/${programme}`)
    assert.ok(page.document.querySelector(`a[href="/benefits/${b.id}"]`), 'the programme page lists it')
    const form = await pm.post(`/programmes/${programme}/benefits/new`, {
      rows: '5',
      title: 'Fewer printed forms',
      type: 'non_cashable',
      unit: 'forms',
      'year-0': '2021/22',
      'planned-0': '500',
    })
    assert.equal(form.status, 303, form.text)
    const filtered = await pm.get(`/benefits?programme=${programme}`)
    assert.match(filtered.text, /Digital skills across the council/)
    assert.match(filtered.text, /Fewer printed forms/)
    assert.match(filtered.text, /Channel shift saving/)

    const partner = await t.tokenFor(t.orgs.a.users.partner_officer)
    assert.equal((await t.api(partner, 'GET', `/api/v1/benefits/${b.id}`)).statusCode, 404)
    const partnerPage = await (await t.signIn(t.orgs.a.users.partner_officer)).get(`/programmes/${programme}`)
    assert.equal(partnerPage.status, 200)
    assert.doesNotMatch(partnerPage.text, /Digital skills across the council/)
  })
})
