import type { Kysely, Transaction } from 'kysely'
import { auditActorOf, type Actor, type Scope } from '../../auth/actor.ts'
import type { DB, LifecycleGate } from '../../db/schema.ts'
import { ConflictError, HttpError, notFound, ValidationError } from '../../errors.ts'
import { recordAudit } from '../audit/audit.service.ts'
import { insertAudited, updateVersioned } from '../audit/versioned-update.ts'
import { currentScore, escalates } from '../raid/raid.rules.ts'
import { updateOrganisation } from '../organisation/organisation.service.ts'
import { ensureLifecycle, type Db } from './gates.repository.ts'
import { validateGate, validateThreshold, type GateInput } from './lifecycle.rules.ts'
import { whereProjectVisible, wholeOrganisation } from '../../auth/visibility.ts'

/** A lifecycle gate as the settings show it: with how many projects have passed it. */
export interface LifecycleGateRow extends LifecycleGate {
  passedCount: number
}

export interface LifecycleSettings {
  gates: LifecycleGateRow[]
  /** Open risks scoring at or above this escalate to the programme. */
  riskEscalationThreshold: number
  /** The organisation's version, for the threshold's optimistic concurrency. */
  organisationVersion: number
}

const AUDITED = { table: 'lifecycle_gates', entityType: 'lifecycle_gate' } as const

/** A gate that projects have passed: removing it would rewrite their approval history, so it stays. */
export class GateInUse extends HttpError {
  constructor(gate: LifecycleGate, passed: number) {
    const message = `The ${gate.name} gate cannot be removed: ${passed} ${passed === 1 ? 'project has' : 'projects have'} passed it. Rename it or stop it guarding a stage instead.`
    super(409, message, { gate: message })
  }
}

function toGateRow(input: GateInput) {
  return {
    code: input.code.trim(),
    name: input.name.trim(),
    description: input.description.trim(),
    required_for_stage: input.requiredForStage,
    requires_resources: input.requiresResources ? 1 : 0,
  }
}

export const toGateInput = (g: LifecycleGate): GateInput => ({
  code: g.code,
  name: g.name,
  description: g.description,
  requiredForStage: g.required_for_stage,
  requiresResources: g.requires_resources === 1,
})

/**
 * Each organisation's lifecycle gates (the default follows the Green Book and Gateway practice) and its
 * risk escalation threshold. Every change is one transaction with its audit event.
 */
