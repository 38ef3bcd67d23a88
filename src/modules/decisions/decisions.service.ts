import type { Kysely, Transaction } from 'kysely'
import { scopeOf, type Actor, type Scope } from '../../auth/actor.ts'
import { checkForeignIds } from '../../db/foreign-ids.ts'
import type { DB, Decision, DecisionLink } from '../../db/schema.ts'
import { todayInLondon } from '../../domain/dates.ts'
import { ConflictError, HttpError, notFound, ValidationError } from '../../errors.ts'
import { insertSlices } from '../../db/multi-row.ts'
import {
  insertAudited,
  insertManyAudited,
  updateVersioned,
  type AuditQueue,
} from '../audit/versioned-update.ts'
import { validateDecision, type DecisionInput } from './decisions.rules.ts'
import { whereDecisionVisible } from '../../auth/visibility.ts'

type Db = Kysely<DB> | Transaction<DB>

/** A published decision is the record: it is never edited, only superseded by a correction. */
export class DecisionPublished extends HttpError {
  constructor() {
    super(
      409,
      'A published decision cannot be changed. Record a correction that supersedes it; both stay in the log.',
      { status: 'This decision is published and cannot be changed: record a correction instead' },
    )
  }
}

export interface DecisionFilter {
  status?: string
  capacity?: string
  boardId?: number
  recordType?: string
  recordId?: number
  offset?: number
  limit?: number
}

/**
 * Decisions in the scope's organisation. A partner officer sees only decisions about projects shared with
 * the partner (through a `project` link), as with the rest of the portfolio.
 */
function scoped(db: Db, scope: Scope) {
  const q = db.selectFrom('decisions').where('decisions.organisation_id', '=', scope.organisationId)
  return whereDecisionVisible(q, scope, 'decisions.id')
}

function toRow(input: DecisionInput) {
  return {
    kind: input.kind,
    title: input.title.trim(),
    decision_text: input.decisionText.trim(),
    decided_on: input.decidedOn,
    decided_by_user_id: input.decidedByUserId,
    decided_by_name: input.decidedByName.trim(),
    capacity: input.capacity,
    board_id: input.boardId,
    options_considered: input.optionsConsidered.trim(),
    reasons: input.reasons.trim(),
    is_key: input.isKey ? 1 : 0,
    status: input.status,
    approved_budget_pence: input.approvedBudgetPence,
  }
}

export function toDecisionInput(d: Decision, links: DecisionLink[] = []): DecisionInput {
  return {
    kind: d.kind,
    title: d.title,
    decisionText: d.decision_text,
    decidedOn: d.decided_on,
    decidedByUserId: d.decided_by_user_id,
    decidedByName: d.decided_by_name,
    capacity: d.capacity,
    boardId: d.board_id,
    optionsConsidered: d.options_considered,
    reasons: d.reasons,
    isKey: d.is_key === 1,
    status: d.status,
    approvedBudgetPence: d.approved_budget_pence,
    links: links.map((l) => ({ recordType: l.record_type as never, recordId: l.record_id })),
  }
}

/** Does each linked record exist in the organisation? A link to another council's record is refused. */
/**
 * Each linked record must be one of the organisation's (src/db/foreign-ids.ts). A budget link has no record
 * of this area to name (finance decides what it points at), so finance checks its own.
 */
async function checkLinks(trx: Transaction<DB>, organisationId: number, links: DecisionInput['links']) {
  const tables = {
    gate: 'project_gates',
    project: 'projects',
    business_case: 'business_cases',
    risk: 'risks',
    exception: 'tolerance_exceptions',
  } as const
  await checkForeignIds(
    trx,
    { organisationId },
    links.flatMap((link) => {
      const table = (tables as Partial<Record<string, (typeof tables)[keyof typeof tables]>>)[link.recordType]
      if (!table) return []
      const message = `The linked ${link.recordType.replace('_', ' ')} was not found`
      return [{ field: 'links', table, id: link.recordId, message }]
    }),
  )
}

