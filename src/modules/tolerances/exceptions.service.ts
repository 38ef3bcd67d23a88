import type { Kysely, Transaction } from 'kysely'
import { auditActorOf, scopeOf, type Actor, type AuditActor } from '../../auth/actor.ts'
import type { DB } from '../../db/schema.ts'
import { formatDate, todayInLondon } from '../../domain/dates.ts'
import { ConflictError, HttpError, notFound, ValidationError } from '../../errors.ts'
import type { Mailer } from '../../mail/mailer.ts'
import { recordAudit } from '../audit/audit.service.ts'
import { updateVersioned } from '../audit/versioned-update.ts'
import type { NotificationsService } from '../notifications/notifications.service.ts'
import type { createTolerancesRepository, ExceptionRow } from './tolerances.repository.ts'
import {
  effectiveTolerances,
  exceptionOutcomeLabel,
  MANUAL_KINDS,
  toleranceKindLabel,
  validateExceptionDecision,
  validateExceptionReport,
  validateManualException,
  type Breach,
  type ExceptionDecisionInput,
  type ExceptionReportInput,
  type Fact,
  type ManualExceptionInput,
  type ToleranceKind,
} from './tolerances.rules.ts'
import { toToleranceInput, type ExceptionDecisionRecorder } from './tolerances.service.ts'

type ProjectRef = {
  id: number
  programme_id: number
  reference: string
  name: string
  project_manager: string
  project_manager_person_id: number | null
}

/**
 * What happens once an exception is raised (PRINCE2): the project manager writes the exception report,
 * the board decides (recorded in the decision log in the same transaction), and a report not written in
 * time escalates. Scope and benefits breaches, which no figure can show, are raised here by hand.
 */
