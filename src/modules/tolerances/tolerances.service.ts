import type { Kysely, Transaction } from 'kysely'
import { auditActorOf, type Actor, type AuditActor, type Scope } from '../../auth/actor.ts'
import type { DB, ToleranceSettings } from '../../db/schema.ts'
import { formatDate, todayInLondon } from '../../domain/dates.ts'
import { ConflictError, ValidationError } from '../../errors.ts'
import type { Mailer } from '../../mail/mailer.ts'
import { recordAudit } from '../audit/audit.service.ts'
import { insertAudited, updateVersioned } from '../audit/versioned-update.ts'
import type { NotificationsService } from '../notifications/notifications.service.ts'
import { createTolerancesRepository, type ExceptionFilter } from './tolerances.repository.ts'
import {
  effectiveTolerances,
  evaluateTolerances,
  MEASURED_KINDS,
  toleranceKindLabel,
  validateTolerances,
  type Breach,
  type Evaluation,
  type Fact,
  type ToleranceInput,
  type Tolerances,
} from './tolerances.rules.ts'
import { addWorkingDays } from '../../domain/working-days.ts'
import type { WorkingCalendarService } from '../organisation/working-calendar.service.ts'
import { createExceptionWorkflow } from './exceptions.service.ts'
import { membersInRoles, projectManagerAccounts } from '../notifications/recipients.ts'

/**
 * The board's decision on an exception is a decision in the decision log (G1's decisions area), recorded
 * inside the same transaction so the exception and its decision are never out of step.
 */
export interface ExceptionDecisionRecorder {
  recordExceptionDecision(
    trx: Transaction<DB>,
    actor: Actor,
    input: {
      exceptionId: number
      projectId: number
      title: string
      decisionText: string
      reasons: string
      optionsConsidered: string
      decidedOn: string
    },
  ): Promise<{ id: number }>
}

export function toToleranceInput(s: ToleranceSettings | undefined): ToleranceInput {
  return {
    timeDays: s?.time_days ?? null,
    costPercent: s?.cost_percent ?? null,
    costPence: s?.cost_pence ?? null,
    scopeNote: s?.scope_note ?? '',
    benefitsNote: s?.benefits_note ?? '',
    riskScore: s?.risk_score ?? null,
    reportWorkingDays: s?.report_working_days ?? null,
  }
}

function toRow(t: ToleranceInput) {
  return {
    time_days: t.timeDays,
    cost_percent: t.costPercent,
    cost_pence: t.costPence,
    scope_note: t.scopeNote.trim(),
    benefits_note: t.benefitsNote.trim(),
    risk_score: t.riskScore,
    report_working_days: t.reportWorkingDays,
  }
}

export interface ExceptionFacts {
  summary: string
  facts: Fact[]
}

export function parseFacts(json: string | null): Fact[] {
  if (!json) return []
  try {
    const v = JSON.parse(json) as { facts?: Fact[] }
    return Array.isArray(v.facts) ? v.facts : []
  } catch {
    return []
  }
}

