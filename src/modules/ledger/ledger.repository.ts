import { whereProjectVisible } from '../../auth/visibility.ts'
import { sql, type Kysely, type Transaction } from 'kysely'
import { isPostgres } from '../../db/migrations/helpers.ts'
import type { Scope } from '../../auth/actor.ts'
import type { DB } from '../../db/schema.ts'

type Q = Kysely<DB> | Transaction<DB>

export interface CompiledRule {
  id: number
  field: 'cost_centre' | 'account_code' | 'service_area' | 'expense_type'
  type: 'exact' | 'prefix'
  value: string
  projectId: number
}

export function createLedgerRepository(db: Kysely<DB>) {
  return {
    /** The organisation's cost mapping rules, first match wins: lowest priority number, then oldest. */
    async rules(organisationId: number, q: Q = db): Promise<CompiledRule[]> {
      const rows = await q
        .selectFrom('cost_mapping_rules')
        .select(['id', 'match_field', 'match_type', 'match_value', 'project_id'])
        .where('organisation_id', '=', organisationId)
        .orderBy('priority')
        .orderBy('id')
        .execute()
      return rows.map((r) => ({
        id: r.id,
        field: r.match_field as CompiledRule['field'],
        type: r.match_type as CompiledRule['type'],
        value: r.match_value.trim().toLowerCase(),
        projectId: r.project_id,
      }))
    },

    /** Content hashes already held for these keys: a hit is a duplicate, a different hash a changed row. */
    async existingKeys(organisationId: number, keys: string[], q: Q = db): Promise<Map<string, string>> {
      const found = new Map<string, string>()
      if (keys.length === 0) return found
      const rows = await q
        .selectFrom('ledger_transactions')
        .select(['dedupe_key', 'content_hash'])
        .where('organisation_id', '=', organisationId)
        // One parameter however many keys: a 500-key IN list was most of the time of a validate pass.
        .where(
          isPostgres(db as unknown as Kysely<unknown>)
            ? sql<boolean>`dedupe_key = any(${keys}::text[])`
            : sql<boolean>`dedupe_key in (select value from json_each(${JSON.stringify(keys)}))`,
        )
        .execute()
      for (const r of rows) found.set(r.dedupe_key, r.content_hash)
      return found
    },

    async projectNames(organisationId: number, ids: number[]) {
      if (ids.length === 0) return new Map<number, { reference: string; name: string }>()
      const rows = await db
        .selectFrom('projects')
        .select(['id', 'reference', 'name'])
        .where('organisation_id', '=', organisationId)
        .where('id', 'in', ids)
        .execute()
      return new Map(rows.map((r) => [r.id, { reference: r.reference, name: r.name }]))
    },

    /** Projects a reader may map spend to; a partner officer only those shared with the partner. */
    async projectOptions(scope: Scope) {
      let q = db
        .selectFrom('projects')
        .select(['id', 'reference', 'name'])
        .where('organisation_id', '=', scope.organisationId)
      q = whereProjectVisible(q, scope, 'projects.id')
      return q.orderBy('reference').execute()
    },
  }
}

export type LedgerRepository = ReturnType<typeof createLedgerRepository>

/** The project a payment belongs to under the rules, or null for the suspense list. */
export function matchRule(
  rules: readonly CompiledRule[],
  row: { costCentre: string; accountCode: string; serviceArea: string; expenseType: string },
): number | null {
  for (const rule of rules) {
    const v = (
      rule.field === 'cost_centre'
        ? row.costCentre
        : rule.field === 'account_code'
          ? row.accountCode
          : rule.field === 'service_area'
            ? row.serviceArea
            : row.expenseType
    ).toLowerCase()
    if (v === '') continue
    if (rule.type === 'exact' ? v === rule.value : v.startsWith(rule.value)) return rule.projectId
  }
  return null
}
