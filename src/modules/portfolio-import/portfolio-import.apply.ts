/**
 * Writing a checked portfolio file, inside the caller's ONE transaction: programmes matched by name or
 * reference (or created), projects by their code, milestones by their reference within the project, the
 * latest rating as the status report of its period, and what the return said of the project as written.
 * Importing the same file again finds everything as it is and changes nothing. The same writer answers the
 * preview: run in a transaction that is rolled back, it counts what the commit would do.
 */
import type { Transaction } from 'kysely'
import type { Actor } from '../../auth/actor.ts'
import type { DB, Milestone } from '../../db/schema.ts'
import { currentPeriod } from '../../domain/periods.ts'
import { insertAudited, updateVersioned } from '../audit/versioned-update.ts'
import { stagesOnTheWay } from '../projects/projects.rules.ts'
import type { GatePassBeforeOversight } from '../projects/projects.rules.ts'
import { DEFAULT_STAGE, type PortfolioRow } from './portfolio-import.rows.ts'

/** What the gates area does for an import: the gates on the way to a stage, and recording one as passed. */
export interface ImportGates {
  gatesGuarding(
    trx: Transaction<DB>,
    organisationId: number,
    stages: string[],
  ): Promise<Array<{ id: number; name: string }>>
  passBeforeOversight(
    trx: Transaction<DB>,
    actor: Actor,
    projectId: number,
    pass: GatePassBeforeOversight,
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

export function createApplier(
  trx: Transaction<DB>,
  actor: Actor,
  gates: ImportGates,
  importId: number | null,
) {
  const org = actor.organisationId
  const summary = emptySummary()
  const programmes = new Map<string, number>()
  const projects = new Map<string, number>()
  let loaded = false
  const now = () => new Date().toISOString()

  async function load() {
    for (const p of await trx
      .selectFrom('programmes')
      .select(['id', 'name', 'reference'])
      .where('organisation_id', '=', org)
      .execute()) {
      programmes.set(p.name.toLowerCase(), p.id)
      programmes.set(`#${p.reference.toLowerCase()}`, p.id)
    }
    loaded = true
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
    const created = await insertAudited(trx, {
      table: 'programmes',
      entityType: 'programme',
      actor,
      values: {
        reference,
        name: n,
        purpose: '',
        sro: '',
        portfolio_holder: '',
        start_date: null,
        end_date: null,
        status: 'active',
      },
    })
    summary.programmes.created++
    programmes.set(n.toLowerCase(), created.id)
    programmes.set(`#${reference.toLowerCase()}`, created.id)
    seenProgrammes.add(created.id)
    return created.id
  }
  const seenProgrammes = new Set<number>()

  async function project(row: PortfolioRow): Promise<number> {
    const programme_id = await programmeId(row.programme)
    const current = await trx
      .selectFrom('projects')
      .selectAll()
      .where('organisation_id', '=', org)
      .where('reference', '=', row.code)
      .executeTakeFirst()
    const wanted = {
      name: row.name,
      programme_id,
      description: row.description,
      baseline_start: row.start,
      baseline_end: row.end,
    }
    if (current) {
      const changes = changesOf(current, wanted)
      if (Object.keys(changes).length === 0) summary.projects.unchanged++
      else {
        await updateVersioned(trx, {
          table: 'projects',
          entityType: 'project',
          actor,
          current,
          version: current.version,
          changes,
        })
        summary.projects.updated++
      }
      return current.id
    }
    const stage = row.stage || DEFAULT_STAGE
    const created = await insertAudited(trx, {
      table: 'projects',
      entityType: 'project',
      actor,
      values: {
        ...wanted,
        reference: row.code,
        project_manager: '',
        sponsor: '',
        stage,
        forecast_start: null,
        forecast_end: null,
        actual_start: null,
        actual_end: null,
      },
    })
    summary.projects.created++
    // Work already under way has passed each gate on the way to its stage before the council used Oversight:
    // recorded on the gates area's own path (a published decision, "Passed before Oversight"), not overridden.
    for (const gate of await gates.gatesGuarding(trx, org, stagesOnTheWay('idea', stage))) {
      await gates.passBeforeOversight(trx, actor, created.id, {
        gateId: gate.id,
        approvedBy: null,
        approvedOn: null,
      })
      summary.gates.created++
    }
    return created.id
  }

  async function rating(projectId: number, row: PortfolioRow) {
    if (!row.rating?.rating) return
    const period = row.period && row.period <= currentPeriod() ? row.period : currentPeriod()
    const narrative =
      row.ratingComment ||
      `Delivery confidence ${row.rating.text}, imported from the portfolio return${row.period ? ` for ${row.period}` : ''}.`
    const current = await trx
      .selectFrom('status_reports')
      .selectAll()
      .where('organisation_id', '=', org)
      .where('project_id', '=', projectId)
      .where('period', '=', period)
      .executeTakeFirst()
    if (current) {
      const changes = changesOf(current, { rating: row.rating.rating, narrative })
      if (Object.keys(changes).length === 0) summary.ratings.unchanged++
      else {
        await updateVersioned(trx, {
          table: 'status_reports',
          entityType: 'status_report',
          actor,
          current,
          version: current.version,
          changes,
        })
        summary.ratings.updated++
      }
      return
    }
    await insertAudited(trx, {
      table: 'status_reports',
      entityType: 'status_report',
      actor,
      values: {
        project_id: projectId,
        period,
        rating: row.rating.rating,
        narrative,
        achievements: '',
        next_steps: '',
        key_issues: '',
        reported_by: actor.userId,
        reported_by_name: actor.name,
        reported_at: now(),
      },
    })
    summary.ratings.created++
  }

  async function figures(projectId: number, row: PortfolioRow) {
    const wanted = {
      period: row.period,
      rating_text: row.rating?.text ?? '',
      whole_life_cost_pence: row.wholeLifeCostPence,
      budget_pence: row.budgetPence,
      forecast_pence: row.forecastPence,
      notes: row.notes.join('\n'),
    }
    const current = await trx
      .selectFrom('project_portfolio_figures')
      .selectAll()
      .where('project_id', '=', projectId)
      .executeTakeFirst()
    if (!current)
      await trx
        .insertInto('project_portfolio_figures')
        .values({
          ...wanted,
          organisation_id: org,
          project_id: projectId,
          import_id: importId,
          updated_at: now(),
        })
        .execute()
    else if (Object.keys(changesOf(current, wanted)).length > 0)
      await trx
        .updateTable('project_portfolio_figures')
        .set({ ...wanted, import_id: importId, updated_at: now() })
        .where('id', '=', current.id)
        .execute()
  }

  /** A project's milestones by reference, read once when the project is first met (none for a new one). */
  const milestonesOf = new Map<number, Map<string, Milestone>>()
  async function loadMilestones(projectId: number, isNew: boolean) {
    const rows = isNew
      ? []
      : await trx
          .selectFrom('milestones')
          .selectAll()
          .where('organisation_id', '=', org)
          .where('project_id', '=', projectId)
          .where('reference', '!=', '')
          .execute()
    milestonesOf.set(projectId, new Map(rows.map((r) => [r.reference, r])))
  }

  async function milestone(projectId: number, m: NonNullable<PortfolioRow['milestone']>) {
    const held = milestonesOf.get(projectId)!
    const current = held.get(m.reference)
    const wanted = {
      name: m.name,
      baseline_date: m.baseline,
      forecast_date: m.forecast,
      actual_date: m.actual,
    }
    if (current) {
      const changes = changesOf(current, wanted)
      if (Object.keys(changes).length === 0) summary.milestones.unchanged++
      else {
        await updateVersioned(trx, {
          table: 'milestones',
          entityType: 'milestone',
          actor,
          current,
          version: current.version,
          changes: m.actual && current.status !== 'complete' ? { ...changes, status: 'complete' } : changes,
        })
        summary.milestones.updated++
      }
      return
    }
    const created = await insertAudited(trx, {
      table: 'milestones',
      entityType: 'milestone',
      actor,
      values: {
        ...wanted,
        project_id: projectId,
        reference: m.reference,
        description: '',
        status: m.actual ? 'complete' : 'not_started',
        is_key: 0,
      },
    })
    held.set(m.reference, created)
    summary.milestones.created++
  }

  return {
    summary,
    /** One staged row: its project (the first row for a code) and its milestone, if it has one. */
    async apply(row: PortfolioRow): Promise<void> {
      if (!loaded) await load()
      let id = projects.get(row.code)
      if (id === undefined) {
        const before = summary.projects.created
        id = await project(row)
        projects.set(row.code, id)
        await loadMilestones(id, summary.projects.created > before)
        await rating(id, row)
        await figures(id, row)
      }
      if (row.milestone) await milestone(id, row.milestone)
    },
  }
}
