import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { hashPassword } from '../../src/auth/passwords.ts'
import { addDays, todayInLondon } from '../../src/domain/dates.ts'
import { periodOf, nextPeriod } from '../../src/domain/periods.ts'
import { buildTestApp, TEST_PASSWORD, type TestUser } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

/**
 * Ending a partnership (issue 10): the guided pages and the API, who may do it, every record's outcome in one
 * transaction recorded as a decision, the split exact to the penny, nothing written when any part fails,
 * recharges after the end refused, handed-over records read-only and the partner's officers out from the
 * end date.
 */
const t = await buildTestApp()
const a = t.orgs.a
const db = t.database.db
const today = todayInLondon()

interface Shared {
  items: Array<{ kind: string; id: number; title: string; choices: string[] }>
}

async function officerOf(email: string): Promise<TestUser> {
  const at = new Date().toISOString()
  const user = await db
    .insertInto('users')
    .values({
      email,
      name: email,
      password_hash: await hashPassword(TEST_PASSWORD),
      is_active: 1,
      created_at: at,
      updated_at: at,
    })
    .returning('id')
    .executeTakeFirstOrThrow()
  await db
    .insertInto('memberships')
    .values({ organisation_id: a.id, user_id: user.id, role: 'partner_officer', created_at: at })
    .execute()
  return { id: user.id, email, name: email, role: 'partner_officer', organisationId: a.id }
}