export function createTolerancesService(deps: {
  db: Kysely<DB>
  notifications: NotificationsService
  mailer: Mailer
  workingCalendar: WorkingCalendarService
  decisions?: ExceptionDecisionRecorder
}) {
  const { db, notifications, mailer } = deps
  const repo = createTolerancesRepository(db)

  /**
   * The project manager (the member whose account the register's person is linked to, or a project manager
   * member of that name), programme managers, the programme's board members and the Portfolio Holder.
   */
  async function whoMustKnow(
    trx: Transaction<DB>,
    organisationId: number,
    project: { programme_id: number; project_manager: string; project_manager_person_id: number | null },
  ): Promise<number[]> {
    const members = await membersInRoles(trx, organisationId, [
      'programme_manager',
      'portfolio_holder',
      'project_manager',
    ])
    const ids = members.filter((m) => m.role !== 'project_manager').map((m) => m.id)
    ids.push(
      ...(await projectManagerAccounts(
        trx,
        organisationId,
        project,
        members.filter((m) => m.role === 'project_manager'),
      )),
    )
    const board = await trx
      .selectFrom('board_members as bm')
      .innerJoin('boards as b', 'b.id', 'bm.board_id')
      .innerJoin('memberships as m', (j) =>
        j.onRef('m.user_id', '=', 'bm.user_id').onRef('m.organisation_id', '=', 'bm.organisation_id'),
      )
      .select('bm.user_id')
      .where('bm.organisation_id', '=', organisationId)
      .where('b.programme_id', '=', project.programme_id)
      .where('m.role', '!=', 'partner_officer')
      .execute()
    for (const b of board) if (b.user_id !== null) ids.push(b.user_id)
    return [...new Set(ids)]
  }

  async function raise(
    trx: Transaction<DB>,
    by: AuditActor,
    organisationId: number,
    project: {
      id: number
      programme_id: number
      reference: string
      name: string
      project_manager: string
      project_manager_person_id: number | null
    },
    breach: Breach,
    source: 'forecast' | 'manual',
    reportWorkingDays: number,
  ): Promise<number> {
    const at = new Date().toISOString()
    const row = await trx
      .insertInto('tolerance_exceptions')
      .values({
        organisation_id: organisationId,
        programme_id: project.programme_id,
        project_id: project.id,
        kind: breach.kind,
        source,
        status: 'raised',
        summary: breach.summary,
        facts_json: JSON.stringify({ summary: breach.summary, facts: breach.facts }),
        raised_at: at,
        raised_by: by.label,
        // Working days of this organisation: its part of the UK's bank holidays and its own closure days.
        report_due: addWorkingDays(
          todayInLondon(),
          reportWorkingDays,
          await deps.workingCalendar.holidaysOf(trx, organisationId),
        ),
        created_at: at,
        updated_at: at,
      })
      .returningAll()
      .executeTakeFirstOrThrow()
    await recordAudit(trx, {
      organisationId,
      actor: by,
      action: 'raise',
      entityType: 'exception',
      entityId: row.id,
      after: row,
    })
    const title = `${toleranceKindLabel(breach.kind)} tolerance exceeded: ${project.reference} ${project.name}`
    await notifications.notify(trx, {
      organisationId,
      userIds: await whoMustKnow(trx, organisationId, project),
      kind: 'exception',
      title,
      body: breach.summary,
      url: `/exceptions/${row.id}`,
      mail: {
        heading: title,
        paragraphs: [
          breach.summary + '.',
          `The project manager must write the exception report by ${formatDate(row.report_due)} (cause, impact, options and recommendation) for the board to decide.`,
        ],
        facts: breach.facts,
        link: { text: 'Open the exception', url: `/exceptions/${row.id}` },
      },
    })
    return row.id
  }

  /**
   * Evaluates projects against their tolerances inside the caller's transaction: a new forecast breach
   * raises an exception with its facts and tells whoever must know; a breach that has cleared is recorded
   * as cleared (its exception stays, with the facts at the time it cleared).
   */
  async function evaluate(
    trx: Transaction<DB>,
    organisationId: number,
    projectIds: number[] | null,
    by: AuditActor,
  ): Promise<{ raised: number[]; cleared: number[] }> {
    const { projects, settings, facts, open } = await repo.loadForEvaluation(trx, organisationId, projectIds)
    const programmeSettings = new Map<number, ToleranceInput>()
    const projectSettings = new Map<number, ToleranceInput>()
    for (const s of settings)
      if (s.project_id === null) programmeSettings.set(s.programme_id, toToleranceInput(s))
      else projectSettings.set(s.project_id, toToleranceInput(s))
    const openByProject = new Map<number, typeof open>()
    for (const e of open) openByProject.set(e.project_id, [...(openByProject.get(e.project_id) ?? []), e])
    const raised: number[] = []
    const cleared: number[] = []
    for (const p of projects) {
      const t = effectiveTolerances(
        programmeSettings.get(p.programme_id) ?? null,
        projectSettings.get(p.id) ?? null,
      )
      const existing = openByProject.get(p.id) ?? []
      if (
        existing.length === 0 &&
        t.timeDays === null &&
        t.costPercent === null &&
        t.costPence === null &&
        t.riskScore === null
      )
        continue
      const { breaches } = evaluateTolerances(t, facts.get(p.id)!)
      for (const kind of MEASURED_KINDS) {
        const breach = breaches.find((b) => b.kind === kind)
        const current = existing.find((e) => e.kind === kind)
        if (breach && !current) {
          raised.push(await raise(trx, by, organisationId, p, breach, 'forecast', t.reportWorkingDays))
        } else if (!breach && current) {
          await updateVersioned(trx, {
            table: 'tolerance_exceptions',
            entityType: 'exception',
            actor: { organisationId, system: by },
            current,
            version: current.version,
            changes: {
              cleared_at: new Date().toISOString(),
              cleared_facts_json: JSON.stringify({
                summary: 'Back within tolerance',
                facts: [{ label: 'Cleared by', value: by.label }],
              }),
            },
            action: 'clear',
          })
          cleared.push(current.id)
        }
      }
    }
    return { raised, cleared }
  }

  async function saveSettings(
    actor: Actor,
    target: { programmeId: number; projectId: number | null },
    version: number | null,
    input: ToleranceInput,
  ): Promise<ToleranceSettings> {
    const errors = validateTolerances(input)
    if (Object.keys(errors).length > 0) throw new ValidationError(errors)
    const saved = await db.transaction().execute(async (trx) => {
      let q = trx
        .selectFrom('tolerance_settings')
        .selectAll()
        .where('organisation_id', '=', actor.organisationId)
        .where('programme_id', '=', target.programmeId)
      q =
        target.projectId === null
          ? q.where('project_id', 'is', null)
          : q.where('project_id', '=', target.projectId)
      const current = await q.executeTakeFirst()
      let row: ToleranceSettings
      if (current) {
        if (version === null) throw new ConflictError(current)
        row = await updateVersioned(trx, {
          table: 'tolerance_settings',
          entityType: 'tolerance_settings',
          actor,
          current,
          version,
          changes: toRow(input),
        })
      } else {
        row = await insertAudited(trx, {
          table: 'tolerance_settings',
          entityType: 'tolerance_settings',
          actor,
          values: { ...toRow(input), programme_id: target.programmeId, project_id: target.projectId },
        })
      }
      // New tolerances apply at once: a project already beyond them is an exception now.
      const ids =
        target.projectId !== null
          ? [target.projectId]
          : (
              await trx
                .selectFrom('projects')
                .select('id')
                .where('organisation_id', '=', actor.organisationId)
                .where('programme_id', '=', target.programmeId)
                .execute()
            ).map((p) => p.id)
      await evaluate(trx, actor.organisationId, ids, auditActorOf(actor))
      return row
    })
    mailer.flushSoon()
    return saved
  }

  return {
    evaluate,
    whoMustKnow,

    /** Called by the projects and milestones services after a save, inside their transaction. */
    async projectChanged(trx: Transaction<DB>, actor: Actor, projectId: number): Promise<void> {
      const r = await evaluate(trx, actor.organisationId, [projectId], auditActorOf(actor))
      if (r.raised.length > 0) setImmediate(() => mailer.flushSoon())
    },

    /** The scheduled sweep over every organisation: catches what no save triggered (for example a new risk). */
    async sweep(): Promise<{ raised: number; cleared: number }> {
      const orgs = await db.selectFrom('organisations').select('id').execute()
      let raised = 0
      let cleared = 0
      for (const o of orgs) {
        const r = await db
          .transaction()
          .execute((trx) => evaluate(trx, o.id, null, { userId: null, label: 'Scheduled tolerance check' }))
        raised += r.raised.length
        cleared += r.cleared.length
      }
      if (raised > 0) mailer.flushSoon()
      return { raised, cleared }
    },

    async programmeSettings(scope: Scope, programmeId: number) {
      const rows = await repo.settingsFor(db, scope.organisationId, programmeId)
      return {
        programme: rows.find((r) => r.project_id === null),
        projects: rows.filter((r) => r.project_id !== null),
      }
    },

    /** A project's own settings, its programme's, the result that applies and what it measures today. */
    async projectTolerances(scope: Scope, project: { id: number; programme_id: number }) {
      const rows = await repo.settingsFor(db, scope.organisationId, project.programme_id)
      const programme = rows.find((r) => r.project_id === null)
      const own = rows.find((r) => r.project_id === project.id)
      const effective: Tolerances = effectiveTolerances(toToleranceInput(programme), toToleranceInput(own))
      const { facts } = await repo.loadForEvaluation(db, scope.organisationId, [project.id])
      const f = facts.get(project.id)
      const evaluation: Evaluation = f ? evaluateTolerances(effective, f) : { breaches: [], notEvaluated: [] }
      return { programme, own, effective, evaluation }
    },

    saveProgrammeTolerances: (
      actor: Actor,
      programmeId: number,
      version: number | null,
      input: ToleranceInput,
    ) => saveSettings(actor, { programmeId, projectId: null }, version, input),

    saveProjectTolerances: (
      actor: Actor,
      project: { id: number; programme_id: number },
      version: number | null,
      input: ToleranceInput,
    ) => saveSettings(actor, { programmeId: project.programme_id, projectId: project.id }, version, input),

    listExceptions: (scope: Scope, filter: ExceptionFilter) => repo.listExceptions(scope, filter),
    getException: (scope: Scope, id: number) => repo.getException(scope, id),

    // The exception report, the board's decision and escalation: exceptions.service.ts.
    ...createExceptionWorkflow({ ...deps, repo, raise, whoMustKnow }),
  }
}

export type TolerancesService = ReturnType<typeof createTolerancesService>
