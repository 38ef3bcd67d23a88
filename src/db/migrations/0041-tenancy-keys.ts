import { sql, type Kysely } from 'kysely'
import { isPostgres } from './helpers.ts'

// Issue 14, "the database enforces tenancy": a foreign key between two organisation-owned tables names its
// parent by (organisation_id, id), so the database itself refuses a row that points at another council's
// record, and the schema can be distributed by organisation_id (docs/citus.md: co-located tables join and
// enforce keys on one node only when the key includes the distribution column).
//
// This converts the core keys: every key to programmes, projects, milestones and risks. The rest are counted
// in src/db/tenancy.ts (SINGLE_COLUMN_FOREIGN_KEYS) and converted by later migrations the same way.
//
// PostgreSQL only. SQLite changes a constraint only by rebuilding the table (copy every row into a new one,
// with its indexes and triggers, on every existing install); a SQLite database is one council on one
// machine and is never distributed, so it keeps single-column keys and the application's rule that every
// foreign id is checked within the organisation (src/db/foreign-ids.ts).

type DeleteRule = 'cascade' | 'restrict' | 'set null'

interface CompositeKey {
  table: string
  column: string
  parent: 'programmes' | 'projects' | 'milestones' | 'risks'
  onDelete: DeleteRule
}

const key = (table: string, column: string, parent: CompositeKey['parent'], onDelete: DeleteRule) => ({
  table,
  column,
  parent,
  onDelete,
})

/** The keys converted, each with the delete rule it had (and keeps). Frozen: a later migration adds its own. */
export const COMPOSITE_FOREIGN_KEYS: readonly CompositeKey[] = [
  key('projects', 'programme_id', 'programmes', 'restrict'),
  key('agenda_item_links', 'programme_id', 'programmes', 'cascade'),
  key('ambition_programmes', 'programme_id', 'programmes', 'cascade'),
  key('benefits', 'programme_id', 'programmes', 'cascade'),
  key('boards', 'programme_id', 'programmes', 'set null'),
  key('forward_plan_entries', 'programme_id', 'programmes', 'set null'),
  key('indicator_links', 'programme_id', 'programmes', 'cascade'),
  key('panel_reports', 'programme_id', 'programmes', 'cascade'),
  key('programme_definitions', 'programme_id', 'programmes', 'cascade'),
  key('recommendation_actions', 'programme_id', 'programmes', 'set null'),
  key('tolerance_exceptions', 'programme_id', 'programmes', 'cascade'),
  key('tolerance_settings', 'programme_id', 'programmes', 'cascade'),
  key('agenda_item_links', 'project_id', 'projects', 'cascade'),
  key('ambition_projects', 'project_id', 'projects', 'cascade'),
  key('asset_projects', 'project_id', 'projects', 'cascade'),
  key('assumptions', 'project_id', 'projects', 'cascade'),
  key('benefits', 'project_id', 'projects', 'cascade'),
  key('budget_lines', 'project_id', 'projects', 'cascade'),
  key('budget_monitoring', 'project_id', 'projects', 'cascade'),
  key('business_cases', 'project_id', 'projects', 'cascade'),
  key('claims', 'project_id', 'projects', 'set null'),
  key('commitments', 'project_id', 'projects', 'cascade'),
  key('cost_mapping_rules', 'project_id', 'projects', 'cascade'),
  key('dependencies', 'depends_on_project_id', 'projects', 'set null'),
  key('dependencies', 'project_id', 'projects', 'cascade'),
  key('forecasts', 'project_id', 'projects', 'cascade'),
  key('forward_plan_entries', 'project_id', 'projects', 'set null'),
  key('indicator_links', 'project_id', 'projects', 'cascade'),
  key('ledger_import_rows', 'project_id', 'projects', 'set null'),
  key('ledger_transactions', 'project_id', 'projects', 'set null'),
  key('milestones', 'project_id', 'projects', 'cascade'),
  key('outputs', 'project_id', 'projects', 'cascade'),
  key('partner_recharges', 'project_id', 'projects', 'cascade'),
  key('project_gates', 'project_id', 'projects', 'cascade'),
  key('project_partners', 'project_id', 'projects', 'cascade'),
  key('project_portfolio_figures', 'project_id', 'projects', 'cascade'),
  key('project_roles', 'project_id', 'projects', 'cascade'),
  key('raid_issues', 'project_id', 'projects', 'cascade'),
  key('recommendation_actions', 'project_id', 'projects', 'set null'),
  key('risks', 'project_id', 'projects', 'cascade'),
  key('role_early_warnings', 'project_id', 'projects', 'cascade'),
  key('status_reports', 'project_id', 'projects', 'cascade'),
  key('tolerance_exceptions', 'project_id', 'projects', 'cascade'),
  key('tolerance_settings', 'project_id', 'projects', 'cascade'),
  key('output_milestones', 'milestone_id', 'milestones', 'cascade'),
  key('asset_risks', 'risk_id', 'risks', 'cascade'),
  key('risk_actions', 'risk_id', 'risks', 'cascade'),
]

const PARENTS = ['programmes', 'projects', 'milestones', 'risks'] as const

// The names PostgreSQL gave the column-level `references` of the earlier migrations; kept, so an error
// message names the same constraint before and after.
const constraintName = (k: CompositeKey) => `${k.table}_${k.column}_fkey`
const parentKeyName = (parent: string) => `${parent}_organisation_id_id_key`

export async function up(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return
  // `on delete set null (column)` below is PostgreSQL 15's: say so, rather than fail on a syntax error.
  const version = await sql<{ v: string }>`select current_setting('server_version_num') as v`.execute(db)
  if (Number(version.rows[0]?.v) < 150000) throw new Error('Oversight needs PostgreSQL 15 or later')
  // A composite key needs a unique (organisation_id, id) on the parent; id alone stays the primary key.
  for (const parent of PARENTS) {
    await db.schema
      .alterTable(parent)
      .addUniqueConstraint(parentKeyName(parent), ['organisation_id', 'id'])
      .execute()
  }
  for (const k of COMPOSITE_FOREIGN_KEYS) {
    await db.schema.alterTable(k.table).dropConstraint(constraintName(k)).execute()
    if (k.onDelete === 'set null') {
      // `on delete set null` on a composite key would null organisation_id too (refused: it is not null);
      // PostgreSQL 15's column list nulls only the reference. The schema builder cannot say it.
      await sql`alter table ${sql.table(k.table)} add constraint ${sql.id(constraintName(k))}
        foreign key (organisation_id, ${sql.ref(k.column)}) references ${sql.table(k.parent)} (organisation_id, id)
        on delete set null (${sql.ref(k.column)})`.execute(db)
    } else {
      await db.schema
        .alterTable(k.table)
        .addForeignKeyConstraint(constraintName(k), ['organisation_id', k.column], k.parent, [
          'organisation_id',
          'id',
        ])
        .onDelete(k.onDelete)
        .execute()
    }
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  if (!isPostgres(db)) return
  for (const k of COMPOSITE_FOREIGN_KEYS) {
    await db.schema.alterTable(k.table).dropConstraint(constraintName(k)).execute()
    await db.schema
      .alterTable(k.table)
      .addForeignKeyConstraint(constraintName(k), [k.column], k.parent, ['id'])
      .onDelete(k.onDelete)
      .execute()
  }
  for (const parent of PARENTS) {
    await db.schema.alterTable(parent).dropConstraint(parentKeyName(parent)).execute()
  }
}
