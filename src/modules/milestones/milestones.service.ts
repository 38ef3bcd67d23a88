import type { Kysely } from 'kysely'
import { scopeOf, type Actor, type Scope } from '../../auth/actor.ts'
import type { DB, Milestone, Project } from '../../db/schema.ts'
import { todayInLondon } from '../../domain/dates.ts'
import { ConflictError, notFound, ValidationError } from '../../errors.ts'
import { insertAudited, updateVersioned } from '../audit/versioned-update.ts'
import type { ProjectChangeListener } from '../projects/projects.service.ts'
import { createMilestonesRepository } from './milestones.repository.ts'
import {
  daysBehindBaseline,
  hasSlipped,
  milestoneView,
  toMilestoneInput,
  validateMilestone,
  type MilestoneInput,
  type MilestoneView,
} from './milestones.rules.ts'

/** What this area needs from the projects area: a project, found within the reader's scope. */
export interface ProjectLookup {
  get(scope: Scope, id: number): Promise<Project | undefined>
}

export interface SlippedMilestone extends MilestoneView {
  projectReference: string
  projectName: string
  /** Days behind baseline now; a late milestone is at least as far behind as today is after its baseline. */
  daysBehindBaseline: number
}

/** A milestone in an organisation-wide list, with its project's reference and name. */
export type MilestoneListRow = MilestoneView & { project_reference: string; project_name: string }

export interface MilestoneListFilter {
  projectId?: number
  status?: string
  late?: boolean
  offset?: number
  limit?: number
}

function toRow(input: MilestoneInput) {
  return {
    name: input.name.trim(),
    description: input.description.trim(),
    baseline_date: input.baselineDate,
    forecast_date: input.forecastDate,
    actual_date: input.actualDate,
    status: input.status,
    is_key: input.isKey ? 1 : 0,
  }
}

export function createMilestonesService(
  db: Kysely<DB>,
  projects: ProjectLookup,
  listeners: readonly ProjectChangeListener[] = [],
) {
  const repo = createMilestonesRepository(db)

  function check(input: MilestoneInput, today: string) {
    const errors = validateMilestone(input, today)
    if (Object.keys(errors).length > 0) throw new ValidationError(errors)
  }

  return {
    async listForProject(scope: Scope, projectId: number): Promise<MilestoneView[]> {
      const today = todayInLondon()
      return (await repo.forProject(scope, projectId)).map((m) => milestoneView(m, today))
    },

    /** Every milestone of the programme's projects the reader may see, by project then baseline date. */
    async forProgramme(scope: Scope, programmeId: number): Promise<Milestone[]> {
      return repo.forProgramme(scope, programmeId)
    },

    async list(scope: Scope, filter: MilestoneListFilter): Promise<MilestoneListRow[]> {
      const today = todayInLondon()
      return (await repo.list(scope, { ...filter, today })).map((m) => ({
        ...milestoneView(m, today),
        project_reference: m.project_reference,
        project_name: m.project_name,
      }))
    },

    async get(scope: Scope, id: number): Promise<MilestoneView | undefined> {
      const m = await repo.get(scope, id)
      return m && milestoneView(m, todayInLondon())
    },

    /**
     * Open milestones across the organisation that are late or forecast after baseline, most slipped first.
     * They are ranked on their dates alone; only the `limit` shown are then read in full, with their projects.
     */
    async slipped(scope: Scope, opts: { limit?: number } = {}): Promise<SlippedMilestone[]> {
      const today = todayInLondon()
      const ranked = (await repo.slippedCandidates(scope, today))
        .map((dates) => milestoneView(dates, today))
        .filter(hasSlipped)
        .map((view) => ({ id: view.id, days: daysBehindBaseline(view, today) }))
        .sort((a, b) => b.days - a.days || a.id - b.id)
        .slice(0, opts.limit ?? 10)
      if (ranked.length === 0) return []
      const rows = await repo.list(scope, { ids: ranked.map((r) => r.id), today, limit: ranked.length })
      const byId = new Map(rows.map((row) => [row.id, row]))
      // A milestone deleted between the two reads is left out; one changed between them is shown as it now is.
      return ranked.flatMap(({ id }) => {
        const row = byId.get(id)
        if (!row) return []
        const { project_reference, project_name, ...m } = row
        const view = milestoneView(m, today)
        return [
          {
            ...view,
            projectReference: project_reference,
            projectName: project_name,
            daysBehindBaseline: daysBehindBaseline(view, today),
          },
        ]
      })
    },

    async create(actor: Actor, projectId: number, input: MilestoneInput): Promise<Milestone> {
      const project = await projects.get(scopeOf(actor), projectId)
      if (!project) throw notFound('Project')
      check(input, todayInLondon())
      return db.transaction().execute(async (trx) => {
        const created = await insertAudited(trx, {
          table: 'milestones',
          entityType: 'milestone',
          actor,
          values: { ...toRow(input), project_id: project.id },
        })
        // A key milestone's forecast is measured against the time tolerance as soon as it is saved.
        for (const l of listeners) await l.projectChanged(trx, actor, project.id)
        return created
      })
    },

    /** Applies a change made against `version`; a stale version writes nothing and raises ConflictError. */
    async update(
      actor: Actor,
      id: number,
      version: number,
      patch: Partial<MilestoneInput>,
    ): Promise<Milestone> {
      return db.transaction().execute(async (trx) => {
        const current = await repo.get(scopeOf(actor), id, trx)
        if (!current) throw notFound('Milestone')
        if (current.version !== version) throw new ConflictError(current)
        const merged: MilestoneInput = { ...toMilestoneInput(current), ...patch }
        check(merged, todayInLondon())
        const updated = await updateVersioned(trx, {
          table: 'milestones',
          entityType: 'milestone',
          actor,
          current,
          version,
          changes: toRow(merged),
        })
        for (const l of listeners) await l.projectChanged(trx, actor, updated.project_id)
        return updated
      })
    },
  }
}

export type MilestonesService = ReturnType<typeof createMilestonesService>
