import type { Kysely } from 'kysely'
import { scopeOf, type Actor, type Scope } from '../../auth/actor.ts'
import type { DB, Project, StatusReport } from '../../db/schema.ts'
import type { RatingScaleId } from '../../domain/dca.ts'
import { currentPeriod } from '../../domain/periods.ts'
import { ConflictError, notFound, ValidationError } from '../../errors.ts'
import { insertAudited, updateVersioned } from '../audit/versioned-update.ts'
import { createStatusReportsRepository, type StatusReportFilter } from './status-reports.repository.ts'
import {
  duplicatePeriodMessage,
  statusReportView,
  toStatusReportInput,
  validateStatusReport,
  type StatusReportInput,
  type StatusReportView,
} from './status-reports.rules.ts'
import { wholeOrganisation } from '../../auth/visibility.ts'

/** What this area needs from the projects area: a project, found within the reader's scope. */
export interface ProjectLookup {
  get(scope: Scope, id: number): Promise<Project | undefined>
}

function toRow(input: StatusReportInput) {
  return {
    period: input.period,
    rating: input.rating,
    narrative: input.narrative.trim(),
    achievements: input.achievements.trim(),
    next_steps: input.nextSteps.trim(),
    key_issues: input.keyIssues.trim(),
  }
}

/** The unique index (project, period) is the last word when two people submit the same month at once. */
function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE'
}

export function createStatusReportsService(db: Kysely<DB>, projects: ProjectLookup) {
  const repo = createStatusReportsRepository(db)

  function check(input: StatusReportInput, scale: RatingScaleId, keepRating?: string) {
    const errors = validateStatusReport(input, { scale, currentPeriod: currentPeriod(), keepRating })
    if (Object.keys(errors).length > 0) throw new ValidationError(errors)
  }

  async function guardDuplicate<T>(period: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write()
    } catch (err) {
      if (isUniqueViolation(err)) throw new ValidationError({ period: duplicatePeriodMessage(period) })
      throw err
    }
  }

  return {
    /** Every report of the project, newest period first: the full history is kept, never overwritten. */
    async listForProject(
      scope: Scope,
      projectId: number,
      scale: RatingScaleId = 'ipa5',
    ): Promise<StatusReportView[]> {
      return (await repo.list(scope, { projectId, limit: 10_000 })).map((r) => statusReportView(r, scale))
    },

    list: (scope: Scope, filter: StatusReportFilter) => repo.list(scope, filter),
    get: (scope: Scope, id: number) => repo.get(scope, id),
    /** The project's report for a period, if there is one (to point people at it rather than duplicate it). */
    forPeriod: (scope: Scope, projectId: number, period: string) => repo.forPeriod(scope, projectId, period),

    async create(actor: Actor, projectId: number, input: StatusReportInput): Promise<StatusReport> {
      const project = await projects.get(scopeOf(actor), projectId)
      if (!project) throw notFound('Project')
      check(input, actor.ratingScale)
      return guardDuplicate(input.period, () =>
        db.transaction().execute(async (trx) => {
          const whole = wholeOrganisation(actor.organisationId)
          if (await repo.forPeriod(whole, project.id, input.period, trx))
            throw new ValidationError({ period: duplicatePeriodMessage(input.period) })
          return insertAudited(trx, {
            table: 'status_reports',
            entityType: 'status_report',
            actor,
            values: {
              ...toRow(input),
              project_id: project.id,
              reported_by: actor.userId,
              reported_by_name: actor.name,
              reported_at: new Date().toISOString(),
            },
          })
        }),
      )
    },

    /** Applies a change made against `version`; a stale version writes nothing and raises ConflictError. */
    async update(
      actor: Actor,
      id: number,
      version: number,
      patch: Partial<StatusReportInput>,
    ): Promise<StatusReport> {
      const period = patch.period
      return guardDuplicate(period ?? '', () =>
        db.transaction().execute(async (trx) => {
          const current = await repo.get(scopeOf(actor), id, trx)
          if (!current) throw notFound('Status report')
          if (current.version !== version) throw new ConflictError(current)
          const merged: StatusReportInput = { ...toStatusReportInput(current), ...patch }
          check(merged, actor.ratingScale, current.rating)
          if (merged.period !== current.period) {
            const whole = wholeOrganisation(actor.organisationId)
            if (await repo.forPeriod(whole, current.project_id, merged.period, trx))
              throw new ValidationError({ period: duplicatePeriodMessage(merged.period) })
          }
          const at = new Date().toISOString()
          // The DCA records who made the assessment and when: whoever changes the rating becomes its assessor.
          // Other edits keep the original reporter; the change history shows who made them.
          const reassessed =
            merged.rating !== current.rating
              ? { reported_by: actor.userId, reported_by_name: actor.name, reported_at: at }
              : {}
          return updateVersioned(trx, {
            table: 'status_reports',
            entityType: 'status_report',
            actor,
            current,
            version,
            changes: { ...toRow(merged), ...reassessed },
          })
        }),
      )
    },
  }
}

export type StatusReportsService = ReturnType<typeof createStatusReportsService>