export function createLifecycleService(db: Kysely<DB>) {
  /** The gates with how many projects passed each; a partner officer's count is of shared projects only. */
  async function gatesWithCounts(trx: Db, scope: Scope): Promise<LifecycleGateRow[]> {
    const organisationId = scope.organisationId
    const gates = await ensureLifecycle(trx, organisationId)
    let q = trx
      .selectFrom('project_gates as pg')
      .innerJoin('projects as p', 'p.id', 'pg.project_id')
      .select(['pg.gate_id', (eb) => eb.fn.countAll<number>().as('n')])
      .where('pg.organisation_id', '=', organisationId)
    q = whereProjectVisible(q, scope, 'p.id')
    const counts = await q.groupBy('pg.gate_id').execute()
    return gates.map((g) => ({
      ...g,
      passedCount: Number(counts.find((c) => c.gate_id === g.id)?.n ?? 0),
    }))
  }

  async function gateIn(trx: Transaction<DB>, actor: Actor, gateId: number) {
    const gates = await gatesWithCounts(trx, wholeOrganisation(actor.organisationId))
    const gate = gates.find((g) => g.id === gateId)
    if (!gate) throw notFound('Gate')
    return { gates, gate }
  }

  const plain = ({ passedCount: _n, ...g }: LifecycleGateRow): LifecycleGate => g

  /** Stores positions 1, 2, 3… in this order, changing (and auditing) only the gates that moved. */
  async function renumber(trx: Transaction<DB>, actor: Actor, order: LifecycleGateRow[]) {
    const saved = new Map<number, LifecycleGate>()
    for (const [i, g] of order.entries())
      saved.set(
        g.id,
        g.position === i + 1
          ? plain(g)
          : await updateVersioned(trx, {
              ...AUDITED,
              actor,
              current: plain(g),
              version: g.version,
              changes: { position: i + 1 },
            }),
      )
    return saved
  }

  /** Puts `gate` at `index` (0 = first, clamped to the lifecycle) and renumbers the rest around it. */
  async function reorder(
    trx: Transaction<DB>,
    actor: Actor,
    gates: LifecycleGateRow[],
    gate: LifecycleGateRow,
    index: number,
  ): Promise<LifecycleGate> {
    const order = gates.filter((g) => g.id !== gate.id)
    order.splice(Math.max(0, Math.min(index, order.length)), 0, gate)
    return (await renumber(trx, actor, order)).get(gate.id)!
  }

  return {
    async settings(scope: Scope): Promise<LifecycleSettings> {
      const org = await db
        .selectFrom('organisations')
        .select(['risk_escalation_threshold', 'version'])
        .where('id', '=', scope.organisationId)
        .executeTakeFirstOrThrow()
      return {
        gates: await gatesWithCounts(db, scope),
        riskEscalationThreshold: org.risk_escalation_threshold,
        organisationVersion: org.version,
      }
    },

    async gate(scope: Scope, gateId: number): Promise<LifecycleGateRow | undefined> {
      return (await gatesWithCounts(db, scope)).find((g) => g.id === gateId)
    },

    /** Adds a gate at the end of the lifecycle. */
    async addGate(actor: Actor, input: GateInput): Promise<LifecycleGate> {
      return db.transaction().execute(async (trx) => {
        const gates = await ensureLifecycle(trx, actor.organisationId)
        const errors = validateGate(input, gates)
        if (Object.keys(errors).length > 0) throw new ValidationError(errors)
        return insertAudited(trx, {
          table: 'lifecycle_gates',
          entityType: 'lifecycle_gate',
          actor,
          values: { ...toGateRow(input), position: Math.max(0, ...gates.map((g) => g.position)) + 1 },
        })
      })
    },

    /**
     * Changes a gate; `place` (1 = first) moves it in the lifecycle in the same transaction, so a rename
     * and a move through the API are one change.
     */
    async updateGate(
      actor: Actor,
      gateId: number,
      version: number,
      patch: Partial<GateInput>,
      place?: number,
    ): Promise<LifecycleGate> {
      return db.transaction().execute(async (trx) => {
        const { gates, gate } = await gateIn(trx, actor, gateId)
        if (gate.version !== version) throw new ConflictError(plain(gate))
        const merged = { ...toGateInput(gate), ...patch }
        const errors = validateGate(
          merged,
          gates.filter((g) => g.id !== gateId),
        )
        if (Object.keys(errors).length > 0) throw new ValidationError(errors)
        const row = toGateRow(merged)
        // A move alone changes no field: the gate is then only renumbered, not saved twice.
        const same = Object.entries(row).every(([k, v]) => gate[k as keyof LifecycleGate] === v)
        const saved = same
          ? plain(gate)
          : await updateVersioned(trx, { ...AUDITED, actor, current: plain(gate), version, changes: row })
        if (place === undefined) return saved
        return reorder(trx, actor, gates, { ...saved, passedCount: gate.passedCount }, place - 1)
      })
    },

    /** Moves the gate one place earlier (up) or later (down); at either end of the lifecycle nothing moves. */
    async moveGate(
      actor: Actor,
      gateId: number,
      version: number,
      direction: 'up' | 'down',
    ): Promise<LifecycleGate> {
      return db.transaction().execute(async (trx) => {
        const { gates, gate } = await gateIn(trx, actor, gateId)
        if (gate.version !== version) throw new ConflictError(plain(gate))
        return reorder(trx, actor, gates, gate, gates.indexOf(gate) + (direction === 'up' ? -1 : 1))
      })
    },

    /** Removes a gate no project has passed; one that any project has passed is refused (409). */
    async removeGate(actor: Actor, gateId: number, version: number | null): Promise<void> {
      await db.transaction().execute(async (trx) => {
        const { gates, gate } = await gateIn(trx, actor, gateId)
        if (version !== null && gate.version !== version) throw new ConflictError(plain(gate))
        if (gate.passedCount > 0) throw new GateInUse(gate, gate.passedCount)
        await trx
          .deleteFrom('lifecycle_gates')
          .where('organisation_id', '=', actor.organisationId)
          .where('id', '=', gateId)
          .execute()
        await recordAudit(trx, {
          organisationId: actor.organisationId,
          actor: auditActorOf(actor),
          action: 'delete',
          entityType: 'lifecycle_gate',
          entityId: gateId,
          before: plain(gate),
        })
        await renumber(
          trx,
          actor,
          gates.filter((g) => g !== gate),
        )
      })
    },

    /**
     * Sets the score at or above which open risks escalate to the programme, and re-marks the open risks
     * in the same transaction, so the programme view matches the new threshold at once rather than as
     * each risk is next saved.
     */
    async setRiskEscalationThreshold(actor: Actor, version: number, threshold: number | null) {
      const errors = validateThreshold(threshold)
      if (Object.keys(errors).length > 0 || threshold === null) throw new ValidationError(errors)
      return db.transaction().execute(async (trx) => {
        const { current: org, updated } = await updateOrganisation(trx, actor, version, {
          risk_escalation_threshold: threshold,
        })
        const risks = await trx
          .selectFrom('risks')
          .select(['id', 'status', 'inherent_score', 'residual_score', 'escalated'])
          .where('organisation_id', '=', actor.organisationId)
          .execute()
        const now = (r: (typeof risks)[number]) => (escalates(currentScore(r), r.status, threshold) ? 1 : 0)
        for (const flag of [0, 1]) {
          const ids = risks.filter((r) => now(r) === flag && r.escalated !== flag).map((r) => r.id)
          // Not updateVersioned, and the versions stay: the escalated flag is derived from the threshold, not
          // edited on the risk, so a risk form open meanwhile must still save. The threshold change is audited below.
          if (ids.length > 0)
            await trx
              .updateTable('risks')
              .set({ escalated: flag })
              .where('organisation_id', '=', actor.organisationId)
              .where('id', 'in', ids)
              .execute()
        }
        await recordAudit(trx, {
          organisationId: actor.organisationId,
          actor: auditActorOf(actor),
          action: 'update risk escalation threshold',
          entityType: 'organisation',
          entityId: actor.organisationId,
          before: { riskEscalationThreshold: org.risk_escalation_threshold },
          after: { riskEscalationThreshold: threshold },
        })
        return {
          riskEscalationThreshold: updated.risk_escalation_threshold,
          organisationVersion: updated.version,
        }
      })
    },
  }
}

export type LifecycleService = ReturnType<typeof createLifecycleService>
