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
interface Capacity {
  months: string[]
  groups: {
    name: string
    cells: { period: string; demand: number; allocated: number; available: number }[]
  }[]
  totals: { period: string; demand: number; allocated: number; toVacantPosts: number; available: number }[]
  overAllocated: { name: string; period: string; allocated: number; available: number }[]
  unfilled: { title: string; months: number; gap: number }[]
  skillsNobodyHolds: string[]
}

const part = { text: '', state: 'not_started' }
const cases = Object.fromEntries(
  ['strategic', 'economic', 'commercial', 'financial', 'management'].map((k) => [k, part]),
)

describe(`demand, allocation and capacity through the API (${dialectName()})`, () => {
  let t: TestApp
  let admin: string
  let project: Json
  let shared: Json
  let partnerA: number
  let skills: Record<string, number>

  before(async () => {
    t = await buildTestApp()
    admin = await t.tokenFor(t.orgs.a.users.administrator)
    const programme = (
      await t.api(admin, 'POST', '/api/v1/programmes', { reference: 'NG', name: 'Next generation' })
    ).json<Json>()
    project = (
      await t.api(admin, 'POST', '/api/v1/projects', {
        reference: 'NG-01',
        name: 'Website',
        programmeId: programme.id,
        forecastStart: '2019-06-01',
      })
    ).json<Json>()
    shared = (
      await t.api(admin, 'POST', '/api/v1/projects', {
        reference: 'NG-02',
        name: 'Shared service',
        programmeId: programme.id,
      })
    ).json<Json>()
    partnerA = await t.partner(t.orgs.a, 'PSPS')
    await t.share(shared.id, [partnerA])
    const list = (await t.api(admin, 'GET', '/api/v1/skills?limit=100')).json<{ items: Json[] }>().items
    skills = Object.fromEntries(list.map((s) => [s.name as string, s.id]))
  })
  after(() => t.close())

  const role = (body: Record<string, unknown>) =>
    t.api(admin, 'POST', '/api/v1/project-roles', { projectId: project.id, ...body })
  const person = async (
    name: string,
    holding?: { startsOn: string; endsOn?: string; fte: number },
    partnerId?: number,
  ) => {
    const p = (
      await t.api(admin, 'POST', '/api/v1/people', {
        name,
        kind: partnerId ? 'partner_staff' : 'employee',
        team: 'Digital',
        ...(partnerId ? { partnerId } : {}),
      })
    ).json<Json>()
    if (holding) {
      const post = (
        await t.api(admin, 'POST', '/api/v1/posts', { title: `Post of ${name}`, fte: 1, status: 'filled' })
      ).json<Json>()
      const h = await t.api(admin, 'POST', '/api/v1/post-holders', {
        postId: post.id,
        personId: p.id,
        ...holding,
      })
      assert.equal(h.statusCode, 201, h.body)
    }
    return p
  }

  it('seeds roles from the business case’s resource lines from the forecast start, once', async () => {
    const bc = await t.api(admin, 'PUT', `/api/v1/projects/${project.id}/business-case`, {
      version: null,
      cases,
      scopeIn: '',
      scopeOut: '',
      optionsAppraised: '',
      budgetRequestedPence: null,
      resources: [
        { role: 'Web developer', fte: 1.5, months: 3 },
        { role: 'Content designer', fte: 0.5, months: 2 },
      ],
    })
    assert.equal(bc.statusCode, 200, bc.body)
    const seeded = await t.api(admin, 'POST', `/api/v1/projects/${project.id}/project-roles/seed`)
    assert.equal(seeded.statusCode, 200, seeded.body)
    assert.deepEqual(seeded.json(), { created: 2, existing: 0 })
    const again = await t.api(admin, 'POST', `/api/v1/projects/${project.id}/project-roles/seed`)
    assert.deepEqual(again.json(), { created: 0, existing: 2 })
    const roles = (await t.api(admin, 'GET', `/api/v1/project-roles?projectId=${project.id}`)).json<{
      items: Json[]
    }>().items
    assert.deepEqual(
      roles.map((r) => [r.title, r.source, r.months]),
      [
        [
          'Content designer',
          'business_case',
          [
            { period: '2019-06', fte: 0.5 },
            { period: '2019-07', fte: 0.5 },
          ],
        ],
        [
          'Web developer',
          'business_case',
          [
            { period: '2019-06', fte: 1.5 },
            { period: '2019-07', fte: 1.5 },
            { period: '2019-08', fte: 1.5 },
          ],
        ],
      ],
    )
    const noStart = await t.api(admin, 'POST', `/api/v1/projects/${shared.id}/project-roles/seed`)
    assert.equal(noStart.statusCode, 400)
  })

  it('a skill named twice is needed once, not a 500 (found by the API property test)', async () => {
    const res = await role({
      title: 'Twice skilled',
      skillIds: [skills['Content design'], skills['Content design']],
      months: [{ period: '2019-06', fte: 1 }],
    })
    assert.equal(res.statusCode, 201, res.body)
    assert.deepEqual(
      res.json<{ skills: { skillId: number }[] }>().skills.map((s) => s.skillId),
      [skills['Content design']],
    )
    // Taken away again, so the sums the later tests check are the ones they set up.
    const made = res.json<Json>()
    const gone = await t.api(admin, 'DELETE', `/api/v1/project-roles/${made.id}?version=${made.version}`)
    assert.equal(gone.statusCode, 204, gone.body)
  })

  it('a role may need more than one person, edits are versioned, and bad months are field errors', async () => {
    const created = await role({
      title: 'User researcher',
      team: 'Research',
      skillIds: [skills['User research']],
      months: [
        { period: '2019-06', fte: 2 },
        { period: '2019-07', fte: 1 },
      ],
    })
    assert.equal(created.statusCode, 201, created.body)
    const r = created.json<Json>()
    const bad = await t.api(admin, 'PATCH', `/api/v1/project-roles/${r.id}`, {
      version: r.version,
      months: [{ period: '2019-13', fte: 1 }],
    })
    assert.equal(bad.statusCode, 400)
    assert.match(bad.json<ErrorJson>().fields.months ?? '', /month like/)
    const ok = await t.api(admin, 'PATCH', `/api/v1/project-roles/${r.id}`, {
      version: r.version,
      team: 'Insight',
    })
    assert.equal(ok.statusCode, 200, ok.body)
    const stale = await t.api(admin, 'PATCH', `/api/v1/project-roles/${r.id}`, {
      version: r.version,
      team: 'X',
    })
    assert.equal(stale.statusCode, 409)
    const dup = await role({ title: 'user researcher' })
    assert.equal(dup.statusCode, 400)
    assert.match(dup.json<ErrorJson>().fields.title ?? '', /already has a role/)
  })

  it('allocations: FTE per person-month 0–1, within the role’s months, not after leaving; over capacity is flagged', async () => {
    const r = (
      await role({
        title: 'Delivery manager',
        skillIds: [skills['Accessibility testing']],
        months: [
          { period: '2019-06', fte: 1 },
          { period: '2019-07', fte: 1 },
          { period: '2019-08', fte: 1 },
        ],
      })
    ).json<Json>()
    const ana = await person('Ana Part-time', { startsOn: '2019-01-01', fte: 0.6 })
    const over = await t.api(admin, 'POST', '/api/v1/allocations', {
      roleId: r.id,
      personId: ana.id,
      months: [
        { period: '2019-06', fte: 0.8 },
        { period: '2019-07', fte: 0.5 },
      ],
    })
    assert.equal(over.statusCode, 201, over.body)
    assert.deepEqual(over.json<Json>().overAllocatedMonths, ['2019-06'])

    const tooMuch = await t.api(admin, 'POST', '/api/v1/allocations', {
      roleId: r.id,
      personId: ana.id,
      months: [{ period: '2019-06', fte: 1.2 }],
    })
    assert.equal(tooMuch.statusCode, 400)
    assert.match(tooMuch.json<ErrorJson>().fields.months ?? '', /1 or less/)
    const outside = await t.api(admin, 'POST', '/api/v1/allocations', {
      roleId: r.id,
      personId: ana.id,
      months: [{ period: '2019-09', fte: 0.2 }],
    })
    assert.equal(outside.statusCode, 400)
    assert.match(outside.json<ErrorJson>().fields.months ?? '', /needs no one in September 2019/)

    const leaver = await person('Lee Leaver', { startsOn: '2018-01-01', endsOn: '2019-06-30', fte: 1 })
    const gone = await t.api(admin, 'POST', '/api/v1/allocations', {
      roleId: r.id,
      personId: leaver.id,
      months: [
        { period: '2019-06', fte: 0.5 },
        { period: '2019-07', fte: 0.5 },
      ],
    })
    assert.equal(gone.statusCode, 400)
    assert.match(gone.json<ErrorJson>().fields.personId ?? '', /left on 2019-06-30/)
    // A leaving date recorded in the register counts even while a post holding is still open.
    const recorded = await person('Rita Recorded', { startsOn: '2018-01-01', fte: 1 })
    await t.database.db
      .updateTable('people')
      .set({ left_on: '2019-06-30' })
      .where('id', '=', recorded.id)
      .execute()
    const recordedGone = await t.api(admin, 'POST', '/api/v1/allocations', {
      roleId: r.id,
      personId: recorded.id,
      months: [{ period: '2019-07', fte: 0.5 }],
    })
    assert.equal(recordedGone.statusCode, 400, recordedGone.body)
    assert.match(recordedGone.json<ErrorJson>().fields.personId ?? '', /left on 2019-06-30/)
    const before = await t.api(admin, 'GET', `/api/v1/allocations?roleId=${r.id}`)
    assert.equal(before.json<{ items: Json[] }>().items.length, 1, 'nothing half-written')

    const a = over.json<Json>()
    const edited = await t.api(admin, 'PATCH', `/api/v1/allocations/${a.id}`, {
      version: a.version,
      months: [{ period: '2019-06', fte: 0.6 }],
    })
    assert.equal(edited.statusCode, 200, edited.body)
    assert.deepEqual(edited.json<Json>().overAllocatedMonths, [])
    const stale = await t.api(admin, 'PATCH', `/api/v1/allocations/${a.id}`, {
      version: a.version,
      months: [],
    })
    assert.equal(stale.statusCode, 409)
  })

  it('the capacity API sums demand, allocation and capacity (secondments counted) and names the gaps', async () => {
    const r = (
      await role({
        title: 'Data analyst',
        team: 'Insight',
        months: [
          { period: '2020-04', fte: 1 },
          { period: '2020-05', fte: 1 },
        ],
      })
    ).json<Json>()
    const sam = await person('Sam Seconded', { startsOn: '2019-01-01', fte: 1 })
    const sec = await t.api(admin, 'POST', '/api/v1/secondments', {
      personId: sam.id,
      direction: 'out',
      fromTeam: 'Digital',
      fromOrganisation: '',
      toTeam: 'Covid response',
      toOrganisation: '',
      startsOn: '2020-04-01',
      endsOn: '2020-04-30',
      reason: 'Covid-19 response',
      fte: 1,
    })
    assert.equal(sec.statusCode, 201, sec.body)
    await t.api(admin, 'POST', '/api/v1/allocations', {
      roleId: r.id,
      personId: sam.id,
      months: [
        { period: '2020-04', fte: 1 },
        { period: '2020-05', fte: 1 },
      ],
    })
    const res = await t.api(admin, 'GET', '/api/v1/capacity?from=2020-04&to=2020-05&by=team')
    assert.equal(res.statusCode, 200, res.body + t.logLines.join('\n'))
    const c = res.json<Capacity>()
    assert.deepEqual(c.months, ['2020-04', '2020-05'])
    const insight = c.groups.find((g) => g.name === 'Insight')!
    assert.deepEqual(
      insight.cells.map((x) => [x.demand, x.allocated]),
      [
        [1, 1],
        [1, 1],
      ],
    )
    assert.deepEqual(
      c.overAllocated
        .filter((o) => o.name === 'Sam Seconded')
        .map((o) => [o.period, o.allocated, o.available]),
      [['2020-04', 1, 0]],
    )
    const wideRes = await t.api(admin, 'GET', '/api/v1/capacity?from=2019-06&to=2019-08')
    assert.equal(wideRes.statusCode, 200, wideRes.body + t.logLines.join('\n'))
    const wide = wideRes.json<Capacity>()
    assert.ok(wide.unfilled.some((u) => u.title === 'Web developer' && u.months === 3 && u.gap === 4.5))
    assert.deepEqual(wide.skillsNobodyHolds, ['Accessibility testing', 'User research'])
    const bad = await t.api(admin, 'GET', '/api/v1/capacity?from=2019-06&to=2023-06')
    assert.equal(bad.statusCode, 400)
    assert.match(bad.json<ErrorJson>().fields.to ?? '', /at most 36 months/)
  })

  it('a remembered report answers again only until something changes: a new allocation or secondment shows at once', async () => {
    const read = async () => {
      const res = await t.api(admin, 'GET', '/api/v1/capacity?from=2021-01&to=2021-01&by=team')
      assert.equal(res.statusCode, 200, res.body)
      return res.json<Capacity>()
    }
    const r = (
      await role({ title: 'Remembered tester', team: 'Remembered', months: [{ period: '2021-01', fte: 1 }] })
    ).json<Json>()
    const cell = (c: Capacity) => c.groups.find((g) => g.name === 'Remembered')?.cells[0]
    assert.deepEqual([cell(await read())?.demand, cell(await read())?.allocated], [1, 0])
    const kim = await person('Kim Remembered', { startsOn: '2020-01-01', fte: 1 })
    const added = await t.api(admin, 'POST', '/api/v1/allocations', {
      roleId: r.id,
      personId: kim.id,
      months: [{ period: '2021-01', fte: 1 }],
    })
    assert.equal(added.statusCode, 201, added.body)
    assert.equal(cell(await read())?.allocated, 1, 'the allocation shows on the next read')
    const before = (await read()).overAllocated.filter((o) => o.name === 'Kim Remembered')
    assert.deepEqual(before, [])
    const sec = await t.api(admin, 'POST', '/api/v1/secondments', {
      personId: kim.id,
      direction: 'out',
      fromTeam: 'Remembered',
      fromOrganisation: '',
      toTeam: 'Elsewhere',
      toOrganisation: '',
      startsOn: '2021-01-01',
      endsOn: '2021-01-31',
      reason: 'Cover',
      fte: 1,
    })
    assert.equal(sec.statusCode, 201, sec.body)
    assert.deepEqual(
      (await read()).overAllocated.filter((o) => o.name === 'Kim Remembered').map((o) => o.available),
      [0],
      'the secondment shows on the next read',
    )
  })

  it('roles: anyone signed in reads; only resourcing writers write; another organisation sees nothing', async () => {
    const viewer = await t.tokenFor(t.orgs.a.users.viewer)
    assert.equal((await t.api(viewer, 'GET', '/api/v1/capacity')).statusCode, 200)
    const roles = (await t.api(viewer, 'GET', `/api/v1/project-roles?projectId=${project.id}`)).json<{
      items: Json[]
    }>()
    assert.ok(roles.items.length > 0)
    const denied = await t.api(viewer, 'POST', '/api/v1/project-roles', { projectId: project.id, title: 'X' })
    assert.equal(denied.statusCode, 403)
    const pm = await t.tokenFor(t.orgs.a.users.programme_manager)
    assert.equal(
      (await t.api(pm, 'POST', '/api/v1/project-roles', { projectId: project.id, title: 'Tester' }))
        .statusCode,
      201,
    )
    const other = await t.tokenFor(t.orgs.b.users.administrator)
    const id = roles.items[0]!.id
    assert.equal((await t.api(other, 'GET', `/api/v1/project-roles/${id}`)).statusCode, 404)
    const foreign = await t.api(other, 'POST', '/api/v1/project-roles', { projectId: project.id, title: 'X' })
    assert.equal(foreign.statusCode, 400)
    assert.equal(
      (await t.api(other, 'GET', `/api/v1/project-roles?projectId=${project.id}`)).json<{ items: Json[] }>()
        .items.length,
      0,
    )
    const allocs = (await t.api(admin, 'GET', '/api/v1/allocations')).json<{ items: Json[] }>().items
    assert.equal((await t.api(other, 'GET', `/api/v1/allocations/${allocs[0]!.id}`)).statusCode, 404)
    assert.equal(
      (await t.api(other, 'GET', '/api/v1/capacity?from=2019-06&to=2019-08')).json<Capacity>().unfilled
        .length,
      0,
    )
  })

  it('a partner officer sees the shared project’s roles and their own staff’s allocations, no other partner’s', async () => {
    const r = (
      await t.api(admin, 'POST', '/api/v1/project-roles', {
        projectId: shared.id,
        title: 'Web developer',
        months: [{ period: '2021-01', fte: 1 }],
      })
    ).json<Json>()
    const pat = await person('Pat Partner', undefined, partnerA)
    const council = await person('Cal Council')
    for (const p of [pat, council])
      assert.equal(
        (
          await t.api(admin, 'POST', '/api/v1/allocations', {
            roleId: r.id,
            personId: p.id,
            months: [{ period: '2021-01', fte: 0.5 }],
          })
        ).statusCode,
        201,
      )
    const officer = await t.tokenFor(t.orgs.a.users.partner_officer)
    const roles = (await t.api(officer, 'GET', '/api/v1/project-roles')).json<{ items: Json[] }>().items
    assert.deepEqual(
      roles.map((x) => x.projectReference),
      ['NG-02'],
    )
    const allocs = (await t.api(officer, 'GET', '/api/v1/allocations')).json<{ items: Json[] }>().items
    assert.deepEqual(
      allocs.map((a) => a.personName),
      ['Pat Partner'],
    )
    assert.equal(
      (await t.api(officer, 'GET', `/api/v1/project-roles/${roles.length ? 999999 : 0}`)).statusCode,
      404,
    )
    // Another partner's officer sees neither the project's roles nor the allocations.
    await t.partner(t.orgs.a, 'Other partner', t.orgs.a.users.scrutiny_member)
    await t.database.db
      .updateTable('memberships')
      .set({ role: 'partner_officer' })
      .where('user_id', '=', t.orgs.a.users.scrutiny_member.id)
      .execute()
    const otherOfficer = await t.tokenFor(t.orgs.a.users.scrutiny_member)
    assert.equal((await t.api(otherOfficer, 'GET', `/api/v1/project-roles/${r.id}`)).statusCode, 404)
    assert.equal(
      (await t.api(otherOfficer, 'GET', '/api/v1/allocations')).json<{ items: Json[] }>().items.length,
      0,
    )
  })

  it('removing a role needs its current version, and takes its allocations with it', async () => {
    const r = (
      await t.api(admin, 'POST', '/api/v1/project-roles', {
        projectId: project.id,
        title: 'Short-lived',
        months: [{ period: '2022-01', fte: 1 }],
      })
    ).json<Json>()
    const p = await person('Rae Removed')
    const a = (
      await t.api(admin, 'POST', '/api/v1/allocations', {
        roleId: r.id,
        personId: p.id,
        months: [{ period: '2022-01', fte: 1 }],
      })
    ).json<Json>()
    assert.equal((await t.api(admin, 'DELETE', `/api/v1/project-roles/${r.id}`)).statusCode, 400)
    assert.equal((await t.api(admin, 'DELETE', `/api/v1/project-roles/${r.id}?version=9`)).statusCode, 409)
    assert.equal(
      (await t.api(admin, 'DELETE', `/api/v1/project-roles/${r.id}?version=${r.version}`)).statusCode,
      204,
    )
    assert.equal((await t.api(admin, 'GET', `/api/v1/allocations/${a.id}`)).statusCode, 404)
  })
})
