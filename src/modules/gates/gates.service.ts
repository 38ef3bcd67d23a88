import { whereProjectVisible } from '../../auth/visibility.ts'
import type { Kysely, Transaction } from 'kysely'
import { auditActorOf, scopeOf, type Actor, type Scope } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import type { BusinessCase, DB, Decision, LifecycleGate, Project, ProjectGate } from '../../db/schema.ts'
import { isIsoDate, todayInLondon } from '../../domain/dates.ts'
import { ConflictError, forbidden, HttpError, notFound, ValidationError } from '../../errors.ts'
import { recordAudit } from '../audit/audit.service.ts'
import { insertAudited, updateVersioned, type AuditQueue } from '../audit/versioned-update.ts'

import type { DecisionInput } from '../decisions/decisions.rules.ts'
import { createGatePasses } from './gate-passes.ts'
import type { DecisionsService } from '../decisions/decisions.service.ts'
import { capacityRepository } from '../resourcing/capacity/capacity.repository.ts'
import { benefitsReviewGateProblem } from '../outcomes/benefits/benefits.gate.ts'
import {
  budgetApproved,
  businessCaseOf,
  ensureLifecycle,
  projectIn,
  replaceResources,
  resourcesOf,
  type Db,
} from './gates.repository.ts'
import { projectStageLabel, type GatePassBeforeOversight } from '../projects/projects.rules.ts'
import {
  gateConditions,
  resourcesProblem,
  resourcesWindow,
  toBusinessCaseInput,
  validateBusinessCase,
  type BusinessCaseInput,
  type GateCondition,
} from './gates.rules.ts'

/** A gate that cannot be approved yet: 409, naming each unmet condition. */
export class GateNotReady extends HttpError {
  constructor(gate: string, problems: string[]) {
    const sentences = problems.map((p) => `${p.charAt(0).toUpperCase()}${p.slice(1)}`)
    super(409, `The ${gate} gate cannot be approved: ${problems.join('; ')}`, { gate: sentences.join('; ') })
  }
}

export interface GateView {
  gate: LifecycleGate
  record: ProjectGate | null
  decision: Decision | null
  /** The conditions this gate checks (the delivery gate and those after it); empty for earlier gates. */
  conditions: GateCondition[]
}

