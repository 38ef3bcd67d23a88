/**
 * The ledger once imported: transactions by project and period, the suspense list of payments that
 * matched no project, putting them right (one at a time or by a cost mapping rule), saved column
 * mappings, and the Transparency Code spend export.
 */
import { setImmediate } from 'node:timers/promises'
import type { Kysely } from 'kysely'
import type { Actor, Scope } from '../../auth/actor.ts'
import { ownRow } from '../../db/owned-row.ts'
import { mappingOf, mappingsOf } from '../../imports/column-mappings.ts'
import type { ColumnMapping, CostMappingRule, DB, LedgerTransaction } from '../../db/schema.ts'
import { ConflictError, HttpError, notFound, ValidationError } from '../../errors.ts'
import { auditBy, insertAudited } from '../audit/versioned-update.ts'
import { DATE_FORMATS, LEDGER_FIELDS, type ColumnMap } from './ledger.formats.ts'
import { createLedgerRepository, matchRule } from './ledger.repository.ts'
import { whereProjectVisible } from '../../auth/visibility.ts'
import { wholeOrganisation } from '../../auth/visibility.ts'

export interface TransactionFilter {
  projectId?: number
  period?: string
  suspense?: boolean
  importId?: number
  offset?: number
  limit?: number
}

export const RULE_FIELDS = [
  { value: 'cost_centre', text: 'Cost centre (profit centre)' },
  { value: 'account_code', text: 'Account code' },
  { value: 'service_area', text: 'Service area (department)' },
  { value: 'expense_type', text: 'Expense type' },
] as const
export const RULE_TYPES = [
  { value: 'exact', text: 'is exactly' },
  { value: 'prefix', text: 'starts with' },
] as const

export interface RuleInput {
  matchField: string
  matchType: string
  matchValue: string
  projectId: number | null
  priority: number | null
}

export interface MappingInput {
  name: string
  columns: ColumnMap
  dateFormat: string
  delimiter: string
  encoding: string
  skipLines: number
}

const DELIMITERS = ['auto', ',', ';', '\t', '|']
const ENCODINGS = ['auto', 'utf-8', 'windows-1252']

export function validateRule(input: RuleInput): Record<string, string> {
  const e: Record<string, string> = {}
  if (!RULE_FIELDS.some((f) => f.value === input.matchField)) e.matchField = 'Select what the rule looks at'
  if (!RULE_TYPES.some((f) => f.value === input.matchType)) e.matchType = 'Select how the rule matches'
  if (input.matchValue.trim() === '') e.matchValue = 'Enter the code to match'
  else if (input.matchValue.length > 100) e.matchValue = 'The code must be 100 characters or fewer'
  if (input.projectId === null) e.projectId = 'Select the project the spend belongs to'
  if (input.priority !== null && (input.priority < 1 || input.priority > 9999))
    e.priority = 'Priority must be a whole number from 1 to 9999'
  return e
}

export function validateMapping(input: MappingInput): Record<string, string> {
  const e: Record<string, string> = {}
  const name = input.name.trim()
  if (name === '') e.name = 'Enter a name for the mapping'
  else if (name.length > 100) e.name = 'The name must be 100 characters or fewer'
  for (const f of LEDGER_FIELDS) {
    if (f.required && !input.columns[f.key]?.trim())
      e[`col_${f.key}`] = `Select the column that holds the ${f.label.toLowerCase()}`
  }
  const used = Object.values(input.columns).filter((v): v is string => Boolean(v))
  if (new Set(used).size !== used.length) e.columns = 'Each column can be used for one field only'
  if (!DATE_FORMATS.some((d) => d.value === input.dateFormat))
    e.dateFormat = 'Select how the file writes dates'
  if (!DELIMITERS.includes(input.delimiter)) e.delimiter = 'Select the delimiter'
  if (!ENCODINGS.includes(input.encoding)) e.encoding = 'Select the encoding'
  if (!Number.isInteger(input.skipLines) || input.skipLines < 0 || input.skipLines > 1000)
    e.skipLines = 'Lines to skip must be a whole number from 0 to 1000'
  return e
}