export function createExceptionWorkflow(deps: {
  db: Kysely<DB>
  notifications: NotificationsService
  mailer: Mailer
  decisions?: ExceptionDecisionRecorder
  repo: ReturnType<typeof createTolerancesRepository>
  raise: (
    trx: Transaction<DB>,
    by: AuditActor,
    organisationId: number,
    project: ProjectRef,
    breach: Breach,
    source: 'forecast' | 'manual',
    reportWorkingDays: number,
  ) => Promise<number>
  whoMustKnow: (
    trx: Transaction<DB>,
    organisationId: number,
    project: { programme_id: number; project_manager: string; project_manager_person_id: number | null },
  ) => Promise<number[]>
}) {
  const { db, notifications, mailer, repo, raise, whoMustKnow } = deps

  async function exceptionForUpdate(trx: Transaction<DB>, actor: Actor, id: number, version: number) {
    const current = await repo.getException(scopeOf(actor), id, trx)
    if (!current) throw notFound('Exception')
    if (current.version !== version) throw new ConflictError(current)
    return current
  }
  return {
    /** Scope and benefits breaches are judged by people: the project manager raises them by hand. */
    async raiseManual(actor: Actor, project: ProjectRef, input: ManualExceptionInput): Promise<number> {
      const errors = validateManualException(input)
      if (Object.keys(errors).length > 0) throw new ValidationError(errors)
      const kind = input.kind as ToleranceKind
      const id = await db.transaction().execute(async (trx) => {
        const rows = await repo.settingsFor(trx, actor.organisationId, project.programme_id)
        const t = effectiveTolerances(
          toToleranceInput(rows.find((r) => r.project_id === null)),
          toToleranceInput(rows.find((r) => r.project_id === project.id)),
        )
        const note = kind === 'scope' ? t.scopeNote : kind === 'benefits' ? t.benefitsNote : ''
        const facts: Fact[] = [
          ...(MANUAL_KINDS.includes(kind) && note
            ? [{ label: `${toleranceKindLabel(kind)} tolerance`, value: note }]
            : []),
          { label: 'Raised by', value: actor.name },
        ]
        return raise(
          trx,
          auditActorOf(actor),
          actor.organisationId,
          project,
          { kind, summary: input.summary.trim(), facts },
          'manual',
          t.reportWorkingDays,
        )
      })
      mailer.flushSoon()
      return id
    },

    /** The project manager's exception report: cause, impact, options and recommendation. */
    async writeReport(
      actor: Actor,
      id: number,
      version: number,
      input: ExceptionReportInput,
    ): Promise<ExceptionRow> {
      const result = await db.transaction().execute(async (trx) => {
        // Found first: another organisation's exception is not found, whatever the body says.
        const current = await exceptionForUpdate(trx, actor, id, version)
        const errors = validateExceptionReport(input)
        if (Object.keys(errors).length > 0) throw new ValidationError(errors)
        if (current.status === 'decided')
          throw new HttpError(409, 'The board has decided this exception; its report can no longer change', {
            status: 'The board has already decided this exception',
          })
        const at = new Date().toISOString()
        await updateVersioned(trx, {
          table: 'tolerance_exceptions',
          entityType: 'exception',
          action: 'report',
          actor,
          current,
          version,
          changes: {
            cause: input.cause.trim(),
            impact: input.impact.trim(),
            options: input.options.trim(),
            recommendation: input.recommendation.trim(),
            status: 'reported',
            reported_at: current.reported_at ?? at,
            reported_by: actor.name,
          },
        })
        const after = (await repo.getException(scopeOf(actor), id, trx))!
        return after
      })
      return result
    },

    /** The board's decision, recorded in the decision log and against the exception, in one transaction. */
    async decide(
      actor: Actor,
      id: number,
      version: number,
      input: ExceptionDecisionInput,
    ): Promise<ExceptionRow> {
      const result = await db.transaction().execute(async (trx) => {
        const current = await exceptionForUpdate(trx, actor, id, version)
        const errors = validateExceptionDecision(input)
        if (Object.keys(errors).length > 0) throw new ValidationError(errors)
        if (current.status !== 'reported')
          throw new HttpError(
            409,
            current.status === 'decided'
              ? 'The board has already decided this exception'
              : 'The exception report must be written before the board can decide',
            {
              outcome: current.status === 'decided' ? 'Already decided' : 'Write the exception report first',
            },
          )
        const decidedOn = input.decidedOn ?? todayInLondon()
        const outcome = exceptionOutcomeLabel(input.outcome)
        const decision = deps.decisions
          ? await deps.decisions.recordExceptionDecision(trx, actor, {
              exceptionId: id,
              projectId: current.project_id,
              title: `${current.project_reference}: ${toleranceKindLabel(current.kind)} exception – ${outcome}`,
              decisionText: outcome,
              reasons: input.reasons.trim(),
              optionsConsidered: current.options,
              decidedOn,
            })
          : null
        await updateVersioned(trx, {
          table: 'tolerance_exceptions',
          entityType: 'exception',
          action: 'decide',
          actor,
          current,
          version,
          changes: {
            status: 'decided',
            outcome: input.outcome,
            outcome_reasons: input.reasons.trim(),
            decision_id: decision?.id ?? null,
            decided_at: decidedOn,
            decided_by: actor.name,
          },
        })
        const after = (await repo.getException(scopeOf(actor), id, trx))!
        return after
      })
      return result
    },

    /**
     * An exception report not written by its due date (working days) escalates: the programme manager,
     * Portfolio Holder and board are told again, as an escalation, once.
     */
    async escalateOverdue(today: string = todayInLondon()): Promise<number> {
      const overdue = await db
        .selectFrom('tolerance_exceptions as e')
        .innerJoin('projects as p', 'p.id', 'e.project_id')
        .select([
          'e.id',
          'e.organisation_id',
          'e.kind',
          'e.report_due',
          'p.programme_id',
          'p.reference',
          'p.name',
          'p.project_manager',
          'p.project_manager_person_id',
        ])
        .where('e.status', '=', 'raised')
        .where('e.escalated_at', 'is', null)
        .where('e.report_due', '<', today)
        .execute()
      for (const e of overdue) {
        await db.transaction().execute(async (trx) => {
          const at = new Date().toISOString()
          // Not updateVersioned, and the version stays: escalation is the scheduler's mark, no one's edit, and a
          // report or decision being written on the exception meanwhile must still save. Audited as 'escalate'.
          const r = await trx
            .updateTable('tolerance_exceptions')
            .set({ escalated_at: at, updated_at: at })
            .where('id', '=', e.id)
            .where('escalated_at', 'is', null)
            .executeTakeFirst()
          if (Number(r.numUpdatedRows) !== 1) return
          await recordAudit(trx, {
            organisationId: e.organisation_id,
            actor: { userId: null, label: 'Scheduled escalation' },
            action: 'escalate',
            entityType: 'exception',
            entityId: e.id,
            after: { escalated_at: at },
          })
          const title = `Escalation: exception report overdue for ${e.reference} ${e.name}`
          await notifications.notify(trx, {
            organisationId: e.organisation_id,
            userIds: await whoMustKnow(trx, e.organisation_id, e),
            kind: 'escalation',
            title,
            body: `The ${toleranceKindLabel(e.kind).toLowerCase()} exception report was due by ${formatDate(e.report_due)} and has not been written.`,
            url: `/exceptions/${e.id}`,
            mail: {
              heading: title,
              paragraphs: [
                `The exception report was due by ${formatDate(e.report_due)} and has not been written. The board cannot decide without it.`,
              ],
              link: { text: 'Open the exception', url: `/exceptions/${e.id}` },
            },
          })
        })
      }
      if (overdue.length > 0) mailer.flushSoon()
      return overdue.length
    },
  }
}
