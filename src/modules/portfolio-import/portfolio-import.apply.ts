/**
 * Writing a checked portfolio file, inside the caller's ONE transaction: programmes matched by name or
 * reference (or created), projects by their code, milestones by their reference within the project, the
 * latest rating as the status report of its period, and what the return said of the project as written.
 * Importing the same file again finds everything as it is and changes nothing. The same applier answers the
 * check's preview: it reads what is held and decides each record as the commit would (create, update or leave
 * it), but counts the decisions instead of writing them — a new record gets a stand-in id (negative, so never
 * a held record's) for the rows after it that refer to it. Writing the whole import and rolling it back cost
 * as much as the commit itself (issue 13).
 *
 * Written a batch of staged rows at a time, for speed at portfolio scale (issue 13: 5,000 projects with
 * 50,000 milestones in seconds): what is already held is read once (programmes and projects for the whole
 * import, a batch's milestones, ratings and figures in one query each), new records go in with multi-row
 * inserts, and their audit events join the chain together (AuditQueue). A changed record is still updated
 * on the one versioned path, with its own event.
 */
import type { Selectable, Transaction } from 'kysely'
import type { Actor } from '../../auth/actor.ts'
import type { DB, Milestone, Project, StatusReport } from '../../db/schema.ts'
import { insertSlices } from '../../db/multi-row.ts'
import { currentPeriod } from '../../domain/periods.ts'
import { AuditQueue, insertAudited, insertManyAudited, updateVersioned } from '../audit/versioned-update.ts'
import { stagesOnTheWay } from '../projects/projects.rules.ts'
import type { GatePassBeforeOversight } from '../projects/projects.rules.ts'
import { isFirstRow, type StagedRow } from './portfolio-import.check.ts'
import { DEFAULT_STAGE, type PortfolioRow } from './portfolio-import.rows.ts'

/** What the gates area does for an import: the gates on the way to a stage, and recording one as passed. */
export interface ImportGates {
  gatesGuarding(
    trx: Transaction<DB>,
    organisationId: number,
    stages: string[],
  ): Promise<Array<{ id: number; name: string }>>
  passBeforeOversightMany(
    trx: Transaction<DB>,
    actor: Actor,
    audit: AuditQueue,
    passes: Array<{ projectId: number; pass: GatePassBeforeOversight }>,
  ): Promise<void>
}

export type ChangeCounts = { created: number; updated: number; unchanged: number }
export const RECORD_TYPES = ['programmes', 'projects', 'milestones', 'ratings', 'gates'] as const
export type ImportSummary = Record<(typeof RECORD_TYPES)[number], ChangeCounts>

export function emptySummary(): ImportSummary {
  const s = {} as ImportSummary
  for (const t of RECORD_TYPES) s[t] = { created: 0, updated: 0, unchanged: 0 }
  return s
}

/** The programme for projects whose row names none. */
const NO_PROGRAMME = 'Imported projects'

const refOf = (name: string) =>
  name
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 26) || 'IMPORTED'

/** Changed fields only: a re-import that finds the record as it is writes nothing and records no event. */
function changesOf<T extends Record<string, unknown>>(current: T, wanted: Partial<T>): Partial<T> {
  const out: Partial<T> = {}
  for (const [k, v] of Object.entries(wanted) as Array<[keyof T, T[keyof T]]>)
    if ((current[k] ?? null) !== (v ?? null)) out[k] = v
  return out
}

/** Ids per `in (...)` list: far inside both dialects' bound-parameter limits. */
const IDS_PER_QUERY = 1000