export function createDecisionsService(db: Kysely<DB>) {
  async function get(scope: Scope, id: number, trx?: Db): Promise<Decision | undefined> {
    return scoped(trx ?? db, scope)
      .selectAll('decisions')
      .where('decisions.id', '=', id)
      .executeTakeFirst()
  }

  /**
   * A decision's rules before it is written: its own fields, its foreign ids and links (checked for all the
   * decisions at once), and a budget approval about a project linked to that project's business case too.
   */
  async function prepare(
    trx: Transaction<DB>,
    scope: Scope,
    inputs: DecisionInput[],
  ): Promise<DecisionInput[]> {
    for (const input of inputs) {
      const errors = validateDecision(input)
      if (Object.keys(errors).length > 0) throw new ValidationError(errors)
    }
    await checkForeignIds(
      trx,
      scope,
      inputs.flatMap((input) => [
        { field: 'boardId', table: 'boards' as const, id: input.boardId },
        { field: 'decidedByUserId', table: 'users' as const, id: input.decidedByUserId },
      ]),
    )
    await checkLinks(
      trx,
      scope.organisationId,
      inputs.flatMap((input) => input.links),
    )
    const prepared: DecisionInput[] = []
    for (const input of inputs) {
      // A budget approval about a project approves its business case's budget request (see budgetApproved).
      if (input.kind === 'budget_approval' && !input.links.some((l) => l.recordType === 'business_case')) {
        const projectIds = input.links.filter((l) => l.recordType === 'project').map((l) => l.recordId)
        if (projectIds.length > 0) {
          const cases = await trx
            .selectFrom('business_cases')
            .select('id')
            .where('organisation_id', '=', scope.organisationId)
            .where('project_id', 'in', projectIds)
            .execute()
          prepared.push({
            ...input,
            links: [
              ...input.links,
              ...cases.map((c) => ({ recordType: 'business_case' as const, recordId: c.id })),
            ],
          })
          continue
        }
      }
      prepared.push(input)
    }
    return prepared
  }

  const rowOf = (actor: Actor, input: DecisionInput, supersedesId: number | null) => ({
    ...toRow(input),
    supersedes_id: supersedesId,
    published_at: input.status === 'published' ? new Date().toISOString() : null,
    recorded_by: actor.userId,
  })

  /** The links of recorded decisions, multi-row. */
  async function insertLinks(
    trx: Transaction<DB>,
    scope: Scope,
    recorded: Array<{ decision: Decision; input: DecisionInput }>,
  ) {
    const at = new Date().toISOString()
    const rows = recorded.flatMap(({ decision, input }) =>
      input.links.map((l) => ({
        organisation_id: scope.organisationId,
        decision_id: decision.id,
        record_type: l.recordType,
        record_id: l.recordId,
        created_at: at,
      })),
    )
    for (const slice of insertSlices(rows, 5)) await trx.insertInto('decision_links').values(slice).execute()
  }

  /**
   * Records a decision inside the caller's transaction (a gate approval, an exception's board decision):
   * the decision, its links and their audit commit with the caller's own change or not at all.
   */
  async function record(
    trx: Transaction<DB>,
    scope: Scope,
    actor: Actor,
    input: DecisionInput,
    supersedesId: number | null = null,
  ): Promise<Decision> {
    const [prepared] = await prepare(trx, scope, [input])
    const decision = await insertAudited(trx, {
      table: 'decisions',
      entityType: 'decision',
      actor,
      values: rowOf(actor, prepared!, supersedesId),
    })
    await insertLinks(trx, scope, [{ decision, input: prepared! }])
    return decision
  }

  /**
   * `record` for many decisions at once (an import's gates passed before Oversight): the same rules, the
   * decisions and their links written multi-row, their 'create' events queued on `audit`. Answers the
   * decisions in the order of `inputs`.
   */
  async function recordMany(
    trx: Transaction<DB>,
    scope: Scope,
    actor: Actor,
    audit: AuditQueue,
    inputs: DecisionInput[],
  ): Promise<Decision[]> {
    const prepared = await prepare(trx, scope, inputs)
    const created = await insertManyAudited(trx, audit, {
      table: 'decisions',
      entityType: 'decision',
      actor,
      values: prepared.map((input) => rowOf(actor, input, null)),
    })
    // Both dialects number the rows of one multi-row insert in the order of its values.
    const decisions = [...created].sort((a, b) => a.id - b.id)
    await insertLinks(
      trx,
      scope,
      decisions.map((decision, i) => ({ decision, input: prepared[i]! })),
    )
    return decisions
  }

  return {
    get,
    record,
    recordMany,

    async list(scope: Scope, f: DecisionFilter = {}): Promise<Decision[]> {
      let q = scoped(db, scope).selectAll('decisions')
      if (f.status) q = q.where('decisions.status', '=', f.status)
      if (f.capacity) q = q.where('decisions.capacity', '=', f.capacity)
      if (f.boardId) q = q.where('decisions.board_id', '=', f.boardId)
      if (f.recordType && f.recordId !== undefined) {
        const { recordType, recordId } = f
        q = q.where((eb) =>
          eb.exists(
            eb
              .selectFrom('decision_links as l')
              .select('l.id')
              .whereRef('l.decision_id', '=', 'decisions.id')
              .where('l.record_type', '=', recordType)
              .where('l.record_id', '=', recordId),
          ),
        )
      }
      return q
        .orderBy('decisions.decided_on', 'desc')
        .orderBy('decisions.id', 'desc')
        .limit(f.limit ?? 500)
        .offset(f.offset ?? 0)
        .execute()
    },

    links: (organisationId: number, decisionId: number, trx?: Db): Promise<DecisionLink[]> =>
      (trx ?? db)
        .selectFrom('decision_links')
        .selectAll()
        .where('organisation_id', '=', organisationId)
        .where('decision_id', '=', decisionId)
        .orderBy('id')
        .execute(),

    /** The decision that corrects this one, if any: both remain visible, each pointing to the other. */
    supersededBy: (scope: Scope, id: number): Promise<Decision | undefined> =>
      scoped(db, scope).selectAll('decisions').where('decisions.supersedes_id', '=', id).executeTakeFirst(),

    async create(actor: Actor, input: DecisionInput): Promise<Decision> {
      return db.transaction().execute((trx) => record(trx, scopeOf(actor), actor, input))
    },

    /** Changes a draft or an entry awaiting decision; a published decision is refused (DecisionPublished). */
    async update(
      actor: Actor,
      id: number,
      version: number,
      patch: Partial<DecisionInput>,
    ): Promise<Decision> {
      return db.transaction().execute(async (trx) => {
        const current = await get(scopeOf(actor), id, trx)
        if (!current) throw notFound('Decision')
        if (current.status === 'published') throw new DecisionPublished()
        if (current.version !== version) throw new ConflictError(current)
        const merged: DecisionInput = { ...toDecisionInput(current), ...patch, links: [] }
        const errors = validateDecision(merged)
        if (Object.keys(errors).length > 0) throw new ValidationError(errors)
        // Only a changed link is checked: a board or person since removed does not block other edits.
        await checkForeignIds(trx, actor, [
          {
            field: 'boardId',
            table: 'boards',
            id: merged.boardId === current.board_id ? null : merged.boardId,
          },
          {
            field: 'decidedByUserId',
            table: 'users',
            id: merged.decidedByUserId === current.decided_by_user_id ? null : merged.decidedByUserId,
          },
        ])
        return updateVersioned(trx, {
          table: 'decisions',
          entityType: 'decision',
          actor,
          current,
          version,
          changes: {
            ...toRow(merged),
            published_at: merged.status === 'published' ? new Date().toISOString() : null,
          },
        })
      })
    },

    /**
     * A correction: a new published decision that supersedes a published one. The original is left as it
     * was, so the log shows what was decided then and what was corrected, and when.
     */
    async supersede(actor: Actor, id: number, input: DecisionInput): Promise<Decision> {
      return db.transaction().execute(async (trx) => {
        const original = await get(scopeOf(actor), id, trx)
        if (!original) throw notFound('Decision')
        if (original.status !== 'published')
          throw new HttpError(409, 'Only a published decision is superseded; edit the draft instead', {
            status: 'This decision is not published: edit it instead',
          })
        const already = await trx
          .selectFrom('decisions')
          .select('id')
          .where('supersedes_id', '=', id)
          .executeTakeFirst()
        if (already)
          throw new HttpError(409, 'This decision has already been superseded; correct the newer decision', {
            supersedesId: 'Already superseded',
          })
        const links = input.links.length
          ? input.links
          : (await trx.selectFrom('decision_links').selectAll().where('decision_id', '=', id).execute()).map(
              (l) => ({ recordType: l.record_type as never, recordId: l.record_id }),
            )
        return record(trx, scopeOf(actor), actor, { ...input, status: 'published', links }, id)
      })
    },

    /** Decisions waiting for a Portfolio Holder (health rule: "decision awaiting a Portfolio Holder"). */
    awaitingPortfolioHolder: (scope: Scope): Promise<Decision[]> =>
      scoped(db, scope)
        .selectAll('decisions')
        .where('decisions.status', '=', 'awaiting_decision')
        .where('decisions.capacity', '=', 'portfolio_holder')
        .orderBy('decisions.id')
        .execute(),

    today: () => todayInLondon(),
  }
}

export type DecisionsService = ReturnType<typeof createDecisionsService>
