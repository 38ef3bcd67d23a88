import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import { projectRoot } from '../../src/paths.ts'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

type Counts = { created: number; updated: number; unchanged: number }
interface ImportJson {
  id: number
  status: string
  failureReason: string
  headings: string[]
  rowsRead: number
  rowsGood: number
  rowsBad: number
  changes: Record<'programmes' | 'projects' | 'milestones' | 'ratings' | 'gates', Counts> | null
  problems: Array<{ kind: string; line: number; reason: string }>
}

const ROOT = projectRoot()
const GMPP_2022 = '/work/shared/data/gmpp-2022.csv'
const fixture = (name: string) => readFileSync(path.join(ROOT, 'test/fixtures/portfolio', name))

// Issue 13, "Bring the existing portfolio in": programmes, projects, milestones and latest ratings from a
// portfolio file through the one import pipeline — the GMPP annual data as published, other years' layouts and
// encodings, and a council's own file — with every row accounted for and a second import changing nothing.
describe(`importing the portfolio (${dialectName()})`, () => {
  let t: TestApp
  let admin: string
  let adminB: string

  const upload = async (token: string, body: Buffer | string, fileName: string, expect = 201) => {
    const res = await t.app.inject({
      method: 'POST',
      url: `/api/v1/portfolio-imports?fileName=${encodeURIComponent(fileName)}`,
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/octet-stream',
        accept: 'application/json',
      },
      payload: body,
    })
    assert.equal(res.statusCode, expect, res.body)
    return res.json<ImportJson>()
  }
  const commit = async (token: string, id: number, goodOnly = false, expect = 200) => {
    const res = await t.api(token, 'POST', `/api/v1/portfolio-imports/${id}/commit`, { goodOnly })
    assert.equal(res.statusCode, expect, res.body)
    return res.json<ImportJson>()
  }
  const projectsOf = (orgId: number) =>
    t.database.db
      .selectFrom('projects')
      .select(['id', 'reference', 'name', 'stage', 'baseline_start', 'baseline_end'])
      .where('organisation_id', '=', orgId)
      .orderBy('reference')
      .execute()
  const auditCount = async (orgId: number) =>
    Number(
      (
        await t.database.db
          .selectFrom('audit_events')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('organisation_id', '=', orgId)
          .executeTakeFirstOrThrow()
      ).n,
    )

  before(async () => {
    t = await buildTestApp()
    admin = await t.tokenFor(t.orgs.a.users.administrator)
    adminB = await t.tokenFor(t.orgs.b.users.administrator)
  })
  after(() => t.close())

  it('imports the GMPP 2022 annual data as published, every row accounted for, and a second import changes nothing', async () => {
    const org = t.orgs.b.id
    const checked = await upload(adminB, readFileSync(GMPP_2022), 'gmpp-2022.csv')
    assert.equal(checked.status, 'validated', checked.failureReason)
    assert.equal(checked.rowsRead, 235)
    assert.equal(checked.rowsGood, 235)
    assert.equal(checked.rowsBad, 0)
    assert.deepEqual(checked.changes?.projects, { created: 235, updated: 0, unchanged: 0 })
    assert.deepEqual(checked.changes?.programmes, { created: 18, updated: 0, unchanged: 0 })
    // 221 rows carry a rating (the IPA's, or the SRO's where the IPA gave none); the rest are exempt or blank.
    assert.deepEqual(checked.changes?.ratings, { created: 221, updated: 0, unchanged: 0 })
    assert.equal((await projectsOf(org)).length, 0, 'the check and its preview write nothing')

    const done = await commit(adminB, checked.id)
    assert.equal(done.status, 'committed')
    const projects = await projectsOf(org)
    assert.equal(projects.length, 235)
    const sub = projects.find((p) => p.reference === 'MOD_0135_2122-Q1')!
    assert.equal(sub.name, 'Submarine Dismantling Project')
    assert.equal(sub.baseline_start, '2013-03-29')
    assert.equal(sub.baseline_end, '2026-12-31')
    const figures = await t.database.db
      .selectFrom('project_portfolio_figures')
      .selectAll()
      .where('project_id', '=', sub.id)
      .executeTakeFirstOrThrow()
    // "£33.73" and "£278" in £ millions, to the penny.
    assert.equal(Number(figures.budget_pence), 3_373_000_000)
    assert.equal(Number(figures.whole_life_cost_pence), 27_800_000_000)
    assert.equal(figures.rating_text, 'Amber')
    assert.equal(figures.period, '2022-03')
    const reports = await t.database.db
      .selectFrom('status_reports')
      .select(['rating', 'period'])
      .where('project_id', '=', sub.id)
      .execute()
    assert.deepEqual(reports, [{ rating: 'amber', period: '2022-03' }])
    // An exemption is kept as written, and no rating is invented for it.
    const exempt = await t.database.db
      .selectFrom('project_portfolio_figures')
      .select(['rating_text', 'notes'])
      .where('organisation_id', '=', org)
      .where('rating_text', 'like', 'Exempt under Section 26%')
      .execute()
    assert.equal(exempt.length, 2)
    // The £ sign of the ISO-8859-1 file comes through in the narrative text.
    const described = await t.database.db
      .selectFrom('projects')
      .select('description')
      .where('organisation_id', '=', org)
      .where('reference', '=', 'MOJ_0050_2021-Q1')
      .executeTakeFirstOrThrow()
    assert.match(described.description, /£2\.5bn/)

    const events = await auditCount(org)
    const again = await upload(adminB, readFileSync(GMPP_2022), 'gmpp-2022.csv')
    assert.equal(again.rowsGood, 235)
    for (const type of ['programmes', 'projects', 'ratings'] as const)
      assert.equal(again.changes?.[type].created, 0, type)
    assert.deepEqual(again.changes?.projects, { created: 0, updated: 0, unchanged: 235 })
    assert.deepEqual(again.changes?.ratings, { created: 0, updated: 0, unchanged: 221 })
    await commit(adminB, again.id)
    assert.equal((await projectsOf(org)).length, 235)
    // Only the import's own commit is recorded: no record was written again.
    assert.equal(await auditCount(org), events + 1)
  })

  it('reads another year in Windows-1252 with £ signs, maps off-scale ratings keeping their text, and reports each bad row by line', async () => {
    const org = t.orgs.a.id
    const checked = await upload(admin, fixture('gmpp-2019-windows-1252.csv'), 'gmpp-2019.csv')
    assert.equal(checked.status, 'validated', checked.failureReason)
    assert.equal(checked.rowsRead, 7)
    assert.equal(checked.rowsGood, 4)
    assert.equal(checked.rowsBad, 3)
    const bad = checked.problems.filter((p) => p.kind === 'bad').map((p) => [p.line, p.reason])
    assert.deepEqual(bad, [
      [6, 'Project MOD_0005 has no name'],
      [7, 'Budget "£12.3.4" is not an amount in £ millions, like 12.3 or £12.3m'],
      [8, 'Start date: “31/02/2020” is not a real date: there is no day 31 in that month'],
    ])
    const notes = checked.problems.filter((p) => p.kind === 'note')
    assert.deepEqual(
      notes.map((p) => p.line),
      [5],
    )
    // With bad rows nothing is imported unless the good rows are chosen.
    await commit(admin, checked.id, false, 409)
    assert.equal((await projectsOf(org)).length, 0)
    await commit(admin, checked.id, true)
    const projects = await projectsOf(org)
    assert.deepEqual(
      projects.map((p) => p.reference),
      ['DFT_0001', 'DFT_0002', 'HO_0003', 'MOD_0004'],
    )
    assert.equal(projects[0]!.name, 'High Speed 2 – Phase 2a')
    const figures = await t.database.db
      .selectFrom('project_portfolio_figures as f')
      .innerJoin('projects as p', 'p.id', 'f.project_id')
      .select([
        'p.reference',
        'f.rating_text',
        'f.budget_pence',
        'f.forecast_pence',
        'f.whole_life_cost_pence',
      ])
      .where('f.organisation_id', '=', org)
      .orderBy('p.reference')
      .execute()
    const n = (v: number | null) => (v === null ? null : Number(v))
    assert.deepEqual(
      figures.map((f) => [
        f.reference,
        f.rating_text,
        n(f.budget_pence),
        n(f.forecast_pence),
        n(f.whole_life_cost_pence),
      ]),
      [
        ['DFT_0001', 'Amber/Red', 123_456_000_000, 124_010_000_000, 1_230_000_000],
        ['DFT_0002', 'Amber-Green', 10_000_000, 12_500_000, 260_700_000_000],
        ['HO_0003', 'Reset', 31_000_000_000, 30_999_000_000, 1_123_840_000_000],
        [
          'MOD_0004',
          'Exempt under Section 26 of the Freedom of Information Act 2000 (Defence)',
          null,
          null,
          600_000_000_000,
        ],
      ],
    )
    const ratings = await t.database.db
      .selectFrom('status_reports as r')
      .innerJoin('projects as p', 'p.id', 'r.project_id')
      .select(['p.reference', 'r.rating', 'r.narrative'])
      .where('r.organisation_id', '=', org)
      .orderBy('p.reference')
      .execute()
    assert.deepEqual(
      ratings.map((r) => [r.reference, r.rating]),
      [
        ['DFT_0001', 'amber_red'],
        ['DFT_0002', 'amber_green'],
      ],
    )
    assert.match(ratings[0]!.narrative, /cost pressure of £40m – see the annex/)
  })
})
