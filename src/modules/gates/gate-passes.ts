/**
 * The one way a gate is passed: its decision (published, linked to the project and its business case) and
 * the gate record it allows, linked both ways; one at a time or, for an import, many at once multi-row.
 * And the pass of a gate before the council used Oversight, as such a decision.
 */
import type { Transaction } from 'kysely'
import { scopeOf, type Actor } from '../../auth/actor.ts'
import { insertSlices } from '../../db/multi-row.ts'
import type { DB, LifecycleGate, ProjectGate } from '../../db/schema.ts'
import { formatDate, todayInLondon } from '../../domain/dates.ts'
import { ValidationError } from '../../errors.ts'
import { insertAudited, insertManyAudited, type AuditQueue } from '../audit/versioned-update.ts'
import type { DecisionInput } from '../decisions/decisions.rules.ts'
import type { DecisionsService } from '../decisions/decisions.service.ts'
import type { GatePassBeforeOversight } from '../projects/projects.rules.ts'
import { businessCaseOf } from './gates.repository.ts'
import { PASSED_BEFORE_OVERSIGHT, passBeforeOversightErrors } from './gates.rules.ts'

export function createGatePasses(decisions: DecisionsService) {
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
    const bc = await businessCaseOf(trx, actor.organisationId, p.projectId)
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

  return { passGate, passGates, beforeOversight }
}