export function createApplier(
  trx: Transaction<DB>,
  actor: Actor,
  gates: ImportGates,
  importId: number | null,
  /** The check's preview: every decision counted, nothing written (run it in a transaction rolled back). */
  preview = false,
) {
  const org = actor.organisationId
  const summary = emptySummary()
  const audit = new AuditQueue(trx, actor)
  let standInId = 0
  /** The records the preview would create, each with a stand-in id. */
  const counted = <V>(values: V[]) => values.map((v) => ({ ...v, id: --standInId }))
  /** A changed record, on the one versioned path with its own event; the preview only counts it. */
  async function update(opts: Parameters<typeof updateVersioned>[1]): Promise<void> {
    if (!preview) await updateVersioned(trx, opts)
  }
  const programmes = new Map<string, number>()
  const seenProgrammes = new Set<number>()
  /** The organisation's projects as they were before this import, by reference: read once. */
  let heldProjects: Map<string, Project> | null = null
  /** Each project met in the file so far: its code → id. */
  const met = new Map<string, number>()
  /** The milestones of projects that were already held, by reference (a new project has none). */
  const heldMilestones = new Map<number, Map<string, Milestone>>()
  /** The gates on the way to each stage: one lifecycle lookup per stage, not per project. */
  const gatesTo = new Map<string, Array<{ id: number; name: string }>>()
  const now = () => new Date().toISOString()

  async function load(): Promise<Map<string, Project>> {
    for (const p of await trx
      .selectFrom('programmes')
      .select(['id', 'name', 'reference'])
      .where('organisation_id', '=', org)
      .execute()) {
      programmes.set(p.name.toLowerCase(), p.id)
      programmes.set(`#${p.reference.toLowerCase()}`, p.id)
    }
    const rows = await trx.selectFrom('projects').selectAll().where('organisation_id', '=', org).execute()
    return new Map(rows.map((p) => [p.reference, p]))
  }

  /** Rows of `table` for the given projects, read a slice of ids at a time. */
  async function ofProjects<T extends 'milestones' | 'status_reports' | 'project_portfolio_figures'>(
    table: T,
    projectIds: number[],
  ): Promise<Array<Selectable<DB[T]>>> {
    const out: Array<Selectable<DB[T]>> = []
    for (let i = 0; i < projectIds.length; i += IDS_PER_QUERY) {
      // The three tables share the columns read here; the narrow view lets one query serve them.
      const rows = await trx
        .selectFrom(table as 'milestones')
        .selectAll()
        .where('organisation_id', '=', org)
        .where('project_id', 'in', projectIds.slice(i, i + IDS_PER_QUERY))
        .execute()
      out.push(...(rows as unknown as Array<Selectable<DB[T]>>))
    }
    return out
  }

  async function programmeId(name: string): Promise<number> {
    const n = name.trim() || NO_PROGRAMME
    const found = programmes.get(n.toLowerCase()) ?? programmes.get(`#${n.toLowerCase()}`)
    if (found !== undefined) {
      if (!seenProgrammes.has(found)) summary.programmes.unchanged++
      seenProgrammes.add(found)
      return found
    }
    let reference = refOf(n)
    for (let i = 2; programmes.has(`#${reference.toLowerCase()}`); i++) reference = `${refOf(n)}-${i}`
    const values = {
      reference,
      name: n,
      purpose: '',
      sro: '',
      portfolio_holder: '',
      start_date: null,
      end_date: null,
      status: 'active',
    }
    const created = preview
      ? counted([values])[0]!
      : await insertAudited(trx, { table: 'programmes', entityType: 'programme', actor, values })
    summary.programmes.created++
    programmes.set(n.toLowerCase(), created.id)
    programmes.set(`#${reference.toLowerCase()}`, created.id)
    seenProgrammes.add(created.id)
    return created.id
  }

  /** The projects first met in this batch: held ones updated if the file changes them, new ones created. */
  async function projects(firsts: PortfolioRow[], held: Map<string, Project>) {
    const fresh: Array<{ row: PortfolioRow; programme_id: number }> = []
    for (const row of firsts) {
      const programme_id = await programmeId(row.programme)
      const current = held.get(row.code)
      if (!current) {
        fresh.push({ row, programme_id })
        continue
      }
      met.set(row.code, current.id)
      const changes = changesOf(current, wantedProject(row, programme_id))
      if (Object.keys(changes).length === 0) summary.projects.unchanged++
      else {
        await update({
          table: 'projects',
          entityType: 'project',
          actor,
          current,
          version: current.version,
          changes,
        })
        summary.projects.updated++
      }
    }
    const heldIds = firsts.flatMap((r) => {
      const p = held.get(r.code)
      return p ? [p.id] : []
    })
    for (const m of await ofProjects('milestones', heldIds)) {
      if (m.reference === '') continue
      let byRef = heldMilestones.get(m.project_id)
      if (!byRef) heldMilestones.set(m.project_id, (byRef = new Map<string, Milestone>()))
      byRef.set(m.reference, m)
    }
    const values = fresh.map(({ row, programme_id }) => ({
      ...wantedProject(row, programme_id),
      reference: row.code,
      project_manager: '',
      sponsor: '',
      stage: row.stage || DEFAULT_STAGE,
      forecast_start: null,
      forecast_end: null,
      actual_start: null,
      actual_end: null,
    }))
    const created: Array<{ id: number; reference: string; stage: string }> = preview
      ? counted(values)
      : await insertManyAudited(trx, audit, { table: 'projects', entityType: 'project', actor, values })
    for (const p of created) met.set(p.reference, p.id)
    summary.projects.created += created.length
    // Work already under way has passed each gate on the way to its stage before the council used Oversight:
    // recorded on the gates area's own path (a published decision, "Passed before Oversight"), not overridden.
    const passes: Array<{ projectId: number; pass: GatePassBeforeOversight }> = []
    for (const p of created) {
      let on = gatesTo.get(p.stage)
      if (!on)
        gatesTo.set(p.stage, (on = await gates.gatesGuarding(trx, org, stagesOnTheWay('idea', p.stage))))
      for (const gate of on)
        passes.push({ projectId: p.id, pass: { gateId: gate.id, approvedBy: null, approvedOn: null } })
    }
    if (!preview) await gates.passBeforeOversightMany(trx, actor, audit, passes)
    summary.gates.created += passes.length
  }

  async function ratings(firsts: PortfolioRow[], held: Map<string, Project>) {
    const rated = firsts.filter((r) => r.rating?.rating)
    const current = new Map<string, StatusReport>()
    const heldIds = rated.flatMap((r) => {
      const p = held.get(r.code)
      return p ? [p.id] : []
    })
    for (const s of await ofProjects('status_reports', heldIds)) current.set(`${s.project_id} ${s.period}`, s)
    const fresh = []
    for (const row of rated) {
      const rating = { text: row.rating!.text, rating: row.rating!.rating! }
      const project_id = met.get(row.code)!
      const period = row.period && row.period <= currentPeriod() ? row.period : currentPeriod()
      const narrative =
        row.ratingComment ||
        `Delivery confidence ${rating.text}, imported from the portfolio return${row.period ? ` for ${row.period}` : ''}.`
      const report = current.get(`${project_id} ${period}`)
      if (!report) {
        fresh.push({
          project_id,
          period,
          rating: rating.rating,
          narrative,
          achievements: '',
          next_steps: '',
          key_issues: '',
          reported_by: actor.userId,
          reported_by_name: actor.name,
          reported_at: now(),
        })
        continue
      }
      const changes = changesOf(report, { rating: rating.rating, narrative })
      if (Object.keys(changes).length === 0) summary.ratings.unchanged++
      else {
        await update({
          table: 'status_reports',
          entityType: 'status_report',
          actor,
          current: report,
          version: report.version,
          changes,
        })
        summary.ratings.updated++
      }
    }
    if (!preview)
      await insertManyAudited(trx, audit, {
        table: 'status_reports',
        entityType: 'status_report',
        actor,
        values: fresh,
      })
    summary.ratings.created += fresh.length
  }

  /** What the return said of each project as written: not a versioned record, so no event of its own. */
  async function figures(firsts: PortfolioRow[], held: Map<string, Project>) {
    const heldIds = firsts.flatMap((r) => {
      const p = held.get(r.code)
      return p ? [p.id] : []
    })
    const current = new Map(
      (await ofProjects('project_portfolio_figures', heldIds)).map((f) => [f.project_id, f]),
    )
    const fresh = []
    for (const row of firsts) {
      const project_id = met.get(row.code)!
      const wanted = {
        period: row.period,
        rating_text: row.rating?.text ?? '',
        whole_life_cost_pence: row.wholeLifeCostPence,
        budget_pence: row.budgetPence,
        forecast_pence: row.forecastPence,
        notes: row.notes.join('\n'),
      }
      const f = current.get(project_id)
      if (!f)
        fresh.push({ ...wanted, organisation_id: org, project_id, import_id: importId, updated_at: now() })
      else if (Object.keys(changesOf(f, wanted)).length > 0)
        await trx
          .updateTable('project_portfolio_figures')
          .set({ ...wanted, import_id: importId, updated_at: now() })
          .where('id', '=', f.id)
          .execute()
    }
    for (const slice of insertSlices(fresh, 10))
      await trx.insertInto('project_portfolio_figures').values(slice).execute()
  }

  async function milestones(rows: StagedRow[]) {
    const fresh = []
    for (const row of rows) {
      const m = row.milestone
      if (!m) continue
      const project_id = met.get(row.code)!
      const current = heldMilestones.get(project_id)?.get(m.reference)
      const wanted = {
        name: m.name,
        baseline_date: m.baseline,
        forecast_date: m.forecast,
        actual_date: m.actual,
      }
      if (!current) {
        fresh.push({
          ...wanted,
          project_id,
          reference: m.reference,
          description: '',
          status: m.actual ? 'complete' : 'not_started',
          is_key: 0,
        })
        continue
      }
      const changes = changesOf(current, wanted)
      if (Object.keys(changes).length === 0) summary.milestones.unchanged++
      else {
        await update({
          table: 'milestones',
          entityType: 'milestone',
          actor,
          current,
          version: current.version,
          changes: m.actual && current.status !== 'complete' ? { ...changes, status: 'complete' } : changes,
        })
        summary.milestones.updated++
      }
    }
    if (!preview)
      await insertManyAudited(trx, audit, {
        table: 'milestones',
        entityType: 'milestone',
        actor,
        values: fresh,
      })
    summary.milestones.created += fresh.length
  }

  return {
    summary,
    /** A batch of staged rows, in file order: each project on its first row, and each row's milestone. */
    async apply(rows: StagedRow[]): Promise<void> {
      heldProjects ??= await load()
      const firsts = new Map<string, PortfolioRow>()
      for (const r of rows) {
        if (met.has(r.code) || firsts.has(r.code)) continue
        // Staged in file order, a project's first row (the one with its columns) comes before its others.
        if (!isFirstRow(r)) throw new Error(`The staged rows of project ${r.code} are out of order`)
        firsts.set(r.code, r)
      }
      const first = [...firsts.values()]
      await projects(first, heldProjects)
      await ratings(first, heldProjects)
      if (!preview) await figures(first, heldProjects)
      await milestones(rows)
      await audit.flush()
    },
  }
}

function wantedProject(row: PortfolioRow, programme_id: number) {
  return {
    name: row.name,
    programme_id,
    description: row.description,
    baseline_start: row.start,
    baseline_end: row.end,
  }
}
