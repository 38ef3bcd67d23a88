import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { ESLint } from 'eslint'
import { sql, type Kysely, type RawBuilder } from 'kysely'
import { hashPassword } from '../../src/auth/passwords.ts'
import { partnerScope, whereProjectVisible, wholeOrganisation } from '../../src/auth/visibility.ts'
import { currentPeriod } from '../../src/domain/periods.ts'
import { buildTestApp, TEST_PASSWORD, type TestUser } from '../helpers/build-app.ts'
import * as m0013 from '../../src/db/migrations/0013-project-partners.ts'
import { createTestDatabase, dialectName } from '../helpers/database.ts'

/**
 * The one visibility rule (src/auth/visibility.ts), end to end: two partners in one council, each partner
 * officer sees only the projects shared with their own partner, everywhere a project or its records show.
 */
const t = await buildTestApp()
const a = t.orgs.a

interface Listed {
  items: Array<{ id: number; reference: string; partners: Array<{ id: number; name: string }> }>
}

describe(`one visibility rule: projects shared with named partners (${dialectName()})`, () => {
  let admin = ''
  let officerA: TestUser
  let officerB: TestUser
  let partnerA = 0
  let partnerB = 0
  const ids: Record<string, number> = {}
  let recommendationId = 0
  let reportId = 0
  after(() => t.close())

  before(async () => {
    admin = await t.tokenFor(a.users.administrator)
    // A second partner officer in the same council, working for another partner.
    const at = new Date().toISOString()
    const user = await t.database.db
      .insertInto('users')
      .values({
        email: 'care.officer@alpha.test',
        name: 'Care partner officer',
        password_hash: await hashPassword(TEST_PASSWORD),
        is_active: 1,
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    await t.database.db
      .insertInto('memberships')
      .values({ organisation_id: a.id, user_id: user.id, role: 'partner_officer', created_at: at })
      .execute()
    officerA = a.users.partner_officer
    officerB = {
      id: user.id,
      email: 'care.officer@alpha.test',
      name: 'Care partner officer',
      role: 'partner_officer',
      organisationId: a.id,
    }
    partnerA = await t.partner(a, 'Alpha ICT', officerA)
    partnerB = await t.partner(a, 'Care Trust', officerB)

    const create = async (url: string, body: Record<string, unknown>) => {
      const res = await t.api(admin, 'POST', url, body)
      assert.equal(res.statusCode, 201, res.body)
      return res.json<{ id: number }>().id
    }
    const programmeId = await create('/api/v1/programmes', { reference: 'PRG', name: 'Shared programme' })
    for (const [reference, partnerIds] of [
      ['P-A', [partnerA]],
      ['P-B', [partnerB]],
      ['P-B2', [partnerB]],
      ['P-AB', [partnerA, partnerB]],
      ['P-NONE', []],
    ] as const) {
      ids[reference] = await create('/api/v1/projects', {
        reference,
        name: `Project ${reference}`,
        programmeId,
        stage: 'approved',
        partnerIds,
      })
      await create('/api/v1/status-reports', {
        projectId: ids[reference],
        period: currentPeriod(),
        rating: 'green',
        narrative: `Narrative of ${reference}`,
      })
      await create('/api/v1/risks', {
        projectId: ids[reference],
        title: `Risk of ${reference}`,
        event: 'Something goes wrong',
        category: 'resilience',
        likelihood: 3,
        impact: 3,
        owner: 'ICT manager',
      })
    }
    // P-A depends on P-B, which officer A may not see.
    await create('/api/v1/dependencies', {
      projectId: ids['P-A'],
      description: 'Needs the care system live',
      dependsOnProjectId: ids['P-B'],
    })

    // A recommendation whose action is about P-B.
    const db = t.database.db
    const committee = await db
      .insertInto('committees')
      .values({
        organisation_id: a.id,
        name: 'Panel',
        code: 'PMP',
        kind: 'scrutiny',
        description: '',
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const meeting = await db
      .insertInto('meetings')
      .values({
        organisation_id: a.id,
        committee_id: committee.id,
        meeting_date: '2021-03-18',
        start_time: '18:30',
        place: 'Council Offices',
        status: 'held',
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const item = await db
      .insertInto('agenda_items')
      .values({
        organisation_id: a.id,
        meeting_id: meeting.id,
        number: '7',
        title: 'Programme update',
        purpose: '',
        reports_presented: '',
        presenters: '',
        minutes: '',
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    const rec = await db
      .insertInto('recommendations')
      .values({
        organisation_id: a.id,
        committee_id: committee.id,
        agenda_item_id: item.id,
        reference: 'PMP/2021/03',
        kind: 'recommendation',
        text: 'Report on the care system',
        addressed_to: 'portfolio_holder',
        addressee_user_id: null,
        lead_officer_user_id: null,
        made_on: '2021-01-10',
        response_due_on: '2021-03-10',
        response: null,
        responded_on: null,
        status: 'awaiting_response',
        response_reasons: '',
        responded_by_name: '',
        evidence: '',
        created_at: at,
        updated_at: at,
      })
      .returning('id')
      .executeTakeFirstOrThrow()
    recommendationId = rec.id
    await db
      .insertInto('recommendation_actions')
      .values({
        organisation_id: a.id,
        recommendation_id: rec.id,
        text: 'Go live with the care system',
        owner_user_id: null,
        owner_name: 'Head of Care',
        due_on: null,
        programme_id: null,
        project_id: ids['P-B']!,
        status: 'open',
        evidence_text: '',
        evidence_url: '',
        created_at: at,
        updated_at: at,
      })
      .execute()

    // A panel report on the programme, submitted (frozen).
    const report = await t.api(admin, 'POST', '/api/v1/reports', {
      programmeId,
      period: currentPeriod(),
      title: 'Programme progress update',
    })
    assert.equal(report.statusCode, 201, report.body)
    reportId = report.json<{ id: number }>().id
    const submitted = await t.api(admin, 'POST', `/api/v1/reports/${reportId}/submit`, {
      version: report.json<{ version: number }>().version,
    })
    assert.equal(submitted.statusCode, 200, submitted.body)
  })

  it('lists and opens only the projects shared with the officer’s own partner (pages and API)', async () => {
    const expected = { A: ['P-A', 'P-AB'], B: ['P-AB', 'P-B', 'P-B2'] }
    for (const [who, officer] of [
      ['A', officerA],
      ['B', officerB],
    ] as const) {
      const token = await t.tokenFor(officer)
      const api = (await t.api(token, 'GET', '/api/v1/projects')).json<Listed>()
      assert.deepEqual(api.items.map((p) => p.reference).sort(), expected[who])
      // Told only of their own partner, never which other partners a project is shared with.
      const own = who === 'A' ? partnerA : partnerB
      assert.ok(api.items.every((p) => p.partners.length === 1 && p.partners[0]!.id === own))
      const page = await (await t.signIn(officer)).get('/projects')
      for (const ref of Object.keys(ids))
        if (expected[who].includes(ref)) assert.match(page.text, new RegExp(`${ref} Project ${ref}`))
        else assert.doesNotMatch(page.text, new RegExp(`${ref} Project`))
    }
    const a1 = await t.signIn(officerA)
    assert.equal((await a1.get(`/projects/${ids['P-A']}`)).status, 200)
    assert.equal((await a1.get(`/projects/${ids['P-B']}`)).status, 404)
    assert.equal((await a1.get(`/projects/${ids['P-NONE']}`)).status, 404)
    const tokenB = await t.tokenFor(officerB)
    assert.equal((await t.api(tokenB, 'GET', `/api/v1/projects/${ids['P-A']}`)).statusCode, 404)
    assert.equal((await t.api(tokenB, 'GET', `/api/v1/projects/${ids['P-B2']}`)).statusCode, 200)
    // The council sees every project and every partner it is shared with.
    const all = (await t.api(admin, 'GET', '/api/v1/projects')).json<Listed>()
    assert.equal(all.items.length, 5)
    assert.deepEqual(
      all.items.find((p) => p.reference === 'P-AB')!.partners.map((p) => p.name),
      ['Alpha ICT', 'Care Trust'],
    )
  })

  it('gives each reader the dashboard of their own scope, one after another (the cache is keyed by scope)', async () => {
    const live = async (user: TestUser) => {
      const page = await (await t.signIn(user)).get('/')
      assert.equal(page.status, 200)
      return /(\d+) live projects/.exec(page.text)?.[1]
    }
    assert.equal(await live(officerA), '2')
    assert.equal(await live(officerB), '3')
    assert.equal(await live(a.users.programme_manager), '5')
    assert.equal(await live(officerA), '2')
  })

  it('shows risks and finance only of shared projects', async () => {
    const token = await t.tokenFor(officerA)
    const risks = (await t.api(token, 'GET', '/api/v1/risks')).json<{ items: Array<{ title: string }> }>()
    assert.deepEqual(risks.items.map((r) => r.title).sort(), ['Risk of P-A', 'Risk of P-AB'])
    assert.equal((await t.api(token, 'GET', `/api/v1/projects/${ids['P-A']}/budget-lines`)).statusCode, 200)
    assert.equal((await t.api(token, 'GET', `/api/v1/projects/${ids['P-B']}/budget-lines`)).statusCode, 404)
  })

  it('exports (the spend CSV) only the shared projects’ transactions', async () => {
    const at = new Date().toISOString()
    for (const ref of ['P-A', 'P-B'])
      await t.database.db
        .insertInto('ledger_transactions')
        .values({
          organisation_id: a.id,
          project_id: ids[ref]!,
          import_id: null,
          transaction_ref: `TX-${ref}`,
          dedupe_key: `dedupe-${ref}`,
          content_hash: `hash-${ref}`,
          transaction_date: '2025-05-01',
          period: '2025-05',
          financial_year: '2025-26',
          amount_pence: 12345,
          supplier_name: `Supplier of ${ref}`,
          description: `Spend on ${ref}`,
          cost_centre: '',
          account_code: '',
          expense_type: 'Consultancy',
          service_area: 'ICT',
          created_at: at,
        })
        .execute()
    const programmeId = (await t.api(admin, 'GET', `/api/v1/projects/${ids['P-A']}`)).json<{
      programmeId: number
    }>().programmeId
    const csv = await (await t.signIn(officerA)).get(`/programmes/${programmeId}/spend.csv`)
    assert.equal(csv.status, 200)
    assert.match(csv.body, /Supplier of P-A/)
    assert.doesNotMatch(csv.body, /Supplier of P-B/)
    const all = await (await t.signIn(a.users.finance_officer)).get(`/programmes/${programmeId}/spend.csv`)
    assert.match(all.body, /Supplier of P-B/)
  })

  it('never names, on a dependency, a project the reader cannot see', async () => {
    const page = await (await t.signIn(officerA)).get(`/projects/${ids['P-A']}/risks`)
    assert.equal(page.status, 200)
    assert.match(page.text, /Needs the care system live — on a project not shared with you/)
    assert.doesNotMatch(page.text, /P-B/)
    assert.equal(page.document.querySelector(`a[href="/projects/${ids['P-B']}"]`), null)
    const pm = await (await t.signIn(a.users.programme_manager)).get(`/projects/${ids['P-A']}/risks`)
    assert.ok(pm.document.querySelector(`a[href="/projects/${ids['P-B']}"]`), 'the council sees the link')
  })

  it('never links a recommendation to a project the reader cannot see', async () => {
    const page = await (await t.signIn(officerA)).get(`/recommendations/${recommendationId}`)
    assert.equal(page.status, 200)
    assert.equal(page.document.querySelector(`a[href="/projects/${ids['P-B']}"]`), null)
    assert.doesNotMatch(page.text, /Project P-B/)
    assert.match(page.text, /A project not shared with you/)
    const pm = await (await t.signIn(a.users.programme_manager)).get(`/recommendations/${recommendationId}`)
    assert.ok(pm.document.querySelector(`a[href="/projects/${ids['P-B']}"]`))
  })

  it('shows a partner officer no panel report: not listed, and 404 for its page, files and API', async () => {
    const token = await t.tokenFor(officerA)
    assert.deepEqual((await t.api(token, 'GET', '/api/v1/reports')).json<{ items: unknown[] }>().items, [])
    assert.equal((await t.api(token, 'GET', `/api/v1/reports/${reportId}`)).statusCode, 404)
    for (const file of ['report.pdf', 'report.docx', 'report.html']) {
      assert.equal((await t.api(token, 'GET', `/api/v1/reports/${reportId}/${file}`)).statusCode, 404, file)
      assert.equal((await t.api(admin, 'GET', `/api/v1/reports/${reportId}/${file}`)).statusCode, 200, file)
    }
    const agent = await t.signIn(officerA)
    assert.equal((await agent.get(`/reports/${reportId}`)).status, 404)
    assert.doesNotMatch((await agent.get('/reports')).text, /Programme progress update/)
    const pm = await (await t.signIn(a.users.programme_manager)).get(`/reports/${reportId}`)
    assert.equal(pm.status, 200)
    assert.match(pm.text, /Project P-NONE/)
  })

  it('shows a partner officer no programme definition paper either', async () => {
    const programmeId = (await t.api(admin, 'GET', `/api/v1/projects/${ids['P-A']}`)).json<{
      programmeId: number
    }>().programmeId
    const created = await t.api(admin, 'POST', '/api/v1/programme-definitions', {
      programmeId,
      title: 'Programme definition',
    })
    assert.equal(created.statusCode, 201, created.body)
    const id = created.json<{ id: number }>().id
    const token = await t.tokenFor(officerA)
    assert.equal((await t.api(token, 'GET', `/api/v1/programme-definitions/${id}`)).statusCode, 404)
    assert.deepEqual(
      (await t.api(token, 'GET', '/api/v1/programme-definitions')).json<{ items: unknown[] }>().items,
      [],
    )
    assert.equal((await t.api(admin, 'GET', `/api/v1/programme-definitions/${id}`)).statusCode, 200)
  })

  it('shows nothing to a partner officer whose membership names no partner', async () => {
    await t.database.db
      .updateTable('memberships')
      .set({ partner_id: null })
      .where('user_id', '=', officerB.id)
      .execute()
    try {
      const token = await t.tokenFor(officerB)
      assert.deepEqual((await t.api(token, 'GET', '/api/v1/projects')).json<Listed>().items, [])
      assert.deepEqual((await t.api(token, 'GET', '/api/v1/risks')).json<{ items: unknown[] }>().items, [])
    } finally {
      await t.partner(a, 'Care Trust', officerB)
    }
  })

  it('lets an administrator name the partner a partner officer works for, on the People page', async () => {
    const adminPage = await t.signIn(a.users.administrator)
    const people = await adminPage.get('/settings/people')
    assert.ok(people.document.querySelector(`#partner-${officerB.id} option[value="${partnerB}"][selected]`))
    assert.equal(
      people.document.querySelector(`#partner-${a.users.viewer.id}`),
      null,
      'only partner officers',
    )
    const refused = await adminPage.post(`/settings/people/${a.users.viewer.id}/partner`, {
      partnerId: String(partnerA),
    })
    assert.equal(refused.status, 400)
    assert.match(refused.text, /Only a partner officer works for a partner/)
    const foreign = await t.partner(t.orgs.b, 'Beta ICT')
    const wrong = await adminPage.post(`/settings/people/${officerB.id}/partner`, {
      partnerId: String(foreign),
    })
    assert.equal(wrong.status, 400)
    assert.match(wrong.text, /Select a partner from the list/)
    const moved = await adminPage.post(`/settings/people/${officerB.id}/partner`, {
      partnerId: String(partnerA),
    })
    assert.equal(moved.status, 303, moved.text)
    const tokenB = await t.tokenFor(officerB)
    const seen = (await t.api(tokenB, 'GET', '/api/v1/projects')).json<Listed>()
    assert.deepEqual(seen.items.map((p) => p.reference).sort(), ['P-A', 'P-AB'])
    const back = await adminPage.post(`/settings/people/${officerB.id}/partner`, {
      partnerId: String(partnerB),
    })
    assert.equal(back.status, 303, back.text)
  })

  it('refuses sharing with another council’s partner, and records a change of sharing in the history', async () => {
    const foreign = await t.partner(t.orgs.b, 'Beta ICT')
    const p = (await t.api(admin, 'GET', `/api/v1/projects/${ids['P-NONE']}`)).json<{ version: number }>()
    const bad = await t.api(admin, 'PATCH', `/api/v1/projects/${ids['P-NONE']}`, {
      version: p.version,
      partnerIds: [foreign],
    })
    assert.equal(bad.statusCode, 400, bad.body)
    assert.equal(
      bad.json<{ fields: Record<string, string> }>().fields.partnerIds,
      'Select partners from the list',
    )
    const ok = await t.api(admin, 'PATCH', `/api/v1/projects/${ids['P-NONE']}`, {
      version: p.version,
      partnerIds: [partnerA],
    })
    assert.equal(ok.statusCode, 200, ok.body)
    const tokenA = await t.tokenFor(officerA)
    assert.equal((await t.api(tokenA, 'GET', `/api/v1/projects/${ids['P-NONE']}`)).statusCode, 200)
    const history = await (await t.signIn(a.users.programme_manager)).get(`/history/project/${ids['P-NONE']}`)
    assert.equal(history.status, 200)
    assert.match(history.text, /Shared by .* Shared with No partner Alpha ICT/)
    const undo = await t.api(admin, 'PATCH', `/api/v1/projects/${ids['P-NONE']}`, {
      version: ok.json<{ version: number }>().version,
      partnerIds: [],
    })
    assert.equal(undo.statusCode, 200, undo.body)
    assert.equal((await t.api(tokenA, 'GET', `/api/v1/projects/${ids['P-NONE']}`)).statusCode, 404)
  })

  it('pins the SQL: a partner officer’s query is confined to the partner’s shared projects', () => {
    const db = t.database.db
    const base = db.selectFrom('risks').select('risks.id').where('risks.organisation_id', '=', a.id)
    const partner = whereProjectVisible(base, partnerScope(a.id, 7), 'risks.project_id').compile()
    assert.equal(
      partner.sql.replace(/\$\d+/g, '?'),
      'select "risks"."id" from "risks" where "risks"."organisation_id" = ? and "risks"."project_id" in ' +
        '(select project_partners.project_id from project_partners where project_partners.partner_id = ?)',
    )
    assert.deepEqual(partner.parameters, [a.id, 7])
    // The council's own query is left exactly as it was.
    assert.equal(
      whereProjectVisible(base, wholeOrganisation(a.id), 'risks.project_id').compile().sql,
      base.compile().sql,
    )
    // An officer with no partner: nothing, whatever the table holds.
    assert.match(
      whereProjectVisible(base, partnerScope(a.id, null), 'risks.project_id').compile().sql,
      / and 1 = 0$/,
    )
    assert.equal(partnerScope(a.id, 7).key, `org:${a.id}:partner:7`)
    assert.equal(wholeOrganisation(a.id).key, `org:${a.id}`)
  })

  it('lint refuses the sharing table anywhere but the visibility module', async () => {
    const eslint = new ESLint()
    const code = "export const q = 'select project_id from project_partners'\n"
    const [outside] = await eslint.lintText(code, { filePath: 'src/modules/raid/raid.service.ts' })
    assert.ok(
      outside!.messages.some((m) => m.ruleId === 'no-restricted-syntax' && /visibility\.ts/.test(m.message)),
      JSON.stringify(outside!.messages),
    )
    const [inside] = await eslint.lintText(code, { filePath: 'src/auth/visibility.ts' })
    assert.equal(inside!.messages.filter((m) => m.ruleId === 'no-restricted-syntax').length, 0)
  })
})

describe(`migration 0013: the shared flag becomes sharing with a named partner (${dialectName()})`, () => {
  it('shares flagged projects with the council’s first partner, or a new "Partner", and names it on partner officers', async () => {
    const { database, drop } = await createTestDatabase()
    try {
      const db = database.db as unknown as Kysely<unknown>
      // Back to the shape before 0013: one yes/no flag on each project, no partner on memberships.
      await m0013.down(db)
      const at = new Date().toISOString()
      const one = async <T>(q: RawBuilder<T>) => (await q.execute(db)).rows[0]!
      const org = async (slug: string) =>
        (
          await one(sql<{
            id: number
          }>`insert into organisations (slug, name, rating_scale, is_demo, version, created_at, updated_at)
            values (${slug}, ${slug}, 'ipa5', 0, 1, ${at}, ${at}) returning id`)
        ).id
      const withPartner = await org('with-partner')
      const without = await org('without-partner')
      const psps = (
        await one(sql<{
          id: number
        }>`insert into partners (organisation_id, name, base_contract, annual_base_contract_pence, version, created_at, updated_at)
          values (${withPartner}, 'PSPS', '', 0, 1, ${at}, ${at}) returning id`)
      ).id
      const project = async (orgId: number, reference: string, shared: number) => {
        const programme = (
          await one(sql<{
            id: number
          }>`insert into programmes (organisation_id, reference, name, purpose, sro, portfolio_holder, status, version, created_at, updated_at)
            values (${orgId}, ${reference}, ${reference}, '', '', '', 'active', 1, ${at}, ${at}) returning id`)
        ).id
        return (
          await one(sql<{
            id: number
          }>`insert into projects (organisation_id, programme_id, reference, name, stage, shared_with_partner, version, created_at, updated_at)
            values (${orgId}, ${programme}, ${reference}, ${reference}, 'idea', ${shared}, 1, ${at}, ${at}) returning id`)
        ).id
      }
      const shared = await project(withPartner, 'S-1', 1)
      await project(withPartner, 'N-1', 0)
      const sharedElsewhere = await project(without, 'S-2', 1)
      const officer = (
        await one(sql<{
          id: number
        }>`insert into users (email, name, password_hash, is_active, created_at, updated_at)
          values ('officer@x.test', 'Officer', 'x', 1, ${at}, ${at}) returning id`)
      ).id
      await sql`insert into memberships (organisation_id, user_id, role, created_at)
        values (${withPartner}, ${officer}, 'partner_officer', ${at})`.execute(db)

      await m0013.up(db)

      const links = await sql<{ project_id: number; partner_id: number; organisation_id: number }>`
        select organisation_id, project_id, partner_id from project_partners order by project_id`.execute(db)
      const created = await one(
        sql<{ id: number; name: string }>`select id, name from partners where organisation_id = ${without}`,
      )
      assert.equal(created.name, 'Partner')
      assert.deepEqual(
        links.rows.map((r) => [Number(r.organisation_id), Number(r.project_id), Number(r.partner_id)]),
        [
          [withPartner, shared, psps],
          [without, sharedElsewhere, created.id],
        ],
      )
      const membership = await one(
        sql<{ partner_id: number }>`select partner_id from memberships where user_id = ${officer}`,
      )
      assert.equal(Number(membership.partner_id), psps)
    } finally {
      await drop()
    }
  })
})