export function createLedgerService(db: Kysely<DB>) {
  const repo = createLedgerRepository(db)

  function scopedTransactions(scope: Scope) {
    let q = db
      .selectFrom('ledger_transactions')
      .where('ledger_transactions.organisation_id', '=', scope.organisationId)
    // A partner officer sees spend on shared projects only, never the suspense list.
    q = whereProjectVisible(q, scope, 'ledger_transactions.project_id')
    return q
  }

  async function projectInScope(scope: Scope, projectId: number) {
    const found = (await repo.projectOptions(scope)).find((p) => p.id === projectId)
    return found ?? null
  }

  /**
   * Deletes one of the organisation's saved import settings (a rule or a column mapping). The audit
   * event keeps what it said, so the spend it once placed can still be explained.
   */
  async function deleteSetting(
    actor: Actor,
    table: 'cost_mapping_rules' | 'column_mappings',
    entityType: string,
    id: number,
    what: string,
  ): Promise<void> {
    await db.transaction().execute(async (trx) => {
      const before = await ownRow(trx, table, actor, id)
      if (!before) throw notFound(what)
      await trx.deleteFrom(table).where('id', '=', id).execute()
      await auditBy(trx, actor, {
        action: 'delete',
        entityType,
        entityId: id,
        before,
      })
    })
  }

  return {
    projectOptions: (scope: Scope) => repo.projectOptions(scope),

    async transactions(scope: Scope, f: TransactionFilter): Promise<LedgerTransaction[]> {
      let q = scopedTransactions(scope).selectAll('ledger_transactions')
      if (f.projectId !== undefined) q = q.where('project_id', '=', f.projectId)
      if (f.suspense) q = q.where('project_id', 'is', null)
      if (f.period) q = q.where('period', '=', f.period)
      if (f.importId !== undefined) q = q.where('import_id', '=', f.importId)
      return q
        .orderBy('transaction_date', 'desc')
        .orderBy('id', 'desc')
        .offset(f.offset ?? 0)
        .limit(f.limit ?? 100)
        .execute()
    },

    async transaction(scope: Scope, id: number) {
      return scopedTransactions(scope)
        .selectAll('ledger_transactions')
        .where('id', '=', id)
        .executeTakeFirst()
    },

    async suspenseTotals(scope: Scope): Promise<{ count: number; pence: number }> {
      const r = await scopedTransactions(scope)
        .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.sum<number>('amount_pence').as('pence')])
        .where('project_id', 'is', null)
        .executeTakeFirst()
      return { count: Number(r?.count ?? 0), pence: Number(r?.pence ?? 0) }
    },

    /** Puts one payment on a project (or back into suspense with null); audited, stale versions refused. */
    async assign(
      actor: Actor,
      id: number,
      version: number,
      projectId: number | null,
    ): Promise<LedgerTransaction> {
      const scope = wholeOrganisation(actor.organisationId)
      if (projectId !== null && !(await projectInScope(scope, projectId)))
        throw new ValidationError({ projectId: 'Select a project' })
      return db.transaction().execute(async (trx) => {
        const current = await ownRow(trx, 'ledger_transactions', actor, id)
        if (!current) throw notFound('Transaction')
        if (current.version !== version) throw new ConflictError(current)
        const updated = await trx
          .updateTable('ledger_transactions')
          // Not updateVersioned: ledger rows have no updated_at (they are the finance system's record, not
          // ours); the same version check and audit event are made here.
          // eslint-disable-next-line no-restricted-syntax -- see above
          .set({ project_id: projectId, version: version + 1 })
          .where('id', '=', id)
          .where('version', '=', version)
          .returningAll()
          .executeTakeFirst()
        if (!updated) throw new ConflictError(current)
        await auditBy(trx, actor, {
          action: 'update',
          entityType: 'ledger_transaction',
          entityId: id,
          before: { projectId: current.project_id },
          after: { projectId },
        })
        return updated
      })
    },

    // ---- Rules ----
    async rules(scope: Scope) {
      return db
        .selectFrom('cost_mapping_rules')
        .innerJoin('projects', 'projects.id', 'cost_mapping_rules.project_id')
        .selectAll('cost_mapping_rules')
        .select(['projects.reference as project_reference', 'projects.name as project_name'])
        .where('cost_mapping_rules.organisation_id', '=', scope.organisationId)
        .orderBy('cost_mapping_rules.priority')
        .orderBy('cost_mapping_rules.id')
        .execute()
    },

    rule: (scope: Scope, id: number): Promise<CostMappingRule | undefined> =>
      ownRow(db, 'cost_mapping_rules', scope, id),

    async createRule(actor: Actor, input: RuleInput): Promise<CostMappingRule> {
      const errors = validateRule(input)
      const scope = wholeOrganisation(actor.organisationId)
      if (input.projectId !== null && !(await projectInScope(scope, input.projectId)))
        errors.projectId = 'Select the project the spend belongs to'
      if (Object.keys(errors).length > 0) throw new ValidationError(errors)
      return db.transaction().execute((trx) =>
        insertAudited(trx, {
          table: 'cost_mapping_rules',
          entityType: 'cost_mapping_rule',
          actor,
          values: {
            match_field: input.matchField,
            match_type: input.matchType,
            match_value: input.matchValue.trim(),
            project_id: input.projectId!,
            priority: input.priority ?? 100,
          },
        }),
      )
    },

    deleteRule: (actor: Actor, id: number) =>
      deleteSetting(actor, 'cost_mapping_rules', 'cost_mapping_rule', id, 'Rule'),

    /** Runs the rules over the suspense list; every payment a rule now matches moves to its project. */
    async applyRulesToSuspense(actor: Actor): Promise<number> {
      return db.transaction().execute(async (trx) => {
        const rules = await repo.rules(actor.organisationId, trx)
        const rows = await trx
          .selectFrom('ledger_transactions')
          .select(['id', 'cost_centre', 'account_code', 'service_area', 'expense_type', 'version'])
          .where('organisation_id', '=', actor.organisationId)
          .where('project_id', 'is', null)
          .execute()
        const byProject = new Map<number, number[]>()
        for (const r of rows) {
          const p = matchRule(rules, {
            costCentre: r.cost_centre,
            accountCode: r.account_code,
            serviceArea: r.service_area,
            expenseType: r.expense_type,
          })
          if (p !== null) byProject.set(p, [...(byProject.get(p) ?? []), r.id])
        }
        let moved = 0
        for (const [projectId, ids] of byProject) {
          for (let i = 0; i < ids.length; i += 500) {
            const chunk = ids.slice(i, i + 500)
            await trx
              .updateTable('ledger_transactions')
              .set((eb) => ({ project_id: projectId, version: eb('version', '+', 1) }))
              .where('id', 'in', chunk)
              .execute()
            moved += chunk.length
          }
        }
        if (moved > 0) {
          await auditBy(trx, actor, {
            action: 'apply_rules',
            entityType: 'ledger_suspense',
            entityId: actor.organisationId,
            after: Object.fromEntries([...byProject].map(([p, ids]) => [String(p), ids.length])),
          })
        }
        return moved
      })
    },

    // ---- Column mappings ----
    mappings: (scope: Scope): Promise<ColumnMapping[]> => mappingsOf(db, scope.organisationId, 'ledger'),

    mapping: (scope: Scope, id: number): Promise<ColumnMapping | undefined> =>
      mappingOf(db, scope.organisationId, 'ledger', { id }),

    async createMapping(actor: Actor, input: MappingInput): Promise<ColumnMapping> {
      const errors = validateMapping(input)
      if (Object.keys(errors).length > 0) throw new ValidationError(errors)
      return db.transaction().execute(async (trx) => {
        const taken = await mappingOf(trx, actor.organisationId, 'ledger', { name: input.name.trim() })
        if (taken) throw new ValidationError({ name: 'A mapping with this name already exists' })
        const columns = Object.fromEntries(Object.entries(input.columns).filter(([, v]) => Boolean(v)))
        return insertAudited(trx, {
          table: 'column_mappings',
          entityType: 'column_mapping',
          actor,
          values: {
            kind: 'ledger',
            name: input.name.trim(),
            columns_json: JSON.stringify(columns),
            date_format: input.dateFormat,
            delimiter: input.delimiter,
            encoding: input.encoding,
            skip_lines: input.skipLines,
          },
        })
      })
    },

    async deleteMapping(actor: Actor, id: number): Promise<void> {
      // The portfolio import's saved columns are not the ledger's to delete.
      if (!(await mappingOf(db, actor.organisationId, 'ledger', { id }))) throw notFound('Mapping')
      await deleteSetting(actor, 'column_mappings', 'column_mapping', id, 'Mapping')
    },

    /** Every payment on a programme's projects, oldest first, streamed a page at a time for the export. */
    async *programmeSpend(scope: Scope, programmeId: number) {
      // The programme's projects first (a handful), then their payments a page at a time by id. Joined to
      // projects in the page query, PostgreSQL read and sorted every remaining row for each page of 1,000.
      const projects = await db
        .selectFrom('projects')
        .select(['id', 'reference'])
        .where('organisation_id', '=', scope.organisationId)
        .where('programme_id', '=', programmeId)
        .execute()
      if (projects.length === 0) return
      const referenceOf = new Map(projects.map((p) => [p.id, p.reference]))
      const projectIds = [...referenceOf.keys()]
      let lastId = 0
      for (;;) {
        const rows = await scopedTransactions(scope)
          .selectAll('ledger_transactions')
          .where('ledger_transactions.project_id', 'in', projectIds)
          .where('ledger_transactions.id', '>', lastId)
          .orderBy('ledger_transactions.id')
          .limit(1000)
          .execute()
        if (rows.length === 0) return
        for (const row of rows) yield { ...row, project_reference: referenceOf.get(row.project_id!)! }
        lastId = rows[rows.length - 1]!.id
        // SQLite answers synchronously: let other requests in between pages, however fast the reader.
        await setImmediate()
      }
    },
  }
}

export type LedgerService = ReturnType<typeof createLedgerService>
export { HttpError }