describe(`ending a partnership (${dialectName()})`, () => {
  let admin = ''
  let brecks = 0
  let future = 0
  let futureOfficer: TestUser
  const ids: Record<string, number> = {}
  after(() => t.close())

  before(async () => {
    admin = await t.tokenFor(a.users.administrator)
    brecks = await t.partner(a, 'Brecks District Council', a.users.partner_officer)
    futureOfficer = await officerOf('future.officer@alpha.test')
    future = await t.partner(a, 'Future Hosting Ltd', futureOfficer)
    await db
      .updateTable('partners')
      .set({ kind: 'neighbouring_council', agreement_starts_on: '2016-04-01' })
      .where('id', '=', brecks)
      .execute()
    const create = async (url: string, body: Record<string, unknown>) => {
      const res = await t.api(admin, 'POST', url, body)
      assert.equal(res.statusCode, 201, `${url}: ${res.body}`)
      return res.json<{ id: number }>().id
    }
    const programmeId = await create('/api/v1/programmes', { reference: 'PRG', name: 'Shared services' })
    for (const [ref, partnerIds] of [
      ['SH-1', [brecks]],
      ['SH-2', [brecks]],
      ['OWN', []],
    ] as const)
      ids[ref] = await create('/api/v1/projects', {
        reference: ref,
        name: `Project ${ref}`,
        programmeId,
        stage: 'approved',
        partnerIds,
      })
    for (const title of ['Risk kept', 'Risk handed over'])
      ids[title] = await create('/api/v1/risks', {
        projectId: ids['SH-1'],
        title,
        event: 'Something goes wrong',
        category: 'resilience',
        likelihood: 3,
        impact: 3,
        owner: 'ICT manager',
      })
    ids.dependency = await create('/api/v1/dependencies', {
      projectId: ids['SH-1'],
      description: 'Needs the shared network',
      dependsOnProjectId: ids.OWN,
    })
    const recharge = (description: string, period: string, amountPence: number) =>
      create(`/api/v1/projects/${ids['SH-1']}/recharges`, {
        partnerId: brecks,
        description,
        period,
        amountPence,
        costBasis: 'non_base',
      })
    ids.splitRecharge = await recharge('Shared web developer', '2020-06', 100_01)
    ids.handedRecharge = await recharge('Hosting', '2020-07', 50_00)
    const person = (name: string) =>
      create('/api/v1/people', {
        name,
        kind: 'partner_staff',
        partnerId: brecks,
        userId: null,
        jobTitle: 'Developer',
        team: 'Digital',
        email: '',
      })
    ids.kept = await person('Kept Person')
    ids.left = await person('Leaving Person')
    const at = new Date().toISOString()
    const post = await db
      .insertInto('posts')
      .values({
        organisation_id: a.id,
        title: 'Shared web developer post',
        team: 'Digital',
        grade: 'SO1',
        fte_hundredths: 100,
        funded: 1,
        annual_cost_pence: 30_000_00,
        budget_line_id: null,
        funding_stream_id: null,
        status: 'filled',
        approved_on: null,
        advertised_on: null,
        appointed_on: null,
        starts_on: null,
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    ids.post = post.id
    const holder = await db
      .insertInto('post_holders')
      .values({
        organisation_id: a.id,
        post_id: post.id,
        person_id: ids.left,
        starts_on: '2019-01-01',
        ends_on: null,
        fte_hundredths: 100,
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    ids.holder = holder.id
  })

  /** The choices the test makes for every shared record, as the API takes them. */
  const choices = () => [
    { kind: 'project', id: ids['SH-1']!, choice: 'hand_over' },
    { kind: 'project', id: ids['SH-2']!, choice: 'close' },
    { kind: 'post', id: ids.post!, choice: 'keep' },
    { kind: 'person', id: ids.kept!, choice: 'keep' },
    { kind: 'person', id: ids.left!, choice: 'close' },
    { kind: 'recharge', id: ids.splitRecharge!, choice: 'split', councilPercent: 33.33 },
    { kind: 'recharge', id: ids.handedRecharge!, choice: 'hand_over' },
    { kind: 'risk', id: ids['Risk kept']!, choice: 'close' },
    { kind: 'risk', id: ids['Risk handed over']!, choice: 'hand_over' },
    { kind: 'dependency', id: ids.dependency!, choice: 'keep' },
  ]

  it('lets only an administrator of the council start it: other roles 403, another organisation 404', async () => {
    const page = await (await t.signIn(a.users.administrator)).get(`/partners/${brecks}/end`)
    assert.equal(page.status, 200)
    for (const text of [
      'Project SH-1',
      'Shared web developer post',
      'Kept Person',
      'Shared web developer',
      'Risk kept',
      'Needs the shared network',
    ])
      assert.match(page.text, new RegExp(text))
    assert.ok(!page.text.includes('Project OWN'), 'a project not shared is not listed')
    for (const role of ['programme_manager', 'finance_officer', 'viewer', 'partner_officer'] as const) {
      assert.equal((await (await t.signIn(a.users[role])).get(`/partners/${brecks}/end`)).status, 403, role)
      const token = await t.tokenFor(a.users[role])
      const res = await t.api(token, 'POST', `/api/v1/partners/${brecks}/separation`, {
        endedOn: today,
        reasons: 'x',
        choices: [],
      })
      assert.equal(res.statusCode, 403, role)
    }
    const other = t.orgs.b.users.administrator
    assert.equal((await (await t.signIn(other)).get(`/partners/${brecks}/end`)).status, 404)
    const otherToken = await t.tokenFor(other)
    assert.equal((await t.api(otherToken, 'GET', `/api/v1/partners/${brecks}/shared`)).statusCode, 404)
    const res = await t.api(otherToken, 'POST', `/api/v1/partners/${brecks}/separation`, {
      endedOn: today,
      reasons: 'x',
      choices: [],
    })
    assert.equal(res.statusCode, 404)
    const shared = await t.api(admin, 'GET', `/api/v1/partners/${brecks}/shared`)
    assert.equal(shared.json<Shared>().items.length, choices().length)
  })

  it('asks again, with a GOV.UK error summary, for a missing choice, percentage or date', async () => {
    const browser = await t.signIn(a.users.administrator)
    await browser.get(`/partners/${brecks}/end`)
    const page = await browser.post(`/partners/${brecks}/end`, {
      'endedOn-day': '1',
      'endedOn-month': '1',
      'endedOn-year': '2015',
      reasons: 'Brecks is leaving the shared service',
      [`choice-recharge-${ids.splitRecharge}`]: 'split',
      [`percent-recharge-${ids.splitRecharge}`]: '120',
    })
    assert.equal(page.status, 400)
    const summary = page.document.querySelector('.govuk-error-summary')?.textContent ?? ''
    assert.match(summary, /on or after the agreement started, 1 April 2016/)
    assert.match(summary, /Select what happens to the project SH-1 Project SH-1/)
    assert.match(summary, /council’s share of June 2020: Shared web developer/)
    const partner = await db
      .selectFrom('partners')
      .selectAll()
      .where('id', '=', brecks)
      .executeTakeFirstOrThrow()
    assert.equal(partner.ended_on, null)
  })

  it('writes nothing at all when a part of it fails half-way', async () => {
    // The risk to be closed, late in the order, was already handed over elsewhere: its change is refused
    // after the projects, people and recharges were changed in the same transaction.
    const at = new Date().toISOString()
    const separation = await db
      .insertInto('partner_separations')
      .values({
        organisation_id: a.id,
        partner_id: future,
        ended_on: '2020-01-01',
        decision_id: null,
        summary_json: '{}',
        created_by: null,
        created_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await db
      .insertInto('handovers')
      .values({
        organisation_id: a.id,
        entity_type: 'risk',
        entity_id: ids['Risk kept']!,
        partner_id: future,
        separation_id: separation.id,
        handed_over_on: '2020-01-01',
      })
      .execute()
    const events = async () =>
      Number(
        (
          await db
            .selectFrom('audit_events')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('organisation_id', '=', a.id)
            .executeTakeFirstOrThrow()
        ).n,
      )
    const before = await events()
    const res = await t.api(admin, 'POST', `/api/v1/partners/${brecks}/separation`, {
      endedOn: today,
      reasons: 'Brecks is leaving the shared service',
      choices: choices(),
    })
    assert.equal(res.statusCode, 409, res.body)
    assert.match(res.json<{ message: string }>().message, /handed over to Future Hosting Ltd/)
    assert.equal(await events(), before, 'no audit event')
    const sh2 = await db
      .selectFrom('projects')
      .select('stage')
      .where('id', '=', ids['SH-2']!)
      .executeTakeFirstOrThrow()
    assert.equal(sh2.stage, 'approved', 'the project closed first is open again')
    const r = await db.selectFrom('partner_recharges').selectAll().where('partner_id', '=', brecks).execute()
    assert.equal(r.length, 2)
    assert.equal(Number(r.find((x) => x.id === ids.splitRecharge)!.amount_pence), 100_01)
    const kept = await db
      .selectFrom('people')
      .select('partner_id')
      .where('id', '=', ids.kept!)
      .executeTakeFirstOrThrow()
    assert.equal(kept.partner_id, brecks)
    const partner = await db
      .selectFrom('partners')
      .select('ended_on')
      .where('id', '=', brecks)
      .executeTakeFirstOrThrow()
    assert.equal(partner.ended_on, null)
    assert.equal(
      (await db.selectFrom('decisions').select('id').where('kind', '=', 'partnership_end').execute()).length,
      0,
    )
    await db.deleteFrom('handovers').where('separation_id', '=', separation.id).execute()
    await db.deleteFrom('partner_separations').where('id', '=', separation.id).execute()
  })

  it('ends it through the pages in one go, recorded as a decision, with the summary as DOCX and PDF', async () => {
    const officer = await t.signIn(a.users.partner_officer)
    const officerToken = await t.tokenFor(a.users.partner_officer)
    assert.equal(
      (await officer.get(`/projects/${ids['SH-1']}`)).status,
      200,
      'the officer sees the shared project',
    )

    const browser = await t.signIn(a.users.administrator)
    await browser.get(`/partners/${brecks}/end`)
    const [y, m, d] = today.split('-')
    const form: Record<string, string> = {
      'endedOn-day': d!,
      'endedOn-month': m!,
      'endedOn-year': y!,
      reasons: 'Brecks is leaving the shared service',
    }
    for (const c of choices()) {
      form[`choice-${c.kind}-${c.id}`] = c.choice
      if (c.councilPercent) form[`percent-${c.kind}-${c.id}`] = String(c.councilPercent)
    }
    const check = await browser.post(`/partners/${brecks}/end`, form)
    assert.equal(check.status, 200, check.text)
    assert.match(check.text, /Check before ending the partnership/)
    assert.match(
      check.text,
      /Split: £33\.33 \(33\.33%\) kept by the council, £66\.68 handed over to the partner/,
    )
    assert.equal(
      (await db.selectFrom('partners').select('ended_on').where('id', '=', brecks).executeTakeFirstOrThrow())
        .ended_on,
      null,
      'nothing is written before confirming',
    )
    const done = await browser.post(`/partners/${brecks}/end/confirm`, form)
    assert.equal(done.status, 303, done.text)
    assert.equal(done.location, `/partners/${brecks}/separation`)

    // The split: two recharges, the council's on the original, exactly the original pence between them.
    const recharges = await db
      .selectFrom('partner_recharges')
      .selectAll()
      .where('partner_id', '=', brecks)
      .where('period', '=', '2020-06')
      .orderBy('id')
      .execute()
    assert.deepEqual(
      recharges.map((r) => Number(r.amount_pence)),
      [33_33, 66_68],
    )
    assert.equal(
      recharges.reduce((s, r) => s + Number(r.amount_pence), 0),
      100_01,
    )
    const stage = async (id: number) =>
      (await db.selectFrom('projects').select('stage').where('id', '=', id).executeTakeFirstOrThrow()).stage
    assert.equal(await stage(ids['SH-2']!), 'closed')
    assert.equal(await stage(ids['SH-1']!), 'approved')
    const person = await db
      .selectFrom('people')
      .selectAll()
      .where('id', '=', ids.kept!)
      .executeTakeFirstOrThrow()
    assert.equal(person.partner_id, null, 'kept with the council: no longer the partner’s staff')
    const holding = await db
      .selectFrom('post_holders')
      .selectAll()
      .where('id', '=', ids.holder!)
      .executeTakeFirstOrThrow()
    assert.equal(holding.ends_on, today, 'closed: their post ends on the end date')
    const risk = await db
      .selectFrom('risks')
      .select('status')
      .where('id', '=', ids['Risk kept']!)
      .executeTakeFirstOrThrow()
    assert.equal(risk.status, 'closed')

    // The decision, the separation page and the summary files.
    const page = await browser.get(`/partners/${brecks}/separation`)
    assert.equal(page.status, 200)
    assert.match(page.text, /Separation from Brecks District Council/)
    const decisionHref = page.document.querySelector('a[href^="/decisions/"]')?.getAttribute('href') ?? ''
    const decision = await browser.get(decisionHref)
    assert.equal(decision.status, 200)
    assert.match(decision.text, /End of the partnership with Brecks District Council/)
    assert.match(decision.text, /Brecks is leaving the shared service/)
    const docx = await browser.get(`/partners/${brecks}/separation.docx`)
    assert.equal(docx.status, 200)
    assert.match(String(docx.headers['content-type']), /wordprocessingml/)
    assert.ok(docx.body.startsWith('PK'))
    const pdf = await browser.get(`/partners/${brecks}/separation.pdf`)
    assert.equal(pdf.status, 200)
    assert.ok(pdf.body.startsWith('%PDF'))
    const api = await t.api(admin, 'GET', `/api/v1/partners/${brecks}/separation`)
    assert.equal(api.json<{ endedOn: string }>().endedOn, today)
    const history = await browser.get(`/history/partner/${brecks}`)
    assert.match(history.text, new RegExp(today.slice(0, 4)))

    // The partner's officer is out from the end date (today): their session and token are refused.
    const after = await officer.get(`/projects/${ids['SH-1']}`)
    assert.notEqual(after.status, 200)
    assert.equal((await t.api(officerToken, 'GET', '/api/v1/projects')).statusCode, 401)
    const again = t.anonymous()
    await again.get('/sign-in')
    const refused = await again.post('/sign-in', {
      email: a.users.partner_officer.email,
      password: TEST_PASSWORD,
    })
    assert.notEqual(refused.status, 303)

    // Done once only.
    const twice = await t.api(admin, 'POST', `/api/v1/partners/${brecks}/separation`, {
      endedOn: today,
      reasons: 'again',
      choices: [],
    })
    assert.equal(twice.statusCode, 409)
  })

  it('keeps handed-over records read-only, and refuses recharges dated after the end', async () => {
    const risk = await t.api(admin, 'PATCH', `/api/v1/risks/${ids['Risk handed over']}`, {
      version: 1,
      title: 'Changed',
    })
    assert.equal(risk.statusCode, 409, risk.body)
    assert.match(risk.json<{ message: string }>().message, /handed over to Brecks District Council/)
    const recharge = await t.api(admin, 'PATCH', `/api/v1/recharges/${ids.handedRecharge}`, {
      version: 1,
      amountPence: 1,
    })
    assert.equal(recharge.statusCode, 409)
    const history = await (
      await t.signIn(a.users.administrator)
    ).get(`/history/partner_recharge/${ids.handedRecharge}`)
    assert.match(history.text, /Handed over to the partner by/)
    const late = await t.api(admin, 'POST', `/api/v1/projects/${ids.OWN}/recharges`, {
      partnerId: brecks,
      description: 'After the end',
      period: nextPeriod(periodOf(today)),
      amountPence: 10_00,
      costBasis: 'non_base',
    })
    assert.equal(late.statusCode, 400, late.body)
    assert.match(
      late.json<{ fields: Record<string, string> }>().fields.period ?? '',
      /partnership with Brecks District Council ended/,
    )
    const sameMonth = await t.api(admin, 'POST', `/api/v1/projects/${ids.OWN}/recharges`, {
      partnerId: brecks,
      description: 'The last month',
      period: periodOf(today),
      amountPence: 10_00,
      costBasis: 'non_base',
    })
    assert.equal(sameMonth.statusCode, 201, sameMonth.body)
  })

  it('takes access away from a partner’s officers only from the end date', async () => {
    const tomorrow = addDays(today, 1)
    const res = await t.api(admin, 'POST', `/api/v1/partners/${future}/separation`, {
      endedOn: tomorrow,
      reasons: 'The hosting contract ends',
      choices: [],
    })
    assert.equal(res.statusCode, 201, res.body)
    const browser = await t.signIn(futureOfficer)
    assert.equal(
      (await browser.get('/partners')).status,
      200,
      'until the end date, the officer works as before',
    )
    // The end date arrives.
    await db.updateTable('partners').set({ ended_on: today }).where('id', '=', future).execute()
    assert.notEqual((await browser.get('/partners')).status, 200)
  })
})
