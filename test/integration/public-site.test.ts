import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ConfigError, loadConfig } from '../../src/config.ts'
import { buildTestApp, type Agent, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { todayInLondon } from '../../src/domain/dates.ts'
import { lastCompletePeriod } from '../../src/domain/reporting-periods.ts'
import { inOrganisation } from '../helpers/tenant-scope.ts'

interface Json {
  id: number
  version: number
}

// Issue 12, "Public pages (no sign-in), published on purpose": nothing is public until the organisation
// publishes it, a withheld record leaves every page and dataset at once, and another organisation's site
// shows only its own records.
describe(`the public site and its open data (${dialectName()})`, () => {
  let t: TestApp
  let adminA: Agent
  let adminB: Agent
  let resident: Agent
  const ids: Record<string, number> = {}

  const make = async (token: string, url: string, body: unknown) => {
    const res = await t.api(token, 'POST', url, body)
    assert.equal(res.statusCode, 201, `${url}: ${res.body}`)
    return res.json<Json>().id
  }
  const publish = async (admin: Agent, types: string[], threshold = '500') => {
    const settings = await admin.get('/settings/publication')
    const version = settings.document.querySelector('input[name="version"]')!.getAttribute('value')!
    const saved = await admin.post('/settings/publication', { version, types, threshold })
    assert.equal(saved.status, 303, saved.text)
  }

  before(async () => {
    t = await buildTestApp()
    const { a, b } = t.orgs
    const tokenA = await t.tokenFor(a.users.administrator)
    const tokenB = await t.tokenFor(b.users.administrator)
    ids.programme = await make(tokenA, '/api/v1/programmes', { reference: 'ICT', name: 'ICT and digital' })
    ids.project = await make(tokenA, '/api/v1/projects', {
      reference: 'ICT-01',
      name: 'Website',
      programmeId: ids.programme,
    })
    await make(tokenA, '/api/v1/status-reports', {
      projectId: ids.project,
      period: '2021-02',
      rating: 'amber',
      narrative: 'Behind on content migration',
    })
    ids.programmeB = await make(tokenB, '/api/v1/programmes', {
      reference: 'BEE',
      name: 'Beta’s own programme',
    })
    ids.committee = await make(tokenA, '/api/v1/committees', {
      name: 'Performance Monitoring Panel',
      code: 'PMP',
      kind: 'scrutiny_panel',
    })
    ids.meeting = await make(tokenA, '/api/v1/meetings', {
      committeeId: ids.committee,
      meetingDate: '2021-03-18',
      place: 'Council Chamber',
      status: 'held',
    })
    ids.item = await make(tokenA, `/api/v1/meetings/${ids.meeting}/items`, {
      number: '5',
      title: 'ICT programme update',
      minutes: 'Members expressed disappointment.',
    })
    ids.partB = await make(tokenA, `/api/v1/meetings/${ids.meeting}/items`, {
      number: '9',
      title: 'Contract award to a supplier',
      minutes: 'Commercial terms discussed.',
    })
    ids.recommendation = await make(tokenA, '/api/v1/recommendations', {
      agendaItemId: ids.item,
      reference: 'PMP/2021/01',
      kind: 'recommendation',
      text: 'Publish a monitoring process',
      addressedTo: 'portfolio_holder',
      addresseeUserId: a.users.portfolio_holder.id,
    })
    ids.secretRecommendation = await make(tokenA, '/api/v1/recommendations', {
      agendaItemId: ids.partB,
      reference: 'PMP/2021/02',
      kind: 'recommendation',
      text: 'Renegotiate the exempt contract',
      addressedTo: 'executive',
      addresseeUserId: a.users.portfolio_holder.id,
    })
    // Spend: two payments over the threshold (one to an individual), one under it.
    const at = new Date().toISOString()
    const row = (n: number, supplier: string, pence: number) => ({
      organisation_id: a.id,
      project_id: ids.project!,
      dedupe_key: `public-${n}`,
      content_hash: `public-${n}`,
      transaction_date: '2021-03-10',
      period: '2021-03',
      financial_year: '2020/21',
      amount_pence: pence,
      supplier_name: supplier,
      description: 'Invoice',
      cost_centre: '',
      account_code: '',
      expense_type: 'Consultancy',
      service_area: 'ICT',
      created_at: at,
    })
    await t.database.db
      .insertInto('ledger_transactions')
      .values([
        row(1, 'Civica UK Ltd', 120_000),
        row(2, 'Jane Smith', 60_000),
        row(3, 'Small Supplies Ltd', 4_999),
      ])
      .execute()
    adminA = await t.signIn(a.users.administrator)
    adminB = await t.signIn(b.users.administrator)
    resident = t.anonymous()
  })
  after(() => t.close())

  const urls = () => [
    '/public/alpha/',
    '/public/alpha/programmes',
    `/public/alpha/programmes/${ids.programme}`,
    '/public/alpha/meetings',
    `/public/alpha/meetings/${ids.meeting}`,
    '/public/alpha/recommendations',
    '/public/alpha/decisions',
    '/public/alpha/data',
    '/public/alpha/data/programmes.csv',
    '/public/alpha/data/spend.json',
  ]

  it('publishes nothing by default: every page and dataset is 404, to a resident and to a signed-in officer', async () => {
    const officer = await t.signIn(t.orgs.a.users.programme_manager)
    for (const url of urls()) {
      assert.equal((await resident.get(url)).status, 404, url)
      assert.equal((await officer.get(url)).status, 404, url)
    }
    assert.equal((await resident.get('/public/no-such-council/')).status, 404)
    // The site shares its base path with the stylesheet and scripts, which still load.
    assert.equal((await resident.get('/public/app.css')).status, 200)
  })

  it('shows what is published, without signing in, and keeps each unpublished type private', async () => {
    await publish(adminA, ['programmes', 'meetings', 'recommendations'])
    const index = await resident.get('/public/alpha/')
    assert.equal(index.status, 200)
    assert.match(index.text, /Programmes and their projects/)
    assert.doesNotMatch(index.text, /Decisions/)
    assert.match(index.text, /Last updated/)
    assert.equal(index.headers['set-cookie'], undefined, 'a public page sets no cookie')
    // No signed-in header: no menu, no sign-out form.
    assert.equal(index.document.querySelector('form[action="/sign-out"]'), null)

    const programme = await resident.get(`/public/alpha/programmes/${ids.programme}`)
    assert.equal(programme.status, 200)
    assert.match(programme.text, /ICT-01: Website Delivery confidence|ICT-01: Website/)
    assert.match(programme.text, /Amber/)

    const meeting = await resident.get(`/public/alpha/meetings/${ids.meeting}`)
    assert.match(meeting.text, /ICT programme update/)
    assert.match(meeting.text, /Members expressed disappointment/)

    const tracker = await resident.get('/public/alpha/recommendations')
    assert.match(tracker.text, /PMP\/2021\/01/)
    assert.match(tracker.text, /Portfolio Holder/)

    // Decisions and spend are not published.
    assert.equal((await resident.get('/public/alpha/decisions')).status, 404)
    assert.equal((await resident.get('/public/alpha/data/spend.csv')).status, 404)
    assert.equal((await resident.get('/public/alpha/data/decisions.json')).status, 404)
  })

  it("shows another organisation's site with only its own records, and never a record of ours through it", async () => {
    assert.equal((await resident.get('/public/beta/programmes')).status, 404, 'Beta publishes nothing yet')
    await publish(adminB, ['programmes'])
    const beta = await resident.get('/public/beta/programmes')
    assert.equal(beta.status, 200)
    assert.match(beta.text, /Beta’s own programme/)
    assert.doesNotMatch(beta.text, /ICT and digital/)
    assert.equal((await resident.get(`/public/beta/programmes/${ids.programme}`)).status, 404)
    assert.equal((await resident.get(`/public/alpha/programmes/${ids.programmeB}`)).status, 404)
    assert.equal((await resident.get(`/public/beta/meetings/${ids.meeting}`)).status, 404)
  })

  it('removes a withheld record from every page and dataset at once, and brings it back when released', async () => {
    const before = await resident.get(`/public/alpha/meetings/${ids.meeting}`)
    assert.match(before.text, /Contract award to a supplier/)

    const withheld = await adminA.post('/settings/publication/withheld', {
      recordType: 'agenda_item',
      recordId: String(ids.partB),
      reason: 'exempt',
    })
    assert.equal(withheld.status, 303, withheld.text)

    const meeting = await resident.get(`/public/alpha/meetings/${ids.meeting}`)
    assert.doesNotMatch(meeting.text, /Contract award|Commercial terms/)
    assert.match(meeting.text, /ICT programme update/)
    const tracker = await resident.get('/public/alpha/recommendations')
    assert.doesNotMatch(
      tracker.text,
      /PMP\/2021\/02|exempt contract/,
      'its recommendation goes with the Part B item',
    )
    const data = await resident.get('/public/alpha/data/recommendations.json')
    assert.doesNotMatch(data.body, /PMP\/2021\/02/)
    assert.match(data.body, /PMP\/2021\/01/)

    // Withholding the whole meeting takes it off the list and its page.
    await adminA.post('/settings/publication/withheld', {
      recordType: 'meeting',
      recordId: String(ids.meeting),
      reason: 'other',
    })
    assert.equal((await resident.get(`/public/alpha/meetings/${ids.meeting}`)).status, 404)
    assert.doesNotMatch((await resident.get('/public/alpha/meetings')).text, /18 March 2021/)

    const settings = await adminA.get('/settings/publication')
    assert.match(settings.text, new RegExp(`Agenda item ${ids.partB}: Contract award to a supplier`))
    assert.match(settings.text, /Exempt information \(Part B/)
    const release = [...settings.document.querySelectorAll('form[action$="/release"]')].map((f) =>
      f.getAttribute('action')!,
    )
    assert.equal(release.length, 2)
    for (const action of release) assert.equal((await adminA.post(action, {})).status, 303)
    assert.match(
      (await resident.get(`/public/alpha/meetings/${ids.meeting}`)).text,
      /Contract award to a supplier/,
    )
  })

  it('keeps an agenda item marked exempt (Part B) off the pages and the data, with its recommendation', async () => {
    assert.match((await resident.get(`/public/alpha/meetings/${ids.meeting}`)).text, /Contract award/)
    // The forward plan's Access to Information page records the exemption (audited, so the pages change).
    const token = await t.tokenFor(t.orgs.a.users.administrator)
    const exempt = async (exemptParagraph: string | null) => {
      const { version } = await t.database.db
        .selectFrom('agenda_items')
        .select('version')
        .where('id', '=', ids.partB!)
        .executeTakeFirstOrThrow()
      const res = await t.api(token, 'PUT', `/api/v1/agenda-items/${ids.partB}/exemption`, {
        version,
        exemptParagraph,
      })
      assert.equal(res.statusCode, 200, res.body)
    }
    await exempt('3')
    try {
      const meeting = await resident.get(`/public/alpha/meetings/${ids.meeting}`)
      assert.doesNotMatch(meeting.text, /Contract award|Commercial terms|financial or business affairs/i)
      assert.match(meeting.text, /ICT programme update/)
      assert.doesNotMatch((await resident.get('/public/alpha/recommendations')).text, /PMP\/2021\/02/)
      const data = await resident.get('/public/alpha/data/recommendations.json')
      assert.doesNotMatch(data.body, /PMP\/2021\/02/)
      assert.match(data.body, /PMP\/2021\/01/)
    } finally {
      await exempt(null)
    }
  })

  it('refuses a withholding that names nothing of ours, and a bad threshold, with the error summary', async () => {
    const foreign = await adminA.post('/settings/publication/withheld', {
      recordType: 'programme',
      recordId: String(ids.programmeB),
      reason: 'exempt',
    })
    assert.equal(foreign.status, 400)
    assert.match(foreign.text, /There is a problem.*no record of that kind/)
    const empty = await adminA.post('/settings/publication/withheld', {
      recordType: '',
      recordId: 'x',
      reason: '',
    })
    assert.equal(empty.status, 400)
    assert.match(empty.text, /Select the kind of record to withhold/)
    const settings = await adminA.get('/settings/publication')
    const version = settings.document.querySelector('input[name="version"]')!.getAttribute('value')!
    const bad = await adminA.post('/settings/publication', {
      version,
      types: ['programmes', 'nonsense'],
      threshold: 'lots',
    })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /Enter the cost threshold in pounds/)
    // Another organisation's withholding cannot be released through ours.
    assert.equal((await adminB.post('/settings/publication/withheld/1/release', {})).status, 404)
  })

  it('shows a stale save the conflict page instead of overwriting', async () => {
    const settings = await adminA.get('/settings/publication')
    const version = settings.document.querySelector('input[name="version"]')!.getAttribute('value')!
    await publish(adminA, ['programmes', 'meetings', 'recommendations'])
    const stale = await adminA.post('/settings/publication', {
      version,
      types: ['programmes'],
      threshold: '500',
    })
    assert.equal(stale.status, 409)
    assert.match(stale.text, /changed by someone else/)
    assert.equal((await resident.get('/public/alpha/meetings')).status, 200, 'nothing was overwritten')
  })

  it('answers a conditional GET with 304 until something changes', async () => {
    const first = await resident.get('/public/alpha/programmes')
    const etag = String(first.headers.etag)
    assert.match(etag, /^W\/"/)
    assert.ok(first.headers['last-modified'])
    const again = await t.app.inject({
      method: 'GET',
      url: '/public/alpha/programmes',
      headers: { 'if-none-match': etag },
    })
    assert.equal(again.statusCode, 304)
    assert.equal(again.body, '')
    const since = await t.app.inject({
      method: 'GET',
      url: '/public/alpha/programmes',
      headers: { 'if-modified-since': String(first.headers['last-modified']) },
    })
    assert.equal(since.statusCode, 304)
    // A tag for one page does not answer for another.
    const other = await t.app.inject({
      method: 'GET',
      url: '/public/alpha/meetings',
      headers: { 'if-none-match': etag },
    })
    assert.equal(other.statusCode, 200)

    await adminA.post('/settings/publication/withheld', {
      recordType: 'project',
      recordId: String(ids.project),
      reason: 'commercial',
    })
    const changed = await t.app.inject({
      method: 'GET',
      url: '/public/alpha/programmes',
      headers: { 'if-none-match': etag },
    })
    assert.equal(changed.statusCode, 200)
    assert.notEqual(changed.headers.etag, etag)
    assert.doesNotMatch(
      (await resident.get(`/public/alpha/programmes/${ids.programme}`)).text,
      /ICT-01/,
      'the withheld project is gone at once',
    )
    const settings = await adminA.get('/settings/publication')
    for (const f of settings.document.querySelectorAll('form[action$="/release"]'))
      await adminA.post(f.getAttribute('action')!, {})
  })

  // Issue 12, performance: "a conditional GET answers 304 without rendering". Counted on the app's own
  // render path and the site loader (wrapped, not replaced: each call still runs the real code).
  it('answers a conditional GET, and a page read again unchanged, without reading the site or rendering the page', async () => {
    // A header colour puts the response's CSP nonce into the page; the save after it is a change (a new tag).
    await t.database.db
      .updateTable('organisations')
      .set({ header_colour: '#1d70b8' })
      .where('id', '=', t.orgs.a.id)
      .execute()
    await publish(adminA, ['programmes', 'meetings', 'recommendations'])
    const views = t.app.views
    const { site } = t.app.services.publicSite
    const render = views.render.bind(views)
    const load = site.site.bind(site)
    let renders = 0
    let loads = 0
    views.render = ((...args: Parameters<typeof render>) => {
      renders++
      return render(...args)
    }) as typeof views.render
    site.site = async (...args: Parameters<typeof load>) => {
      loads++
      return load(...args)
    }
    try {
      const conditional = (url: string, headers: Record<string, string>) =>
        t.app.inject({ method: 'GET', url, headers })
      const page = await resident.get(`/public/alpha/programmes/${ids.programme}`)
      assert.equal(page.status, 200)
      assert.deepEqual([renders, loads], [1, 1], 'a plain GET renders once')
      const etag = String(page.headers.etag)
      const since = String(page.headers['last-modified'])
      const url = `/public/alpha/programmes/${ids.programme}`
      assert.equal((await conditional(url, { 'if-none-match': etag })).statusCode, 304)
      assert.equal((await conditional(url, { 'if-modified-since': since })).statusCode, 304)
      assert.deepEqual([renders, loads], [1, 1], 'no render and no site read for a 304')
      // Read again without a tag: the page rendered under the same tag is sent, with this response's nonce.
      const again = await conditional(url, {})
      assert.equal(again.statusCode, 200)
      assert.equal(again.headers.etag, etag)
      assert.deepEqual([renders, loads], [1, 1], 'an unchanged page is not rendered again')
      const nonceOf = (csp: unknown) => /'nonce-([^']+)'/.exec(String(csp))?.[1] ?? ''
      const [n1, n2] = [
        nonceOf(page.headers['content-security-policy']),
        nonceOf(again.headers['content-security-policy']),
      ]
      assert.notEqual(n1, n2)
      assert.ok(again.body.includes(`<style nonce="${n2}">`), 'the stored page carries this response’s nonce')
      assert.equal(again.body.replaceAll(n2, 'N'), page.body.replaceAll(n1, 'N'))
      // An address with a query (the pages read none) is rendered, not stored: new ones cannot fill the store.
      for (let i = 0; i < 2; i++) assert.equal((await conditional(`${url}?v=1`, {})).statusCode, 200)
      assert.deepEqual([renders, loads], [3, 3])
      const data = await resident.get('/public/alpha/data/projects.csv')
      assert.equal(data.status, 200)
      const csv = '/public/alpha/data/projects.csv'
      assert.equal((await conditional(csv, { 'if-none-match': String(data.headers.etag) })).statusCode, 304)
      assert.equal(loads, 4, 'the dataset is read once, not for its 304')
    } finally {
      views.render = render
      site.site = load
    }
  })

  it('publishes each list as CSV and JSON with its documented columns and the Open Government Licence', async () => {
    const csv = await resident.get('/public/alpha/data/projects.csv')
    assert.equal(csv.status, 200)
    assert.match(String(csv.headers['content-type']), /text\/csv/)
    const [header, first] = csv.body.replace(/^\uFEFF/, '').split('\r\n')
    assert.equal(
      header,
      'programme_reference,reference,name,stage,delivery_confidence,rating_month,expected_end',
    )
    assert.match(first!, /^ICT,ICT-01,Website,/)
    const json = (await resident.get('/public/alpha/data/projects.json')).body
    const parsed = JSON.parse(json) as {
      licence: { name: string }
      columns: Array<{ name: string }>
      items: Array<Record<string, unknown>>
    }
    assert.equal(parsed.licence.name, 'Open Government Licence v3.0')
    assert.deepEqual(
      parsed.columns.map((c) => c.name),
      header.split(','),
    )
    assert.deepEqual(Object.keys(parsed.items[0]!), header.split(','))
    const index = await resident.get('/public/alpha/data')
    assert.match(index.text, /Open Government Licence/)
    assert.match(index.text, /Projects \(CSV\)/)
    assert.doesNotMatch(index.text, /spend/i)
  })

  it("publishes the programmes' spend at or over the threshold, individuals redacted", async () => {
    await publish(adminA, ['programmes', 'meetings', 'recommendations', 'spend'], '500')
    const csv = await resident.get('/public/alpha/data/spend.csv')
    assert.equal(csv.status, 200)
    const lines = csv.body
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n')
    assert.equal(
      lines[0],
      'programme_reference,project_reference,month,transaction_date,supplier,expense_type,amount',
    )
    assert.deepEqual(lines.slice(1), [
      'ICT,ICT-01,2021-03,2021-03-10,Civica UK Ltd,Consultancy,1200.00',
      'ICT,ICT-01,2021-03,2021-03-10,Redacted – personal data,Consultancy,600.00',
    ])
    const index = await resident.get('/public/alpha/data')
    assert.match(index.text, /not the council’s Transparency Code return/)
  })

  it('publishes ambitions and outputs only once chosen, never a draft ambition or a withheld project’s output', async () => {
    const token = await t.tokenFor(t.orgs.a.users.administrator)
    await make(token, '/api/v1/ambitions', {
      title: 'Digital by default',
      statement: 'Residents served online',
      status: 'active',
    })
    await make(token, '/api/v1/ambitions', { title: 'Unannounced plan', status: 'draft' })
    await make(token, '/api/v1/outputs', {
      projectId: ids.project,
      title: 'New council website',
      type: 'service',
    })
    assert.equal((await resident.get('/public/alpha/ambitions')).status, 404)
    assert.equal((await resident.get('/public/alpha/outputs')).status, 404)
    await publish(adminA, ['programmes', 'ambitions', 'outputs'])
    const ambitions = await resident.get('/public/alpha/ambitions')
    assert.equal(ambitions.status, 200)
    assert.match(ambitions.text, /Digital by default/)
    assert.doesNotMatch(ambitions.text, /Unannounced plan/)
    assert.match((await resident.get('/public/alpha/outputs')).text, /New council website/)
    assert.match((await resident.get('/public/alpha/data/outputs.csv')).body, /New council website/)
    await adminA.post('/settings/publication/withheld', {
      recordType: 'project',
      recordId: String(ids.project),
      reason: 'commercial',
    })
    assert.doesNotMatch((await resident.get('/public/alpha/outputs')).text, /New council website/)
    assert.doesNotMatch((await resident.get('/public/alpha/data/outputs.json')).body, /New council website/)
  })

  it('publishes indicators and the forward plan only once chosen: no exempt entry, no officer’s name, no enterer', async () => {
    const { a } = t.orgs
    const token = await t.tokenFor(a.users.administrator)
    const month = lastCompletePeriod('monthly', todayInLondon())
    const indicator = await make(token, '/api/v1/indicators', {
      name: 'Contacts handled online',
      unit: 'percent',
      scale: 1,
      polarity: 'higher',
      frequency: 'monthly',
    })
    // An earlier test withheld the project: an indicator measuring it is withheld with it.
    await make(token, '/api/v1/indicators', {
      name: 'Website visits',
      unit: 'count',
      polarity: 'higher',
      frequency: 'monthly',
      projectIds: [ids.project],
    })
    for (const [part, body] of [
      ['targets', { period: month, target: '60' }],
      ['values', { period: month, value: '55.5', note: 'Channel shift slower than hoped' }],
    ] as const) {
      const res = await t.api(token, 'POST', `/api/v1/indicators/${indicator}/${part}`, body)
      assert.equal(res.statusCode, 200, res.body)
    }
    const at = new Date().toISOString()
    const board = await t.database.db
      .insertInto('boards')
      .values({ organisation_id: a.id, name: 'Cabinet', remit: '', created_at: at, updated_at: at })
      .returning('id')
      .executeTakeFirstOrThrow()
    await make(token, '/api/v1/forward-plan', {
      title: 'Adopt the digital strategy',
      decisionMaker: `board:${board.id}`,
      expectedOn: '2099-03-26',
    })
    await make(token, '/api/v1/forward-plan', {
      title: 'Approve the website content plan',
      decisionMaker: `user:${a.users.programme_manager.id}`,
      expectedOn: '2099-04-23',
    })
    await make(token, '/api/v1/forward-plan', {
      title: 'Award the confidential contract',
      decisionMaker: `board:${board.id}`,
      expectedOn: '2099-05-21',
      isExempt: true,
      exemptParagraph: '3',
    })
    assert.equal((await resident.get('/public/alpha/indicators')).status, 404)
    assert.equal((await resident.get('/public/alpha/forward-plan')).status, 404)
    assert.equal((await resident.get('/public/alpha/data/indicators.csv')).status, 404)

    await publish(adminA, ['programmes', 'indicators', 'forward-plan'])
    const page = await resident.get('/public/alpha/indicators')
    assert.equal(page.status, 200)
    assert.match(page.text, /Contacts handled online/)
    assert.match(page.text, /55\.5%/)
    assert.match(page.text, /Off target/)
    assert.doesNotMatch(page.text, /Website visits/)
    const enterer = a.users.administrator.name
    assert.doesNotMatch(page.text, new RegExp(enterer))
    const csv = (await resident.get('/public/alpha/data/indicators.csv')).body
    assert.ok(csv.includes(`Contacts handled online,Percentage,${month},55.5,60.0,Off target`), csv)
    assert.doesNotMatch(csv, new RegExp(enterer))

    const plan = await resident.get('/public/alpha/forward-plan')
    assert.equal(plan.status, 200)
    assert.match(plan.text, /Adopt the digital strategy/)
    assert.match(plan.text, /Cabinet/)
    assert.match(plan.text, /An officer \(Programme manager\)/)
    assert.doesNotMatch(plan.text, new RegExp(a.users.programme_manager.name))
    assert.doesNotMatch(plan.text, /confidential contract/)
    assert.doesNotMatch(
      (await resident.get('/public/alpha/data/forward-plan.json')).body,
      /confidential contract/,
    )
    assert.match((await resident.get('/public/alpha/')).text, /Forward plan of key decisions/)
    // Another organisation's site shows none of it.
    await publish(adminB, ['indicators', 'forward-plan'])
    assert.doesNotMatch((await resident.get('/public/beta/indicators')).text, /Contacts handled online/)
    assert.doesNotMatch((await resident.get('/public/beta/forward-plan')).text, /digital strategy/)

    // An indicator can be withheld on its own.
    await adminA.post('/settings/publication/withheld', {
      recordType: 'indicator',
      recordId: String(indicator),
      reason: 'other',
    })
    assert.doesNotMatch((await resident.get('/public/alpha/indicators')).text, /Contacts handled online/)
    assert.doesNotMatch((await resident.get('/public/alpha/data/indicators.csv')).body, /Contacts handled/)
  })

  // Issue 12, performance: a programme's page reads that programme's projects and ratings, not every
  // programme's (with 1,000 projects, reading them all for each page cost ten times the render).
  it('reads only the programme a programme page shows', async () => {
    const token = await t.tokenFor(t.orgs.a.users.administrator)
    const other = await make(token, '/api/v1/programmes', { reference: 'ZZO', name: 'Another programme' })
    await make(token, '/api/v1/projects', { reference: 'ZZO-01', name: 'Elsewhere', programmeId: other })
    await publish(adminA, ['programmes'])
    const { site } = t.app.services.publicSite
    const published = await inOrganisation(t.orgs.a, async () =>
      site.site(await site.head('alpha', 'programmes')),
    )
    const one = await inOrganisation(t.orgs.a, () => site.programmes(published, ids.programme))
    assert.deepEqual(
      one.map((p) => p.id),
      [ids.programme],
    )
    const all = await inOrganisation(t.orgs.a, () => site.programmes(published))
    assert.equal(all.length, 2, 'the list still shows every programme')
    assert.deepEqual(
      one[0],
      all.find((p) => p.id === ids.programme),
    )
    const page = await resident.get(`/public/alpha/programmes/${other}`)
    assert.equal(page.status, 200)
    assert.match(page.text, /ZZO-01/)
    assert.doesNotMatch(page.text, /ICT and digital/)
  })

  it('reads PUBLIC_BASE_PATH, refusing one that is not a plain path', () => {
    assert.equal(loadConfig({ NODE_ENV: 'test' }).publicBasePath, '/public')
    assert.equal(
      loadConfig({ NODE_ENV: 'test', PUBLIC_BASE_PATH: '/open-data' }).publicBasePath,
      '/open-data',
    )
    assert.throws(() => loadConfig({ NODE_ENV: 'test', PUBLIC_BASE_PATH: 'public/' }), ConfigError)
    assert.throws(() => loadConfig({ NODE_ENV: 'test', PUBLIC_BASE_PATH: '/api/public' }), ConfigError)
  })
})