export function createGatesService(db: Kysely<DB>, decisions: DecisionsService) {
  /** The gate conditions for a project as things stand (the approval decision aside). */
  async function conditionsFor(
    trx: Db,
    organisationId: number,
    projectId: number,
    statedBudget: number | null = null,
  ) {
    const bc = await businessCaseOf(trx, organisationId, projectId)
    const risks = await trx
      .selectFrom('risks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('organisation_id', '=', organisationId)
      .where('project_id', '=', projectId)
      .executeTakeFirstOrThrow()
    return gateConditions({
      businessCase: bc ? toBusinessCaseInput(bc, await resourcesOf(trx, bc.id)) : null,
      budgetApproved: await budgetApproved(trx, organisationId, bc, statedBudget),
      riskCount: Number(risks.n),
    })
  }

  /** The gate that must be passed before a project enters this stage, if any. */
  async function gateFor(trx: Db, organisationId: number, stage: string) {
    return (await ensureLifecycle(trx, organisationId)).find((g) => g.required_for_stage === stage)
  }

  const { passGate, passGates, beforeOversight } = createGatePasses(decisions)

  const checksConditions = (gates: LifecycleGate[], gate: LifecycleGate) => {
    const delivery = gates.find((g) => g.required_for_stage === 'delivery')
    return delivery === undefined || gate.position >= delivery.position
  }

  return {
    lifecycle: (scope: Scope) => ensureLifecycle(db, scope.organisationId),
    budgetApproved,

    async businessCase(scope: Scope, projectId: number) {
      const project = await projectIn(db, scope, projectId)
      if (!project) return undefined
      const bc = await businessCaseOf(db, scope.organisationId, projectId)
      return { project, businessCase: bc ?? null, resources: bc ? await resourcesOf(db, bc.id) : [] }
    },

    /** A business case by its id, within scope, with its project's name (for the history page). */
    async businessCaseById(scope: Scope, id: number) {
      let q = db
        .selectFrom('business_cases as bc')
        .innerJoin('projects as p', 'p.id', 'bc.project_id')
        .select(['bc.id', 'p.id as projectId', 'p.name as projectName'])
        .where('bc.organisation_id', '=', scope.organisationId)
        .where('bc.id', '=', id)
      q = whereProjectVisible(q, scope, 'p.id')
      return q.executeTakeFirst()
    },

    /**
     * Saves the business case (creating it on first save). `version` is the business case's version as
     * read, or null when there was none; the resource rows are replaced as a whole.
     */
    async saveBusinessCase(
      actor: Actor,
      projectId: number,
      version: number | null,
      input: BusinessCaseInput,
    ): Promise<BusinessCase> {
      const errors = validateBusinessCase(input)
      if (Object.keys(errors).length > 0) throw new ValidationError(errors)
      return db.transaction().execute(async (trx) => {
        const project = await projectIn(trx, scopeOf(actor), projectId)
        if (!project) throw notFound('Project')
        const current = await businessCaseOf(trx, actor.organisationId, projectId)
        const row = {
          strategic_case: input.cases.strategic.text.trim(),
          strategic_state: input.cases.strategic.state,
          economic_case: input.cases.economic.text.trim(),
          economic_state: input.cases.economic.state,
          commercial_case: input.cases.commercial.text.trim(),
          commercial_state: input.cases.commercial.state,
          financial_case: input.cases.financial.text.trim(),
          financial_state: input.cases.financial.state,
          management_case: input.cases.management.text.trim(),
          management_state: input.cases.management.state,
          scope_in: input.scopeIn.trim(),
          scope_out: input.scopeOut.trim(),
          options_appraised: input.optionsAppraised.trim(),
          budget_requested_pence: input.budgetRequestedPence,
        }
        let saved: BusinessCase
        if (!current) {
          if (version !== null) throw new ConflictError(null)
          saved = await insertAudited(trx, {
            table: 'business_cases',
            entityType: 'business_case',
            actor,
            values: { project_id: projectId, ...row },
          })
        } else {
          if (version === null) throw new ConflictError(current)
          saved = await updateVersioned(trx, {
            table: 'business_cases',
            entityType: 'business_case',
            actor,
            current,
            version,
            changes: row,
          })
        }
        const before = current ? await resourcesOf(trx, current.id) : []
        const after = input.resources.map((r) => ({ ...r, role: r.role.trim() }))
        if (JSON.stringify(before) !== JSON.stringify(after)) {
          await replaceResources(trx, actor.organisationId, saved.id, after)
          await recordAudit(trx, {
            organisationId: actor.organisationId,
            actor: auditActorOf(actor),
            action: 'update resource requirement',
            entityType: 'business_case',
            entityId: saved.id,
            before: { resources: before },
            after: { resources: after },
          })
        }
        return saved
      })
    },

    /** Each lifecycle gate for a project: passed or not, by which decision, and what it still needs. */
    async projectGates(scope: Scope, projectId: number): Promise<GateView[] | undefined> {
      const project = await projectIn(db, scope, projectId)
      if (!project) return undefined
      const gates = await ensureLifecycle(db, scope.organisationId)
      const records = await db
        .selectFrom('project_gates')
        .selectAll()
        .where('organisation_id', '=', scope.organisationId)
        .where('project_id', '=', projectId)
        .execute()
      const conditions = await conditionsFor(db, scope.organisationId, projectId)
      const views: GateView[] = []
      for (const gate of gates) {
        const record = records.find((r) => r.gate_id === gate.id) ?? null
        const decision = record?.decision_id
          ? ((await decisions.get(scope, record.decision_id)) ?? null)
          : null
        views.push({ gate, record, decision, conditions: checksConditions(gates, gate) ? conditions : [] })
      }
      return views
    },

    /**
     * Records the gate's approval decision and passes the gate, in one transaction. Every unmet condition
     * refuses it (409) unless `override` is set: then the decision is a "gate override" and must give its
     * reason — the only way round a gate, and one the decision log shows.
     */
    async approveGate(
      actor: Actor,
      projectId: number,
      gateId: number,
      decision: DecisionInput,
      override = false,
    ): Promise<ProjectGate> {
      if (!allows('decision.record', actor.role)) throw forbidden()
      return db.transaction().execute(async (trx) => {
        const scope = scopeOf(actor)
        const project = await projectIn(trx, scope, projectId)
        if (!project) throw notFound('Project')
        const gates = await ensureLifecycle(trx, actor.organisationId)
        const gate = gates.find((g) => g.id === gateId)
        if (!gate) throw notFound('Gate')
        const existing = await trx
          .selectFrom('project_gates')
          .selectAll()
          .where('project_id', '=', projectId)
          .where('gate_id', '=', gateId)
          .executeTakeFirst()
        if (existing)
          throw new HttpError(409, `The ${gate.name} gate is already passed`, { gate: 'Already passed' })
        const unmet = checksConditions(gates, gate)
          ? (await conditionsFor(trx, actor.organisationId, projectId, decision.approvedBudgetPence)).filter(
              (c) => !c.met,
            )
          : []
        const decidedOn = decision.decidedOn ?? todayInLondon()
        // The benefits review (issue 11): every benefit's realised values up to the decision's date.
        const benefits =
          gate.code === 'BR' && isIsoDate(decidedOn)
            ? await benefitsReviewGateProblem(trx, actor.organisationId, projectId, decidedOn)
            : null
        const problems = [...unmet.map((c) => c.problem), ...(benefits ? [benefits] : [])]
        if (problems.length > 0 && !override) throw new GateNotReady(gate.name, problems)
        // An unreadable date is left to the decision's own validation, below.
        if (gate.requires_resources === 1 && !override && isIsoDate(decidedOn)) {
          const window = resourcesWindow(decidedOn)
          const unfilled = await capacityRepository.unfilled(trx, scope, { ...window, projectId, by: 'team' })
          const problem = resourcesProblem(unfilled, window)
          if (problem) throw new ValidationError({ resources: problem })
        }
        return passGate(trx, actor, {
          projectId,
          gateId,
          decision: { ...decision, kind: override ? 'gate_override' : 'gate_approval' },
          status: override ? 'overridden' : 'passed',
          passedOn: decidedOn,
        })
      })
    },

    gatesGuarding: async (trx: Db, organisationId: number, stages: string[]) =>
      (await ensureLifecycle(trx, organisationId)).filter(
        (g) => g.required_for_stage !== null && stages.includes(g.required_for_stage),
      ),

    /**
     * A gate the project passed before the council used Oversight, recorded as it was: who approved it and
     * when, or "not recorded". A published decision whose reason says so, not an override.
     */
    async passBeforeOversight(
      trx: Transaction<DB>,
      actor: Actor,
      projectId: number,
      pass: GatePassBeforeOversight,
    ): Promise<void> {
      await passGate(
        trx,
        actor,
        beforeOversight(await ensureLifecycle(trx, actor.organisationId), projectId, pass),
      )
    },

    /**
     * passBeforeOversight for many projects at once (an import): the same rules and records, written
     * multi-row, their events queued on `audit` for the caller to flush.
     */
    async passBeforeOversightMany(
      trx: Transaction<DB>,
      actor: Actor,
      audit: AuditQueue,
      passes: Array<{ projectId: number; pass: GatePassBeforeOversight }>,
    ): Promise<void> {
      const gates = await ensureLifecycle(trx, actor.organisationId)
      await passGates(
        trx,
        actor,
        audit,
        passes.map((p) => beforeOversight(gates, p.projectId, p.pass)),
      )
    },

    /**
     * The stage-change hook for the projects area, inside its transaction: entering a stage that has a
     * gate needs that gate passed (or overridden by a recorded decision); otherwise each unmet condition.
     */
    async stageProblems(trx: Transaction<DB>, organisationId: number, project: Project, next: string) {
      if (next === project.stage) return []
      const gate = await gateFor(trx, organisationId, next)
      if (!gate) return []
      const passed = await trx
        .selectFrom('project_gates')
        .select('id')
        .where('project_id', '=', project.id)
        .where('gate_id', '=', gate.id)
        .executeTakeFirst()
      if (passed) return []
      const unmet = (await conditionsFor(trx, organisationId, project.id)).filter((c) => !c.met)
      return [
        ...unmet.map((c) => `${c.problem.charAt(0).toUpperCase()}${c.problem.slice(1)}`),
        `The ${gate.name} gate has not been approved: ${projectStageLabel(next)} needs an approval decision (or an override with its reason)`,
      ]
    },

    /** Health rule: projects in delivery without a passed (or overridden) delivery gate. */
    async projectsInDeliveryWithoutPassedGate(scope: Scope): Promise<Project[]> {
      const gate = await gateFor(db, scope.organisationId, 'delivery')
      let q = db
        .selectFrom('projects')
        .selectAll('projects')
        .where('projects.organisation_id', '=', scope.organisationId)
        .where('projects.stage', '=', 'delivery')
      q = whereProjectVisible(q, scope, 'projects.id')
      if (gate)
        q = q.where((eb) =>
          eb.not(
            eb.exists(
              eb
                .selectFrom('project_gates as g')
                .select('g.id')
                .whereRef('g.project_id', '=', 'projects.id')
                .where('g.gate_id', '=', gate.id),
            ),
          ),
        )
      return q.orderBy('projects.reference').execute()
    },
  }
}

export { budgetApproved, ensureLifecycle }

export type GatesService = ReturnType<typeof createGatesService>
