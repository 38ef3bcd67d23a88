import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

interface Result {
  type: string
  id: number
  href: string
  title: string
  titleHtml: string
  snippetHtml: string
}
interface Answer {
  groups: Array<{ type: string; heading: string; count: number }>
  items: Result[]
  next: string | null
}

const NOW = '2026-03-02T10:00:00.000Z'

// Issue 13, search: one full-text index written by triggers in the same transaction as each write, read only
// through the one visibility rule.
describe(`search (${dialectName()})`, () => {
  let t: TestApp
  let admin: string
  let partnerOfficer: string
  let foreignAdmin: string
  let programme: number
  let shared: number
  let council: number
  let sharedRisk: number

  const make = async (token: string, url: string, body: unknown) => {
    const res = await t.api(token, 'POST', url, body)
    assert.equal(res.statusCode, 201, `${url}: ${res.body}`)
    return res.json<{ id: number }>().id
  }
  const search = async (token: string, q: string, extra = '') => {
    const res = await t.api(token, 'GET', `/api/v1/search?q=${encodeURIComponent(q)}${extra}`)
    assert.equal(res.statusCode, 200, res.body)
    return res.json<Answer>()
  }
  const found = async (token: string, q: string) =>
    (await search(token, q)).items.map((r) => `${r.type}:${r.title}`).sort()
  const db = () => t.database.db
  const org = () => t.orgs.a.id

  before(async () => {
    t = await buildTestApp()
    admin = await t.tokenFor(t.orgs.a.users.administrator)
    partnerOfficer = await t.tokenFor(t.orgs.a.users.partner_officer)
    foreignAdmin = await t.tokenFor(t.orgs.b.users.administrator)
    const partner = await t.partner(t.orgs.a, 'Fenland Partnership')

    programme = await make(admin, '/api/v1/programmes', { reference: 'MRS', name: 'Marshland regeneration' })
    shared = await make(admin, '/api/v1/projects', {
      reference: 'MRS-01',
      name: 'Quayside library',
      programmeId: programme,
    })
    council = await make(admin, '/api/v1/projects', {
      reference: 'MRS-02',
      name: 'Quayside car park',
      programmeId: programme,
    })
    await t.share(shared, [partner])
    sharedRisk = await make(admin, '/api/v1/risks', {
      projectId: shared,
      title: 'Flooding of the quayside basement',
      event: 'Tidal surge floods the plant room',
      category: 'resilience',
      likelihood: 3,
      impact: 4,
    })
    await make(admin, '/api/v1/risks', {
      projectId: council,
      title: 'Flooding closes the car park',
      event: 'Surface water',
      category: 'resilience',
      likelihood: 2,
      impact: 2,
    })

    // Scrutiny, decisions and papers, written straight to the database: the triggers index them whoever writes.
    const stamps = { created_at: NOW, updated_at: NOW }
    const committee = await db()
      .insertInto('committees')
      .values({
        organisation_id: org(),
        name: 'Tidal scrutiny panel',
        code: 'TSP',
        kind: 'scrutiny',
        description: '',
        ...stamps,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const meeting = await db()
      .insertInto('meetings')
      .values({
        organisation_id: org(),
        committee_id: committee.id,
        meeting_date: '2026-03-04',
        start_time: null,
        place: 'Quayside chamber',
        status: 'scheduled',
        papers_published_on: null,
        ...stamps,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const item = await db()
      .insertInto('agenda_items')
      .values({
        organisation_id: org(),
        meeting_id: meeting.id,
        number: '1',
        title: 'Flood defences',
        purpose: '',
        reports_presented: '',
        presenters: '',
        minutes: '',
        ...stamps,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db()
      .insertInto('recommendations')
      .values({
        organisation_id: org(),
        committee_id: committee.id,
        agenda_item_id: item.id,
        reference: 'TSP/2026/01',
        kind: 'recommendation',
        text: 'Publish the quayside flood plan',
        addressed_to: 'Cabinet',
        addressee_user_id: null,
        lead_officer_user_id: null,
        made_on: '2026-03-04',
        response_due_on: '2026-05-04',
        response: null,
        response_reasons: '',
        responded_on: null,
        responded_by_user_id: null,
        responded_by_name: '',
        status: 'made',
        evidence: '',
        follow_up_item_id: null,
        ...stamps,
      })
      .execute()
    const decision = (title: string) =>
      db()
        .insertInto('decisions')
        .values({
          organisation_id: org(),
          kind: 'general',
          title,
          decision_text: 'Approve the quayside works',
          decided_on: '2026-03-02',
          decided_by_user_id: null,
          decided_by_name: '',
          capacity: 'board',
          board_id: null,
          options_considered: '',
          reasons: '',
          is_key: 0,
          status: 'published',
          approved_budget_pence: null,
          supersedes_id: null,
          published_at: NOW,
          recorded_by: null,
          ...stamps,
        })
        .returning('id')
        .executeTakeFirstOrThrow()
    const sharedDecision = await decision('Quayside library approval')
    await decision('Quayside car park approval')
    await db()
      .insertInto('decision_links')
      .values({
        organisation_id: org(),
        decision_id: sharedDecision.id,
        record_type: 'project',
        record_id: shared,
        created_at: NOW,
      })
      .execute()
    await db()
      .insertInto('panel_reports')
      .values({
        organisation_id: org(),
        programme_id: programme,
        meeting_id: null,
        title: 'Quayside progress to the panel',
        period_from: '2026-01-01',
        period_to: '2026-02-28',
        summary: 'On track',
        resources_narrative: '',
        snapshot_json: null,
        content_hash: null,
        submitted_at: null,
        submitted_by: null,
        ...stamps,
      })
      .execute()
  })
  after(() => t.close())

  it('finds a record the moment it is written, grouped by type, with every word matched as a prefix', async () => {
    const answer = await search(admin, 'quaysid')
    assert.deepEqual(
      answer.groups.map((g) => `${g.type} ${g.count}`),
      ['project 2', 'risk 1', 'decision 2', 'recommendation 1', 'meeting 1', 'report 1'],
    )
    assert.deepEqual(
      answer.items.map((r) => r.type),
      ['project', 'project', 'risk', 'decision', 'decision', 'recommendation', 'meeting', 'report'],
    )
    assert.deepEqual(await found(admin, 'FLOOD quayside'), [
      'recommendation:TSP/2026/01',
      'risk:Flooding of the quayside basement',
    ])
    const risk = (await search(admin, 'tidal surge')).items.find((r) => r.type === 'risk')!
    assert.equal(risk.href, `/risks/${sharedRisk}`)
    assert.equal(risk.snippetHtml, '<mark>Tidal</mark> <mark>surge</mark> floods the plant room')
  })

  it('follows an update and a delete, and a rolled-back write leaves no entry', async () => {
    const id = await make(admin, '/api/v1/risks', {
      projectId: shared,
      title: 'Heron nesting delays piling',
      event: 'Birds nest',
      category: 'resilience',
      likelihood: 2,
      impact: 2,
    })
    assert.deepEqual(await found(admin, 'heron'), ['risk:Heron nesting delays piling'])
    await db()
      .updateTable('risks')
      .set({ title: 'Egret nesting delays piling' })
      .where('id', '=', id)
      .execute()
    assert.deepEqual(await found(admin, 'heron'), [])
    assert.deepEqual(await found(admin, 'egret'), ['risk:Egret nesting delays piling'])
    await db().deleteFrom('risks').where('id', '=', id).execute()
    assert.deepEqual(await found(admin, 'egret'), [])

    // A meeting is known by its committee's name: renaming the committee renames the meeting's entry.
    await db()
      .updateTable('committees')
      .set({ name: 'Estuary scrutiny panel' })
      .where('code', '=', 'TSP')
      .execute()
    assert.deepEqual(await found(admin, 'estuary'), ['meeting:Estuary scrutiny panel 2026-03-04'])
    await db()
      .updateTable('committees')
      .set({ name: 'Tidal scrutiny panel' })
      .where('code', '=', 'TSP')
      .execute()
    assert.deepEqual(await found(admin, 'estuary'), [])

    await assert.rejects(
      db()
        .transaction()
        .execute(async (trx) => {
          await trx
            .updateTable('projects')
            .set({ description: 'Cormorant roost survey' })
            .where('id', '=', council)
            .execute()
          // Inside the writing transaction the entry is already there ...
          const inside = await trx
            .selectFrom('search_entries')
            .select('body')
            .where('record_type', '=', 'project')
            .where('record_id', '=', council)
            .executeTakeFirstOrThrow()
          assert.match(inside.body, /Cormorant/)
          throw new Error('roll back')
        }),
      /roll back/,
    )
    // ... and it goes with the write.
    assert.deepEqual(await found(admin, 'cormorant'), [])
    assert.deepEqual(await found(admin, 'quayside car'), [
      'decision:Quayside car park approval',
      'project:MRS-02 Quayside car park',
    ])
  })

  it('shows a partner officer only what the visibility rule lets them see, and another organisation nothing', async () => {
    assert.deepEqual(await found(partnerOfficer, 'quayside'), [
      'decision:Quayside library approval',
      'meeting:Tidal scrutiny panel 2026-03-04',
      'project:MRS-01 Quayside library',
      'recommendation:TSP/2026/01',
      'risk:Flooding of the quayside basement',
    ])
    assert.deepEqual(await found(partnerOfficer, 'marshland'), ['programme:MRS Marshland regeneration'])
    assert.deepEqual(await found(partnerOfficer, 'car park'), [])
    assert.deepEqual(await found(foreignAdmin, 'quayside'), [])
    // The viewer is council staff: the whole portfolio.
    const viewer = await t.tokenFor(t.orgs.a.users.viewer)
    assert.equal((await search(viewer, 'quayside')).items.length, 8)
  })

  it('escapes text before marking the words it matched', async () => {
    await make(admin, '/api/v1/risks', {
      projectId: council,
      title: '<script>alert("x")</script> & <mark>Osprey</mark>',
      event: 'Osprey <b>sighted</b>',
      category: 'resilience',
      likelihood: 1,
      impact: 1,
    })
    const [r] = (await search(admin, 'osprey script')).items
    assert.ok(r)
    assert.equal(
      r.titleHtml,
      '&lt;<mark>script</mark>&gt;alert(&quot;x&quot;)&lt;/<mark>script</mark>&gt; &amp; &lt;mark&gt;<mark>Osprey</mark>&lt;/mark&gt;',
    )
    assert.equal(r.snippetHtml, '<mark>Osprey</mark> &lt;b&gt;sighted&lt;/b&gt;')
    const page = await (await t.signIn(t.orgs.a.users.viewer)).get('/search?q=osprey+script')
    assert.equal(page.status, 200)
    assert.ok(!page.body.includes('<script>alert'), 'the title is not markup')
    assert.equal(page.document.querySelectorAll('main mark').length, 4)
  })

  it('reads any query safely: syntax is not syntax, and a query with no words gets a clear message', async () => {
    for (const q of [
      'AND',
      'quayside AND',
      'NEAR(quayside',
      'title:quayside',
      '-quayside',
      '^q',
      "O'Brien",
      'a\\b',
      'x'.repeat(1000),
      'é ü 東京',
    ]) {
      const res = await t.api(admin, 'GET', `/api/v1/search?q=${encodeURIComponent(q)}`)
      assert.equal(res.statusCode, 200, `${q.slice(0, 20)}: ${res.body}`)
    }
    // A colon is not FTS5's column filter: "title" is a word to find, and "quayside:basement" two.
    assert.deepEqual(await found(admin, 'title:quayside'), [])
    assert.deepEqual(await found(admin, 'quayside:basement'), ['risk:Flooding of the quayside basement'])
    for (const [q, message] of [
      ['', 'Enter words to search for'],
      ['   ', 'Enter words to search for'],
      ['*', 'Enter words to search for, using letters or numbers'],
      ['"" ( )', 'Enter words to search for, using letters or numbers'],
      ['"', 'Enter words to search for, using letters or numbers'],
      ['(*) %_', 'Enter words to search for, using letters or numbers'],
    ] as const) {
      const res = await t.api(admin, 'GET', `/api/v1/search?q=${encodeURIComponent(q)}`)
      assert.equal(res.statusCode, 400, q)
      assert.deepEqual(res.json(), { error: 'Bad Request', message, fields: { q: message } })
    }
    assert.equal((await t.api(admin, 'GET', `/api/v1/search?q=${'x'.repeat(1001)}`)).statusCode, 400)
    const agent = await t.signIn(t.orgs.a.users.viewer)
    const page = await agent.get('/search?q=*')
    assert.equal(page.status, 400)
    assert.equal(page.document.querySelector('.govuk-error-summary a')?.getAttribute('href'), '#q')
    const long = await agent.get(`/search?q=${'y'.repeat(1001)}`)
    assert.equal(long.status, 400)
    assert.match(
      long.document.querySelector('.govuk-error-summary')?.textContent ?? '',
      /1,000 characters or fewer/,
    )
  })

  it('pages through results and filters them by type, on the page and in the API', async () => {
    const first = await search(admin, 'quayside', '&limit=3')
    assert.equal(first.items.length, 3)
    assert.ok(first.next)
    const second = await search(admin, 'quayside', `&limit=3&cursor=${first.next}`)
    const keys = (a: Answer) => a.items.map((r) => `${r.type}:${r.id}`)
    assert.deepEqual([...keys(first), ...keys(second)], keys(await search(admin, 'quayside', '&limit=6')))
    assert.deepEqual(
      (await search(admin, 'quayside', '&type=decision')).items.map((r) => r.type),
      ['decision', 'decision'],
    )
    assert.equal((await t.api(admin, 'GET', '/api/v1/search?q=x&type=nonsense')).statusCode, 400)
    const doc = t.app.swagger() as { paths: Record<string, Record<string, { tags?: string[] }>> }
    assert.deepEqual(doc.paths['/api/v1/search']?.get?.tags, ['Search'])

    const agent = await t.signIn(t.orgs.a.users.viewer)
    const dashboard = await agent.get('/')
    const box = dashboard.document.querySelector('header form[role="search"]')
    assert.equal(box?.getAttribute('action'), '/search')
    assert.equal(box?.getAttribute('method'), 'get')
    const page = await agent.get('/search?q=quayside&type=risk')
    assert.equal(page.status, 200)
    assert.deepEqual(
      [...page.document.querySelectorAll('main h2.govuk-heading-m')].map((h) => h.textContent),
      ['Risks'],
    )
    const all = await agent.get('/search?q=quayside')
    assert.deepEqual(
      [...all.document.querySelectorAll('main h2.govuk-heading-m')].map((h) => h.textContent),
      ['Projects', 'Risks', 'Decisions', 'Recommendations', 'Meetings', 'Panel reports'],
    )
    assert.equal((await agent.get('/search')).status, 200)
  })
})
