import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { addDays, todayInLondon } from '../../src/domain/dates.ts'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'
import { asScheduler } from '../helpers/tenant-scope.ts'

interface Check {
  id: string
  count: number
  enabled: boolean
  findings: Array<{ recordType: string; recordId: number; url: string; programmeId: number | null }>
}

describe(`governance health check (${dialectName()})`, () => {
  let t: TestApp
  let programmeId: number
  let deliveryId: number
  let sharedId: number
  const today = todayInLondon()
  const at = new Date().toISOString()

  before(async () => {
    t = await buildTestApp()
    const token = await t.tokenFor(t.orgs.a.users.programme_manager)
    const create = async (url: string, body: Record<string, unknown>) => {
      const res = await t.api(token, 'POST', url, body)
      assert.equal(res.statusCode, 201, `${url}: ${res.body}`)
      return res.json<{ id: number }>().id
    }
    programmeId = await create('/api/v1/programmes', { reference: 'GOV', name: 'Governed programme' })
    // Straight into the table: the gate area refuses a move into delivery without a passed gate, which
    // is exactly what the rule must still catch (records from before the gate, or loaded in bulk).
    const row = await t.database.db
      .insertInto('projects')
      .values({
        organisation_id: t.orgs.a.id,
        programme_id: programmeId,
        reference: 'GOV-1',
        name: 'Ungated delivery',
        description: '',
        project_manager: '',
        sponsor: '',
        stage: 'delivery',
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    deliveryId = row.id
    sharedId = await create('/api/v1/projects', {
      reference: 'GOV-2',
      name: 'Shared project',
      programmeId,
      stage: 'approved',
      partnerIds: [await t.partner(t.orgs.a)],
    })
    await create('/api/v1/milestones', {
      projectId: sharedId,
      name: 'Overdue milestone',
      baselineDate: addDays(today, -40),
      forecastDate: addDays(today, -10),
    })
    const db = t.database.db
    await db
      .insertInto('risks')
      .values({
        organisation_id: t.orgs.a.id,
        project_id: deliveryId,
        title: 'Network failure',
        cause: '',
        event: '',
        effect: '',
        category: 'resilience',
        likelihood: 3,
        impact: 4,
        inherent_score: 12,
        proximity: '',
        owner: 'Head of ICT',
        review_date: addDays(today, -1),
        status: 'open',
        escalated: 0,
        created_at: at,
        updated_at: at,
      })
      .execute()
    await db
      .insertInto('raid_issues')
      .values({
        organisation_id: t.orgs.a.id,
        project_id: deliveryId,
        title: 'Nobody owns this',
        description: '',
        priority: 'high',
        owner: '',
        resolution: '',
        status: 'open',
        created_at: at,
        updated_at: at,
      })
      .execute()
  })
  after(() => t.close())

  const checks = async (user = t.orgs.a.users.viewer) => {
    const res = await t.api(await t.tokenFor(user), 'GET', '/api/v1/governance/checks')
    assert.equal(res.statusCode, 200, res.body)
    return new Map(res.json<{ items: Check[] }>().items.map((c) => [c.id, c]))
  }

  it('each rule finds its records, with a link to each', async () => {
    const c = await checks()
    assert.deepEqual(
      c.get('delivery-without-gate')!.findings.map((f) => f.recordId),
      [deliveryId],
    )
    assert.deepEqual(
      c
        .get('no-current-status-report')!
        .findings.map((f) => f.recordId)
        .sort(),
      [deliveryId, sharedId].sort(),
    )
    assert.equal(c.get('milestone-past-forecast')!.count, 1)
    assert.equal(c.get('risk-past-review')!.count, 1)
    assert.equal(c.get('issue-without-owner')!.count, 1)
    assert.equal(c.get('breach-without-report')!.count, 0)
    assert.equal(c.get('decision-awaiting-portfolio-holder')!.count, 0)
    assert.equal(c.get('delivery-without-gate')!.findings[0]!.url, `/projects/${deliveryId}`)
  })

  it('the page explains each rule and drills down to the records', async () => {
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    const page = await viewer.get('/governance')
    assert.equal(page.status, 200)
    assert.match(page.text, /6 findings/)
    assert.match(page.text, /Why this rule exists/)
    assert.match(page.text, /without an accompanying detailed business case/)
    assert.match(page.text, /GOV Governed programme 6/)
    assert.equal(
      page.document.querySelector('form[action="/governance/rules"]'),
      null,
      'a viewer cannot configure',
    )
    const drill = await viewer.get('/governance?rule=delivery-without-gate')
    const link = drill.document.querySelector(`#findings-list a[href="/projects/${deliveryId}"]`)
    assert.ok(link, 'the finding links to the project')
    assert.match(drill.text, /GOV-1 Ungated delivery/)
    const byProgramme = await viewer.get(`/governance?programme=${programmeId}`)
    assert.match(byProgramme.text, /6 records to put right/)
  })

  it('the page lists every finding, not only the counts, and each link opens for a read-only role', async () => {
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    const page = await viewer.get('/governance')
    assert.match(page.text, /6 records to put right/)
    const links = [...page.document.querySelectorAll('#findings-list a')].map((a) => a.getAttribute('href')!)
    assert.equal(links.length, 6)
    for (const href of links) assert.equal((await viewer.get(href.replace(/#.*$/, ''))).status, 200, href)
  })

  it('the dashboard shows the headline', async () => {
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    const page = await viewer.get('/')
    assert.match(page.text, /6 governance findings under 5 of 19 rules/)
  })

  it('a programme manager turns a rule off and sets a threshold; bad thresholds are named', async () => {
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    await pm.get('/governance')
    const form: Record<string, string> = {}
    for (const id of [
      'delivery-without-gate',
      'no-current-status-report',
      'milestone-past-forecast',
      'breach-without-report',
      'risk-past-review',
      'decision-awaiting-portfolio-holder',
    ])
      form[`enabled-${id}`] = 'on'
    const bad = await pm.post('/governance/rules', { ...form, 'threshold-milestone-past-forecast': 'ten' })
    assert.equal(bad.status, 400)
    assert.match(bad.text, /Days of grace after the forecast date must be a whole number/)
    const ok = await pm.post('/governance/rules', { ...form, 'threshold-milestone-past-forecast': '30' })
    assert.equal(ok.status, 303)
    const c = await checks()
    assert.equal(c.get('issue-without-owner')!.enabled, false)
    assert.equal(c.get('issue-without-owner')!.count, 0)
    assert.equal(c.get('milestone-past-forecast')!.count, 0, '10 days late is within 30 days of grace')
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    assert.match((await viewer.get('/governance')).text, /Issue without an owner Off/)
  })

  it('a partner officer sees only findings on shared projects; another organisation sees none', async () => {
    const partner = await checks(t.orgs.a.users.partner_officer)
    assert.deepEqual(partner.get('delivery-without-gate')!.findings, [])
    assert.deepEqual(
      partner.get('no-current-status-report')!.findings.map((f) => f.recordId),
      [sharedId],
    )
    const other = await checks(t.orgs.b.users.administrator)
    for (const c of other.values()) assert.equal(c.count, 0, c.id)
  })

  it('the scheduled snapshot keeps the counts', async () => {
    assert.ok((await asScheduler(() => t.app.services.governance.snapshot())) >= 2)
    const snap = await t.database.db
      .selectFrom('health_snapshots')
      .selectAll()
      .where('organisation_id', '=', t.orgs.a.id)
      .executeTakeFirstOrThrow()
    assert.equal((JSON.parse(snap.counts_json) as Record<string, number>)['delivery-without-gate'], 1)
  })
})
