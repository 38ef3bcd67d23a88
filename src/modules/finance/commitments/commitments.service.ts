import type { Kysely } from 'kysely'
import { scopeOf, type Actor, type Scope } from '../../../auth/actor.ts'
import type { Commitment, DB } from '../../../db/schema.ts'
import { isIsoDate } from '../../../domain/dates.ts'
import { notFound, ValidationError, throwIfInvalid } from '../../../errors.ts'
import { insertAudited, updateVersioned } from '../../audit/versioned-update.ts'
import { scopedProjects } from '../shared/finance.repository.ts'

export const COMMITMENT_STATUSES = [
  { value: 'open', text: 'Open (not yet invoiced)' },
  { value: 'invoiced', text: 'Invoiced' },
  { value: 'cancelled', text: 'Cancelled' },
] as const

export const commitmentStatusLabel = (v: string) => COMMITMENT_STATUSES.find((s) => s.value === v)?.text ?? v

export interface CommitmentInput {
  supplierName: string
  reference: string
  description: string
  amountPence: number | null
  raisedOn: string | null
}

/** A purchase order counts against the budget until invoiced (then the ledger carries it) or cancelled. */
export function validateCommitment(c: CommitmentInput): Record<string, string> {
  const e: Record<string, string> = {}
  if (c.supplierName.trim() === '') e.supplierName = 'Enter the supplier'
  else if (c.supplierName.length > 200) e.supplierName = 'Supplier must be 200 characters or fewer'
  if (c.reference.trim() === '') e.reference = 'Enter the purchase order number'
  else if (c.reference.length > 60) e.reference = 'Purchase order number must be 60 characters or fewer'
  if (c.description.length > 500) e.description = 'Description must be 500 characters or fewer'
  if (c.amountPence === null) e.amountPence ??= 'Enter the amount ordered'
  else if (c.amountPence <= 0) e.amountPence = 'Amount ordered must be more than £0'
  if (c.raisedOn === null) e.raisedOn ??= 'Enter the date the order was raised'
  else if (!isIsoDate(c.raisedOn)) e.raisedOn = 'Date raised must be a real date'
  return e
}

/** Commitments (purchase orders not yet invoiced) per project, scoped like the project they belong to. */
export function createFinanceCommitments(db: Kysely<DB>) {
  const visibleProject = async (db2: Kysely<DB>, scope: Scope, projectId: number) =>
    (await scopedProjects(db2, scope)
      .select('projects.id')
      .where('projects.id', '=', projectId)
      .executeTakeFirst()) !== undefined

  async function commitment(scope: Scope, id: number, trx: Kysely<DB> = db) {
    const c = await trx
      .selectFrom('commitments')
      .selectAll()
      .where('organisation_id', '=', scope.organisationId)
      .where('id', '=', id)
      .executeTakeFirst()
    if (!c || !(await visibleProject(trx, scope, c.project_id))) return undefined
    return c
  }

  return {
    commitment: (scope: Scope, id: number) => commitment(scope, id),

    /** Every commitment on a project, open ones first; undefined when the project is not visible. */
    async projectCommitments(scope: Scope, projectId: number): Promise<Commitment[] | undefined> {
      if (!(await visibleProject(db, scope, projectId))) return undefined
      const rows = await db
        .selectFrom('commitments')
        .selectAll()
        .where('organisation_id', '=', scope.organisationId)
        .where('project_id', '=', projectId)
        .orderBy('raised_on')
        .orderBy('id')
        .execute()
      return [...rows.filter((r) => r.status === 'open'), ...rows.filter((r) => r.status !== 'open')]
    },

    async createCommitment(actor: Actor, projectId: number, input: CommitmentInput): Promise<Commitment> {
      // Another organisation's project answers 404 before anything about the order is judged.
      return db.transaction().execute(async (trx) => {
        if (!(await visibleProject(trx, scopeOf(actor), projectId))) throw notFound('Project')
        throwIfInvalid(validateCommitment(input))
        return insertAudited(trx, {
          table: 'commitments',
          entityType: 'commitment',
          actor,
          values: {
            project_id: projectId,
            supplier_name: input.supplierName.trim(),
            reference: input.reference.trim(),
            description: input.description.trim(),
            amount_pence: input.amountPence!,
            raised_on: input.raisedOn!,
            status: 'open',
          },
        })
      })
    },

    /** Closes (or reopens) an order: invoiced moves it to the ledger's actuals, cancelled releases the budget. */
    async setCommitmentStatus(
      actor: Actor,
      id: number,
      version: number,
      status: string,
    ): Promise<Commitment> {
      if (!COMMITMENT_STATUSES.some((s) => s.value === status))
        throw new ValidationError({ status: 'Select whether the order was invoiced or cancelled' })
      return db.transaction().execute(async (trx) => {
        const current = await commitment(scopeOf(actor), id, trx)
        if (!current) throw notFound('Commitment')
        return updateVersioned(trx, {
          table: 'commitments',
          entityType: 'commitment',
          actor,
          current,
          version,
          changes: { status },
        })
      })
    },
  }
}
