import { whereProjectVisible } from '../../auth/visibility.ts'
import type { Kysely, Transaction } from 'kysely'
import { auditActorOf, scopeOf, type Actor, type Scope } from '../../auth/actor.ts'
import { allows } from '../../auth/policy.ts'
import type { BusinessCase, DB, Decision, LifecycleGate, Project, ProjectGate } from '../../db/schema.ts'
import { formatDate, isIsoDate, todayInLondon } from '../../domain/dates.ts'
import { ConflictError, forbidden, HttpError, notFound, ValidationError } from '../../errors.ts'
import { recordAudit } from '../audit/audit.service.ts'
import { insertSlices } from '../../db/multi-row.ts'
import {
  insertAudited,
  insertManyAudited,
  updateVersioned,
  type AuditQueue,
} from '../audit/versioned-update.ts'

import type { DecisionInput } from '../decisions/decisions.rules.ts'
import type { DecisionsService } from '../decisions/decisions.service.ts'
import { capacityRepository } from '../resourcing/capacity/capacity.repository.ts'
import { benefitsReviewGateProblem } from '../outcomes/benefits/benefits.gate.ts'
import {
  budgetApproved,
  ensureLifecycle,
  projectIn,
  replaceResources,
  resourcesOf,
  type Db,
} from './gates.repository.ts'
import { projectStageLabel, type GatePassBeforeOversight } from '../projects/projects.rules.ts'
import {
  gateConditions,
  PASSED_BEFORE_OVERSIGHT,
  passBeforeOversightErrors,
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
  async function businessCaseRow(trx: Db, organisationId: number, projectId: number) {
    return trx
      .selectFrom('business_cases')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .where('project_id', '=', projectId)
      .executeTakeFirst()
  }

  /** The gate conditions for a project as things stand (the approval decision aside). */
  async function conditionsFor(
    trx: Db,
    organisationId: number,
    projectId: number,
    statedBudget: number | null = null,
  ) {
    const bc = await businessCaseRow(trx, organisationId, projectId)
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

  /** The gate's decision as recorded: published, linked to the project and to its business case if any. */
  const gateDecision = (decision: DecisionInput, projectId: number, bc: { id: number } | undefined) => ({
    ...decision,
    status: 'published' as const,
    links: [
      { recordType: 'project' as const, recordId: projectId },
      ...(bc ? [{ recordType: 'business_case' as const, recordId: bc.id }] : []),
    ],
  })

  /** The link from a gate's decision back to the gate record it allowed. */
  const gateLink = (organisationId: number, decisionId: number, gateRecordId: number) => ({
    organisation_id: organisationId,
    decision_id: decisionId,
    record_type: 'gate',
    record_id: gateRecordId,
    created_at: new Date().toISOString(),
  })

  type GatePass = {
    projectId: number
    gateId: number
    decision: DecisionInput
    status: 'passed' | 'overridden' | 'before_oversight'
    passedOn: string | null
  }

  const gateRow = (p: GatePass, decisionId: number) => ({
    project_id: p.projectId,
    gate_id: p.gateId,
    status: p.status,
    decision_id: decisionId,
    passed_on: p.passedOn,
  })

  /** Records the gate's decision and the pass it allows, linked both ways: the one way a gate is passed. */
  async function passGate(trx: Transaction<DB>, actor: Actor, p: GatePass): Promise<ProjectGate> {
    const bc = await businessCaseRow(trx, actor.organisationId, p.projectId)
    const recorded = await decisions.record(
      trx,
      scopeOf(actor),
      actor,
      gateDecision(p.decision, p.projectId, bc),
    )
    const passed = await insertAudited(trx, {
      table: 'project_gates',
      entityType: 'project_gate',
      actor,
      values: gateRow(p, recorded.id),
    })
    await trx
      .insertInto('decision_links')
      .values(gateLink(actor.organisationId, recorded.id, passed.id))
      .execute()
    return passed
  }

  /** passGate for many passes at once: the decisions, gate records and links multi-row, events on `audit`. */
  async function passGates(trx: Transaction<DB>, actor: Actor, audit: AuditQueue, passes: GatePass[]) {
    if (passes.length === 0) return []
    const projectIds = [...new Set(passes.map((p) => p.projectId))]
    const cases = new Map<number, { id: number }>()
    for (let i = 0; i < projectIds.length; i += 1000)
      for (const bc of await trx
        .selectFrom('business_cases')
        .select(['id', 'project_id'])
        .where('organisation_id', '=', actor.organisationId)
        .where('project_id', 'in', projectIds.slice(i, i + 1000))
        .execute())
        cases.set(bc.project_id, bc)
    const recorded = await decisions.recordMany(
      trx,
      scopeOf(actor),
      actor,
      audit,
      passes.map((p) => gateDecision(p.decision, p.projectId, cases.get(p.projectId))),
    )
    const passed = await insertManyAudited(trx, audit, {
      table: 'project_gates',
      entityType: 'project_gate',
      actor,
      values: passes.map((p, i) => gateRow(p, recorded[i]!.id)),
    })
    const links = passed.map((g) => gateLink(actor.organisationId, g.decision_id!, g.id))
    for (const slice of insertSlices(links, 5)) await trx.insertInto('decision_links').values(slice).execute()
    return passed
  }

  /** A gate passed before Oversight, checked: the gate of the lifecycle, approved by whom and when. */
  function beforeOversight(
    gates: LifecycleGate[],
    projectId: number,
    pass: GatePassBeforeOversight,
  ): GatePass {
    const gate = gates.find((g) => g.id === pass.gateId)
    if (!gate) throw new ValidationError({ gatesPassedBeforeOversight: 'Select gates from the lifecycle' })
    const errors = passBeforeOversightErrors(pass, todayInLondon())
    if (Object.keys(errors).length > 0) throw new ValidationError(errors)
    const by = pass.approvedBy?.trim() || null
    return {
      projectId,
      gateId: gate.id,
      decision: {
        kind: 'gate_before_oversight',
        title: `${gate.name} gate passed before Oversight`,
        decisionText:
          `The ${gate.name} gate was passed before the project was recorded in Oversight: ` +
          `approved by ${by ?? 'someone not recorded'}, ` +
          `${pass.approvedOn ? `on ${formatDate(pass.approvedOn)}` : 'on a date not recorded'}.`,
        decidedOn: pass.approvedOn,
        decidedByUserId: null,
        decidedByName: by ?? 'Not recorded',
        capacity: '',
        boardId: null,
        optionsConsidered: '',
        reasons: PASSED_BEFORE_OVERSIGHT,
        isKey: false,
        status: 'published',
        approvedBudgetPence: null,
        links: [],
      },
      status: 'before_oversight',
      passedOn: pass.approvedOn,
    }
  }

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
      const bc = await businessCaseRow(db, scope.organisationId, projectId)
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
        const current = await businessCaseRow(trx, actor.organisationId, projectId)
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
