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
  it("reads a council's own semicolon file with milestones, records the gates on the way as passed before Oversight, and updates by reference", async () => {
    const token = await t.tokenFor(t.orgs.a.users.programme_manager)
    const file = fixture('council-portfolio-semicolon.csv')
    const checked = await upload(token, file, 'portfolio.csv')
    assert.equal(checked.status, 'validated', checked.failureReason)
    assert.equal(checked.headings[0], 'Programme', 'the byte order mark is not part of the first heading')
    assert.deepEqual(
      checked.problems.filter((p) => p.kind === 'bad').map((p) => p.line),
      [5, 6, 8],
    )
    assert.match(checked.problems[0]!.reason, /HD-02 is given twice in the file \(first on line 4\)/)
    assert.match(checked.problems[1]!.reason, /Milestone M1 of project HD-01 is given twice/)
    assert.match(checked.problems[2]!.reason, /Stage "Launched" is not one of/)
    assert.equal(checked.changes?.projects.created, 3)
    assert.equal(checked.changes?.milestones.created, 3)
    await commit(token, checked.id, true)
    const hd01 = await t.database.db
      .selectFrom('projects')
      .select(['id', 'stage'])
      .where('organisation_id', '=', t.orgs.a.id)
      .where('reference', '=', 'HD-01')
      .executeTakeFirstOrThrow()
    assert.equal(hd01.stage, 'delivery')
    const milestones = await t.database.db
      .selectFrom('milestones')
      .select(['reference', 'name', 'forecast_date', 'actual_date', 'status'])
      .where('project_id', '=', hd01.id)
      .orderBy('reference')
      .execute()
    assert.deepEqual(milestones, [
      {
        reference: 'M1',
        name: 'Planning consent',
        forecast_date: '2025-05-30',
        actual_date: '2025-06-02',
        status: 'complete',
      },
      {
        reference: 'M2',
        name: 'Start on site',
        forecast_date: '2025-11-03',
        actual_date: null,
        status: 'not_started',
      },
    ])
    // Each gate on the way to delivery was passed before the council used Oversight: its path, not an override.
    const gates = await t.database.db
      .selectFrom('project_gates')
      .select(['status'])
      .where('project_id', '=', hd01.id)
      .execute()
    assert.ok(gates.length > 0)
    assert.ok(gates.every((g) => g.status === 'before_oversight'))
    const decisions = await t.database.db
      .selectFrom('decisions')
      .select(['reasons'])
      .where('organisation_id', '=', t.orgs.a.id)
      .where('kind', '=', 'gate_before_oversight')
      .execute()
    assert.ok(decisions.length >= gates.length)
    assert.ok(decisions.every((d) => d.reasons === 'Passed before Oversight'))

    // The same file with one milestone's forecast moved: that milestone is updated, nothing else.
    const moved = file.toString('utf8').replace('2025-11-03', '2025-12-01')
    const again = await upload(token, moved, 'portfolio.csv')
    assert.deepEqual(again.changes?.milestones, { created: 0, updated: 1, unchanged: 2 })
    assert.deepEqual(again.changes?.projects, { created: 0, updated: 0, unchanged: 3 })
    assert.deepEqual(again.changes?.gates, { created: 0, updated: 0, unchanged: 0 })
    await commit(token, again.id, true)
    const m2 = await t.database.db
      .selectFrom('milestones')
      .select(['forecast_date', 'version'])
      .where('project_id', '=', hd01.id)
      .where('reference', '=', 'M2')
      .executeTakeFirstOrThrow()
    assert.deepEqual(m2, { forecast_date: '2025-12-01', version: 2 })
  })

  it('refuses a workbook with merged heading cells, an empty sheet and a file with no portfolio headings, with reasons', async () => {
    const merged = await upload(admin, fixture('merged-headings.xlsx'), 'merged.xlsx')
    assert.equal(merged.status, 'failed')
    assert.match(
      merged.failureReason,
      /Column 3 of the heading row \(line 1\) has no heading, so its cells may be merged/,
    )
    const empty = await upload(admin, fixture('empty-sheet.xlsx'), 'empty.xlsx')
    assert.equal(empty.status, 'failed')
    assert.match(empty.failureReason, /The file is empty/)
    const other = await upload(admin, 'Date,Amount\n2025-01-01,12.00\n', 'payments.csv')
    assert.equal(other.status, 'failed')
    assert.match(other.failureReason, /no headings for the project code and name/)
    const none = await upload(admin, 'Project code,Project name\n', 'headings-only.csv')
    assert.equal(none.status, 'failed')
    assert.equal(none.failureReason, 'The file has headings but no rows under them')
    // A failed import has nothing to commit.
    await commit(admin, merged.id, true, 409)
  })

  it('is for the programme office of the organisation only', async () => {
    const csv = 'Project code,Project name\nX-1,Something\n'
    const pm = await t.tokenFor(t.orgs.a.users.project_manager)
    await upload(pm, csv, 'x.csv', 403)
    const viewer = await t.tokenFor(t.orgs.a.users.viewer)
    await upload(viewer, csv, 'x.csv', 403)
    const mine = await upload(admin, csv, 'x.csv')
    // Another organisation's administrator cannot read or commit it.
    const read = await t.api(adminB, 'GET', `/api/v1/portfolio-imports/${mine.id}`)
    assert.equal(read.statusCode, 404)
    await commit(adminB, mine.id, false, 404)
    const list = await t.api(adminB, 'GET', '/api/v1/portfolio-imports')
    assert.ok(!list.json<{ items: ImportJson[] }>().items.some((i) => i.id === mine.id))
    assert.equal(
      (await t.database.db.selectFrom('projects').select('id').where('reference', '=', 'X-1').execute())
        .length,
      0,
    )
  })

  it('is found from the programmes page by those who may import', async () => {
    const link = 'a[href="/imports/portfolio"]'
    const pm = await t.signIn(t.orgs.a.users.programme_manager)
    assert.equal((await pm.get('/programmes')).document.querySelectorAll(link).length, 1)
    const viewer = await t.signIn(t.orgs.a.users.viewer)
    assert.equal((await viewer.get('/programmes')).document.querySelectorAll(link).length, 0)
  })
})
