import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

interface Json {
  id: number
  version: number
  [k: string]: unknown
}
interface ErrorJson {
  message: string
  fields: Record<string, string>
}

describe(`people, posts, holders, secondments and skills through the API (${dialectName()})`, () => {
  let t: TestApp
  let admin: string
  let foreignBudgetLine: number
  let partnerA: number
  let partnerB: number

  /** A budget line of organisation b: organisation a may never name it. */
  async function budgetLineOfB(): Promise<number> {
    const b = await t.tokenFor(t.orgs.b.users.administrator)
    const programme = (
      await t.api(b, 'POST', '/api/v1/programmes', { reference: 'B', name: 'B' })
    ).json<Json>()
    const project = (
      await t.api(b, 'POST', '/api/v1/projects', {
        reference: 'B-1',
        name: 'B one',
        programmeId: programme.id,
      })
    ).json<Json>()
    const stream = (
      await t.api(b, 'POST', '/api/v1/funding-streams', {
        name: 'B stream',
        kind: 'named',
        baseCostsEligible: false,
      })
    ).json<Json>()
    const line = await t.api(b, 'POST', `/api/v1/projects/${project.id}/budget-lines`, {
      financialYear: '2019/20',
      category: 'revenue',
      fundingStreamId: stream.id,
      costType: 'staff',
      amountPence: 100,
      profileMethod: 'flat',
    })
    assert.equal(line.statusCode, 201, line.body)
    return line.json<Json>().id
  }

  before(async () => {
    t = await buildTestApp()
    admin = await t.tokenFor(t.orgs.a.users.administrator)
    foreignBudgetLine = await budgetLineOfB()
    partnerA = await t.partner(t.orgs.a, 'PSPS')
    // A second partner with its own officer: the programme manager's account stands in as its officer below.
    partnerB = await t.partner(t.orgs.a, 'Other partner', t.orgs.a.users.scrutiny_member)
    // The scrutiny member's membership now names a partner, but their role is not partner_officer: restore it.
    await t.database.db
      .updateTable('memberships')
      .set({ role: 'partner_officer' })
      .where('user_id', '=', t.orgs.a.users.scrutiny_member.id)
      .execute()
  })
  after(() => t.close())

  const person = (body: Record<string, unknown>) =>
    t.api(admin, 'POST', '/api/v1/people', {
      kind: 'employee',
      jobTitle: 'Web developer',
      team: 'Digital',
      ...body,
    })

  it('every organisation’s skills catalogue starts with the digital skills a council needs', async () => {
    const res = await t.api(admin, 'GET', '/api/v1/skills')
    assert.equal(res.statusCode, 200, res.body)
    const names = res.json<{ items: Json[] }>().items.map((s) => s.name)
    for (const n of ['Content design', 'Web development', 'User research', 'Accessibility testing'])
      assert.ok(names.includes(n), n)
    const dup = await t.api(admin, 'POST', '/api/v1/skills', { name: 'content design' })
    assert.equal(dup.statusCode, 400)
    assert.match(dup.json<ErrorJson>().fields.name ?? '', /already in the catalogue/)
  })

  it('a post is filled by holders within its FTE; an overlap beyond it is a field error and nothing is saved', async () => {
    const post = await t.api(admin, 'POST', '/api/v1/posts', {
      title: 'Web developer',
      team: 'Digital',
      grade: 'G8',
      fte: 1,
      annualCostPence: 3_800_000,
      status: 'vacant',
      approvedOn: '2018-07-01',
    })
    assert.equal(post.statusCode, 201, post.body)
    const p = post.json<Json>()
    assert.equal(p.vacantSince, '2018-07-01')
    assert.ok((p.vacancyMonths as number) >= 9)
    const sam = (await person({ name: 'Sam Patel', email: 'sam.patel@alpha.test' })).json<Json>()
    const jo = (await person({ name: 'Jo Reed' })).json<Json>()
    const first = await t.api(admin, 'POST', '/api/v1/post-holders', {
      postId: p.id,
      personId: sam.id,
      startsOn: '2019-04-01',
      fte: 0.6,
    })
    assert.equal(first.statusCode, 201, first.body)
    const over = await t.api(admin, 'POST', '/api/v1/post-holders', {
      postId: p.id,
      personId: jo.id,
      startsOn: '2019-06-01',
      endsOn: '2019-12-31',
      fte: 0.5,
    })
    assert.equal(over.statusCode, 400, over.body)
    assert.match(over.json<ErrorJson>().fields.fte ?? '', /other holders already hold 0.6 FTE/)
    const share = await t.api(admin, 'POST', '/api/v1/post-holders', {
      postId: p.id,
      personId: jo.id,
      startsOn: '2019-06-01',
      fte: 0.4,
    })
    assert.equal(share.statusCode, 201, share.body)
    const holders = await t.api(admin, 'GET', `/api/v1/post-holders?postId=${p.id}`)
    assert.equal(holders.json<{ items: Json[] }>().items.length, 2)
  })

  it('two holders added to one post at the same moment cannot together hold more than it has', async () => {
    // Several posts, each raced by two requests, so a check that is not serialised is caught.
    for (let i = 0; i < 4; i++) {
      const post = (
        await t.api(admin, 'POST', '/api/v1/posts', { title: `Raced ${i}`, fte: 1, status: 'vacant' })
      ).json<Json>()
      const a = (await person({ name: `Ana ${i}` })).json<Json>()
      const b = (await person({ name: `Ben ${i}` })).json<Json>()
      const add = (personId: number) =>
        t.api(admin, 'POST', '/api/v1/post-holders', {
          postId: post.id,
          personId,
          startsOn: '2024-04-01',
          fte: 0.6,
        })
      const answers = await Promise.all([add(a.id), add(b.id)])
      assert.deepEqual(answers.map((r) => r.statusCode).sort(), [201, 400], answers.map((r) => r.body).join())
      const held = await t.api(admin, 'GET', `/api/v1/post-holders?postId=${post.id}`)
      assert.equal(held.json<{ items: Json[] }>().items.length, 1)
    }
  })

  it('bad input is a field error naming the field, and nothing is saved', async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ fte: 1.2 }, 'fte'],
      [{ fte: 0 }, 'fte'],
      [{ fte: 0.333 }, 'fte'],
      [{ approvedOn: '2019-05-01', advertisedOn: '2019-04-01' }, 'advertisedOn'],
      [{ budgetLineId: foreignBudgetLine, funded: true }, 'budgetLineId'],
    ]
    for (const [body, field] of cases) {
      const res = await t.api(admin, 'POST', '/api/v1/posts', {
        title: 'Refused post',
        fte: 1,
        status: 'vacant',
        ...body,
      })
      assert.equal(res.statusCode, 400, `${JSON.stringify(body)}: ${res.body}`)
      assert.ok(res.json<ErrorJson>().fields[field], `${field}: ${res.body}`)
    }
    const refused = await t.api(admin, 'GET', '/api/v1/posts?limit=500')
    assert.ok(!refused.json<{ items: Json[] }>().items.some((p) => p.title === 'Refused post'))

    const ada = (await person({ name: 'Ada Byron' })).json<Json>()
    const backwards = await t.api(admin, 'POST', '/api/v1/secondments', {
      personId: ada.id,
      direction: 'out',
      toTeam: 'Covid-19 response',
      startsOn: '2020-03-23',
      endsOn: '2020-03-01',
      reason: 'Covid-19 response',
      fte: 1,
    })
    assert.equal(backwards.statusCode, 400)
    assert.equal(
      backwards.json<ErrorJson>().fields.endsOn,
      'End date must be the same as or after the start date',
    )
    const none = await t.api(admin, 'GET', `/api/v1/secondments?personId=${ada.id}`)
    assert.equal(none.json<{ items: Json[] }>().items.length, 0)

    const partnerless = await person({ name: 'No partner', kind: 'partner_staff' })
    assert.equal(partnerless.statusCode, 400)
    assert.ok(partnerless.json<ErrorJson>().fields.partnerId)
  })

  it('a stale version is refused with 409, and a person’s skills are recorded with levels', async () => {
    const p = (await person({ name: 'Kim Lee' })).json<Json>()
    const ok = await t.api(admin, 'PATCH', `/api/v1/people/${p.id}`, { version: p.version, team: 'Web' })
    assert.equal(ok.statusCode, 200, ok.body)
    const stale = await t.api(admin, 'PATCH', `/api/v1/people/${p.id}`, { version: p.version, team: 'Old' })
    assert.equal(stale.statusCode, 409)
    const skills = (await t.api(admin, 'GET', '/api/v1/skills')).json<{ items: Json[] }>().items
    const web = skills.find((s) => s.name === 'Web development')!
    const set = await t.api(admin, 'PUT', `/api/v1/people/${p.id}/skills`, {
      version: ok.json<Json>().version,
      skills: [{ skillId: web.id, level: 'practitioner' }],
    })
    assert.equal(set.statusCode, 200, set.body)
    assert.deepEqual(set.json<Json>().skills, [
      { skillId: web.id, name: 'Web development', level: 'practitioner' },
    ])
  })

  it('a business case’s resource line names the skills it needs, from its own organisation’s catalogue', async () => {
    const programme = (
      await t.api(admin, 'POST', '/api/v1/programmes', { reference: 'ICT', name: 'ICT' })
    ).json<Json>()
    const project = (
      await t.api(admin, 'POST', '/api/v1/projects', {
        reference: 'ICT-01',
        name: 'Web',
        programmeId: programme.id,
      })
    ).json<Json>()
    const bc = await t.api(admin, 'PUT', `/api/v1/projects/${project.id}/business-case`, {
      version: null,
      cases: Object.fromEntries(
        ['strategic', 'economic', 'commercial', 'financial', 'management'].map((k) => [
          k,
          { text: '', state: 'not_started' },
        ]),
      ),
      scopeIn: '',
      scopeOut: '',
      optionsAppraised: '',
      budgetRequestedPence: 0,
      resources: [{ role: 'Web developer', fte: 1, months: 9 }],
    })
    assert.equal(bc.statusCode, 200, bc.body)
    const line = await t.database.db
      .selectFrom('business_case_resources')
      .select('id')
      .where('business_case_id', '=', bc.json<Json>().id)
      .executeTakeFirstOrThrow()
    const web = (await t.api(admin, 'GET', '/api/v1/skills'))
      .json<{ items: Json[] }>()
      .items.find((s) => s.name === 'Web development')!
    const url = `/api/v1/business-case-resources/${line.id}/skills`
    const set = await t.api(admin, 'PUT', url, { skillIds: [web.id] })
    assert.equal(set.statusCode, 200, set.body)
    assert.deepEqual((await t.api(admin, 'GET', url)).json(), { skillIds: [web.id] })
    const bSkill = (
      await t.api(await t.tokenFor(t.orgs.b.users.administrator), 'GET', '/api/v1/skills')
    ).json<{ items: Json[] }>().items[0]!
    const foreign = await t.api(admin, 'PUT', url, { skillIds: [bSkill.id] })
    assert.equal(foreign.statusCode, 400)
    assert.ok(foreign.json<ErrorJson>().fields.skillIds)
    assert.deepEqual((await t.api(admin, 'GET', url)).json(), { skillIds: [web.id] }, 'nothing changed')
    const b = await t.tokenFor(t.orgs.b.users.administrator)
    assert.equal((await t.api(b, 'PUT', url, { skillIds: [] })).statusCode, 404)

    // Saving the business case again (a line changed, one added) keeps the skills of the lines it kept.
    const again = await t.api(admin, 'PUT', `/api/v1/projects/${project.id}/business-case`, {
      version: bc.json<Json>().version,
      cases: Object.fromEntries(
        ['strategic', 'economic', 'commercial', 'financial', 'management'].map((k) => [
          k,
          { text: 'Updated', state: 'not_started' },
        ]),
      ),
      scopeIn: '',
      scopeOut: '',
      optionsAppraised: '',
      budgetRequestedPence: 0,
      resources: [
        { role: 'Web developer', fte: 0.5, months: 12 },
        { role: 'Content designer', fte: 1, months: 6 },
      ],
    })
    assert.equal(again.statusCode, 200, again.body)
    const lines = await t.database.db
      .selectFrom('business_case_resources')
      .select(['id', 'role'])
      .where('business_case_id', '=', bc.json<Json>().id)
      .orderBy('id')
      .execute()
    const webLine = lines.find((l) => l.role === 'Web developer')!
    assert.deepEqual(
      (await t.api(admin, 'GET', `/api/v1/business-case-resources/${webLine.id}/skills`)).json(),
      { skillIds: [web.id] },
    )
  })

  it('roles: costs for finance, no personal data for a viewer, partner officers see their own partner’s staff only', async () => {
    const post = (
      await t.api(admin, 'POST', '/api/v1/posts', {
        title: 'Content designer',
        grade: 'G7',
        fte: 1,
        annualCostPence: 3_200_000,
        status: 'filled',
      })
    ).json<Json>()
    const held = (await person({ name: 'Mo Khan', email: 'mo.khan@alpha.test' })).json<Json>()
    await t.api(admin, 'POST', '/api/v1/post-holders', {
      postId: post.id,
      personId: held.id,
      startsOn: '2020-01-01',
      fte: 1,
    })
    const pspsStaff = (
      await person({ name: 'Pat PSPS', kind: 'partner_staff', partnerId: partnerA, email: 'pat@psps.test' })
    ).json<Json>()
    const otherStaff = (
      await person({ name: 'Oli Other', kind: 'partner_staff', partnerId: partnerB })
    ).json<Json>()

    const finance = await t.tokenFor(t.orgs.a.users.finance_officer)
    const f = (await t.api(finance, 'GET', `/api/v1/posts/${post.id}`)).json<Json>()
    assert.equal(f.annualCostPence, 3_200_000)
    assert.equal(f.grade, 'G7')

    const viewer = await t.tokenFor(t.orgs.a.users.viewer)
    const v = (await t.api(viewer, 'GET', `/api/v1/posts/${post.id}`)).json<Json>()
    assert.equal(v.annualCostPence, null)
    assert.equal(v.grade, null, 'the grade of a post a named person holds is personal data')
    assert.deepEqual(v.currentHolders, ['Mo Khan'])
    assert.equal((await t.api(viewer, 'GET', `/api/v1/people/${held.id}`)).json<Json>().email, null)
    assert.equal(
      (await t.api(viewer, 'POST', '/api/v1/people', { name: 'X', kind: 'employee' })).statusCode,
      403,
    )
    const pm = await t.tokenFor(t.orgs.a.users.programme_manager)
    assert.equal(
      (await t.api(pm, 'GET', `/api/v1/people/${held.id}`)).json<Json>().email,
      'mo.khan@alpha.test',
    )

    const officer = await t.tokenFor(t.orgs.a.users.partner_officer)
    const seen = (await t.api(officer, 'GET', '/api/v1/people?limit=500')).json<{ items: Json[] }>().items
    assert.deepEqual(
      seen.map((p) => p.name),
      ['Pat PSPS'],
    )
    assert.equal(seen[0]!.email, 'pat@psps.test')
    assert.equal((await t.api(officer, 'GET', `/api/v1/people/${otherStaff.id}`)).statusCode, 404)
    assert.equal((await t.api(officer, 'GET', `/api/v1/people/${held.id}`)).statusCode, 404)
    assert.equal((await t.api(officer, 'GET', '/api/v1/posts')).statusCode, 403)

    const otherOfficer = await t.tokenFor(t.orgs.a.users.scrutiny_member)
    const theirs = (await t.api(otherOfficer, 'GET', '/api/v1/people?limit=500')).json<{ items: Json[] }>()
      .items
    assert.deepEqual(
      theirs.map((p) => p.name),
      ['Oli Other'],
    )
    assert.equal((await t.api(otherOfficer, 'GET', `/api/v1/people/${pspsStaff.id}`)).statusCode, 404)

    const foreign = await t.tokenFor(t.orgs.b.users.administrator)
    assert.equal((await t.api(foreign, 'GET', `/api/v1/people/${held.id}`)).statusCode, 404)
    assert.equal((await t.api(foreign, 'GET', `/api/v1/posts/${post.id}`)).statusCode, 404)
    const bPeople = (await t.api(foreign, 'GET', '/api/v1/people')).json<{ items: Json[] }>().items
    assert.equal(bPeople.length, 0)
    const holderOfB = await t.api(foreign, 'POST', '/api/v1/post-holders', {
      postId: post.id,
      personId: held.id,
      startsOn: '2021-01-01',
      fte: 0.1,
    })
    assert.equal(holderOfB.statusCode, 400)
  })
})
