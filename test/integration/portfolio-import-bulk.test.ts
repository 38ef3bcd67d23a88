import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { KyselyPlugin, OperationNode } from 'kysely'
import { generatePortfolio } from '../../bench/portfolio-import.ts'
import type { Actor } from '../../src/auth/actor.ts'
import { verifyAuditChain } from '../../src/modules/audit/audit.service.ts'
import { createDecisionsService } from '../../src/modules/decisions/decisions.service.ts'
import { createGatesService } from '../../src/modules/gates/gates.service.ts'
import {
  createPortfolioImportService,
  summaryOf,
  type PortfolioImportService,
} from '../../src/modules/portfolio-import/portfolio-import.service.ts'
import { buildTestApp, type TestApp } from '../helpers/build-app.ts'
import { dialectName } from '../helpers/database.ts'

// Issue 13, "Portfolio import of 5,000 projects with 50,000 milestones: ≤ 5 s": the commit writes in bulk
// (multi-row inserts, the audit events chained together) instead of a handful of statements per record,
// and still records an event for every record it creates, on a chain that verifies.
describe(`importing a large portfolio (${dialectName()})`, () => {
  let t: TestApp
  let imports: PortfolioImportService
  let actor: Actor
  let statements = 0
  let firstStatements = 0
  /** The tables written (inserted into, updated, deleted from) since the last reset. */
  let written = new Set<string>()
  const dir = mkdtempSync(path.join(tmpdir(), 'oversight-portfolio-bulk-'))
  const file = path.join(dir, 'portfolio.csv')
  const PROJECTS = 300
  const MILESTONES = 3000

  const count = async (table: 'projects' | 'milestones' | 'audit_events', entityType?: string) => {
    let q = t.database.db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('organisation_id', '=', actor.organisationId)
    if (entityType) q = q.where('entity_type' as never, '=', entityType as never)
    return Number((await q.executeTakeFirstOrThrow()).n)
  }
  const importFile = async () => {
    const stored = await imports.storeFile(actor.organisationId, file, 'portfolio.csv')
    written = new Set()
    const checked = await imports.begin(actor, { ...stored, fileName: 'portfolio.csv' }, { columns: {} })
    assert.equal(checked.status, 'validated', checked.failure_reason)
    const checkWrote = [...written].filter((table) => !table.startsWith('portfolio_import'))
    const staged = await t.database.db
      .selectFrom('portfolio_import_rows')
      .select('row_json')
      .where('import_id', '=', checked.id)
      .execute()
    const stagedProjects = staged.filter((r) => 'programme' in (JSON.parse(r.row_json) as object)).length
    statements = 0
    const done = await imports.commit(actor, checked.id, false)
    assert.equal(done.status, 'committed')
    // What the check's preview said is what the commit did.
    assert.deepEqual(summaryOf(checked), summaryOf(done))
    return { statements, checkWrote, staged: staged.length, stagedProjects, summary: summaryOf(done)! }
  }

  before(async () => {
    t = await buildTestApp()
    // Every statement the import service sends, counted.
    const counter: KyselyPlugin = {
      transformQuery: (args) => {
        statements++
        const node = args.node as OperationNode & {
          into?: { table: { identifier: { name: string } } }
          table?: { table: { identifier: { name: string } } }
          from?: { froms: Array<{ table?: { identifier: { name: string } } }> }
        }
        if (node.kind === 'InsertQueryNode') written.add(node.into!.table.identifier.name)
        if (node.kind === 'UpdateQueryNode') written.add(node.table!.table.identifier.name)
        if (node.kind === 'DeleteQueryNode')
          for (const f of node.from!.froms) if (f.table) written.add(f.table.identifier.name)
        return args.node
      },
      transformResult: (args) => Promise.resolve(args.result),
    }
    const db = t.database.db.withPlugin(counter)
    imports = createPortfolioImportService(db, {
      uploadLimitMb: 50,
      gates: createGatesService(db, createDecisionsService(db)),
    })
    const admin = t.orgs.a.users.administrator
    actor = {
      userId: admin.id,
      name: admin.name,
      email: admin.email,
      role: 'administrator',
      organisationId: t.orgs.a.id,
      organisationName: t.orgs.a.name,
      organisationSlug: t.orgs.a.slug,
      partnerId: null,
      ratingScale: 'ipa5',
      isDemo: false,
      via: 'session',
      sessionId: null,
    }
    await generatePortfolio(file, PROJECTS, MILESTONES / PROJECTS)
  })
  after(async () => {
    rmSync(dir, { recursive: true, force: true })
    await t.close()
  })

  it('commits in bulk, with an audit event for every record created, on a chain that verifies', async () => {
    const first = await importFile()
    firstStatements = first.statements
    assert.deepEqual(first.summary.projects, { created: PROJECTS, updated: 0, unchanged: 0 })
    assert.deepEqual(first.summary.milestones, { created: MILESTONES, updated: 0, unchanged: 0 })
    assert.equal(await count('projects'), PROJECTS)
    assert.equal(await count('milestones'), MILESTONES)
    assert.equal(await count('audit_events', 'project'), PROJECTS)
    assert.equal(await count('audit_events', 'milestone'), MILESTONES)
    assert.equal(await count('audit_events', 'status_report'), first.summary.ratings.created)
    // The check previews the commit by counting what it would write, not by writing it and rolling it back
    // (the whole import written twice); it writes only the import's own records (staged rows, problems), and
    // the gates area its default lifecycle on a first look (rolled back with the preview).
    assert.deepEqual(
      first.checkWrote.filter((table) => table !== 'lifecycle_gates'),
      [],
    )
    // Every good row is staged, but a project's columns only once: its later rows stage only their milestone.
    assert.equal(first.staged, MILESTONES)
    assert.equal(first.stagedProjects, PROJECTS)
    // Record by record this took several statements per milestone; in bulk, a few per batch (the gates area
    // still records each gate passed before Oversight on its own path).
    assert.ok(
      first.statements < MILESTONES,
      `the commit sent ${first.statements} statements for ${MILESTONES} milestones`,
    )
    assert.deepEqual((await verifyAuditChain(t.database.db)).problems, [])
  })

  it('records the gates passed before Oversight in bulk: each a published decision linked both ways', async () => {
    const db = t.database.db
    const org = actor.organisationId
    const passes = await db
      .selectFrom('project_gates as pg')
      .innerJoin('decisions as d', 'd.id', 'pg.decision_id')
      .select([
        'pg.id',
        'pg.project_id',
        'pg.decision_id',
        'pg.status',
        'd.kind',
        'd.status as decisionStatus',
      ])
      .where('pg.organisation_id', '=', org)
      .execute()
    assert.ok(passes.length > 0)
    assert.equal(await count('audit_events', 'project_gate'), passes.length)
    assert.equal(await count('audit_events', 'decision'), passes.length)
    const links = await db
      .selectFrom('decision_links')
      .select(['decision_id', 'record_type', 'record_id'])
      .where('organisation_id', '=', org)
      .execute()
    const has = (d: number, type: string, id: number) =>
      links.some((l) => l.decision_id === d && l.record_type === type && l.record_id === id)
    for (const p of passes) {
      assert.equal(p.status, 'before_oversight')
      assert.equal(p.kind, 'gate_before_oversight')
      assert.equal(p.decisionStatus, 'published')
      assert.ok(has(p.decision_id!, 'project', p.project_id), `decision ${p.decision_id} names its project`)
      assert.ok(has(p.decision_id!, 'gate', p.id), `decision ${p.decision_id} names its gate record`)
    }
    // A handful of statements per batch, not a dozen per gate passed.
    assert.ok(firstStatements < passes.length, `the commit sent ${firstStatements} statements`)
  })

  it('changes nothing when the same file is imported again', async () => {
    const events = await count('audit_events')
    const again = await importFile()
    for (const type of ['programmes', 'projects', 'milestones', 'ratings', 'gates'] as const) {
      assert.equal(again.summary[type].created, 0, type)
      assert.equal(again.summary[type].updated, 0, type)
    }
    assert.equal(again.summary.milestones.unchanged, MILESTONES)
    assert.equal(await count('projects'), PROJECTS)
    assert.equal(await count('milestones'), MILESTONES)
    // Only the import's own record of its commit.
    assert.equal(await count('audit_events'), events + 1)
    assert.deepEqual((await verifyAuditChain(t.database.db)).problems, [])
  })
})
