import { whereProjectVisible } from '../../auth/visibility.ts'
import { sql, type Kysely, type Transaction } from 'kysely'
import type { Scope } from '../../auth/actor.ts'
import type { BusinessCase, DB, LifecycleGate, Project } from '../../db/schema.ts'
import { DEFAULT_GATES } from '../../db/migrations/0004-governance.ts'
import type { ResourceRow } from './gates.rules.ts'

export type Db = Kysely<DB> | Transaction<DB>

/**
 * Lifecycle gates for an organisation; one with none yet gets the default Green Book / Gateway lifecycle,
 * so organisations made by `org create`, the demo or tests have gates without each having to seed them.
 */
export async function ensureLifecycle(db: Db, organisationId: number): Promise<LifecycleGate[]> {
  const read = () =>
    db
      .selectFrom('lifecycle_gates')
      .selectAll()
      .where('organisation_id', '=', organisationId)
      .orderBy('position')
      .execute()
  const gates = await read()
  if (gates.length > 0) return gates
  const at = new Date().toISOString()
  await db
    .insertInto('lifecycle_gates')
    .values(
      DEFAULT_GATES.map((g, i) => ({
        organisation_id: organisationId,
        position: i + 1,
        code: g.code,
        name: g.name,
        description: g.description,
        required_for_stage: g.requiredForStage,
        created_at: at,
        updated_at: at,
      })),
    )
    .onConflict((oc) => oc.columns(['organisation_id', 'code']).doNothing())
    .execute()
  return read()
}

/** A project within the reader's scope (a partner officer only reaches shared projects). */
export async function projectIn(db: Db, scope: Scope, projectId: number): Promise<Project | undefined> {
  let q = db
    .selectFrom('projects')
    .selectAll()
    .where('organisation_id', '=', scope.organisationId)
    .where('id', '=', projectId)
  q = whereProjectVisible(q, scope, 'projects.id')
  return q.executeTakeFirst()
}

export async function resourcesOf(db: Db, businessCaseId: number): Promise<ResourceRow[]> {
  const rows = await db
    .selectFrom('business_case_resources')
    .select(['role', 'fte_hundredths', 'months'])
    .where('business_case_id', '=', businessCaseId)
    .orderBy('id')
    .execute()
  return rows.map((r) => ({ role: r.role, fteHundredths: r.fte_hundredths, months: r.months }))
}

/**
 * Makes a business case's resource lines the ones given, keeping each existing line whose role is named
 * again (updated in place, matched by role, case and spaces aside): a line's id is what the skills it needs
 * (and later work) refer to, so deleting and re-inserting every line would lose them. Lines no longer
 * named are deleted, new ones added.
 */
export async function replaceResources(
  trx: Db,
  organisationId: number,
  businessCaseId: number,
  lines: readonly ResourceRow[],
): Promise<void> {
  const existing = await trx
    .selectFrom('business_case_resources')
    .select(['id', 'role'])
    .where('business_case_id', '=', businessCaseId)
    .orderBy('id')
    .execute()
  const key = (role: string) => role.trim().replace(/\s+/g, ' ').toLowerCase()
  const unused = [...existing]
  const at = new Date().toISOString()
  for (const line of lines) {
    const i = unused.findIndex((e) => key(e.role) === key(line.role))
    const values = {
      role: line.role,
      fte_hundredths: line.fteHundredths,
      months: line.months,
      updated_at: at,
    }
    if (i >= 0) {
      const [kept] = unused.splice(i, 1)
      await trx.updateTable('business_case_resources').set(values).where('id', '=', kept!.id).execute()
    } else
      await trx
        .insertInto('business_case_resources')
        .values({
          ...values,
          organisation_id: organisationId,
          business_case_id: businessCaseId,
          created_at: at,
        })
        .execute()
  }
  if (unused.length > 0)
    await trx
      .deleteFrom('business_case_resources')
      .where(
        'id',
        'in',
        unused.map((e) => e.id),
      )
      .execute()
}

/**
 * Is the budget the business case requests approved? Yes when the project's approved budget lines (lines
 * with an approval date, in any financial year) add up to at least the sum requested for the project's
 * whole life; or, as the alternative route, by a published decision linked to the business case of kind
 * "budget approval" (or the gate approval decision that states the approved budget) for at least that sum.
 */
export async function budgetApproved(
  db: Db,
  organisationId: number,
  bc: BusinessCase | undefined,
  statedInApproval: number | null = null,
): Promise<boolean> {
  if (!bc || bc.budget_requested_pence === null) return false
  const requested = bc.budget_requested_pence
  if (statedInApproval !== null && statedInApproval >= requested) return true
  const lines = await db
    .selectFrom('budget_lines')
    .select(sql<number>`coalesce(sum(amount_pence), 0)`.as('total'))
    .where('organisation_id', '=', organisationId)
    .where('project_id', '=', bc.project_id)
    .where('approved_on', 'is not', null)
    .executeTakeFirst()
  const approvedLines = Number(lines?.total ?? 0)
  if (approvedLines > 0 && approvedLines >= requested) return true
  const approval = await db
    .selectFrom('decisions as d')
    .innerJoin('decision_links as l', 'l.decision_id', 'd.id')
    .select('d.id')
    .where('d.organisation_id', '=', organisationId)
    .where('d.status', '=', 'published')
    .where('d.kind', 'in', ['budget_approval', 'gate_approval'])
    .where('d.approved_budget_pence', '>=', requested)
    .where('l.record_type', '=', 'business_case')
    .where('l.record_id', '=', bc.id)
    .where((eb) =>
      // A superseded approval no longer stands: its correction decides.
      eb.not(
        eb.exists(eb.selectFrom('decisions as s').select('s.id').whereRef('s.supersedes_id', '=', 'd.id')),
      ),
    )
    .executeTakeFirst()
  return approval !== undefined
}

/** The project's business case, if it has one. */
export async function businessCaseOf(trx: Db, organisationId: number, projectId: number) {
  return trx
    .selectFrom('business_cases')
    .selectAll()
    .where('organisation_id', '=', organisationId)
    .where('project_id', '=', projectId)
    .executeTakeFirst()
}
